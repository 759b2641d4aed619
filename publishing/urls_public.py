from django.urls import path

from publishing import views_public

app_name = "channels"
urlpatterns = [
    path("media/<uuid:public_id>/", views_public.media, name="media"),
    path("language/<str:code>/", views_public.language, name="language"),
    path("<slug:slug>/", views_public.channel, name="channel"),
    path("<slug:slug>/feed/", views_public.feed, name="feed"),
    path("<slug:slug>/articles/<int:article_id>/", views_public.article, name="article"),
]
