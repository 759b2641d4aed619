"""The quiz API: permissions, no answer before submission, idempotent start and submit, query counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from learning.models import PointsEntry
from learning.models_quiz import Attempt, QuestionKind
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
SECRET_KEYS = ("right_options", "accepted", "explanation", "correct", "results")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def bank(tree):
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_IN]
    return [make_question(tree.branch_a1, kind=kind) for kind in kinds * 3]


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def start(client: Client, kind: str = "daily", **extra):
    return post(client, "/api/v1/quiz-attempts", {"kind": kind, **extra})


def assert_no_answers(body: str) -> None:
    assert EXPLANATION not in body
    assert ACCEPTED not in body
    data = json.loads(body)

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "result":
                    assert inner is None
                assert key not in SECRET_KEYS, key
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)


def test_the_quiz_api_needs_a_logged_in_person(tree):
    anonymous = client_for(None)
    assert anonymous.get("/api/v1/quizzes").status_code == 401
    assert start(anonymous).status_code == 401


def test_starting_twice_returns_the_same_attempt(personas, bank, clock):
    client = client_for(personas.student)
    first = start(client)
    second = start(client)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert len(first.json()["questions"]) == 5
    assert Attempt.objects.count() == 1


def test_no_response_of_an_open_attempt_holds_an_answer(personas, bank, clock):
    client = client_for(personas.student)
    started = start(client)
    assert_no_answers(started.content.decode())
    attempt = Attempt.objects.get()
    url = f"/api/v1/quiz-attempts/{attempt.pk}"
    assert_no_answers(client.get(url).content.decode())
    for index in range(5):
        answered = post(client, f"{url}/answers", {"index": index, **right_answer(attempt, index)})
        assert answered.status_code == 200, answered.content
        assert_no_answers(answered.content.decode())
    assert_no_answers(client.get("/api/v1/quizzes").content.decode())
    result = client.get(f"{url}/result")
    assert result.status_code == 409
    assert result.json()["error"]["code"] == "attempt_open"


def test_no_response_of_an_open_challenge_holds_an_answer(personas, bank, clock):
    client = client_for(personas.student)
    started = start(client, "challenge")
    assert len(started.json()["questions"]) == 1
    attempt = Attempt.objects.get()
    answered = post(
        client, f"/api/v1/quiz-attempts/{attempt.pk}/answers", {"index": 0, **right_answer(attempt, 0)}
    )
    assert answered.json()["right"] is True
    assert answered.json()["attempt"]["questions"][0]["index"] == 1
    assert_no_answers(answered.content.decode())


def test_after_submission_the_result_shows_the_right_answers_and_explanations(personas, bank, clock):
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    post(client, f"/api/v1/quiz-attempts/{attempt_id}/answers", {"index": 0, **right_answer(attempt, 0)})
    submitted = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit")
    assert submitted.status_code == 200
    body = submitted.json()
    assert (body["score"], body["total"], body["points"]) == (1, 5, 1)
    assert body["questions"][0]["right"] is True
    assert body["questions"][0]["explanation"] == EXPLANATION
    assert client.get(f"/api/v1/quiz-attempts/{attempt_id}/result").json() == body
    assert client.get(f"/api/v1/quiz-attempts/{attempt_id}").json()["result"] == body


def test_a_submission_retried_by_the_client_counts_once(personas, bank, clock):
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    for index in range(5):
        post(
            client,
            f"/api/v1/quiz-attempts/{attempt_id}/answers",
            {"index": index, **right_answer(attempt, index)},
        )
    bodies = [post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit").json() for _ in range(3)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert PointsEntry.objects.filter(person=personas.student).count() == 1
    assert PointsEntry.objects.get().points == 5


def test_an_answer_after_the_exam_time_limit_is_a_409_and_the_exam_is_graded(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), time_limit_minutes=1)
    client = client_for(personas.student)
    attempt_id = start(client, "exam", exam=exam.pk).json()["id"]
    clock.move_to(NOON + timedelta(minutes=2), tick=False)
    late = post(client, f"/api/v1/quiz-attempts/{attempt_id}/answers", {"index": 0, "choices": [0]})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "time_up"
    assert client.get(f"/api/v1/quiz-attempts/{attempt_id}/result").json()["ended_by"] == "time_up"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("secretary", 404), ("student", 200), ("system_admin", 404)],
)
def test_an_attempt_is_its_takers_alone(personas, bank, clock, persona, status):
    attempt_id = start(client_for(personas.student)).json()["id"]
    client = client_for(getattr(personas, persona))
    assert client.get(f"/api/v1/quiz-attempts/{attempt_id}").status_code == status
    expected_submit = 200 if status == 200 else 404
    assert post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit").status_code == expected_submit


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("student", 200), ("college_officer", 200)]
)
def test_an_exam_is_open_only_below_its_unit(personas, tree, clock, persona, status):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2))
    response = start(client_for(getattr(personas, persona)), "exam", exam=exam.pk)
    assert response.status_code == status


def test_starting_an_exam_without_its_id_names_the_field(personas, tree, clock):
    response = start(client_for(personas.student), "exam")
    assert response.status_code == 400
    assert "exam" in response.json()["error"]["fields"]


def test_a_bad_answer_names_the_field(personas, tree, clock):
    make_questions(tree.branch_a1, 5)
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    response = post(client, f"/api/v1/quiz-attempts/{attempt_id}/answers", {"index": 0, "choices": [42]})
    assert response.status_code == 400
    assert "choices" in response.json()["error"]["fields"]


def test_the_list_of_quizzes_shows_todays_state_and_open_exams(personas, tree, bank, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2))
    make_exam(tree.college_b, make_questions(tree.college_b, 2))
    client = client_for(personas.student)
    start(client)
    body = client.get("/api/v1/quizzes").json()
    assert body["daily"]["status"] == "open"
    assert body["weekly"] is None
    assert [item["id"] for item in body["exams"]] == [exam.pk]
    assert body["question_count"] == 14


def test_the_quiz_list_and_an_attempt_take_a_fixed_number_of_queries(
    personas, tree, clock, django_assert_num_queries
):
    make_questions(tree.branch_a1, 5)
    make_exam(tree.college_a, make_questions(tree.college_a, 2))
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    with django_assert_num_queries(9):
        client.get("/api/v1/quizzes")
    with django_assert_num_queries(4):
        client.get(f"/api/v1/quiz-attempts/{attempt_id}")
    for unit in (tree.college_a, tree.university):
        for _ in range(3):
            make_exam(unit, make_questions(unit, 3))
    make_questions(tree.branch_a1, 20)
    with django_assert_num_queries(9):
        client.get("/api/v1/quizzes")
    weekly_id = start(client, "weekly").json()["id"]
    with django_assert_num_queries(4):
        client.get(f"/api/v1/quiz-attempts/{weekly_id}")


def test_a_whole_daily_quiz_can_be_handed_in_with_the_submission(personas, bank, clock):
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    answers = [{"index": index, **right_answer(attempt, index)} for index in range(4)]

    submitted = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": answers})

    assert submitted.status_code == 200
    assert (submitted.json()["score"], submitted.json()["points"]) == (4, 4)
    retried = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": answers})
    assert retried.json() == submitted.json()
    assert PointsEntry.objects.filter(person=personas.student).count() == 1


def test_a_bad_answer_in_the_submission_names_it_and_records_nothing(personas, tree, clock):
    make_questions(tree.branch_a1, 5)
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    answers = [{"index": 0, **right_answer(attempt, 0)}, {"index": 1, "choices": [42]}]

    response = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": answers})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["answers[1].choices"]
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.answers == {}
    missing = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": [{"index": 9}]})
    assert list(missing.json()["error"]["fields"]) == ["answers[0].index"]


def test_a_submission_without_a_body_or_with_a_malformed_one(personas, bank, clock):
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    url = f"/api/v1/quiz-attempts/{attempt_id}/submit"
    malformed = client.post(url, '{"answers": [{"index": "first"}]}', content_type="application/json")
    assert (malformed.status_code, list(malformed.json()["error"]["fields"])) == (400, ["answers[0].index"])
    broken = client.post(url, "{", content_type="application/json")
    assert (broken.status_code, list(broken.json()["error"]["fields"])) == (400, ["__all__"])
    assert client.post(url).status_code == 200  # a form post without fields, as older clients send


def test_a_challenge_takes_no_answers_with_the_submission(personas, bank, clock):
    client = client_for(personas.student)
    attempt_id = start(client, "challenge").json()["id"]
    response = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": [{"index": 0}]})
    assert response.status_code == 400
    assert "answers" in response.json()["error"]["fields"]


def test_answers_sent_with_a_late_submission_do_not_count(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), time_limit_minutes=1)
    client = client_for(personas.student)
    attempt_id = start(client, "exam", exam=exam.pk).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    answers = [{"index": index, **right_answer(attempt, index)} for index in range(2)]
    clock.move_to(NOON + timedelta(minutes=2), tick=False)

    body = post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": answers}).json()

    assert (body["score"], body["ended_by"]) == (0, "time_up")


def test_submitting_a_whole_quiz_takes_a_fixed_number_of_queries(
    personas, bank, clock, django_assert_max_num_queries
):
    client = client_for(personas.student)
    attempt_id = start(client).json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    answers = [{"index": index, **right_answer(attempt, index)} for index in range(5)]
    with django_assert_max_num_queries(18):  # session, person, lock, questions, points (8), audits, save
        post(client, f"/api/v1/quiz-attempts/{attempt_id}/submit", {"answers": answers})
