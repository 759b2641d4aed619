"""A daily-quiz burst on PostgreSQL: parallel starts find one attempt, parallel submissions award once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from learning.models import PointsEntry
from learning.models_quiz import Attempt, AttemptKind, AttemptStatus
from learning.services_quiz import attempt_answer, attempt_start, attempt_submit
from learning.tests.factories_quiz import make_questions, right_answer

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
