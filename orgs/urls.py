from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("me/", views.my_profile, name="my_profile"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/members/", views.members, name="members"),
    path("units/<int:unit_id>/positions/", views.positions, name="positions"),
    path("units/<int:unit_id>/positions/lookup/", views.person_lookup, name="person_lookup"),
    path("positions/<int:position_id>/end/", views.position_end, name="position_end"),
    path("members/<int:person_id>/", views.member, name="member"),
    path("members/<int:person_id>/password/", views.member_issue_password, name="member_issue_password"),
    path("members/<int:person_id>/edit/", views.member_edit, name="member_edit"),
]
