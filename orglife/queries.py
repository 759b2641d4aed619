"""Reads of meeting planning, scoped to what the asking user may see.

Lists come back as querysets with everything a row shows already joined or counted, so a list
page or API list costs the same number of queries whatever its length. "Upcoming first" means
meetings not yet over in the order they start, then past meetings, the latest first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from core.permissions import is_system_admin, scope_paths
from orglife import capabilities as caps
from orglife.models import CalendarFeed, Invitation, LeaveStatus, Meeting, MeetingStatus, Response
from orgs.models import Membership, OrgUnit, UnitKind
from orgs.queries import membership_in_subtree

FEED_PAST_DAYS = 180
PEOPLE_SEARCH_LIMIT = 20


def _upcoming_first(rows: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    now = timezone.now()
    ends_at, starts_at = f"{prefix}ends_at", f"{prefix}starts_at"
    return rows.annotate(
        is_past=Case(
            When(**{f"{ends_at}__lt": now}, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        upcoming_at=Case(
            When(**{f"{ends_at}__gte": now}, then=F(starts_at)), default=None, output_field=DateTimeField()
        ),
    ).order_by("is_past", F("upcoming_at").asc(nulls_last=True), f"-{starts_at}", "-pk")


def meetings_of_unit(unit: OrgUnit, *, kind: str = "", status: str = "") -> QuerySet[Meeting]:
    """Meetings organised in ``unit``'s subtree, upcoming first, with their invitation counts.

    The caller has checked that the user may view the unit's meetings.
    """
    rows = Meeting.objects.filter(unit__path__startswith=unit.path).select_related("unit", "organiser")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    rows = rows.annotate(
        invited_count=Count("invitations"),
        read_count=Count("invitations", filter=Q(invitations__read_at__isnull=False)),
        leave_requested_count=Count("invitations", filter=Q(invitations__leave_status=LeaveStatus.REQUESTED)),
    )
    return _upcoming_first(rows)


def meeting_get(meeting_id: int) -> Meeting:
    """The meeting with this id and its unit and organiser, or 404. The caller checks the user's rights."""
    return get_object_or_404(Meeting.objects.select_related("unit", "organiser"), pk=meeting_id)


def invitation_of(user: Any, meeting: Meeting) -> Invitation | None:
    """The user's own invitation to the meeting, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Invitation.objects.filter(meeting=meeting, person=user).first()


def invitation_get(invitation_id: int) -> Invitation:
    """The invitation with its meeting and person, or 404. The caller checks the user's rights."""
    return get_object_or_404(
        Invitation.objects.select_related("meeting", "meeting__unit", "meeting__organiser", "person"),
        pk=invitation_id,
    )


def invitations_of(meeting: Meeting) -> QuerySet[Invitation]:
    """Everyone invited to the meeting with their read receipt, answer and leave, by number."""
    return (
        Invitation.objects.filter(meeting=meeting)
        .select_related("person", "leave_decided_by")
        .order_by("person__number", "pk")
    )


def invitation_summary(meeting: Meeting) -> dict[str, int]:
    """How many are invited, have read the notice, attend, ask for leave and have leave (one query)."""
    return Invitation.objects.filter(meeting=meeting).aggregate(
        invited=Count("pk"),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        unread=Count("pk", filter=Q(read_at__isnull=True)),
        attending=Count("pk", filter=Q(response=Response.ATTEND)),
        leave_requested=Count("pk", filter=Q(leave_status=LeaveStatus.REQUESTED)),
        leave_approved=Count("pk", filter=Q(leave_status=LeaveStatus.APPROVED)),
        not_answered=Count("pk", filter=Q(response=Response.PENDING)),
    )


def my_invitations(user: Any, *, upcoming_only: bool = False) -> QuerySet[Invitation]:
    """The user's invitations to published, closed or cancelled meetings, upcoming first."""
    rows = (
        Invitation.objects.filter(person=user)
        .exclude(meeting__status=MeetingStatus.DRAFT)
        .select_related("meeting", "meeting__unit", "meeting__organiser")
    )
    if upcoming_only:
        rows = rows.filter(meeting__ends_at__gte=timezone.now())
    return _upcoming_first(rows, "meeting__")


def feed_meetings(person: User) -> list[Meeting]:
    """The meetings of a person's calendar feed: invited or organised, published or after, recent ones."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return list(
        Meeting.objects.filter(Q(invitations__person=person) | Q(organiser=person))
        .exclude(status=MeetingStatus.DRAFT)
        .filter(ends_at__gte=since)
        .select_related("unit", "organiser")
        .distinct()
        .order_by("starts_at", "pk")
    )


def calendar_feed_of(user: Any) -> CalendarFeed | None:
    """The user's calendar feed (its prefix and dates; the token itself is never stored)."""
    return CalendarFeed.objects.filter(person=user).first()


def invitable_units(unit: OrgUnit) -> list[OrgUnit]:
    """The units an organiser of ``unit`` may invite as a whole: the unit and its branches and groups."""
    kinds = (UnitKind.BRANCH, UnitKind.PARTY_GROUP, UnitKind.GENERAL_BRANCH, UnitKind.COLLEGE_COMMITTEE)
    return list(
        OrgUnit.objects.filter(
            Q(pk=unit.pk) | Q(path__startswith=unit.path, kind__in=kinds), is_active=True
        ).order_by("path")
    )


def people_search(unit: OrgUnit, text: str) -> list[Membership]:
    """Members inside ``unit``'s subtree whose name or number matches ``text`` (a few, by number)."""
    text = text.strip()
    if not text:
        return []
    return list(
        Membership.objects.filter(membership_in_subtree(unit), person__is_active=True)
        .filter(Q(person__name__icontains=text) | Q(person__number__startswith=text))
        .select_related("person", "unit")
        .order_by("person__number")[:PEOPLE_SEARCH_LIMIT]
    )


def chosen_people(meeting: Meeting) -> list[User]:
    """The people invited one by one to a draft (its invitation rows), by number."""
    return list(
        User.objects.filter(pk__in=Invitation.objects.filter(meeting=meeting).values("person_id")).order_by(
            "number"
        )
    )


def meeting_units_of(user: Any) -> list[OrgUnit]:
    """The topmost units whose meetings the user may see (system administrators: the root)."""
    if is_system_admin(user):
        root = OrgUnit.get_first_root_node()
        return [root] if root is not None else []
    roots = scope_paths(user, caps.VIEW_MEETINGS)
    if not roots:
        return []
    return list(OrgUnit.objects.filter(path__in=roots).order_by("path"))


def members_by_numbers(unit: OrgUnit, numbers: list[str]) -> dict[str, User]:
    """The members inside ``unit``'s subtree with these student or staff numbers, by number (one query)."""
    if not numbers:
        return {}
    found = User.objects.filter(
        number__in=numbers, pk__in=Membership.objects.filter(membership_in_subtree(unit)).values("person_id")
    )
    return {person.number: person for person in found}
