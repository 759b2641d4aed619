"""Pages of meeting planning: a unit's meetings, planning and editing, the meeting and its notice,
answers and leave, "My meetings" and the calendar exports.

Out of scope answers 404, in scope without the capability 403 (``orglife.permissions``); reads come
from ``orglife.queries``, changes go through ``orglife.services``. A POST answers htmx with the
re-rendered fragment and a plain form with a redirect, so every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import can, require
from orglife import calendar, permissions, queries, services
from orglife import capabilities as caps
from orglife.forms import (
    AnswerForm,
    CancelForm,
    LeaveDecisionForm,
    MeetingFilterForm,
    MeetingForm,
    add_field_errors,
    mark_invalid,
)
from orglife.models import ActivityKind, Invitation, Meeting, MeetingStatus
from orgs import queries as org_queries
from orgs.capabilities import VIEW_UNIT
from orgs.models import OrgUnit

MEETINGS_PAGE_SIZE = getattr(settings, "ORGLIFE_MEETINGS_PAGE_SIZE", 30)


def _wants_fragment(request: AuthedRequest) -> bool:
    # A history restore after a cache miss asks for the whole page, although it comes from htmx.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _breadcrumb(user: Any, unit: OrgUnit) -> list[dict[str, Any]]:
    return [
        {"unit": ancestor, "linked": can(user, VIEW_UNIT, ancestor)}
        for ancestor in org_queries.unit_ancestors(unit)
    ]


# --- My meetings ------------------------------------------------------------------------------------


def _my_meetings_page(request: AuthedRequest, *, new_feed_url: str = "") -> HttpResponse:
    user = request.user
    rows = queries.my_invitations(user)
    page = Paginator(rows, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orglife/meetings_mine.html",
        {
            "page": page,
            "feed": queries.calendar_feed_of(user),
            "new_feed_url": new_feed_url,
            "units": queries.meeting_units_of(user),
        },
    )


@login_required
@require_GET
def my_meetings(request: AuthedRequest) -> HttpResponse:
    """The person's invitations, upcoming first, with answer buttons and their calendar feed."""
    return _my_meetings_page(request)


@login_required
@require_POST
def calendar_feed(request: AuthedRequest) -> HttpResponse:
    """Make (or replace) or revoke the person's private calendar feed; a new URL is shown once."""
    if request.POST.get("action") == "revoke":
        if services.calendar_feed_revoke(actor=request.user):
            messages.success(request, _("Your calendar feed is stopped: its address no longer works."))
        return redirect("orglife:my_meetings")
    _feed, raw = services.calendar_feed_create(actor=request.user)
    url = request.build_absolute_uri(reverse("orglife:calendar_feed_ics", args=[raw]))
    messages.success(
        request, _("Your new calendar feed is ready. Copy its address now: it is shown only once.")
    )
    return _my_meetings_page(request, new_feed_url=url)


# --- A unit's meetings ------------------------------------------------------------------------------


@login_required
@require_GET
def unit_meetings(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The meetings of a unit's subtree, upcoming first, filtered by type and status (fixed query count)."""
    unit = org_queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_MEETINGS, unit)
    form = MeetingFilterForm(request.GET)
    rows = queries.meetings_of_unit(unit, **form.filters())
    page = Paginator(rows, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_organise": permissions.can_organise_meetings_in(user, unit),
        "breadcrumb": _breadcrumb(user, unit),
    }
    template = "orglife/meetings.html#results" if _wants_fragment(request) else "orglife/meetings.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def people_search(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Members of the unit's subtree matching a name or number (an htmx fragment for the planning form)."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.ORGANISE_MEETINGS, unit)
    found = queries.people_search(unit, request.GET.get("q", "")[:50])
    return render(request, "orglife/meeting_people.html", {"found": found, "query": request.GET.get("q", "")})


def _plan_page(
    request: AuthedRequest, unit: OrgUnit, form: MeetingForm, meeting: Meeting | None
) -> HttpResponse:
    mark_invalid(form)
    return render(
        request,
        "orglife/meeting_form.html",
        {
            "unit": unit,
            "form": form,
            "meeting": meeting,
            "breadcrumb": _breadcrumb(request.user, unit),
            "time_zone": settings.TIME_ZONE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Plan a meeting of the unit as a draft."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.ORGANISE_MEETINGS, unit)
    if request.method != "POST":
        initial: dict[str, Any] = {"invited_units": [unit.pk]}
        # The compliance calendar's "plan one" link names the kind of activity that is due.
        if request.GET.get("kind") in ActivityKind.values:
            initial["kind"] = request.GET["kind"]
        return _plan_page(request, unit, MeetingForm(unit=unit, initial=initial), None)
    form = MeetingForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, unit=unit, plan=form.plan())
        except FieldErrors as error:
            add_field_errors(form, error)
        else:
            messages.success(
                request, _("The meeting is planned as a draft. Publish its notice when it is ready.")
            )
            return redirect("orglife:meeting", meeting.pk)
    return _plan_page(request, unit, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Change a draft (invitees included) or a published meeting (invitees are told of a new time or place)."""
    meeting = queries.meeting_get(meeting_id)
    permissions.require_organiser(request.user, meeting, queries.invitation_of(request.user, meeting))
    if meeting.is_locked:
        messages.error(
            request,
            _("This meeting is %(status)s: it can no longer be changed.")
            % {"status": meeting.get_status_display()},
        )
        return redirect("orglife:meeting", meeting.pk)
    draft = meeting.status == MeetingStatus.DRAFT
    if request.method != "POST":
        form = MeetingForm(unit=meeting.unit, with_invitees=draft, initial=MeetingForm.initial_for(meeting))
        return _plan_page(request, meeting.unit, form, meeting)
    form = MeetingForm(request.POST, unit=meeting.unit, with_invitees=draft)
    if form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, plan=form.plan())
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("orglife:meeting", meeting.pk)
    return _plan_page(request, meeting.unit, form, meeting)


# --- The meeting ------------------------------------------------------------------------------------


def _meeting_page(
    request: AuthedRequest,
    meeting: Meeting,
    invitation: Invitation | None,
    *,
    answer_form: AnswerForm | None = None,
    cancel_form: CancelForm | None = None,
    decision_errors: dict[int, LeaveDecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_view = permissions.can_view_meetings_of(user, meeting.unit)
    may_organise = permissions.can_organise(user, meeting)
    invited = permissions.is_invited(invitation, meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "invitation": invitation if invited else None,
        "may_view": may_view,
        "may_organise": may_organise,
        "may_answer": invited and meeting.status == MeetingStatus.PUBLISHED,
        "answer_form": answer_form or AnswerForm(),
        "cancel_form": cancel_form or CancelForm(),
        "decision_errors": decision_errors or {},
        "invited_units": list(meeting.invited_units.all()),
        "breadcrumb": _breadcrumb(user, meeting.unit) if may_view else [],
    }
    if may_view:
        context["summary"] = queries.invitation_summary(meeting)
        context["invitations"] = list(queries.invitations_of(meeting))
    for form in (context["answer_form"], context["cancel_form"]):
        mark_invalid(form)
    return render(request, "orglife/meeting.html", context, status=status)


@login_required
@require_GET
def meeting(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The meeting and its notice. An invitee opening it is recorded as having read the notice."""
    found = queries.meeting_get(meeting_id)
    invitation = queries.invitation_of(request.user, found)
    permissions.require_meeting_visible(request.user, found, invitation)
    if (
        invitation is not None
        and invitation.read_at is None
        and services.invitation_mark_read(actor=request.user, meeting=found)
    ):
        invitation.refresh_from_db(fields=["read_at"])
    return _meeting_page(request, found, invitation)


@login_required
@require_POST
def meeting_publish(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Publish the notice: every invitee gets it in their inbox (once)."""
    found = queries.meeting_get(meeting_id)
    permissions.require_organiser(request.user, found, queries.invitation_of(request.user, found))
    try:
        services.meeting_publish(actor=request.user, meeting=found)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The notice is published and the invitees are notified."))
    return redirect("orglife:meeting", found.pk)


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Cancel the meeting with a reason; the invitees of a published notice are told."""
    found = queries.meeting_get(meeting_id)
    invitation = queries.invitation_of(request.user, found)
    permissions.require_organiser(request.user, found, invitation)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(actor=request.user, meeting=found, reason=form.cleaned_data["reason"])
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The meeting is cancelled."))
            return redirect("orglife:meeting", found.pk)
    return _meeting_page(request, found, invitation, cancel_form=form, status=400)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


@login_required
@require_POST
def meeting_answer(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The invitee answers: attend, or ask for leave with a reason."""
    found = queries.meeting_get(meeting_id)
    invitation = queries.invitation_of(request.user, found)
    if not permissions.is_invited(invitation, found):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_answer(
                actor=request.user,
                meeting=found,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data.get("reason") or "",
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            if _wants_fragment(request) and request.POST.get("row"):
                return render(request, "orglife/meetings_mine.html#row", {"invitation": invitation})
            messages.success(request, _("Your answer is recorded."))
            return redirect(_back(request, reverse("orglife:meeting", args=[found.pk])))
    if _wants_fragment(request) and request.POST.get("row"):
        # A refused answer from a card of "My meetings": htmx swaps no 400, so open the meeting,
        # whose page says why.
        for message in form.non_field_errors():
            messages.error(request, str(message))
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("orglife:meeting", args=[found.pk])
        return response
    return _meeting_page(request, found, invitation, answer_form=form, status=400)


@login_required
@require_POST
def leave_decide(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    """The organiser approves or refuses a leave request; the invitee is told."""
    invitation = queries.invitation_get(invitation_id)
    found = invitation.meeting
    own = queries.invitation_of(request.user, found)
    permissions.require_organiser(request.user, found, own)
    form = LeaveDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.leave_decide(
                actor=request.user,
                invitation=invitation,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data.get("note") or "",
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The leave of %(person)s is decided.") % {"person": invitation.person.name}
            )
            return redirect("orglife:meeting", found.pk)
    return _meeting_page(request, found, own, decision_errors={invitation.pk: form}, status=400)


# --- Calendar exports -------------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def meeting_ics(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The meeting as an .ics file to add to a calendar app."""
    found = queries.meeting_get(meeting_id)
    permissions.require_meeting_visible(request.user, found, queries.invitation_of(request.user, found))
    return _ics(calendar.calendar_of([found], name=found.title), f"meeting-{found.pk}.ics")


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A person's private subscription feed: everything they are invited to, addressed by a secret token."""
    person = services.calendar_feed_use(token)
    if person is None:
        raise Http404
    name = _("SmartBranch meetings · %(name)s") % {"name": person.name}
    return _ics(calendar.calendar_of(queries.feed_meetings(person), name=name), "meetings.ics")
