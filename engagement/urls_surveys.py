"""Pages of surveys and polls; included by ``engagement/urls.py`` (namespace ``engagement``)."""

from django.urls import URLPattern, path

from engagement import views_surveys as views

urlpatterns: list[URLPattern] = [
    path("me/surveys/", views.my_surveys, name="my_surveys"),
    path("units/<int:unit_id>/surveys/", views.unit_surveys, name="unit_surveys"),
    path("units/<int:unit_id>/surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/build/", views.survey_builder, name="survey_builder"),
    path("surveys/<int:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:survey_id>/questions/", views.question_new, name="question_new"),
    path("surveys/<int:survey_id>/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/move/", views.question_move, name="question_move"
    ),
    path("surveys/<int:survey_id>/open/", views.survey_transition, {"action": "open"}, name="survey_open"),
    path("surveys/<int:survey_id>/close/", views.survey_transition, {"action": "close"}, name="survey_close"),
    path(
        "surveys/<int:survey_id>/remind/", views.survey_transition, {"action": "remind"}, name="survey_remind"
    ),
    path("surveys/<int:survey_id>/delete/", views.survey_delete, name="survey_delete"),
    path("surveys/<int:survey_id>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/export.xlsx", views.survey_export, name="survey_export"),
    path("polls/<int:poll_id>/", views.poll, name="poll"),
]
