"""Parallel submissions against PostgreSQL: the same key sent at once records once, and different
submissions for the same person never pay the same month twice. SQLite runs writers one at a time,
so these tests need PostgreSQL (CI's second pass, or DATABASE_URL locally)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from dues import services
from dues.models import DuesPayment, DuesSubmission
from dues.tests.helpers import make_member, set_base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]

THREADS = 8


def run_at_once(count: int, work) -> list[object]:
    """Run ``work(index)`` in ``count`` threads released together; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def payer(tree, personas):
    person = make_member(tree.branch_a1)
    set_base(personas.secretary, person, date(2026, 1, 1))
    return person


def test_the_same_key_sent_in_parallel_records_once(tree, personas, payer):
    def submit(_index: int) -> services.Recorded:
        return services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(payer.pk, 3)],
            idempotency_key="parallel-key-0001",
        )

    results = run_at_once(THREADS, submit)
    assert all(isinstance(result, services.Recorded) for result in results), results
    assert sum(not result.replayed for result in results) == 1  # type: ignore[union-attr]
    assert DuesSubmission.objects.count() == 1
    assert DuesPayment.objects.filter(person=payer).count() == 3


def test_different_submissions_in_parallel_never_pay_a_month_twice(tree, personas, payer):
    def submit(index: int) -> services.Recorded:
        return services.payments_record(
            actor=personas.secretary,
            unit=tree.branch_a1,
            entries=[services.PaymentEntry(payer.pk, 1)],
            idempotency_key=f"parallel-key-1{index:03d}",
        )

    results = run_at_once(THREADS, submit)
    assert all(isinstance(result, services.Recorded) for result in results), results
    months = list(DuesPayment.objects.filter(person=payer).values_list("month", flat=True))
    assert len(months) == THREADS
    assert len(set(months)) == THREADS
