"""Schemas of the meetings API. Labels are in the caller's language; codes never change with it.

Times are ISO 8601 with their offset; they are stored in UTC and given back in the university's
time zone (Asia/Shanghai by default). A time sent without an offset is read in that time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from orglife.models import ActivityKind, Invitation, Meeting, MeetingStatus
from orglife.services import MAX_REASON_LENGTH, MeetingPlan
from orgs.models import OrgUnit
from orgs.schemas import PersonRefOut, UnitRefOut

KindCode = Literal[
    "general_meeting",
    "committee_meeting",
    "group_meeting",
    "party_lesson",
    "theme_day",
    "life_meeting",
    "other",
]
StatusCode = Literal["draft", "published", "closed", "cancelled"]

assert set(KindCode.__args__) == set(ActivityKind.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(StatusCode.__args__) == set(MeetingStatus.values)  # type: ignore[attr-defined]  # noqa: S101


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


class MeetingFiltersIn(Schema):
    kind: KindCode | None = Field(None, description="Only meetings of this type.")
    status: StatusCode | None = Field(None, description="Only meetings in this status.")


class MeetingIn(Schema):
    """A meeting to plan (a draft). Give a place, an online link, or both."""

    kind: KindCode
    title: str = Field(max_length=200)
    agenda: str = Field("", max_length=5000)
    starts_at: datetime
    ends_at: datetime
    place: str = Field("", max_length=200)
    online_url: str = Field("", max_length=200, description="A full web address (https://…).")
    invited_unit_ids: list[int] = Field(
        default_factory=list,
        description=(
            "Units invited as a whole (a branch, a party group, several branches), inside the "
            "organising unit; their members are invited when the notice is published."
        ),
    )
    person_ids: list[int] = Field(
        default_factory=list, description="People invited one by one: members inside the organising unit."
    )

    def plan(self) -> MeetingPlan:
        return MeetingPlan(
            kind=self.kind,
            title=self.title,
            agenda=self.agenda,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            place=self.place,
            online_url=self.online_url,
            invited_unit_ids=self.invited_unit_ids,
            person_ids=self.person_ids,
        )


class MeetingUpdateIn(Schema):
    """The whole meeting as it should now be. Invitees change only while it is a draft: leave
    `invited_unit_ids` and `person_ids` out (null) to keep them."""

    kind: KindCode
    title: str = Field(max_length=200)
    agenda: str = Field("", max_length=5000)
    starts_at: datetime
    ends_at: datetime
    place: str = Field("", max_length=200)
    online_url: str = Field("", max_length=200, description="A full web address (https://…).")
    invited_unit_ids: list[int] | None = Field(None, description="Draft only; null keeps the invited units.")
    person_ids: list[int] | None = Field(None, description="Draft only; null keeps the people chosen.")

    def plan(self) -> MeetingPlan:
        return MeetingPlan(
            kind=self.kind,
            title=self.title,
            agenda=self.agenda,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            place=self.place,
            online_url=self.online_url,
            invited_unit_ids=self.invited_unit_ids,
            person_ids=self.person_ids,
        )


class CancelIn(Schema):
    reason: str = Field(max_length=MAX_REASON_LENGTH, description="Why the meeting is cancelled (required).")


class AnswerIn(Schema):
    response: Literal["attend", "leave"]
    reason: str = Field(
        "", max_length=MAX_REASON_LENGTH, description="Required with `leave`: why you ask for leave."
    )


class LeaveDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=MAX_REASON_LENGTH, description="Required when refusing.")


class MeetingOut(Schema):
    """A meeting as a list row."""

    id: int
    unit: UnitRefOut
    kind: KindCode
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    status: StatusCode
    status_label: str
    organiser: PersonRefOut
    published_at: datetime | None
    cancelled_reason: str

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Meeting) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_starts_at(obj: Meeting) -> datetime | None:
        return _local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Meeting) -> datetime | None:
        return _local(obj.ends_at)

    @staticmethod
    def resolve_published_at(obj: Meeting) -> datetime | None:
        return _local(obj.published_at)


class UnitMeetingOut(MeetingOut):
    """A meeting in a unit's list, with how many are invited, have read and ask for leave."""

    invited_count: int
    read_count: int
    leave_requested_count: int = Field(description="Leave requests waiting for a decision.")


class InvitationOut(Schema):
    """One invitee: read receipt, answer and leave."""

    id: int
    person: PersonRefOut
    read_at: datetime | None = Field(description="When they first opened the notice; null: not read.")
    response: Literal["pending", "attend", "leave"]
    responded_at: datetime | None
    leave_status: Literal["none", "requested", "approved", "refused"]
    leave_reason: str
    leave_decision_note: str
    leave_decided_at: datetime | None

    @staticmethod
    def resolve_read_at(obj: Invitation) -> datetime | None:
        return _local(obj.read_at)

    @staticmethod
    def resolve_responded_at(obj: Invitation) -> datetime | None:
        return _local(obj.responded_at)

    @staticmethod
    def resolve_leave_decided_at(obj: Invitation) -> datetime | None:
        return _local(obj.leave_decided_at)


class OwnInvitationOut(Schema):
    """Your invitation: whether you read it, your answer and your leave."""

    id: int
    read_at: datetime | None
    response: Literal["pending", "attend", "leave"]
    leave_status: Literal["none", "requested", "approved", "refused"]
    leave_reason: str
    leave_decision_note: str

    @staticmethod
    def resolve_read_at(obj: Invitation) -> datetime | None:
        return _local(obj.read_at)


class MyInvitationOut(OwnInvitationOut):
    """Your invitation to a meeting, with the meeting."""

    meeting: MeetingOut


class InvitationSummaryOut(Schema):
    invited: int
    read: int
    unread: int
    attending: int
    leave_requested: int
    leave_approved: int
    not_answered: int


class MeetingDetailOut(MeetingOut):
    """A meeting with its agenda and invited units; for those who see the unit's meetings, the counts."""

    agenda: str
    invited_units: list[UnitRefOut]
    my_invitation: OwnInvitationOut | None = Field(
        None, description="Your own invitation, when you are invited (opening the meeting marks it read)."
    )
    summary: InvitationSummaryOut | None = Field(
        None, description="Only with `orglife.view_meetings` over the organising unit."
    )

    @staticmethod
    def resolve_invited_units(obj: Meeting) -> list[OrgUnit]:
        return list(obj.invited_units.all())
