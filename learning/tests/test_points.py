"""The points ledger: daily caps, local midnight, idempotency, append-only rows."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, connections

from core.errors import DomainError
from learning.models import PointsDay, PointsEntry, PointsRule
from learning.queries_points import points_history, points_today, points_total
from learning.services_points import points_award

pytestmark = pytest.mark.django_db


def award(person, rule="reading", key="k1", units=1, **extra):
    return points_award(person=person, rule_code=rule, key=key, reason="test", units=units, **extra)


def test_the_default_rules_of_the_domain_exist_with_their_caps(tree):
    caps = dict(PointsRule.objects.values_list("code", "daily_cap"))
    assert caps == {
        "login": 1,
        "reading": 6,
        "reading_time": 6,
        "video_time": 6,
        "daily_quiz": 5,
        "weekly_quiz": 5,
        "topic_exam": 10,
        "challenge": 6,
        "comment": 2,
    }
    assert PointsRule.objects.get(code="reading_time").unit_seconds == 120
    assert PointsRule.objects.get(code="video_time").unit_seconds == 180


def test_an_award_stops_at_the_daily_cap_and_records_what_was_asked(personas):
    student = personas.student
    entries = [award(student, key=f"article-{n}") for n in range(8)]
    assert [e.points for e in entries] == [1, 1, 1, 1, 1, 1, 0, 0]
    assert all(e.asked == 1 for e in entries)
    assert points_total(student) == 6


def test_an_award_worth_more_than_what_is_left_earns_only_the_rest(personas):
    first = award(personas.student, rule="daily_quiz", key="quiz-1", units=3)
    second = award(personas.student, rule="daily_quiz", key="quiz-2", units=4)
    assert (first.points, second.points, second.asked) == (3, 2, 4)


def test_the_same_key_awards_once(personas):
    first = award(personas.student, key="same")
    again = award(personas.student, key="same")
    assert again.pk == first.pk
    assert PointsEntry.objects.count() == 1
    assert points_total(personas.student) == 1


def test_the_cap_starts_afresh_at_midnight_in_shanghai_not_at_utc_midnight(personas):
    # 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is already the next day there.
    with time_machine.travel(datetime(2026, 11, 27, 15, 59, tzinfo=UTC), tick=False):
        for n in range(6):
            award(personas.student, key=f"late-{n}")
        assert award(personas.student, key="late-6").points == 0
    with time_machine.travel(datetime(2026, 11, 27, 16, 1, tzinfo=UTC), tick=False):
        entry = award(personas.student, key="early-0")
        assert entry.points == 1
        assert str(entry.day) == "2026-11-28"


def test_caps_are_per_person_and_per_rule(personas):
    for n in range(6):
        award(personas.student, key=f"s-{n}")
    assert award(personas.activist, key="a-0").points == 1
    assert award(personas.student, rule="comment", key="c-0").points == 1


def test_today_shows_each_active_rule_with_what_is_left(personas, django_assert_num_queries):
    award(personas.student, key="a")
    award(personas.student, rule="comment", key="c1")
    award(personas.student, rule="comment", key="c2")
    with django_assert_num_queries(2):
        today = {row.rule.code: (row.earned, row.remaining) for row in points_today(personas.student)}
    assert today["reading"] == (1, 5)
    assert today["comment"] == (2, 0)
    assert today["login"] == (0, 1)


def test_the_history_lists_every_entry_with_its_reason(personas):
    award(personas.student, key="a")
    award(personas.student, rule="comment", key="c")
    assert [e.rule.code for e in points_history(personas.student)] == ["comment", "reading"]


def test_an_inactive_rule_earns_nothing_and_says_so(personas):
    PointsRule.objects.filter(code="comment").update(active=False)
    with pytest.raises(DomainError) as refused:
        award(personas.student, rule="comment")
    assert refused.value.code == "points_rule_inactive"


def test_ledger_rows_cannot_be_changed_or_deleted(personas):
    entry = award(personas.student)
    entry.points = 5
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_parallel_duplicates_and_parallel_awards_never_double_or_pass_the_cap(personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel connections: PostgreSQL")
    student = personas.student
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            # Half the threads retry the same submission; the others each bring a new article.
            award(student, key="same-quiz" if n % 2 else f"article-{n}")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PointsEntry.objects.filter(key="same-quiz").count() == 1
    assert PointsEntry.objects.filter(person=student).count() == 7
    assert points_total(student) == 6
    assert PointsDay.objects.get(person=student, rule__code="reading").total == 6
