"""Pages of check-in: the organiser's projected screen and attendance desk, the member's check-in.

A member scanning the QR code lands on ``checkin_meeting`` with the token in the address. The
server notes the token and when it saw it in the session, then drops it from the address; a member
who must log in first comes back to the same page afterwards and is checked in with that scan
(``services_checkin.check_in_by_token`` accepts it within ``SCAN_GRACE``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from orglife import queries_record, services_checkin
from orglife.forms_record import CodeForm, MarkPresentForm
from orglife.models import Meeting, MeetingStatus
from orglife.permissions_record import can_view_meeting, is_invited
from orgs.forms import add_field_errors

SCAN_KEY = "orglife_check_in_scan"
LIVE_POLL_SECONDS = 5


def _checked_in_message(result: services_checkin.CheckInResult) -> str:
    at = time_format(timezone.localtime(result.check_in.checked_in_at), "H:i")
    return _("You were already checked in at %(time)s.") % {"time": at}


# --- The organiser's screen and desk ---------------------------------------------------------------


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=8, omitsize=True, svgclass="qr-code")
    # segno draws the code from the URL's bits; no text from the URL reaches the markup.
    return mark_safe(svg)  # noqa: S308


def _code_context(request: AuthedRequest, meeting: Meeting) -> dict[str, Any]:
    try:
        codes = services_checkin.screen_codes(actor=request.user, meeting=meeting)
    except DomainError as refusal:
        return {"meeting": meeting, "refusal": str(refusal.message), "retry_seconds": 30}
    path = reverse("orglife:checkin_meeting", args=[meeting.pk])
    url = request.build_absolute_uri(f"{path}?t={codes.token}")
    return {
        "meeting": meeting,
        "codes": codes,
        "qr_svg": _qr_svg(url),
        "short_code_spaced": f"{codes.short_code[:3]} {codes.short_code[3:]}",
        "opens_at": services_checkin.check_in_opens_at(meeting),
    }


def _live_context(meeting: Meeting) -> dict[str, Any]:
    attendance = queries_record.attendance(meeting)
    return {
        "meeting": meeting,
        "attendance": attendance,
        "latest": attendance.checked_in[:60],
        "poll_seconds": LIVE_POLL_SECONDS,
    }


@login_required
@require_safe
@never_cache
def checkin_screen(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The screen to project: the QR code and short code of the moment, and who has checked in."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    context = {**_code_context(request, meeting), **_live_context(meeting)}
    return render(request, "orglife/checkin_screen.html", context)


@login_required
@require_safe
@never_cache
def checkin_screen_code(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The codes of the current 30-second window (the screen swaps them in as the window turns)."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return render(request, "orglife/checkin_screen.html#code", _code_context(request, meeting))


@login_required
@require_safe
@never_cache
def checkin_live(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The live counts and the latest check-ins (polled every few seconds)."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return render(request, "orglife/checkin_live.html", _live_context(meeting))


def _attendance_page(
    request: AuthedRequest, meeting: Meeting, *, error: str = "", notice: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    context = {
        **_live_context(meeting),
        "can_mark": meeting.status == MeetingStatus.PUBLISHED
        and now >= services_checkin.check_in_opens_at(meeting),
        "error": error,
        "notice": notice,
    }
    template = "orglife/checkin_attendance.html#desk" if request.htmx else "orglife/checkin_attendance.html"
    return render(request, template, context, status=status)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The organiser's desk: every invitee with their state, leave requests, and marking by hand."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _attendance_page(request, meeting)


@login_required
@require_POST
def mark_present(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Mark one invitee present by hand (idempotent)."""
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    form = MarkPresentForm(request.POST)
    error = notice = ""
    if not form.is_valid():
        error = _("Choose the person to mark present.")
    else:
        try:
            result = services_checkin.check_in_mark_present(
                actor=request.user, meeting_id=meeting.pk, person_id=form.cleaned_data["person"]
            )
        except FieldErrors as refusal:
            error = " ".join(message for messages_ in refusal.fields.values() for message in messages_)
        except DomainError as refusal:
            error = str(refusal.message)
        else:
            name = result.check_in.person.name
            notice = (
                _("%(name)s is marked present.") % {"name": name}
                if result.created
                else _("%(name)s was already present.") % {"name": name}
            )
    if request.htmx:
        return _attendance_page(request, meeting, error=error, notice=notice)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("orglife:attendance", meeting_id=meeting.pk)


# --- The member's check-in ---------------------------------------------------------------------------


def _pending_scan(request: HttpRequest, meeting_id: int) -> tuple[str, datetime] | None:
    scan = request.session.get(SCAN_KEY)
    if not isinstance(scan, dict) or scan.get("meeting") != meeting_id:
        return None
    seen = parse_datetime(str(scan.get("at", "")))
    if seen is None:
        return None
    return str(scan.get("token", "")), seen


def _member_page(
    request: AuthedRequest,
    meeting: Meeting,
    *,
    form: CodeForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    invited = is_invited(request.user, meeting)
    check_in = meeting.check_ins.filter(person=request.user).first() if invited else None
    context: dict[str, Any] = {
        "meeting": meeting,
        "invited": invited,
        "may_see_title": invited or can_view_meeting(request.user, meeting),
        "check_in": check_in,
        "pending_scan": invited and check_in is None and _pending_scan(request, meeting.pk) is not None,
        "form": form or CodeForm(),
        "error": error,
        "is_open": services_checkin.is_check_in_open(meeting, timezone.now()),
        "opens_at": services_checkin.check_in_opens_at(meeting),
    }
    if not invited:
        context["error"] = error or _(
            "You are not on the list of people invited to this meeting, so you cannot check in to it."
        )
        status = 403
    template = "orglife/checkin_meeting.html#panel" if request.htmx else "orglife/checkin_meeting.html"
    return render(request, template, context, status=status)


def _post_check_in(request: AuthedRequest, meeting: Meeting) -> HttpResponse:
    form = CodeForm(request.POST) if "code" in request.POST else None
    try:
        if form is not None:
            if not form.is_valid():
                return _member_page(request, meeting, form=form, status=400)
            result = services_checkin.check_in_by_code(
                actor=request.user, code=form.cleaned_data["code"], meeting_id=meeting.pk
            )
        else:
            scan = _pending_scan(request, meeting.pk)
            if scan is None:
                raise DomainError(
                    "check_in_no_scan",
                    _("Scan the QR code on the screen again, or type the code shown beside it."),
                )
            result = services_checkin.check_in_by_token(
                actor=request.user, meeting_id=meeting.pk, token=scan[0], scanned_at=scan[1]
            )
    except FieldErrors as refusal:
        form = form or CodeForm()
        add_field_errors(form, refusal)
        return _member_page(request, meeting, form=form, status=400)
    except DomainError as refusal:
        request.session.pop(SCAN_KEY, None)
        return _member_page(request, meeting, form=form, error=str(refusal.message), status=409)
    request.session.pop(SCAN_KEY, None)
    if not result.created:  # a new check-in is shown by the page itself
        messages.info(request, _checked_in_message(result))
    if request.htmx:
        return _member_page(request, meeting)
    return redirect("orglife:checkin_meeting", meeting_id=meeting.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def checkin_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Where the QR code leads: notes the scan, has the person log in if needed, checks them in."""
    path = reverse("orglife:checkin_meeting", args=[meeting_id])
    token = request.GET.get("t", "")
    if token and request.method == "GET":
        request.session[SCAN_KEY] = {
            "meeting": meeting_id,
            "token": token[:200],
            "at": timezone.now().isoformat(),
        }
        if not request.user.is_authenticated:
            return redirect_to_login(path)
        return redirect(path)  # the token leaves the address bar and the browser's history
    if not request.user.is_authenticated:
        return redirect_to_login(path)
    authed: AuthedRequest = request  # type: ignore[assignment]
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    if request.method == "POST":
        return _post_check_in(authed, meeting)
    return _member_page(authed, meeting)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_entry(request: AuthedRequest) -> HttpResponse:
    """Type the short code: the code finds the meeting. Lists the person's meetings open for check-in."""
    form = CodeForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services_checkin.check_in_by_code(actor=request.user, code=form.cleaned_data["code"])
        except FieldErrors as refusal:
            add_field_errors(form, refusal)
            status = 400
        except DomainError as refusal:
            error = str(refusal.message)
            status = 409
        else:
            if not result.created:
                messages.info(request, _checked_in_message(result))
            return redirect("orglife:checkin_meeting", meeting_id=result.check_in.meeting_id)
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "error": error,
        "meetings": list(queries_record.open_for_check_in(request.user)),
    }
    return render(request, "orglife/checkin_entry.html", context, status=status)


@login_required
@require_safe
def my_attendance(request: AuthedRequest) -> HttpResponse:
    """The person's own attendance history: attended, on leave or absent, per past meeting."""
    entries = queries_record.attendance_of(request.user)
    context = {"entries": entries, "summary": queries_record.attendance_summary(entries)}
    return render(request, "orglife/checkin_history.html", context)
