from django.urls import path

from publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.index, name="index"),
    path("reviews/", views.reviews, name="reviews"),
    path("channels/<int:channel_id>/articles/new/", views.article_new, name="article_new"),
    path("channels/<int:channel_id>/media/", views.media_upload, name="media_upload"),
    path("units/<int:unit_id>/channel/", views.channel_edit, name="channel_edit"),
    path("articles/<int:article_id>/", views.article, name="article"),
    path("articles/<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:article_id>/submit/", views.article_submit, name="article_submit"),
    path("articles/<int:article_id>/review/", views.review, name="review"),
    path("articles/<int:article_id>/withdraw/", views.article_withdraw, name="article_withdraw"),
    path("articles/<int:article_id>/pin/", views.article_pin, name="article_pin"),
    path("articles/<int:article_id>/revisions/", views.revision_compare, name="compare"),
    path("articles/<int:article_id>/wechat/", views.wechat_export, name="wechat"),
]
