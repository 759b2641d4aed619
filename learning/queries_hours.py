"""Class hours of training tracks (kept apart so both the services and the queries can use them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from learning.models import Enrolment, Track, TrackCourse


def completed_hours(person: Any, track: Track) -> int:
    """The class hours of the track's courses that ``person`` has completed."""
    completed = Enrolment.objects.filter(person=person, completed_at__isnull=False).values("course_id")
    total = TrackCourse.objects.filter(track=track, course_id__in=completed).aggregate(
        hours=Sum("class_hours")
    )
    return int(total["hours"] or 0)
