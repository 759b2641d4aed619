"""URLs of the compliance calendar, the democratic evaluation and one-on-one talks (in the orglife
namespace: orglife/urls.py includes this file)."""

from django.urls import path

from orglife import views_compliance, views_evaluation, views_talks

urlpatterns = [
    path("compliance/", views_compliance.compliance_index, name="compliance_index"),
    path("units/<int:unit_id>/compliance/", views_compliance.compliance_page, name="compliance"),
    path(
        "units/<int:unit_id>/compliance/theme-day/",
        views_compliance.compliance_theme_day,
        name="compliance_theme_day",
    ),
    path("units/<int:unit_id>/evaluations/", views_evaluation.evaluations, name="evaluations"),
    path("evaluations/<int:campaign_id>/", views_evaluation.evaluation, name="evaluation"),
    path(
        "evaluations/<int:campaign_id>/close-ballot/",
        views_evaluation.evaluation_close_ballot,
        name="evaluation_close_ballot",
    ),
    path(
        "evaluations/<int:campaign_id>/grades/", views_evaluation.evaluation_grades, name="evaluation_grades"
    ),
    path("me/evaluation/", views_evaluation.my_evaluation, name="my_evaluation"),
    path(
        "me/evaluation/<int:campaign_id>/self-assessment/",
        views_evaluation.my_self_assessment,
        name="my_self_assessment",
    ),
    path("me/evaluation/<int:campaign_id>/ballot/", views_evaluation.my_ballot, name="my_ballot"),
    path("units/<int:unit_id>/talks/", views_talks.talks, name="talks"),
]
