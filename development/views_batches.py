"""Semester batches: the list of a unit's batches, and one batch with its cases, public notice and
meeting (one sitting, each candidate voted on separately).

Seeing batches needs ``development.view_cases`` over the unit; opening, filling and recording them
needs ``development.record_steps`` or ``development.approve`` there (as the services say).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import can, require
from development import capabilities as caps
from development import queries, services, services_batches, steps
from development.forms import add_field_errors, mark_invalid
from development.forms_batches import BatchAddCasesForm, BatchMeetingForm, BatchOpenForm, NoticeForm
from development.models import Batch, BatchKind, CaseStatus, DevelopmentCase, PublicNotice, Vote
from development.views_common import may_record_in, refusal, unit_breadcrumb
from orgs import queries as org_queries
from orgs.models import OrgUnit

MEETING_STEP = {BatchKind.ADMISSION: steps.ADMISSION_MEETING, BatchKind.CONVERSION: steps.CONVERSION_MEETING}


def _may_organise(user: Any, unit: OrgUnit) -> bool:
    return any(can(user, capability, unit) for capability in services_batches.ORGANISERS)


# --- The list -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batches(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The batches opened in a unit and below it; organisers open a new one here."""
    unit = org_queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_CASES, unit)
    may_organise = _may_organise(user, unit)
    form = None
    if may_organise:
        form = BatchOpenForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            batch = services_batches.batch_open(
                actor=user,
                unit=unit,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                semester=form.cleaned_data["semester"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The batch “%(name)s” was opened.") % {"name": batch.name})
            return redirect("development:batch", batch.pk)
    if form is not None:
        mark_invalid(form)
    rows = list(
        queries.batches_for(user)
        .filter(unit__path__startswith=unit.path)
        .annotate(case_count=Count("cases"))
        .order_by("-opened_on", "-id")
    )
    return render(
        request,
        "development/batches.html",
        {
            "unit": unit,
            "batches": rows,
            "form": form,
            "breadcrumb": unit_breadcrumb(user, unit),
            "may_record": may_record_in(user, unit),
        },
    )


# --- One batch ------------------------------------------------------------------------------------------


def _batch_for(request: AuthedRequest, batch_id: int) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("unit"), pk=batch_id)
    require(request.user, caps.VIEW_CASES, batch.unit)
    return batch


def _batch_cases(batch: Batch) -> list[DevelopmentCase]:
    return list(
        DevelopmentCase.objects.filter(batch=batch)
        .select_related("person", "branch")
        .order_by("branch__path", "person__number")
    )


def _addable(user: Any, batch: Batch) -> list[DevelopmentCase]:
    allowed = services_batches.BATCH_STEPS[BatchKind(batch.kind)]
    return list(
        queries.cases_in_scope(user)
        .filter(
            branch__path__startswith=batch.unit.path,
            status=CaseStatus.OPEN,
            current_step__gte=allowed.start,
            current_step__lt=allowed.stop,
        )
        .filter(Q(batch__isnull=True) | ~Q(batch=batch))
        .select_related("person")
        .order_by("current_step", "person__number")
    )


def _meeting_candidates(batch: Batch, cases: list[DevelopmentCase]) -> list[DevelopmentCase]:
    step = MEETING_STEP.get(BatchKind(batch.kind))
    if step is None:
        return []
    return [case for case in cases if case.is_open and steps.next_recordable(case.current_step) == step]


def _batch_page(
    request: AuthedRequest,
    batch: Batch,
    *,
    add_form: BatchAddCasesForm | None = None,
    notice_form: NoticeForm | None = None,
    meeting_form: BatchMeetingForm | None = None,
    violations: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    user = request.user
    cases = _batch_cases(batch)
    may_organise = _may_organise(user, batch.unit) and batch.is_open
    may_vote = can(user, caps.RECORD_STEPS, batch.unit) or any(
        can(user, caps.RECORD_STEPS, case.branch) for case in cases
    )
    candidates = _meeting_candidates(batch, cases)
    conversion = batch.kind == BatchKind.CONVERSION
    votes = list(
        Vote.objects.filter(batch=batch)
        .select_related("case__person")
        .order_by("-meeting_on", "case__person__number")
    )
    notices = list(
        PublicNotice.objects.filter(batch=batch)
        .select_related("published_by")
        .prefetch_related(Prefetch("candidates", queryset=DevelopmentCase.objects.select_related("person")))
    )
    names = {case.pk: case.person.name for case in cases}
    for violation in violations or []:
        case_id = violation.get("case_id")
        violation["person"] = names.get(case_id, "") if isinstance(case_id, int) else ""
    context: dict[str, Any] = {
        "batch": batch,
        "unit": batch.unit,
        "cases": [{"case": case, "step": steps.STEPS_BY_NUMBER[case.current_step]} for case in cases],
        "votes": votes,
        "notices": notices,
        "violations": violations or [],
        "may_organise": may_organise,
        "breadcrumb": unit_breadcrumb(user, batch.unit),
        "add_form": None,
        "notice_form": None,
        "meeting_form": None,
    }
    if may_organise:
        context["add_form"] = add_form or BatchAddCasesForm(candidates=_addable(user, batch))
        if cases:
            context["notice_form"] = notice_form or NoticeForm()
    if may_vote and candidates:
        context["meeting_form"] = meeting_form or BatchMeetingForm(
            candidates=candidates, conversion=conversion
        )
    for name in ("add_form", "notice_form", "meeting_form"):
        if context[name] is not None:
            mark_invalid(context[name])
    return render(request, "development/batch.html", context)


@login_required
@require_http_methods(["GET"])
def batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """One batch: its cases, its public notices, its meeting and the result per candidate."""
    return _batch_page(request, _batch_for(request, batch_id))


def _require_organiser(request: AuthedRequest, found: Batch) -> None:
    if not _may_organise(request.user, found.unit):
        raise PermissionDenied


@login_required
@require_POST
def batch_add(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Put cases in the batch."""
    found = _batch_for(request, batch_id)
    _require_organiser(request, found)
    candidates = _addable(request.user, found)
    form = BatchAddCasesForm(request.POST, candidates=candidates)
    if form.is_valid():
        chosen = [case for case in candidates if case.pk in set(form.cleaned_data["cases"])]
        try:
            services_batches.batch_add_cases(actor=request.user, batch=found, cases=chosen)
        except FieldErrors as error:
            _field_errors_to(form, error, "cases")
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The cases were added to the batch."))
            return redirect("development:batch", found.pk)
    return _batch_page(request, found, add_form=form)


@login_required
@require_POST
def batch_notice(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Publish the public notice (公示) of the batch's candidates."""
    found = _batch_for(request, batch_id)
    _require_organiser(request, found)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services_batches.public_notice_publish(
                actor=request.user,
                cases=[case for case in _batch_cases(found) if case.is_open],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                batch=found,
                text=form.cleaned_data["text"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The public notice was published."))
            return redirect("development:batch", found.pk)
    return _batch_page(request, found, notice_form=form)


@login_required
@require_POST
def batch_meeting(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Record one sitting of the branch general meeting: each candidate voted on separately."""
    found = _batch_for(request, batch_id)
    cases = _batch_cases(found)
    if not any(can(request.user, caps.RECORD_STEPS, case.branch) for case in cases):
        raise PermissionDenied
    candidates = _meeting_candidates(found, cases)
    form = BatchMeetingForm(
        request.POST, candidates=candidates, conversion=found.kind == BatchKind.CONVERSION
    )
    if not form.is_valid():
        return _batch_page(request, found, meeting_form=form)
    try:
        votes = services.batch_record_meeting(
            actor=request.user,
            batch=found,
            meeting_on=form.cleaned_data["meeting_on"],
            members_with_voting_rights=form.cleaned_data["members_with_voting_rights"],
            attended=form.cleaned_data["attended"],
            candidates=[services.CandidateVote(**vote) for vote in form.candidate_votes()],
        )
    except services.RuleViolation as violation:
        return _batch_page(request, found, meeting_form=form, violations=refusal(violation.violations))
    except FieldErrors as error:
        add_field_errors(form, error)
        return _batch_page(request, found, meeting_form=form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _batch_page(request, found, meeting_form=form)
    passed = sum(1 for vote in votes if vote.passed)
    messages.success(
        request,
        _("The meeting was recorded: %(passed)s of %(total)s candidates passed.")
        % {"passed": passed, "total": len(votes)},
    )
    return redirect("development:batch", found.pk)


@login_required
@require_POST
def batch_close(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Close the batch: no more cases join it."""
    found = _batch_for(request, batch_id)
    _require_organiser(request, found)
    services_batches.batch_close(actor=request.user, batch=found)
    messages.success(request, _("The batch was closed."))
    return redirect("development:batch", found.pk)


def _field_errors_to(form: forms.Form, error: FieldErrors, field: str) -> None:
    for messages_ in error.fields.values():
        for message in messages_:
            form.add_error(field, message)
