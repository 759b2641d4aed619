"""Reads of check-in, attendance and the meeting record, each in a fixed number of queries.

``meeting_for_organiser`` and ``meeting_for_reader`` answer 404/403 by the house rule; the others
take a meeting the caller has already been allowed to see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from orglife.models import CheckIn, Invitation, LeaveStatus, Meeting, MeetingStatus
from orglife.models_record import Amendment, FollowUpTask, MeetingMinutes, MeetingPhoto, Resolution
from orglife.permissions_record import require_organiser, require_viewer
from orglife.services_checkin import opens_before

PRESENT = "present"
ON_LEAVE = "on_leave"
ABSENT = "absent"
# Shown for a meeting that has not ended yet: not here, but not absent either.
NOT_YET = "not_yet"


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("unit", "organiser").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_for_organiser(user: Any, meeting_id: int) -> Meeting:
    """The meeting, when ``user`` may organise it; 404 out of scope, 403 without the right."""
    meeting = _meeting(meeting_id)
    require_organiser(user, meeting)
    return meeting


def meeting_for_reader(user: Any, meeting_id: int) -> Meeting:
    """The meeting, when ``user`` may read its record (viewers, organisers, invitees)."""
    meeting = _meeting(meeting_id)
    require_viewer(user, meeting)
    return meeting


@dataclass(frozen=True)
class AttendanceRow:
    """One invitee of a meeting and where they stand."""

    invitation: Invitation
    state: str
    checked_in_at: datetime | None
    method: str | None

    @property
    def person(self) -> Any:
        return self.invitation.person


@dataclass
class Attendance:
    """Every invitee with their state, the counts, and the latest check-ins first."""

    rows: list[AttendanceRow]
    invited: int = 0
    present: int = 0
    on_leave: int = 0
    absent: int = 0
    ended: bool = False
    leave_requests: list[AttendanceRow] = field(default_factory=list)

    @property
    def checked_in(self) -> list[AttendanceRow]:
        """Present people, the latest first (the live list)."""
        present = [row for row in self.rows if row.state == PRESENT]
        return sorted(present, key=lambda row: row.checked_in_at or timezone.now(), reverse=True)


def _state(*, checked_in: bool, leave_status: str, ended: bool) -> str:
    if checked_in:
        return PRESENT
    if leave_status == LeaveStatus.APPROVED:
        return ON_LEAVE
    return ABSENT if ended else NOT_YET


def attendance(meeting: Meeting, *, now: datetime | None = None) -> Attendance:
    """The meeting's attendance in one query, whatever the number of invitees.

    Present: checked in (by any method). On leave: leave approved and not present. Absent: every
    other invitee, once the meeting has ended or is closed (before that they are "not yet").
    """
    moment = now or timezone.now()
    ended = meeting.status == MeetingStatus.CLOSED or moment > meeting.ends_at
    check_ins = CheckIn.objects.filter(meeting=meeting, person=OuterRef("person"))
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("person")
        .annotate(
            checked_in_at=Subquery(check_ins.values("checked_in_at")[:1]),
            check_in_method=Subquery(check_ins.values("method")[:1]),
        )
        .order_by("person__name", "person__number")
    )
    rows = [
        AttendanceRow(
            invitation=invitation,
            state=_state(
                checked_in=invitation.checked_in_at is not None,
                leave_status=invitation.leave_status,
                ended=ended,
            ),
            checked_in_at=invitation.checked_in_at,
            method=invitation.check_in_method,
        )
        for invitation in invitations
    ]
    result = Attendance(rows=rows, invited=len(rows), ended=ended)
    result.present = sum(1 for row in rows if row.state == PRESENT)
    result.on_leave = sum(1 for row in rows if row.state == ON_LEAVE)
    result.absent = result.invited - result.present - result.on_leave
    result.leave_requests = [row for row in rows if row.invitation.leave_status != LeaveStatus.NONE]
    return result


@dataclass(frozen=True)
class MeetingRecord:
    """Everything written about a meeting after it: minutes, resolutions, tasks, photos, amendments."""

    meeting: Meeting
    minutes: MeetingMinutes | None
    resolutions: list[Resolution]
    tasks: list[FollowUpTask]
    photos: list[MeetingPhoto]
    amendments: list[Amendment]


def record_of(meeting: Meeting) -> MeetingRecord:
    """The meeting's record in five queries, whatever its length."""
    return MeetingRecord(
        meeting=meeting,
        minutes=MeetingMinutes.objects.select_related("updated_by").filter(meeting=meeting).first(),
        resolutions=list(Resolution.objects.filter(meeting=meeting).order_by("id")),
        tasks=list(
            FollowUpTask.objects.filter(meeting=meeting).select_related("owner").order_by("due_on", "id")
        ),
        photos=list(
            MeetingPhoto.objects.filter(meeting=meeting)
            .select_related("document", "document__current_version")
            .order_by("id")
        ),
        amendments=list(
            Amendment.objects.filter(meeting=meeting).select_related("author").order_by("created_at", "id")
        ),
    )


def open_for_check_in(person: Any, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings ``person`` is invited to whose check-in is open now, with whether they checked in."""
    moment = now or timezone.now()
    return (
        Meeting.objects.filter(
            status=MeetingStatus.PUBLISHED,
            starts_at__lte=moment + opens_before(),
            ends_at__gte=moment,
            invitations__person=person,
        )
        .select_related("unit")
        .annotate(is_checked_in=Exists(CheckIn.objects.filter(meeting=OuterRef("pk"), person=person)))
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class AttendanceEntry:
    """One past meeting in a person's attendance history."""

    meeting: Meeting
    state: str
    checked_in_at: datetime | None


def attendance_of(person: Any, *, now: datetime | None = None) -> list[AttendanceEntry]:
    """The person's attendance at every meeting they were invited to that has ended or is closed.

    Each is ``present``, ``on_leave`` (leave approved) or ``absent``; cancelled meetings and
    meetings still to come are left out. Newest first; one query.
    """
    moment = now or timezone.now()
    check_ins = CheckIn.objects.filter(meeting=OuterRef("meeting"), person=person)
    invitations = (
        Invitation.objects.filter(
            person=person, meeting__status__in=(MeetingStatus.PUBLISHED, MeetingStatus.CLOSED)
        )
        .exclude(meeting__status=MeetingStatus.PUBLISHED, meeting__ends_at__gt=moment)
        .select_related("meeting", "meeting__unit")
        .annotate(checked_in_at=Subquery(check_ins.values("checked_in_at")[:1]))
        .order_by("-meeting__starts_at", "-meeting_id")
    )
    return [
        AttendanceEntry(
            meeting=invitation.meeting,
            state=_state(
                checked_in=invitation.checked_in_at is not None,
                leave_status=invitation.leave_status,
                ended=True,
            ),
            checked_in_at=invitation.checked_in_at,
        )
        for invitation in invitations
    ]


def attendance_summary(entries: list[AttendanceEntry]) -> dict[str, int]:
    """How many meetings the person attended, was on leave from, and missed."""
    summary = {PRESENT: 0, ON_LEAVE: 0, ABSENT: 0}
    for entry in entries:
        summary[entry.state] += 1
    return summary


def last_attended(person_ids: Iterable[int] | QuerySet[Any]) -> dict[int, date]:
    """The local day of each person's last attended meeting or activity (absent: none recorded).

    What dues asks to warn of six months without organisational life (DOMAIN.md §4); cancelled
    meetings never count. ``person_ids`` may be a queryset of ids (used as a subquery); one query
    whatever the number of people.
    """
    rows = (
        CheckIn.objects.filter(person_id__in=person_ids)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by()
        .values("person_id")
        .annotate(last=Max("meeting__starts_at"))
        .values_list("person_id", "last")
    )
    return {person_id: timezone.localdate(last) for person_id, last in rows if last is not None}
