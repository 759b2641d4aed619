"""API of the organisation: the caller, units, members and positions, scoped to the caller.

Every endpoint answers 404 for what lies outside the org units the caller's positions reach, and
403 for what lies inside but needs a right the caller lacks. Lists are paginated and cost the same
number of queries whatever their length.
"""

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from core.permissions import require
from orgs import capabilities as caps
from orgs import permissions, queries, services
from orgs.models import Membership, OrgUnit, Position, PositionType
from orgs.schemas import (
    MemberFiltersIn,
    MemberOut,
    MemberProfileOut,
    MeOut,
    PagePagination,
    PositionAppointIn,
    PositionEndIn,
    PositionFiltersIn,
    PositionOut,
    UnitDetailOut,
    UnitFiltersIn,
    UnitOut,
)

router = Router(tags=["organisation"], auth=api_auth)


def _units_with_parent(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Annotate each unit with its parent's id (one subquery: the parent's path is a prefix)."""
    parent_path = Left(OuterRef("path"), (OuterRef("depth") - 1) * OrgUnit.steplen)
    parent = OrgUnit.objects.filter(path=parent_path).values("pk")[:1]
    return units.annotate(parent_pk=Subquery(parent))


# --- The caller -----------------------------------------------------------------------------------


@router.get(
    "/me",
    operation_id="get_me",
    response={200: MeOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    tags=["me"],
    summary="The logged-in person",
)
def me(request: AuthedRequest) -> dict[str, Any]:
    """The caller's own account, their branch membership and the positions they hold today.

    Use it after login to learn who the token belongs to and which units to start browsing from
    (the units of `positions`).
    """
    user = request.user
    membership = Membership.objects.select_related("unit", "group").filter(person=user).first()
    positions = (
        Position.objects.active()
        .filter(person=user)
        .select_related("person", "unit", "position_type")
        .order_by("position_type__rank", "start_date", "id")
    )
    return {
        "id": user.pk,
        "number": user.number,
        "name": user.name,
        "kind": user.kind,
        "email": user.email,
        "language": user.language,
        "membership": membership,
        "positions": list(positions),
    }


# --- Units ----------------------------------------------------------------------------------------


@router.get(
    "/units",
    operation_id="list_units",
    response={200: list[UnitOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    tags=["units"],
    summary="Units you may browse",
)
@paginate(PagePagination)
def list_units(request: AuthedRequest, filters: Query[UnitFiltersIn]) -> QuerySet[OrgUnit]:
    """Every org unit inside the subtrees where your positions let you see units, in tree order.

    A person without positions gets an empty list. `parent` may name a unit you cannot see
    yourself (a college officer asking for the sub-units of the university gets their college).
    """
    units = queries.units_visible_to(request.user)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent is not None:
        # A subquery rather than a look-up: an unknown or invisible parent simply matches nothing.
        parent_row = OrgUnit.objects.filter(pk=filters.parent)
        units = units.filter(
            path__startswith=Subquery(parent_row.values("path")[:1]),
            depth=Subquery(parent_row.values("depth")[:1]) + 1,
        )
    return _units_with_parent(units).order_by("path")


def _visible_unit(request: AuthedRequest, unit_id: int, capability: str) -> OrgUnit:
    unit = get_object_or_404(_units_with_parent(OrgUnit.objects.all()), pk=unit_id)
    require(request.user, capability, unit)
    return unit


@router.get(
    "/units/{unit_id}",
    operation_id="get_unit",
    response={200: UnitDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "Needs `orgs.view_unit`."}),
    tags=["units"],
    summary="One unit, with member counts",
)
def get_unit(request: AuthedRequest, unit_id: int) -> OrgUnit:
    """The unit, its parent's id, how many direct sub-units it has, and how many members its whole
    subtree counts in each party status."""
    unit = _visible_unit(request, unit_id, caps.VIEW_UNIT)
    counts = {row["status"]: row["count"] for row in queries.status_counts(unit)}
    unit.member_total = counts.pop("")
    unit.member_counts = counts
    return unit


@router.get(
    "/units/{unit_id}/members",
    operation_id="list_members",
    response={200: list[MemberOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404, notes={403: "Needs `orgs.view_members`."}),
    tags=["members"],
    summary="Members of a unit's subtree",
)
@paginate(PagePagination)
def list_members(
    request: AuthedRequest, unit_id: int, filters: Query[MemberFiltersIn]
) -> QuerySet[Membership]:
    """Everyone whose branch lies in the unit's subtree, ordered by number.

    Phone and national ID numbers are masked unless you hold `orgs.view_personal_data` over the
    member's branch; `personal_data_masked` says which applies to each row.
    """
    unit = _visible_unit(request, unit_id, caps.VIEW_MEMBERS)
    return queries.members_of(
        unit,
        search=filters.q.strip(),
        status=filters.status or "",
        grade=filters.grade,
        group_id=filters.group,
    )


@router.get(
    "/members/{person_id}",
    operation_id="get_member",
    response={200: MemberProfileOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "Needs `orgs.view_members`."}),
    tags=["members"],
    summary="A member's profile",
)
def get_member(request: AuthedRequest, person_id: int) -> dict[str, Any]:
    """A person's profile, branch membership and every position they hold or held.

    Anyone may read their own profile. Email, phone and national ID are shown in full only to the
    person and to holders of `orgs.view_personal_data` over the person's branch; each time someone
    else's are shown in full, the read is written to the audit log.
    """
    user = request.user
    person = queries.person_get(person_id)
    permissions.require_member_visible(user, person)
    full = permissions.can_see_personal_data(user, person)
    # The reverse one-to-one raises an AttributeError subclass when there is no membership.
    membership = getattr(person, "membership", None)
    if full:
        services.member_personal_data_viewed(actor=user, person=person)
    return {
        "id": person.pk,
        "number": person.number,
        "name": person.name,
        "kind": person.kind,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "grade": person.grade,
        "major": person.major,
        **queries.personal_data(person, full=full),
        "personal_data_masked": not full,
        "membership": membership,
        "positions": queries.person_positions(person),
    }


# --- Positions ------------------------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/positions",
    operation_id="list_positions",
    response={200: list[PositionOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(400, 401, 403, 404, notes={403: "Needs `orgs.view_unit`."}),
    tags=["positions"],
    summary="Positions of a unit",
)
@paginate(PagePagination)
def list_positions(
    request: AuthedRequest, unit_id: int, filters: Query[PositionFiltersIn]
) -> QuerySet[Position]:
    """The positions held in this unit (not in its sub-units), by rank of the position type and then
    newest term first."""
    unit = _visible_unit(request, unit_id, caps.VIEW_UNIT)
    rows = Position.objects.filter(unit=unit)
    if filters.active is not None:
        today = timezone.localdate()
        covers_today = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        rows = rows.filter(covers_today) if filters.active else rows.exclude(covers_today)
    return rows.select_related("person", "unit", "position_type").order_by(
        "position_type__rank", "-start_date", "-id"
    )


@router.post(
    "/positions",
    operation_id="appoint_position",
    response={201: PositionOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "Also for an unknown position type, a person you cannot appoint, or an end before the start.",
            403: "Needs `orgs.manage_positions` over the unit.",
            404: "The unit.",
            409: (
                "Codes: `position_type_not_for_unit`, `already_holds_position`, `too_many_holders` "
                "(the type's holder limit would be exceeded on some day of the term)."
            ),
        },
    ),
    tags=["positions"],
    summary="Appoint someone to a position",
)
def appoint(request: AuthedRequest, payload: PositionAppointIn) -> Status[Position]:
    """Start a term: the person holds the position type in the unit from `start_date`, and is
    notified. Their rights over the unit's subtree begin with the term."""
    unit = get_object_or_404(OrgUnit, pk=payload.unit)
    require(request.user, caps.MANAGE_POSITIONS, unit)
    if isinstance(payload.person, int):
        person = queries.appointable_people(request.user, unit).filter(pk=payload.person).first()
    else:
        person = queries.appointable_person(request.user, unit, payload.person)
    if person is None:
        raise FieldErrors.single("person", _("Nobody you may appoint in this unit has this number or id."))
    position_type = PositionType.objects.filter(code=payload.position_type).first()
    if position_type is None:
        raise FieldErrors.single("position_type", _("There is no position type with this code."))
    position = services.position_appoint(
        actor=request.user,
        person=person,
        unit=unit,
        position_type=position_type,
        start_date=payload.start_date,
        end_date=payload.end_date,
        note=payload.note,
    )
    return Status(201, position)


@router.post(
    "/positions/{position_id}/end",
    operation_id="end_position",
    response={200: PositionOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "Also for an end date before the term's start.",
            403: "Needs `orgs.manage_positions` over the position's unit.",
            409: "Code `term_already_ended`: the term has already ended.",
        },
    ),
    tags=["positions"],
    summary="End a term",
)
def end_position(request: AuthedRequest, position_id: int, payload: PositionEndIn) -> Position:
    """Set the last day of a term. The position stays in the unit's history; the holder's rights
    stop after `end_date`."""
    position = queries.position_for_change(position_id)
    return services.position_end(
        actor=request.user, position=position, end_date=payload.end_date, reason=payload.reason
    )
