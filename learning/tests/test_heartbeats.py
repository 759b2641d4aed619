"""Study time from heartbeats: real time only, never beyond the length, one tab, nothing while hidden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learning.models import Enrolment, LessonKind, LessonProgress, PointsEntry
from learning.services_study import lesson_heartbeat, library_heartbeat
from learning.tests.factories import make_course, make_library_item, make_video_lesson

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def beat(person, lesson, seconds, *, tab="tab-a", visible=True, position=0, playing=True):
    return lesson_heartbeat(
        person=person,
        lesson=lesson,
        tab=tab,
        visible=visible,
        position=position,
        playing=playing,
        at=T0 + timedelta(seconds=seconds),
    )


@pytest.fixture
def lesson(tree):
    return make_course(tree.college_a, lessons=2, length=300).lessons.first()


def test_the_first_heartbeat_starts_the_clock_and_credits_nothing(personas, lesson):
    result = beat(personas.student, lesson, 0)
    assert (result.credited_seconds, result.outcome) == (0, "started")


def test_heartbeats_credit_the_real_time_between_them(personas, lesson):
    beat(personas.student, lesson, 0)
    result = beat(personas.student, lesson, 15)
    beat(personas.student, lesson, 30)
    assert (result.credited_seconds, result.outcome) == (15, "credited")
    assert LessonProgress.objects.get(person=personas.student, lesson=lesson).credited_seconds == 30


def test_heartbeats_faster_than_real_time_credit_only_the_real_time(personas, lesson):
    beat(personas.student, lesson, 0)
    for second in range(1, 11):  # ten heartbeats in ten seconds, each as if 15 s had passed
        beat(personas.student, lesson, second)
    assert LessonProgress.objects.get(person=personas.student, lesson=lesson).credited_seconds == 10


def test_a_retried_heartbeat_at_the_same_moment_credits_nothing(personas, lesson):
    beat(personas.student, lesson, 0)
    beat(personas.student, lesson, 15)
    again = beat(personas.student, lesson, 15)
    assert (again.credited_seconds, again.outcome) == (0, "too_fast")


def test_a_hidden_page_credits_nothing_and_releases_the_clock(personas, lesson):
    beat(personas.student, lesson, 0)
    hidden = beat(personas.student, lesson, 15, visible=False)
    back = beat(personas.student, lesson, 30)
    assert (hidden.credited_seconds, hidden.outcome) == (0, "hidden")
    assert (back.credited_seconds, back.outcome) == (0, "started")
    assert LessonProgress.objects.get(person=personas.student, lesson=lesson).credited_seconds == 0


def test_a_long_silence_credits_nothing(personas, lesson):
    beat(personas.student, lesson, 0)
    late = beat(personas.student, lesson, 300)  # the phone slept for five minutes
    assert (late.credited_seconds, late.outcome) == (0, "gap")
    assert beat(personas.student, lesson, 315).credited_seconds == 15


def test_a_second_tab_is_not_credited_while_the_first_is_studying(personas, lesson):
    other = lesson.course.lessons.last()
    beat(personas.student, lesson, 0, tab="tab-a")
    beat(personas.student, other, 5, tab="tab-b")
    first = beat(personas.student, lesson, 15, tab="tab-a")
    second = beat(personas.student, other, 20, tab="tab-b")
    assert (first.credited_seconds, second.credited_seconds, second.outcome) == (15, 0, "other_tab")
    assert LessonProgress.objects.get(person=personas.student, lesson=other).credited_seconds == 0


def test_a_second_tab_takes_the_clock_once_the_first_has_gone_quiet(personas, lesson):
    beat(personas.student, lesson, 0, tab="tab-a")
    assert beat(personas.student, lesson, 60, tab="tab-b").outcome == "started"
    assert beat(personas.student, lesson, 75, tab="tab-b").credited_seconds == 15


def test_time_is_never_credited_beyond_the_content_length(personas, tree):
    lesson = make_course(tree.college_a, length=40).lessons.get()
    beat(personas.student, lesson, 0)
    for second in range(15, 150, 15):
        beat(personas.student, lesson, second)
    progress = LessonProgress.objects.get(person=personas.student, lesson=lesson)
    assert progress.credited_seconds == 40
    assert beat(personas.student, lesson, 165).outcome == "full"


def test_a_paused_video_credits_nothing(personas, tree):
    course = make_course(tree.college_a, lessons=0)
    video = make_video_lesson(course, personas.college_officer)
    beat(personas.student, video, 0, position=10)
    result = beat(personas.student, video, 15, position=10, playing=False)
    assert (result.credited_seconds, result.outcome) == (0, "paused")


def test_the_position_is_kept_for_resuming_on_another_device(personas, tree):
    course = make_course(tree.college_a, lessons=0)
    video = make_video_lesson(course, personas.college_officer, length=600)
    beat(personas.student, video, 0, position=125, tab="phone")
    assert LessonProgress.objects.get(person=personas.student, lesson=video).position == 125
    beat(personas.student, video, 100, position=9999, tab="laptop")
    assert LessonProgress.objects.get(person=personas.student, lesson=video).position == 600


def test_credited_reading_time_earns_one_point_per_two_minutes_once(personas, lesson):
    lesson.length_seconds = 600
    lesson.save()
    for second in range(0, 301, 15):
        beat(personas.student, lesson, second)
    entries = PointsEntry.objects.filter(person=personas.student, rule__code="reading_time")
    assert sorted(entries.values_list("key", flat=True)) == [
        f"study:{personas.student.pk}:{lesson.pk}:0",
        f"study:{personas.student.pk}:{lesson.pk}:1",
    ]
    assert sum(entries.values_list("points", flat=True)) == 2


def test_video_time_earns_video_points(personas, tree):
    course = make_course(tree.college_a, lessons=0)
    video = make_video_lesson(course, personas.college_officer, length=600)
    for second in range(0, 181, 15):
        beat(personas.student, video, second)
    assert PointsEntry.objects.get(person=personas.student).rule.code == "video_time"
    assert video.kind == LessonKind.VIDEO


def test_a_lesson_completes_at_eighty_percent_of_its_length_and_the_course_with_its_last_lesson(
    personas, tree
):
    course = make_course(tree.college_a, lessons=1, length=60)
    lesson = course.lessons.get()
    for second in range(0, 46, 15):
        result = beat(personas.student, lesson, second)
    assert not result.completed  # 45 of the 48 seconds needed
    assert beat(personas.student, lesson, 60).completed
    assert Enrolment.objects.get(person=personas.student, course=course).completed_at is not None


def test_reading_a_library_item_is_credited_the_same_way(personas, tree):
    item = make_library_item(tree.college_a, personas.college_officer)
    library_heartbeat(person=personas.student, item=item, tab="t", visible=True, at=T0)
    result = library_heartbeat(
        person=personas.student, item=item, tab="t", visible=True, at=T0 + timedelta(seconds=15)
    )
    assert (result.credited_seconds, result.total_seconds) == (15, 15)


def test_a_heartbeat_without_a_tab_id_is_refused_naming_the_field(personas, lesson):
    from core.errors import FieldErrors

    with pytest.raises(FieldErrors) as refused:
        beat(personas.student, lesson, 0, tab=" ")
    assert "tab" in refused.value.fields


def test_an_outsider_cannot_send_heartbeats_for_a_course_out_of_reach(personas, lesson):
    from django.http import Http404

    with pytest.raises(Http404):
        beat(personas.outsider, lesson, 0)


@pytest.mark.django_db(transaction=True)
def test_parallel_heartbeats_from_two_tabs_and_retries_credit_the_real_time_once(personas, tree):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel connections: PostgreSQL")
    lesson = make_course(tree.college_a, length=600).lessons.get()
    beat(personas.student, lesson, 0, tab="tab-a")
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            # Five retries of tab A's heartbeat and five heartbeats of a second tab, all at once.
            beat(personas.student, lesson, 15, tab="tab-a" if n % 2 else "tab-b")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LessonProgress.objects.get(person=personas.student, lesson=lesson).credited_seconds == 15
