"""The case page of the committees: the timeline, the form of the next step, and the other actions.

The form of the next step is built from the step's definition. A refused step lists every broken
rule (name, message, source and dates); whoever holds ``development.record_exception`` may then
record it as an exception with a reason, which the timeline shows to every later reader.
Out of scope is 404, in scope without the right 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import User
from core.errors import DomainError, FieldErrors
from development import capabilities as caps
from development import permissions, queries, services, steps
from development.forms import (
    AssessmentForm,
    CancelForm,
    DocumentForm,
    ResubmitForm,
    ReturnForm,
    StepForm,
    ThoughtReportForm,
    TransferOutForm,
    add_field_errors,
    mark_invalid,
)
from development.models import DevelopmentCase, Vote
from development.views_common import refusal, store_uploads, timeline_context, unit_breadcrumb

ACTION_FORMS = (
    "return_form",
    "resubmit_form",
    "assessment_form",
    "report_form",
    "cancel_form",
    "transfer_form",
)


def _url_or_none(name: str, *args: object) -> str | None:
    """The URL of a page another part of the system provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def exception_mode(user: User, case: DevelopmentCase, definition: steps.StepDefinition) -> str:
    """How the step form offers an exception: "offered" after a refusal, "required" when the user may
    record this step only as an exception, or "" when they may not record exceptions."""
    if not permissions.can_record_exception(user, case):
        return ""
    return "offered" if permissions.can_record_step(user, case, definition) else "required"


def _may_record_next(user: User, case: DevelopmentCase, definition: steps.StepDefinition | None) -> bool:
    if definition is None or not case.is_open:
        return False
    if case.is_returned and definition.is_higher_committee_step:
        return False
    return permissions.can_record_step(user, case, definition) or permissions.can_record_exception(user, case)


def _step_form(
    request: AuthedRequest, case: DevelopmentCase, definition: steps.StepDefinition, bound: bool
) -> StepForm:
    return StepForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        definition=definition,
        actor=request.user,
        case=case,
        exception=exception_mode(request.user, case, definition),
        lookup_url=reverse("development:person_lookup", args=[case.branch_id]),
    )


def _meeting_proposal(rows: list[dict[str, Any]], case: DevelopmentCase) -> str | None:
    """What the conversion meeting of the current round resolved (shown with the approval)."""
    for row in rows:
        record = row["record"]
        if (
            record is not None
            and row["number"] == steps.CONVERSION_MEETING
            and row["round"] == case.probation_round
        ):
            proposal = record.data.get("proposal")
            return str(proposal) if proposal else None
    return None


def _case_page(
    request: AuthedRequest,
    case: DevelopmentCase,
    *,
    step_form: StepForm | None = None,
    violations: list[dict[str, Any]] | None = None,
    waivable: bool = False,
    document_form: tuple[int, str, DocumentForm] | None = None,
    bound_forms: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    user = request.user
    timeline = queries.case_timeline(case)
    detailed = (
        permissions.can_view_dossier(user, case)
        or permissions.can_record_steps(user, case)
        or permissions.can_approve(user, case)
    )
    context = timeline_context(timeline, detailed=detailed)
    definition = timeline.recordable
    may_record_steps = permissions.can_record_steps(user, case)
    may_approve = permissions.can_approve(user, case)
    if _may_record_next(user, case, definition) and definition is not None:
        form = step_form or _step_form(request, case, definition, bound=False)
        mark_invalid(form)
        context["step_form"] = form
    proposal = _meeting_proposal(context["rows"], case)
    context.update(
        {
            "case": case,
            "breadcrumb": unit_breadcrumb(user, case.branch),
            "definition": definition,
            "is_vote_step": definition is not None and definition.number in steps.VOTE_STEPS,
            "is_approval_step": definition is not None and definition.number in steps.APPROVAL_STEPS,
            "proposal": proposal,
            "proposal_label": dict(Vote.Proposal.choices).get(proposal or "", ""),
            "violations": violations or [],
            "waivable": waivable,
            "exception_mode": exception_mode(user, case, definition) if definition else "",
            "may_record_steps": may_record_steps,
            "may_approve": may_approve,
            "training": queries.case_training(timeline),
            "dossier_url": _url_or_none("dossier:case", case.pk)
            if permissions.can_view_dossier(user, case)
            else None,
        }
    )
    if case.is_open:
        _action_forms(context, user, case, definition, bound_forms or {}, may_record_steps, may_approve)
        context["document_forms"] = (
            _document_forms(context["rows"], document_form) if (may_record_steps or may_approve) else []
        )
    for name in ACTION_FORMS:
        if context.get(name) is not None:
            mark_invalid(context[name])
    return render(request, "development/case.html", context)


def _action_forms(
    context: dict[str, Any],
    user: User,
    case: DevelopmentCase,
    definition: steps.StepDefinition | None,
    bound: dict[str, forms.Form],
    may_record_steps: bool,
    may_approve: bool,
) -> None:
    at_higher_step = definition is not None and definition.is_higher_committee_step
    if may_approve and at_higher_step and not case.is_returned:
        context["return_form"] = bound.get("return_form") or ReturnForm()
    if may_record_steps and case.is_returned:
        context["resubmit_form"] = bound.get("resubmit_form") or ResubmitForm()
    if may_record_steps and case.activist_on is not None and case.current_step > steps.ACTIVIST_CONFIRMATION:
        context["assessment_form"] = bound.get("assessment_form") or AssessmentForm(actor=user, case=case)
    if may_record_steps:
        context["report_form"] = bound.get("report_form") or ThoughtReportForm()
        context["transfer_form"] = bound.get("transfer_form") or TransferOutForm()
    if (may_record_steps or may_approve) and case.current_step <= steps.ADMISSION_APPROVAL:
        context["cancel_form"] = bound.get("cancel_form") or CancelForm()


def _document_forms(
    rows: list[dict[str, Any]], failed: tuple[int, str, DocumentForm] | None
) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        if row["record"] is None:
            continue
        for spec in row["missing_documents"]:
            prefix = f"document-{row['number']}-{spec.kind}"
            if failed is not None and failed[0] == row["number"] and failed[1] == spec.kind:
                form = failed[2]
                mark_invalid(form)
            else:
                form = DocumentForm(prefix=prefix)
            found.append({"row": row, "spec": spec, "form": form})
    return found


# --- The page and the next step ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case: its timeline, the next step's form, and the actions open to the user."""
    found = queries.case_for(request.user, case_id)
    user = request.user
    if permissions.is_own_case(user, found) and not permissions.can_record_steps(user, found):
        # The person reads their own case on their own page, which hides others' opinions.
        if request.method == "POST":
            raise PermissionDenied
        return redirect("development:my_case")
    if request.method != "POST":
        return _case_page(request, found)
    if not found.is_open:
        permissions.require_over_case(user, found, (caps.RECORD_STEPS, caps.APPROVE, caps.RECORD_EXCEPTION))
        messages.error(request, _("This case is closed; nothing more can be recorded."))
        return redirect("development:case", found.pk)
    definition = queries.case_timeline(found).recordable
    if not _may_record_next(user, found, definition) or definition is None:
        raise PermissionDenied
    if str(definition.number) != request.POST.get("step_number"):
        messages.warning(
            request, _("The case moved on while you were filling in the form; check the next step.")
        )
        return redirect("development:case", found.pk)
    form = _step_form(request, found, definition, bound=True)
    if not form.is_valid():
        return _case_page(request, found, step_form=form)
    try:
        outcome = _record_step(user, found, definition, form)
    except services.RuleViolation as violation:
        return _case_page(
            request,
            found,
            step_form=form,
            violations=refusal(violation.violations),
            waivable=violation.waivable,
        )
    except FieldErrors as error:
        add_field_errors(form, error)
        return _case_page(request, found, step_form=form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _case_page(request, found, step_form=form)
    if isinstance(outcome, Vote) and not outcome.passed:
        messages.warning(
            request,
            _(
                "The vote did not pass: %(yes)s yes of %(members)s full members with voting rights. "
                "It stays in the dossier; the step waits for another meeting."
            )
            % {"yes": outcome.yes, "members": outcome.members_with_voting_rights},
        )
    else:
        messages.success(
            request,
            _("Step %(number)s, %(name)s, was recorded.")
            % {"number": definition.number, "name": definition.name},
        )
    return redirect("development:case", found.pk)


def _record_step(user: User, case: DevelopmentCase, definition: steps.StepDefinition, form: StepForm) -> Any:
    """Store the uploads and record the step in one transaction: a refusal leaves nothing behind."""
    reason = form.exception_reason()
    with transaction.atomic():
        documents = store_uploads(user, case, form.uploads())
        if definition.number in steps.VOTE_STEPS:
            return services.vote_record(
                actor=user, case=case, documents=documents, exception_reason=reason, **form.vote_arguments()
            )
        return services.step_record(
            actor=user,
            case=case,
            step=definition.number,
            data=form.step_data(),
            documents=documents,
            exception_reason=reason,
        )


# --- Other actions -----------------------------------------------------------------------------------------


def _act(
    request: AuthedRequest,
    case: DevelopmentCase,
    form: forms.Form,
    form_name: str,
    action: Callable[[], Any],
    success: str,
) -> HttpResponse:
    """Run ``action`` when ``form`` is valid; on an error show the page again with the form."""
    if form.is_valid():
        try:
            action()
        except services.RuleViolation as violation:
            return _case_page(
                request, case, violations=refusal(violation.violations), bound_forms={form_name: form}
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, success)
            return redirect("development:case", case.pk)
    return _case_page(request, case, bound_forms={form_name: form})


def _working_case(request: AuthedRequest, case_id: int) -> DevelopmentCase:
    """The case for an action: 404 out of scope, 403 when the user cannot even see it."""
    return queries.case_for(request.user, case_id)


@login_required
@require_POST
def case_return(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The higher committee sends the case back to the branch, with the reason."""
    found = _working_case(request, case_id)
    if not permissions.can_approve(request.user, found):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    return _act(
        request,
        found,
        form,
        "return_form",
        lambda: services.case_return(actor=request.user, case=found, reason=form.cleaned_data["reason"]),
        _("The case was returned to the branch."),
    )


@login_required
@require_POST
def case_resubmit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The branch sends a returned case up again."""
    found = _working_case(request, case_id)
    if not permissions.can_record_steps(request.user, found):
        raise PermissionDenied
    form = ResubmitForm(request.POST)
    return _act(
        request,
        found,
        form,
        "resubmit_form",
        lambda: services.case_resubmit(actor=request.user, case=found, note=form.cleaned_data["note"]),
        _("The case was sent to the higher committee again."),
    )


@login_required
@require_POST
def case_assessment(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a six-monthly assessment."""
    found = _working_case(request, case_id)
    if not permissions.can_record_steps(request.user, found):
        raise PermissionDenied
    form = AssessmentForm(request.POST, actor=request.user, case=found)
    return _act(
        request,
        found,
        form,
        "assessment_form",
        lambda: services.assessment_record(
            actor=request.user,
            case=found,
            assessed_on=form.cleaned_data["assessed_on"],
            period=form.cleaned_data["period"],
            assessor=form.assessor_person,  # type: ignore[arg-type]
            result=form.cleaned_data["result"],
            text=form.cleaned_data["text"],
        ),
        _("The assessment was recorded."),
    )


@login_required
@require_POST
def case_thought_report(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a thought report received by the branch, with its document."""
    found = _working_case(request, case_id)
    if not permissions.can_record_steps(request.user, found):
        raise PermissionDenied
    form = ThoughtReportForm(request.POST, request.FILES)

    def record() -> None:
        with transaction.atomic():
            uploaded = form.cleaned_data.get("file")
            document = None
            if uploaded:
                document = store_uploads(request.user, found, [("other", uploaded)])[0][1]
            services.thought_report_record(
                actor=request.user,
                case=found,
                received_on=form.cleaned_data["received_on"],
                document=document,
            )

    return _act(request, found, form, "report_form", record, _("The thought report was recorded."))


@login_required
@require_POST
def case_cancel(request: AuthedRequest, case_id: int) -> HttpResponse:
    """End the case before probation."""
    found = _working_case(request, case_id)
    if not (
        permissions.can_record_steps(request.user, found) or permissions.can_approve(request.user, found)
    ):
        raise PermissionDenied
    form = CancelForm(request.POST)
    return _act(
        request,
        found,
        form,
        "cancel_form",
        lambda: services.case_cancel(
            actor=request.user, case=found, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
        ),
        _("The case was closed."),
    )


@login_required
@require_POST
def case_transfer_out(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Close the case because the person moves to another party organisation."""
    found = _working_case(request, case_id)
    if not permissions.can_record_steps(request.user, found):
        raise PermissionDenied
    form = TransferOutForm(request.POST)
    return _act(
        request,
        found,
        form,
        "transfer_form",
        lambda: services.case_transfer_out(
            actor=request.user,
            case=found,
            destination=form.cleaned_data["destination"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
        _("The case was closed: the person transferred out."),
    )


@login_required
@require_POST
def case_document(request: AuthedRequest, case_id: int, step: int, kind: str) -> HttpResponse:
    """Attach a missing document to a step already recorded."""
    found = _working_case(request, case_id)
    user = request.user
    if not (permissions.can_record_steps(user, found) or permissions.can_approve(user, found)):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES, prefix=f"document-{step}-{kind}")
    if form.is_valid():
        try:
            with transaction.atomic():
                documents = store_uploads(user, found, [(kind, form.cleaned_data["file"])])
                services.step_add_documents(actor=user, case=found, step=step, documents=documents)
        except FieldErrors as error:
            for messages_ in error.fields.values():
                for message in messages_:
                    form.add_error("file", message)
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            messages.success(request, _("The document was attached."))
            return redirect("development:case", found.pk)
    return _case_page(request, found, document_form=(step, kind, form))
