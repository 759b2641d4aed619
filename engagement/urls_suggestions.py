"""Pages of the suggestion box; included by ``engagement/urls.py`` (namespace ``engagement``)."""

from django.urls import path

from engagement import views_suggestions as views

urlpatterns = [
    path("suggestions/", views.my_suggestions, name="my_suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:suggestion_id>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:suggestion_id>/replies/", views.suggestion_reply, name="suggestion_reply"),
    path(
        "suggestions/<int:suggestion_id>/follow-ups/", views.suggestion_follow_up, name="suggestion_follow_up"
    ),
    path("suggestions/<int:suggestion_id>/rating/", views.suggestion_rate, name="suggestion_rate"),
    path("suggestions/<int:suggestion_id>/handler/", views.suggestion_assign, name="suggestion_assign"),
    path("units/<int:unit_id>/suggestions/", views.unit_suggestions, name="unit_suggestions"),
]
