"""The meeting record page: minutes, photos, resolutions, follow-up tasks, attendance and amendments.

Readers (viewers of the unit's meetings and the invitees) see the record; organisers also get the
forms to write it, close the meeting and, once it is closed, add amendments. Each form posts to
its own URL, which calls one service and comes back to the page (or re-renders it with the errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from orglife import queries_record, services_record
from orglife.forms_record import AmendmentForm, MinutesForm, PhotoForm, ResolutionForm, TaskForm
from orglife.models import Meeting, MeetingStatus
from orglife.permissions_record import can_organise
from orgs.forms import add_field_errors


def _record_page(
    request: AuthedRequest,
    meeting: Meeting,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    record = queries_record.record_of(meeting)
    organiser = can_organise(request.user, meeting)
    writable = organiser and meeting.status == MeetingStatus.PUBLISHED
    context: dict[str, Any] = {
        "meeting": meeting,
        "record": record,
        "attendance": queries_record.attendance(meeting),
        "organiser": organiser,
        "writable": writable,
        "error": error,
        "user_id": request.user.pk,
    }
    if writable:
        context.update(
            minutes_form=bound.get("minutes")
            or MinutesForm(initial={"minutes": record.minutes.html if record.minutes else ""}),
            resolution_form=bound.get("resolution") or ResolutionForm(),
            task_form=bound.get("task") or TaskForm(meeting=meeting),
            photo_form=bound.get("photo") or PhotoForm(),
        )
    if organiser and meeting.status == MeetingStatus.CLOSED:
        context["amendment_form"] = bound.get("amendment") or AmendmentForm()
    return render(request, "orglife/record.html", context, status=status)


@login_required
@require_safe
def record(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The record of a meeting, for its readers; with the writing forms for its organisers."""
    meeting = queries_record.meeting_for_reader(request.user, meeting_id)
    return _record_page(request, meeting)


def _handle(
    request: AuthedRequest,
    meeting: Meeting,
    *,
    key: str,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate ``form``, run ``action`` and come back to the page; refusals re-render it."""
    if not form.is_valid():
        return _record_page(request, meeting, bound={key: form}, status=400)
    try:
        action(form.cleaned_data)
    except FieldErrors as refusal:
        add_field_errors(form, refusal)
        return _record_page(request, meeting, bound={key: form}, status=400)
    except DomainError as refusal:
        return _record_page(request, meeting, bound={key: form}, error=str(refusal.message), status=409)
    messages.success(request, done)
    return redirect("orglife:record", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_save(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="minutes",
        form=MinutesForm(request.POST),
        action=lambda data: services_record.minutes_save(
            actor=request.user, meeting=meeting, html=data["minutes"]
        ),
        done=_("The minutes are saved."),
    )


@login_required
@require_POST
def resolution_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="resolution",
        form=ResolutionForm(request.POST),
        action=lambda data: services_record.resolution_add(
            actor=request.user, meeting=meeting, text=data["text"]
        ),
        done=_("The resolution is recorded."),
    )


@login_required
@require_POST
def resolution_remove(request: AuthedRequest, meeting_id: int, resolution_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="resolution",
        form=forms.Form(request.POST),
        action=lambda _data: services_record.resolution_remove(
            actor=request.user, meeting=meeting, resolution_id=resolution_id
        ),
        done=_("The resolution is removed."),
    )


@login_required
@require_POST
def task_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="task",
        form=TaskForm(request.POST, meeting=meeting),
        action=lambda data: services_record.task_add(
            actor=request.user,
            meeting=meeting,
            title=data["title"],
            owner_id=data["owner"],
            due_on=data["due_on"],
        ),
        done=_("The task is given; its owner is told in their inbox."),
    )


@login_required
@require_POST
def task_done(request: AuthedRequest, meeting_id: int, task_id: int) -> HttpResponse:
    """Mark a task done or not done (its owner or an organiser; also after closing)."""
    meeting = queries_record.meeting_for_reader(request.user, meeting_id)
    done = request.POST.get("done") == "1"
    try:
        services_record.task_set_done(actor=request.user, task_id=task_id, meeting=meeting, done=done)
    except (FieldErrors, DomainError) as refusal:
        return _record_page(request, meeting, error=str(refusal.message), status=409)
    messages.success(request, _("The task is marked done.") if done else _("The task is marked not done."))
    return redirect("orglife:record", meeting_id=meeting.pk)


@login_required
@require_POST
def photo_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="photo",
        form=PhotoForm(request.POST, request.FILES),
        action=lambda data: services_record.photo_add(
            actor=request.user, meeting=meeting, title=data["title"], uploaded_file=data["file"]
        ),
        done=_("The photo is added."),
    )


@login_required
@require_POST
def meeting_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="close",
        form=forms.Form(request.POST),
        action=lambda _data: services_record.meeting_close(actor=request.user, meeting=meeting),
        done=_("The meeting is closed; its record is locked. Corrections are now amendments."),
    )


@login_required
@require_POST
def amendment_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = queries_record.meeting_for_organiser(request.user, meeting_id)
    return _handle(
        request,
        meeting,
        key="amendment",
        form=AmendmentForm(request.POST),
        action=lambda data: services_record.amendment_add(
            actor=request.user, meeting=meeting, text=data["text"]
        ),
        done=_("The amendment is added to the record."),
    )
