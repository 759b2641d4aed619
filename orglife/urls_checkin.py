"""Check-in, attendance and meeting-record pages; included by ``orglife/urls.py`` (namespace ``orglife``)."""

from django.urls import path

from orglife import views_checkin, views_record

urlpatterns = [
    path("checkin/", views_checkin.checkin_entry, name="checkin"),
    path("checkin/<int:meeting_id>/", views_checkin.checkin_meeting, name="checkin_meeting"),
    path("me/attendance/", views_checkin.my_attendance, name="my_attendance"),
    path("meetings/<int:meeting_id>/checkin/screen/", views_checkin.checkin_screen, name="checkin_screen"),
    path(
        "meetings/<int:meeting_id>/checkin/code/",
        views_checkin.checkin_screen_code,
        name="checkin_screen_code",
    ),
    path("meetings/<int:meeting_id>/checkin/live/", views_checkin.checkin_live, name="checkin_live"),
    path("meetings/<int:meeting_id>/attendance/", views_checkin.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/attendance/present/", views_checkin.mark_present, name="mark_present"),
    path("meetings/<int:meeting_id>/record/", views_record.record, name="record"),
    path("meetings/<int:meeting_id>/record/minutes/", views_record.minutes_save, name="record_minutes"),
    path(
        "meetings/<int:meeting_id>/record/resolutions/",
        views_record.resolution_add,
        name="record_resolution_add",
    ),
    path(
        "meetings/<int:meeting_id>/record/resolutions/<int:resolution_id>/remove/",
        views_record.resolution_remove,
        name="record_resolution_remove",
    ),
    path("meetings/<int:meeting_id>/record/tasks/", views_record.task_add, name="record_task_add"),
    path(
        "meetings/<int:meeting_id>/record/tasks/<int:task_id>/done/",
        views_record.task_done,
        name="record_task_done",
    ),
    path("meetings/<int:meeting_id>/record/photos/", views_record.photo_add, name="record_photo_add"),
    path("meetings/<int:meeting_id>/record/close/", views_record.meeting_close, name="record_close"),
    path(
        "meetings/<int:meeting_id>/record/amendments/",
        views_record.amendment_add,
        name="record_amendment_add",
    ),
]
