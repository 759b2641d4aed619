"""Pages of comments, likes and favourites; included by ``engagement/urls.py`` (namespace ``engagement``)."""

from django.urls import path

from engagement import views_comments as views

urlpatterns = [
    path("comments/<str:kind>/<int:target_id>/", views.comments, name="comments"),
    path("comments/<int:comment_id>/like/", views.comment_like, name="comment_like"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/hide/", views.comment_hide, name="comment_hide"),
    path("comments/<int:comment_id>/report/", views.comment_report, name="comment_report"),
    path("comments/<int:comment_id>/restore/", views.comment_restore, name="comment_restore"),
    path("likes/<str:kind>/<int:target_id>/", views.item_like, name="item_like"),
    path("favourites/", views.favourites, name="favourites"),
    path("favourites/<str:kind>/<int:target_id>/", views.favourite_toggle, name="favourite_toggle"),
]
