"""The quiz pages: the list, starting, answering (htmx and plain), handing in, the result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from learning.models import PointsEntry
from learning.models_quiz import Attempt, AttemptStatus, Question, QuestionKind
from learning.tests.factories_quiz import (
    ACCEPTED,
    EXPLANATION,
    make_exam,
    make_question,
    make_questions,
    right_answer,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def bank(tree):
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_IN]
    return [make_question(tree.branch_a1, kind=kind) for kind in kinds * 2]


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def form_answer(attempt, index) -> dict[str, object]:
    given = right_answer(attempt, index)
    if "text" in given:
        return {f"q{index}_text": given["text"]}
    return {f"q{index}": [str(choice) for choice in given["choices"]]}


def test_the_quiz_page_needs_a_login(tree):
    response = Client().get("/study/quizzes/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["student", "outsider", "secretary", "system_admin"])
def test_everyone_logged_in_sees_their_quizzes(personas, bank, clock, persona):
    response = client_for(getattr(personas, persona)).get("/study/quizzes/")
    assert response.status_code == 200
    assert b"Daily quiz" in response.content


def test_the_quiz_page_lists_the_exams_of_the_persons_units_only(personas, tree, clock):
    make_exam(tree.college_a, make_questions(tree.college_a, 2), title="甲学院考试")
    make_exam(tree.college_b, make_questions(tree.college_b, 2), title="乙学院考试")
    body = client_for(personas.student).get("/study/quizzes/").content.decode()
    assert "甲学院考试" in body
    assert "乙学院考试" not in body


def test_the_quiz_page_takes_a_fixed_number_of_queries(personas, tree, clock, django_assert_num_queries):
    make_questions(tree.branch_a1, 6)
    client = client_for(personas.student)
    client.post("/study/quizzes/daily/")
    make_exam(tree.college_a, make_questions(tree.college_a, 2))
    with django_assert_num_queries(11) as small:
        client.get("/study/quizzes/")
    count = len(small.captured_queries)
    for _ in range(4):
        exam = make_exam(tree.university, make_questions(tree.university, 2))
        client.post(f"/study/exams/{exam.pk}/")
    with django_assert_num_queries(count):
        client.get("/study/quizzes/")


def test_starting_the_daily_quiz_opens_its_page_without_any_answer(personas, bank, clock):
    client = client_for(personas.student)
    response = client.post("/study/quizzes/daily/")
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/study/attempts/{attempt.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert EXPLANATION not in body
    assert ACCEPTED not in body
    assert "right answer" not in body
    assert page["Cache-Control"] == "no-store"


def test_a_get_cannot_start_a_quiz(personas, bank, clock):
    assert client_for(personas.student).get("/study/quizzes/daily/").status_code == 405


def test_answers_saved_with_htmx_survive_a_reload(personas, bank, clock):
    client = client_for(personas.student)
    client.post("/study/quizzes/daily/")
    attempt = Attempt.objects.get()
    response = client.post(
        f"/study/attempts/{attempt.pk}/answers/",
        {"index": "0", **form_answer(attempt, 0)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Saved" in response.content
    assert EXPLANATION.encode() not in response.content
    attempt.refresh_from_db()
    assert "0" in attempt.answers
    page = client.get(f"/study/attempts/{attempt.pk}/").content.decode()
    assert " checked" in page or right_answer(attempt, 0).get("text", "").strip() in page


def test_handing_in_the_plain_form_grades_it_and_shows_answers_and_explanations(personas, bank, clock):
    client = client_for(personas.student)
    client.post("/study/quizzes/daily/")
    attempt = Attempt.objects.get()
    answers = {}
    for index in range(attempt.total):
        answers.update(form_answer(attempt, index))
    response = client.post(f"/study/attempts/{attempt.pk}/submit/", answers)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == (AttemptStatus.SUBMITTED, 5)
    page = client.get(f"/study/attempts/{attempt.pk}/").content.decode()
    assert "5 of 5 right" in page
    assert EXPLANATION in page
    questions = Question.objects.in_bulk([item["q"] for item in attempt.items])
    marked = sum(len(questions[item["q"]].correct) for item in attempt.items)
    assert page.count("right answer</span>") == marked
    assert "your choice</span>" in page
    client.post(f"/study/attempts/{attempt.pk}/submit/", answers)  # a second tap
    assert PointsEntry.objects.filter(person=personas.student).count() == 1


def test_a_challenge_page_shows_one_question_and_moves_on_when_right(personas, tree, clock):
    make_questions(tree.branch_a1, 3)
    client = client_for(personas.student)
    client.post("/study/quizzes/challenge/")
    attempt = Attempt.objects.get()
    page = client.get(f"/study/attempts/{attempt.pk}/").content.decode()
    assert page.count("<fieldset") == 1
    client.post(f"/study/attempts/{attempt.pk}/answers/", {"index": "0", **form_answer(attempt, 0)})
    attempt.refresh_from_db()
    assert attempt.position == 1
    assert EXPLANATION not in client.get(f"/study/attempts/{attempt.pk}/").content.decode()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("secretary", 404), ("student", 200)])
def test_an_attempt_page_is_its_takers_alone(personas, bank, clock, persona, status):
    client_for(personas.student).post("/study/quizzes/daily/")
    attempt = Attempt.objects.get()
    client = client_for(getattr(personas, persona))
    assert client.get(f"/study/attempts/{attempt.pk}/").status_code == status
    expected = 302 if status == 200 else 404
    answered = client.post(f"/study/attempts/{attempt.pk}/answers/", {"index": "0", "q0": "0"})
    assert answered.status_code == expected
    assert client.post(f"/study/attempts/{attempt.pk}/submit/").status_code == expected


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("student", 200), ("college_officer", 200)]
)
def test_an_exam_page_is_open_below_its_unit_only(personas, tree, clock, persona, status):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2))
    assert client_for(getattr(personas, persona)).get(f"/study/exams/{exam.pk}/").status_code == status


def test_an_exam_page_after_its_time_limit_shows_the_graded_result(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), time_limit_minutes=3)
    client = client_for(personas.student)
    client.post(f"/study/exams/{exam.pk}/")
    attempt = Attempt.objects.get()
    clock.move_to(NOON + timedelta(minutes=4), tick=False)
    page = client.get(f"/study/attempts/{attempt.pk}/").content.decode()
    assert "Time was up" in page
    assert EXPLANATION in page


def test_an_empty_bank_says_so_on_the_quiz_page(personas, tree, clock):
    client = client_for(personas.student)
    response = client.post("/study/quizzes/daily/", follow=True)
    assert b"There are no questions for you yet" in response.content
