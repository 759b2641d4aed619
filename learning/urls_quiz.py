"""Pages of quizzes and the question bank, under /study/ (added to ``learning.urls``' patterns)."""

from django.urls import path

from learning import views_questions, views_quiz

urlpatterns = [
    path("quizzes/", views_quiz.quiz_list, name="quiz_list"),
    path("quizzes/daily/", views_quiz.quiz_daily, name="quiz_daily"),
    path("quizzes/weekly/", views_quiz.quiz_weekly, name="quiz_weekly"),
    path("quizzes/challenge/", views_quiz.quiz_challenge, name="quiz_challenge"),
    path("exams/<int:exam_id>/", views_quiz.quiz_exam, name="quiz_exam"),
    path("attempts/<int:attempt_id>/", views_quiz.quiz_attempt, name="quiz_attempt"),
    path("attempts/<int:attempt_id>/answers/", views_quiz.quiz_answer, name="quiz_answer"),
    path("attempts/<int:attempt_id>/submit/", views_quiz.quiz_submit, name="quiz_submit"),
    path("questions/", views_questions.question_list, name="question_list"),
    path("questions/new/", views_questions.question_create, name="question_create"),
    path("questions/<int:question_id>/", views_questions.question_edit, name="question_edit"),
    path("questions/<int:question_id>/status/", views_questions.question_status, name="question_status"),
    path("questions/import/", views_questions.question_import, name="question_import"),
    path(
        "questions/import/template/",
        views_questions.question_import_template,
        name="question_import_template",
    ),
    path(
        "questions/import/<uuid:public_id>/",
        views_questions.question_import_preview,
        name="question_import_preview",
    ),
    path(
        "questions/import/<uuid:public_id>/apply/",
        views_questions.question_import_apply,
        name="question_import_apply",
    ),
    path("exams/", views_questions.exam_list, name="exam_list"),
    path("exams/new/", views_questions.exam_create, name="exam_create"),
    path("exams/<int:exam_id>/edit/", views_questions.exam_edit, name="exam_edit"),
    path("exams/<int:exam_id>/status/", views_questions.exam_status, name="exam_status"),
]
