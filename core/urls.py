from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/preferences/", views.notification_preferences, name="notification_preferences"),
    path("inbox/<int:notification_id>/open/", views.notification_open, name="notification_open"),
]
