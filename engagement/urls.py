from django.urls import path

app_name = "engagement"

urlpatterns: list = []

# --- Comments, likes and favourites (engagement/views_comments.py) ---
from engagement import views_comments  # noqa: E402

urlpatterns += [
    path("comments/<str:kind>/<int:target_id>/", views_comments.comments, name="comments"),
    path("comments/<int:comment_id>/like/", views_comments.comment_like, name="comment_like"),
    path("comments/<int:comment_id>/delete/", views_comments.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/hide/", views_comments.comment_hide, name="comment_hide"),
    path("comments/<int:comment_id>/report/", views_comments.comment_report, name="comment_report"),
    path("comments/<int:comment_id>/restore/", views_comments.comment_restore, name="comment_restore"),
    path("favourites/", views_comments.favourites, name="favourites"),
    path("favourites/<str:kind>/<int:target_id>/", views_comments.favourite_toggle, name="favourite_toggle"),
]

from engagement.urls_suggestions import urlpatterns as suggestion_urls  # noqa: E402

urlpatterns += suggestion_urls

from engagement.urls_notices import urlpatterns as notice_urls  # noqa: E402

urlpatterns += notice_urls

# Surveys and polls (engagement/urls_surveys.py).
from django.urls import include, re_path  # noqa: E402

urlpatterns.append(re_path(r"^", include("engagement.urls_surveys")))
