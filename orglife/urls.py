from django.urls import URLPattern, URLResolver, include, path

from orglife import views

app_name = "orglife"
urlpatterns: list[URLPattern | URLResolver] = [
    path("me/meetings/", views.my_meetings, name="my_meetings"),
    path("me/calendar-feed/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>/meetings.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
    path("units/<int:unit_id>/meetings/", views.unit_meetings, name="unit_meetings"),
    path("units/<int:unit_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("units/<int:unit_id>/people/", views.people_search, name="people_search"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/answer/", views.meeting_answer, name="meeting_answer"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("invitations/<int:invitation_id>/leave/", views.leave_decide, name="leave_decide"),
    path("", include("orglife.urls_checkin")),
    path("", include("orglife.urls_compliance")),
]
