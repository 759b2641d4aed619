"""A lesson's quiz: the completion waits for a passed attempt (60% right) of the lesson's topic exam,
and an author sets the quiz only to an exam of their banks that every learner of the course can take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from core.errors import FieldErrors
from learning import services
from learning.models import Enrolment, LessonProgress
from learning.models_quiz import LESSON_QUIZ_PASS_PERCENT, ExamStatus, is_pass
from learning.services_quiz import attempt_answer, attempt_start, attempt_submit
from learning.services_study import lesson_heartbeat, lesson_quiz_passed
from learning.tests.factories import make_course
from learning.tests.factories_quiz import make_exam, make_questions, right_answer, wrong_answer

pytestmark = pytest.mark.django_db

OK, BAD, FORBIDDEN, NOT_FOUND = 200, 400, 403, 404
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def exam(tree):
    return make_exam(tree.college_a, make_questions(tree.college_a, 5), title="党章测验", max_attempts=3)


@pytest.fixture
def lesson(tree, exam):
    lesson = make_course(tree.college_a, lessons=1, length=60).lessons.get()
    lesson.quiz = exam
    lesson.save(update_fields=["quiz"])
    return lesson


def credit_the_time(person, lesson):
    """Heartbeats every 15 s until the lesson's whole length (60 s) is credited."""
    for second in range(0, 76, 15):
        lesson_heartbeat(
            person=person, lesson=lesson, tab="t", visible=True, at=T0 + timedelta(seconds=second)
        )
    assert LessonProgress.objects.get(person=person, lesson=lesson).credited_seconds >= lesson.needed_seconds


def take_the_quiz(person, exam, right: int):
    attempt = attempt_start(actor=person, kind="exam", exam=exam)
    for index in range(attempt.total):
        answer = right_answer(attempt, index) if index < right else wrong_answer(attempt, index)
        attempt_answer(actor=person, attempt_id=attempt.pk, index=index, **answer)
    return attempt_submit(actor=person, attempt_id=attempt.pk)


def progress_of(person, lesson):
    return LessonProgress.objects.get(person=person, lesson=lesson)


def test_the_pass_mark_is_sixty_percent_of_the_questions_of_the_attempt():
    assert LESSON_QUIZ_PASS_PERCENT == 60
    assert (is_pass(3, 5), is_pass(2, 5), is_pass(6, 10), is_pass(5, 10), is_pass(0, 0)) == (
        True,
        False,
        True,
        False,
        False,
    )


def test_the_completion_waits_for_the_quiz_once_the_time_is_credited(personas, lesson):
    credit_the_time(personas.student, lesson)
    assert progress_of(personas.student, lesson).completed_at is None
    assert lesson_quiz_passed(personas.student, lesson) is False
    assert Enrolment.objects.get(person=personas.student, course=lesson.course).completed_at is None


def test_a_failed_attempt_does_not_complete_the_lesson(personas, lesson, exam):
    credit_the_time(personas.student, lesson)
    attempt = take_the_quiz(personas.student, exam, right=2)
    assert (attempt.score, attempt.total) == (2, 5)
    assert progress_of(personas.student, lesson).completed_at is None
    assert lesson_quiz_passed(personas.student, lesson) is False


def test_a_passed_attempt_completes_the_lesson_and_course_without_another_heartbeat(personas, lesson, exam):
    credit_the_time(personas.student, lesson)
    take_the_quiz(personas.student, exam, right=2)
    take_the_quiz(personas.student, exam, right=3)
    assert progress_of(personas.student, lesson).completed_at is not None
    assert Enrolment.objects.get(person=personas.student, course=lesson.course).completed_at is not None


def test_a_quiz_passed_before_the_time_completes_the_lesson_when_the_time_is_credited(personas, lesson, exam):
    lesson_heartbeat(person=personas.student, lesson=lesson, tab="t", visible=True, at=T0)
    take_the_quiz(personas.student, exam, right=5)
    assert progress_of(personas.student, lesson).completed_at is None
    credit_the_time(personas.student, lesson)
    assert progress_of(personas.student, lesson).completed_at is not None


def test_someone_elses_pass_does_not_count(personas, lesson, exam):
    credit_the_time(personas.student, lesson)
    take_the_quiz(personas.activist, exam, right=5)
    assert lesson_quiz_passed(personas.student, lesson) is False
    assert progress_of(personas.student, lesson).completed_at is None


def test_a_pass_does_not_open_progress_in_lessons_the_person_never_started(personas, lesson, exam):
    take_the_quiz(personas.student, exam, right=5)
    assert not LessonProgress.objects.filter(person=personas.student, lesson=lesson).exists()


# --- The lesson page -----------------------------------------------------------------------------------


def test_the_lesson_page_offers_the_quiz_once_the_time_is_credited(client, personas, lesson, exam):
    client.force_login(personas.student)
    url = reverse("learning:lesson", args=[lesson.pk])
    exam_url = reverse("learning:quiz_exam", args=[exam.pk])
    page = client.get(url).content.decode()
    assert "党章测验" in page and "data-study-quiz-ready hidden" in page and exam_url in page
    credit_the_time(personas.student, lesson)
    page = client.get(url).content.decode()
    assert "data-study-quiz-ready hidden" not in page and "data-study-quiz-wait hidden" in page


def test_after_a_pass_the_lesson_page_and_the_result_say_completed(client, personas, lesson, exam):
    credit_the_time(personas.student, lesson)
    attempt = take_the_quiz(personas.student, exam, right=4)
    client.force_login(personas.student)
    result = client.get(reverse("learning:quiz_attempt", args=[attempt.pk]))
    assert [found.pk for found in result.context["lessons"]] == [lesson.pk]
    assert result.context["lessons"][0].done_at is not None
    page = client.get(reverse("learning:lesson", args=[lesson.pk]))
    assert page.context["quiz"].passed and page.context["progress"].completed_at is not None


def test_a_lesson_without_a_quiz_shows_none(client, tree, personas):
    lesson = make_course(tree.college_a).lessons.get()
    client.force_login(personas.student)
    response = client.get(reverse("learning:lesson", args=[lesson.pk]))
    assert response.context["quiz"] is None and "lesson-quiz-heading" not in response.content.decode()


# --- Setting the quiz: who may, and which exams ------------------------------------------------------------


@pytest.fixture
def branch_lesson(tree):
    return make_course(tree.branch_a1, lessons=1).lessons.get()


def edit(lesson, quiz):
    return {"title": lesson.title, "body": lesson.body, "length_seconds": lesson.length_seconds, "quiz": quiz}


QUIZ_FIELD_MATRIX = {
    "outsider": NOT_FOUND,
    "student": FORBIDDEN,
    "discipline": FORBIDDEN,
    "secretary": OK,
    "college_officer": OK,
}


@pytest.mark.parametrize(("persona", "expected"), QUIZ_FIELD_MATRIX.items())
def test_setting_a_lessons_quiz_answers_each_persona(
    client, tree, personas, discipline, branch_lesson, persona, expected
):
    exam = make_exam(tree.branch_a1, make_questions(tree.branch_a1, 3))
    client.force_login(discipline if persona == "discipline" else getattr(personas, persona))
    url = reverse("learning:author_lesson", args=[branch_lesson.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, edit(branch_lesson, exam.pk))
    assert response.status_code == (302 if expected == OK else expected)
    branch_lesson.refresh_from_db()
    assert branch_lesson.quiz_id == (exam.pk if expected == OK else None)


def test_the_quiz_field_offers_only_the_authors_exams_that_reach_the_courses_learners(
    client, tree, personas, branch_lesson
):
    own = make_exam(tree.branch_a1, title="支部测验")
    draft = make_exam(tree.branch_a1, title="草稿测验", status=ExamStatus.DRAFT)
    make_exam(tree.branch_a1, title="已关闭", status=ExamStatus.CLOSED)
    make_exam(tree.college_a, title="学院测验")  # above the course, but not the secretary's bank
    make_exam(tree.branch_a2, title="兄弟支部测验")
    make_exam(tree.branch_b1, title="外院测验")
    client.force_login(personas.secretary)
    form = client.get(reverse("learning:author_lesson", args=[branch_lesson.pk])).context["form"]
    assert {exam.pk for exam in form.fields["quiz"].queryset} == {own.pk, draft.pk}


def test_the_college_officer_may_set_a_college_exam_on_a_branch_lesson(client, tree, personas, branch_lesson):
    college = make_exam(tree.college_a, title="学院测验")
    client.force_login(personas.college_officer)
    response = client.post(
        reverse("learning:author_lesson", args=[branch_lesson.pk]), edit(branch_lesson, college.pk)
    )
    assert response.status_code == 302
    branch_lesson.refresh_from_db()
    assert branch_lesson.quiz_id == college.pk


@pytest.mark.parametrize("where", ["branch_a2", "branch_b1", "college_a"])
def test_an_exam_out_of_reach_is_refused_on_the_quiz_field(client, tree, personas, branch_lesson, where):
    other = make_exam(getattr(tree, where), title="别处测验")
    client.force_login(personas.secretary)
    response = client.post(
        reverse("learning:author_lesson", args=[branch_lesson.pk]), edit(branch_lesson, other.pk)
    )
    assert response.status_code == BAD
    errors = response.context["form"].errors["quiz"]
    assert "每位学员" in errors[0] or "every learner" in errors[0]
    branch_lesson.refresh_from_db()
    assert branch_lesson.quiz_id is None


def test_the_service_names_the_quiz_field_for_each_refusal(tree, personas, branch_lesson):
    def set_quiz(exam):
        return services.lesson_update(
            actor=personas.secretary,
            lesson=branch_lesson,
            title=branch_lesson.title,
            body=branch_lesson.body,
            length_seconds=None,
            quiz=exam,
        )

    for exam in (
        make_exam(tree.branch_a2),  # a sibling's learners only
        make_exam(tree.college_a),  # reaches them, but is not the secretary's bank
        make_exam(tree.branch_a1, status=ExamStatus.CLOSED),
    ):
        with pytest.raises(FieldErrors) as refused:
            set_quiz(exam)
        assert list(refused.value.fields) == ["quiz"]
    own = make_exam(tree.branch_a1)
    assert set_quiz(own).quiz_id == own.pk
    assert set_quiz(None).quiz_id is None


def test_a_closed_quiz_stays_when_the_lesson_is_saved_again(client, tree, personas, branch_lesson):
    exam = make_exam(tree.branch_a1)
    branch_lesson.quiz = exam
    branch_lesson.save(update_fields=["quiz"])
    exam.status = ExamStatus.CLOSED
    exam.save(update_fields=["status"])
    client.force_login(personas.secretary)
    response = client.post(
        reverse("learning:author_lesson", args=[branch_lesson.pk]),
        {**edit(branch_lesson, exam.pk), "title": "新标题"},
    )
    assert response.status_code == 302
    branch_lesson.refresh_from_db()
    assert (branch_lesson.title, branch_lesson.quiz_id) == ("新标题", exam.pk)


def test_the_api_gives_the_lessons_quiz_and_whether_it_is_passed(client, personas, lesson, exam):
    client.force_login(personas.student)
    url = f"/api/v1/study/lessons/{lesson.pk}"
    assert client.get(url).json()["quiz"] == {
        "exam_id": exam.pk,
        "title": "党章测验",
        "pass_percent": 60,
        "passed": False,
        "is_open": True,
        "attempts_used": 0,
        "max_attempts": 3,
    }
    credit_the_time(personas.student, lesson)
    take_the_quiz(personas.student, exam, right=3)
    body = client.get(url).json()
    assert (body["quiz"]["passed"], body["quiz"]["attempts_used"]) == (True, 1)
    assert body["progress"]["completed_at"] is not None


def test_the_api_gives_no_quiz_for_a_lesson_without_one(client, tree, personas):
    lesson = make_course(tree.college_a).lessons.get()
    client.force_login(personas.student)
    assert client.get(f"/api/v1/study/lessons/{lesson.pk}").json()["quiz"] is None


def test_the_course_page_of_the_author_names_each_lessons_quiz(client, personas, lesson, exam):
    client.force_login(personas.college_officer)
    response = client.get(reverse("learning:author_course", args=[lesson.course_id]))
    assert "测验：党章测验" in response.content.decode()
