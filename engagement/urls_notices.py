"""Pages of notices; included by ``engagement/urls.py`` (namespace ``engagement``)."""

from django.urls import path

from engagement import views_notices as views

urlpatterns = [
    path("notices/", views.my_notices, name="my_notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("units/<int:unit_id>/notices/new/", views.notice_new, name="unit_notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/<int:notice_id>/receipts/", views.notice_receipts, name="notice_receipts"),
    path("notices/<int:notice_id>/receipts/remind/", views.notice_remind, name="notice_remind"),
]
