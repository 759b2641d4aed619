"""A daily-quiz burst on PostgreSQL: parallel starts find one attempt, parallel submissions award once."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from learning.models import PointsEntry
from learning.models_quiz import Attempt, AttemptKind, AttemptStatus
from learning.services_quiz import attempt_answer, attempt_start, attempt_submit
from learning.tests.factories_quiz import make_questions, right_answer
from orgs.tests.factories import make_person

THREADS = 10


def run_in_parallel(work) -> list[object]:
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel connections: PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_parallel_starts_of_the_daily_quiz_find_one_attempt(on_postgresql, tree, personas):
    make_questions(tree.branch_a1, 8)
    student = personas.student
    attempts = run_in_parallel(lambda: attempt_start(actor=student, kind=AttemptKind.DAILY).pk)
    assert len(set(attempts)) == 1
    assert Attempt.objects.filter(person=student).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_of_the_same_attempt_award_once(on_postgresql, tree, personas):
    make_questions(tree.branch_a1, 8)
    student = personas.student
    attempt = attempt_start(actor=student, kind=AttemptKind.DAILY)
    for index in range(attempt.total):
        attempt_answer(actor=student, attempt_id=attempt.pk, index=index, **right_answer(attempt, index))
    scores = run_in_parallel(lambda: attempt_submit(actor=student, attempt_id=attempt.pk).points)
    assert scores == [5] * THREADS
    assert PointsEntry.objects.filter(person=student).count() == 1
    assert PointsEntry.objects.get(person=student).points == 5
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_students_starting_and_submitting_through_http_loses_and_doubles_nothing(
    on_postgresql, tree, personas
):
    """A small daily-quiz burst through the API: every student taps start and submit twice."""
    make_questions(tree.branch_a1, 12)
    students = [make_person(tree.branch_a1) for _ in range(THREADS * 4)]
    statuses: list[int] = []

    def take(student) -> None:
        client = Client()
        client.force_login(student)
        for _ in range(2):  # a double tap on start
            response = client.post(
                "/api/v1/quiz-attempts", json.dumps({"kind": "daily"}), content_type="application/json"
            )
            statuses.append(response.status_code)
        attempt = Attempt.objects.get(person=student)
        body = json.dumps({"index": 0, **right_answer(attempt, 0)})
        statuses.append(
            client.post(
                f"/api/v1/quiz-attempts/{attempt.pk}/answers", body, content_type="application/json"
            ).status_code
        )
        for _ in range(2):  # and on submit (an empty POST, as clients that answer one by one send)
            statuses.append(client.post(f"/api/v1/quiz-attempts/{attempt.pk}/submit").status_code)

    queue = list(students)
    lock = threading.Lock()

    def drain() -> None:
        while True:
            with lock:
                if not queue:
                    return
                student = queue.pop()
            take(student)

    run_in_parallel(drain)
    assert set(statuses) == {200}
    assert len(statuses) == len(students) * 5
    assert Attempt.objects.filter(person__in=students).count() == len(students)
    assert PointsEntry.objects.filter(person__in=students).count() == len(students)
    assert all(entry.points == 1 for entry in PointsEntry.objects.filter(person__in=students))
