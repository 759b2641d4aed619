"""The demo university's study material (learning/demo.py), loaded by seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from learning import queries
from learning.demo_quiz import demo_question_data
from learning.imports_questions import check_question
from learning.models import Course, Lesson, LessonProgress
from learning.models_quiz import Exam, ExamStatus, Question, QuestionKind
from learning.services_quiz import attempt_answer, attempt_start, attempt_submit
from learning.tests.factories_quiz import right_answer
from orgs.management.demo_plan import PERSONAS, UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_a_demo_student_finds_a_required_course_and_the_intensive_track(client):
    seed()
    member = Membership.objects.select_related("person").first()
    home = queries.study_home(member.person)
    assert len(home.required) == 1 and home.required[0].due_on is not None
    assert home.recommended and home.micro
    hours = queries.training_hours(member.person, "intensive")
    assert (hours.hours, hours.required_hours) == (0, 24)
    client.force_login(member.person)
    assert client.get(reverse("learning:home")).status_code == 200


def test_loading_the_demo_again_creates_nothing():
    seed()
    counts = (Course.objects.count(), Lesson.objects.count())
    seed()
    assert (Course.objects.count(), Lesson.objects.count()) == counts


def test_the_demo_bank_holds_real_questions_of_every_type_with_explanations():
    seed()
    university = OrgUnit.objects.get(code=UNIVERSITY_CODE)
    questions = list(Question.objects.filter(unit=university))
    assert len(questions) >= 30
    assert {question.kind for question in questions} == set(QuestionKind.values)
    assert all(question.explanation and question.tag_list for question in questions)
    assert all(not check_question(data) for data in demo_question_data())


@pytest.mark.parametrize("number", [persona.number for persona in PERSONAS if persona.number != "admin"])
def test_each_demo_persona_takes_the_daily_and_weekly_quiz(number):
    seed()
    person = User.objects.get(number=number)
    daily = attempt_start(actor=person, kind="daily")
    weekly = attempt_start(actor=person, kind="weekly")
    assert (daily.total, weekly.total) == (5, 10)
    for index in range(daily.total):
        attempt_answer(actor=person, attempt_id=daily.pk, index=index, **right_answer(daily, index))
    assert attempt_submit(actor=person, attempt_id=daily.pk).points == 5


def test_the_demo_exam_is_the_quiz_of_a_demo_lesson_and_passing_it_completes_the_lesson():
    seed()
    student = User.objects.get(number=next(p.number for p in PERSONAS if p.password == "demo-student"))
    lesson = Lesson.objects.select_related("quiz").get(title="党的性质和宗旨")
    assert lesson.quiz is not None and lesson.quiz.status == ExamStatus.PUBLISHED
    assert lesson.quiz.questions.count() == 5
    LessonProgress.objects.create(person=student, lesson=lesson, credited_seconds=lesson.length_seconds)
    attempt = attempt_start(actor=student, kind="exam", exam=lesson.quiz)
    for index in range(attempt.total):
        attempt_answer(actor=student, attempt_id=attempt.pk, index=index, **right_answer(attempt, index))
    attempt_submit(actor=student, attempt_id=attempt.pk)
    assert LessonProgress.objects.get(person=student, lesson=lesson).completed_at is not None


def test_loading_the_demo_again_creates_no_question_or_exam():
    assert "questions" in seed()
    counts = (Question.objects.count(), Exam.objects.count())
    assert "questions" not in seed()
    assert (Question.objects.count(), Exam.objects.count()) == counts
