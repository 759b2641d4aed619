"""Pages of the organisation: the person's home, the org tree, units, members and positions.

Out of scope answers 404, in scope without the capability 403 (``core.permissions.require``).
Lists come from ``orgs.queries``, changes go through ``orgs.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.http import AuthedRequest
from accounts.models import User
from core.errors import DomainError, FieldErrors
from core.permissions import require
from core.sections import sections_for, unit_links_for
from orgs import capabilities as caps
from orgs import permissions, queries, services, services_passwords
from orgs.forms import AppointForm, EndTermForm, MemberEditForm, MemberFilterForm, add_field_errors
from orgs.models import Membership, OrgUnit, Position


class HtmxRequest(AuthedRequest):
    """A logged-in request as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


def _wants_fragment(request: HtmxRequest) -> bool:
    # A history restore after a cache miss asks for the whole page, although it comes from htmx.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _url_or_none(name: str, *args: object, query: dict[str, str | int] | None = None) -> str | None:
    """The URL of a page another part of the system provides, or None while it does not exist."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The person's own standing: unit, positions, party status, and the sections open to them."""
    membership = Membership.objects.select_related("unit", "group").filter(person=request.user).first()
    positions = Position.objects.active().filter(person=request.user).select_related("unit", "position_type")
    return render(
        request,
        "orgs/home.html",
        {"membership": membership, "positions": positions, "sections": sections_for(request.user)},
    )


@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    """The units the person may browse, as one indented tree (one query)."""
    units = list(queries.units_visible_to(request.user).order_by("path"))
    if not units:
        raise Http404
    return render(request, "orgs/tree.html", {"rows": _nested_rows(units)})


def _nested_rows(units: list[OrgUnit]) -> list[dict[str, Any]]:
    """Rows of a nested list: each says whether a sub-list opens after it, or how many lists close.

    Levels count the *shown* ancestors, so disjoint subtrees of a scope each start at the top.
    """
    rows: list[dict[str, Any]] = []
    shown: list[str] = []
    for org_unit in units:  # in path order, so a parent always comes before its children
        while shown and not org_unit.path.startswith(shown[-1]):
            shown.pop()
        rows.append({"unit": org_unit, "level": len(shown)})
        shown.append(org_unit.path)
    for index, row in enumerate(rows):
        next_level = rows[index + 1]["level"] if index + 1 < len(rows) else 0
        row["opens"] = next_level > row["level"]
        row["closes"] = range(max(row["level"] - next_level, 0))
    return rows


@login_required
def my_profile(request: AuthedRequest) -> HttpResponse:
    """The person's own profile page."""
    return redirect("orgs:member", request.user.pk)


# --- Units ------------------------------------------------------------------------------------


def _breadcrumb(user: User, unit: OrgUnit) -> list[dict[str, Any]]:
    """The unit's ancestors; only those the user may open are links."""
    return [
        {"unit": ancestor, "linked": permissions.can_view_unit(user, ancestor)}
        for ancestor in queries.unit_ancestors(unit)
    ]


@login_required
@require_GET
def unit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit's card: where it sits, its sub-units, committee and member counts."""
    org_unit = queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_UNIT, org_unit)
    context = {
        "unit": org_unit,
        "breadcrumb": _breadcrumb(user, org_unit),
        "children": queries.unit_children(org_unit),
        "committee": queries.committee_of(org_unit),
        "counts": queries.status_counts(org_unit),
        "may_view_members": permissions.can_view_members(user, org_unit),
        "may_manage_positions": permissions.can_manage_positions(user, org_unit),
        "export_url": _url_or_none("roster:export", query={"unit": org_unit.pk})
        if permissions.can_export_members(user, org_unit)
        else None,
        "import_url": _url_or_none("roster:import")
        if permissions.can_import_roster(user, org_unit)
        else None,
        "unit_links": unit_links_for(user, org_unit),
    }
    return render(request, "orgs/unit.html", context)


# --- Members ----------------------------------------------------------------------------------


@login_required
@require_GET
def members(request: HtmxRequest, unit_id: int) -> HttpResponse:
    """The members of a unit's whole subtree: search, filters, pages of 25.

    Filtering with htmx returns only the results fragment; without JavaScript the form reloads the page.
    """
    org_unit = queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_MEMBERS, org_unit)
    form = MemberFilterForm(request.GET, groups=list(queries.party_groups_in(org_unit)))
    rows = queries.members_of(org_unit, **form.filters())
    page = Paginator(rows, settings.MEMBER_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    # Checked per row against the grants already loaded: no query, and a person seeing a college may
    # see full numbers in one branch and masked ones in another.
    results = [
        {
            "membership": membership,
            "phone": membership.person.phone
            if permissions.can_see_personal_data_in(user, membership.unit)
            else membership.person.masked_phone,
        }
        for membership in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": org_unit,
        "form": form,
        "page": page,
        "results": results,
        "query": query.urlencode(),
        "breadcrumb": _breadcrumb(user, org_unit),
        # The export takes the same filters, so "export these" gives exactly the rows on screen.
        "export_url": _url_or_none("roster:export", query={"unit": org_unit.pk, **form.export_query()})
        if permissions.can_export_members(user, org_unit)
        else None,
    }
    template = "orgs/members.html#results" if _wants_fragment(request) else "orgs/members.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def member(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A member's profile; personal data in full only for those who may see it (and audited)."""
    person = queries.person_get(person_id)
    user = request.user
    permissions.require_member_visible(user, person)
    full = permissions.can_see_personal_data(user, person)
    if full:
        services.member_personal_data_viewed(actor=user, person=person)
    positions = queries.person_positions(person)
    context = {
        "person": person,
        "membership": getattr(person, "membership", None),
        "personal": queries.personal_data(person, full=full),
        "personal_full": full,
        "history": queries.status_history(person),
        "positions": [
            {"position": p, "active": p.is_active(), "linked": permissions.can_view_unit(user, p.unit)}
            for p in positions
        ],
        "may_edit": bool(permissions.editable_member_fields(user, person)),
        "may_issue_password": permissions.can_issue_password(user, person)
        and not (person.is_superuser or person.is_staff),
        "units_linked": {
            unit.pk for unit in permissions.covering_units(person) if permissions.can_view_unit(user, unit)
        },
    }
    return render(request, "orgs/member.html", context)


@login_required
@require_POST
def member_issue_password(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Give the member a one-time password, shown on this response only (never stored in clear)."""
    person = queries.person_get(person_id)
    try:
        password = services_passwords.member_issue_password(actor=request.user, person=person)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("orgs:member", person.pk)
    response = render(request, "orgs/member_password.html", {"person": person, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Change the profile fields the user may change."""
    person = queries.person_get(person_id)
    user = request.user
    permissions.require_member_visible(user, person)
    editable = permissions.editable_member_fields(user, person)
    if not editable:
        raise PermissionDenied
    membership = getattr(person, "membership", None)
    groups = list(queries.party_groups_in(membership.unit)) if membership else []
    if request.method == "POST":
        form = MemberEditForm(request.POST, person=person, editable=editable, groups=groups)
        if form.is_valid():
            try:
                services.member_update(actor=user, person=person, changes=form.changes())
            except FieldErrors as error:
                add_field_errors(form, error)
            else:
                messages.success(request, _("The profile of %(name)s was saved.") % {"name": person.name})
                return redirect("orgs:member", person.pk)
    else:
        form = MemberEditForm(person=person, editable=editable, groups=groups)
        if editable & permissions.PERSONAL_FIELDS:
            services.member_personal_data_viewed(actor=user, person=person)
    return render(request, "orgs/member_edit.html", {"person": person, "form": form})


# --- Positions --------------------------------------------------------------------------------


def _positions_page(
    request: AuthedRequest,
    org_unit: OrgUnit,
    appoint_form: AppointForm | None,
    failed_end: EndTermForm | None = None,
    failed_position_id: int | None = None,
) -> HttpResponse:
    user = request.user
    may_manage = permissions.can_manage_positions(user, org_unit)
    held = queries.positions_of(org_unit)
    reasons = queries.end_reasons(held.past)

    def row(position: Position) -> dict[str, Any]:
        end_form = None
        if may_manage and (position.end_date is None or position.end_date >= timezone.localdate()):
            end_form = (
                failed_end if position.pk == failed_position_id else EndTermForm(position_id=position.pk)
            )
        return {"position": position, "end_form": end_form}

    context = {
        "unit": org_unit,
        "breadcrumb": _breadcrumb(user, org_unit),
        "current": [row(p) for p in held.current],
        "upcoming": [row(p) for p in held.upcoming],
        "past": [{"position": p, "reason": reasons.get(p.pk, "")} for p in held.past],
        "may_manage": may_manage,
        "may_view_members": permissions.can_view_members(user, org_unit),
        "appoint_form": appoint_form,
    }
    return render(request, "orgs/positions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def positions(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit's positions, current and past; those who manage positions appoint here."""
    org_unit = queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_UNIT, org_unit)
    may_manage = permissions.can_manage_positions(user, org_unit)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    appoint_form = None
    if may_manage:
        data = request.POST if request.method == "POST" else None
        appoint_form = AppointForm(
            data,
            position_types=queries.position_types_for(org_unit),
            lookup_url=reverse("orgs:person_lookup", args=[org_unit.pk]),
        )
    if request.method == "POST" and appoint_form is not None and appoint_form.is_valid():
        person = queries.appointable_person(user, org_unit, appoint_form.cleaned_data["number"])
        if person is None:
            appoint_form.add_error(
                "number",
                _(
                    "Student or staff number: nobody with this number is a member of this unit or holds a position in your units."
                ),
            )
        else:
            try:
                position = services.position_appoint(
                    actor=user,
                    person=person,
                    unit=org_unit,
                    position_type=appoint_form.chosen_type(),
                    start_date=appoint_form.cleaned_data["start_date"],
                    end_date=appoint_form.cleaned_data["end_date"],
                    note=appoint_form.cleaned_data["note"],
                )
            except FieldErrors as error:
                add_field_errors(appoint_form, error)
            except DomainError as error:
                appoint_form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("%(person)s was appointed %(position)s.")
                    % {"person": person, "position": position.position_type},
                )
                return redirect("orgs:positions", org_unit.pk)
    return _positions_page(request, org_unit, appoint_form)


@login_required
@require_POST
def position_end(request: AuthedRequest, position_id: int) -> HttpResponse:
    """End one term (plain form post; errors are shown on the positions page)."""
    position = queries.position_for_change(position_id)
    user = request.user
    require(user, caps.MANAGE_POSITIONS, position.unit)
    form = EndTermForm(request.POST, position_id=position.pk)
    if form.is_valid():
        try:
            services.position_end(
                actor=user,
                position=position,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("The term of %(person)s as %(position)s ends on %(date)s.")
                % {"person": position.person, "position": position.position_type, "date": position.end_date},
            )
            return redirect("orgs:positions", position.unit_id)
    return _positions_page(request, position.unit, None, failed_end=form, failed_position_id=position.pk)


@login_required
@require_GET
def person_lookup(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Who a student/staff number is, for the appointment form (an htmx fragment)."""
    org_unit = queries.unit_get(unit_id)
    require(request.user, caps.MANAGE_POSITIONS, org_unit)
    number = request.GET.get("number", "").strip()
    person = queries.appointable_person(request.user, org_unit, number)
    return render(request, "orgs/positions.html#lookup", {"found": person, "number": number})
