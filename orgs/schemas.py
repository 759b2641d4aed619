"""Schemas of the organisation API, and its page-number pagination.

Phone and national ID numbers in member lists are masked unless the caller holds
``orgs.view_personal_data`` over the member's branch or is the member; the decision is made from the
caller's grants, which are loaded once per request, so masking costs no query per row.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from core.text import mask_national_id, mask_phone
from orgs import permissions, services
from orgs.models import Membership, OrgUnit, PartyStatus, Position, UnitKind

MAX_PAGE_SIZE = 100


class PageInput(PaginationBase.Input):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
    )


class PagePagination(PaginationBase):
    """``?page=&page_size=``; a page size outside 1–100 is refused (400), not silently clamped."""

    # A named class rather than a nested ``Input``, so the OpenAPI component reads "PageInput".
    Input = PageInput  # type: ignore[assignment]

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Rows matching the filters, on all pages.")
        page: int
        page_size: int
        pages: int = Field(description="Number of pages (0 when nothing matches).")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: PageInput, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        count = queryset.count()
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": math.ceil(count / pagination.page_size),
        }


def _reveals_personal_data(context: dict[str, Any], membership: Membership) -> bool:
    """The reader may see this member's full phone and ID numbers: their own, or with the right."""
    user = context["request"].user
    return user.pk == membership.person_id or permissions.can_see_personal_data_in(user, membership.unit)


# --- Filters --------------------------------------------------------------------------------------


class UnitFiltersIn(Schema):
    kind: UnitKind | None = Field(None, description="Only units of this kind.")
    parent: int | None = Field(None, description="Only the direct sub-units of the unit with this id.")


class MemberFiltersIn(Schema):
    q: str = Field("", max_length=100, description="Name contains this, or number starts with it.")
    status: PartyStatus | None = Field(None, description="Only members with this party status.")
    grade: int | None = Field(None, ge=1900, le=2200, description="Only this year of enrolment.")
    group: int | None = Field(None, description="Only members of this party group (a unit id).")


class PositionFiltersIn(Schema):
    active: bool | None = Field(
        None,
        description="`true`: terms covering today; `false`: ended or not yet started terms; omit for all.",
    )


# --- References -----------------------------------------------------------------------------------


class UnitRefOut(Schema):
    id: int
    name: str = Field(description="In the caller's language when an English name is set.")

    @staticmethod
    def resolve_name(obj: OrgUnit) -> str:
        return obj.display_name


class PersonRefOut(Schema):
    id: int
    number: str = Field(description="Student or staff number.")
    name: str


class PositionTypeRefOut(Schema):
    code: str = Field(examples=["secretary"])
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


# --- Units ----------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    name_zh: str = Field(description="The unit's official (Chinese) name.")
    code: str = Field(description="Short stable code, as used in roster imports.")
    kind: UnitKind
    kind_label: str
    parent_id: int | None = Field(description="None for the university committee.")
    depth: int = Field(description="1 for the university committee, 2 for a college, …")
    child_count: int = Field(description="Direct sub-units.")
    is_active: bool

    @staticmethod
    def resolve_name(obj: OrgUnit) -> str:
        return obj.display_name

    @staticmethod
    def resolve_name_zh(obj: OrgUnit) -> str:
        return obj.name

    @staticmethod
    def resolve_kind_label(obj: OrgUnit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_child_count(obj: OrgUnit) -> int:
        return obj.numchild

    @staticmethod
    def resolve_parent_id(obj: OrgUnit) -> int | None:
        # Annotated by the query (one subquery), so listing units costs no query per row.
        return getattr(obj, "parent_pk", None)


class UnitDetailOut(UnitOut):
    description: str
    member_counts: dict[PartyStatus, int] = Field(
        description="Members of the unit's whole subtree by party status; every status is present."
    )
    member_total: int


# --- Memberships and positions --------------------------------------------------------------------


class MembershipOut(Schema):
    unit: UnitRefOut = Field(description="The branch the person belongs to.")
    group: UnitRefOut | None = Field(description="The party group within the branch, if any.")
    party_status: PartyStatus
    party_status_label: str
    status_since: date | None = Field(description="Date the current party status began.")
    in_unit_since: date | None = Field(description="Date the person joined this branch.")
    league_member: bool = Field(description="Member of the Communist Youth League.")

    @staticmethod
    def resolve_party_status_label(obj: Membership) -> str:
        return str(obj.get_party_status_display())

    @staticmethod
    def resolve_in_unit_since(obj: Membership) -> date | None:
        return obj.joined_unit_on


class PositionOut(Schema):
    id: int
    person: PersonRefOut
    unit: UnitRefOut
    position_type: PositionTypeRefOut
    start_date: date
    end_date: date | None = Field(description="None while the term is open-ended.")
    is_active: bool = Field(description="True when the term covers today.")
    note: str

    @staticmethod
    def resolve_is_active(obj: Position) -> bool:
        return obj.is_active()


# --- People ---------------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    number: str = Field(description="Student or staff number; also the login name.")
    name: str
    kind: str = Field(description="`student` or `staff`.")
    email: str | None
    language: str = Field(description="Chosen interface language; empty means the browser's.")
    membership: MembershipOut | None = Field(description="None for people outside any branch.")
    positions: list[PositionOut] = Field(description="Positions held today.")


class MemberOut(Schema):
    """One row of a member list, built from a membership."""

    id: int = Field(description="The person's id, as used by `GET /members/{person_id}`.")
    number: str
    name: str
    grade: int | None = Field(description="Year of enrolment.")
    major: str
    unit: UnitRefOut = Field(description="The member's branch.")
    group: UnitRefOut | None
    party_status: PartyStatus
    party_status_label: str
    league_member: bool
    phone: str = Field(description="Masked (`138****5678`) unless `personal_data_masked` is false.")
    national_id: str = Field(
        description="Masked (`110**********1234`) unless `personal_data_masked` is false."
    )
    personal_data_masked: bool

    @staticmethod
    def resolve_id(obj: Membership) -> int:
        return obj.person_id

    @staticmethod
    def resolve_number(obj: Membership) -> str:
        return obj.person.number

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.person.name

    @staticmethod
    def resolve_grade(obj: Membership) -> int | None:
        return obj.person.grade

    @staticmethod
    def resolve_major(obj: Membership) -> str:
        return obj.person.major

    @staticmethod
    def resolve_party_status_label(obj: Membership) -> str:
        return str(obj.get_party_status_display())

    @staticmethod
    def resolve_personal_data_masked(obj: Membership, context: dict[str, Any]) -> bool:
        return not _reveals_personal_data(context, obj)

    @staticmethod
    def resolve_phone(obj: Membership, context: dict[str, Any]) -> str:
        phone = obj.person.phone
        return phone if _reveals_personal_data(context, obj) else mask_phone(phone)

    @staticmethod
    def resolve_national_id(obj: Membership, context: dict[str, Any]) -> str:
        value = obj.person.national_id
        return value if _reveals_personal_data(context, obj) else mask_national_id(value)


class MemberProfileOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    gender: str = Field(description="`M`, `F`, or empty when not given.")
    birth_date: date | None
    grade: int | None
    major: str
    email: str | None = Field(description="Masked like the phone number.")
    phone: str
    national_id: str
    personal_data_masked: bool = Field(
        description="False when the phone, national ID and email above are shown in full."
    )
    membership: MembershipOut | None
    positions: list[PositionOut] = Field(description="Every term, current and past, newest first.")


# --- Input of the position endpoints -------------------------------------------------------------


class PositionAppointIn(Schema):
    person: int | str = Field(
        description=(
            "Who is appointed: their id as a JSON number, or their student/staff number as a JSON "
            "string. Members of the unit's subtree and people already holding a position where you "
            "manage positions can be appointed."
        ),
        examples=["2023010001"],
    )
    unit: int = Field(description="Id of the unit the position is held in.")
    position_type: str = Field(description="Code of the position type.", examples=["secretary"])
    start_date: date = Field(description="First day of the term.")
    end_date: date | None = Field(None, description="Last day of the term; omit for an open-ended term.")
    note: str = Field("", max_length=services.NOTE_MAX_LENGTH)


class PositionEndIn(Schema):
    end_date: date = Field(description="Last day of the term (today or a later day to end it then).")
    reason: str = Field("", max_length=services.REASON_MAX_LENGTH, description="Kept in the audit log.")
