"""API of the membership development procedure: cases, their timelines and steps, my case, batches.

Out of the caller's scope is 404, in scope without the right 403, exactly as on the pages (the
services decide). A step refused by the rules is a 409 ``rule_violation`` whose ``violations`` list
each broken rule with its source and dates; other refusals are 409 with their own code.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from core.permissions import in_scope
from development import permissions, queries, services, services_batches, step_data, steps
from development.engine import RuleViolation, require_rights, today
from development.models import Batch, CaseStatus, DevelopmentCase, StepRecord, Vote
from development.rule_engine import Level, Violation, params_from_json, violation
from development.schemas import (
    ApplyIn,
    ApproveIn,
    BatchCasesIn,
    BatchFiltersIn,
    BatchOpenIn,
    BatchOut,
    CaseDetailOut,
    CaseFiltersIn,
    CaseOut,
    MeetingIn,
    MeetingOut,
    ReturnIn,
    StepIn,
    StepRecordedOut,
    case_detail,
    exception_json,
    violation_json,
)
from orgs.models import OrgUnit
from orgs.schemas import PagePagination

router = Router(tags=["development"], auth=api_auth)


RULE_VIOLATION_NOTE = (
    "`rule_violation`: the step breaks the rules listed in `error.violations` (each with its code, "
    "message, source, level and dates); a college officer may record it anyway with `exception_reason`."
)


def _subtree_of(unit_id: int) -> Subquery:
    """The path of the unit ``unit_id`` (a subquery: an unknown unit simply matches nothing)."""
    return Subquery(OrgUnit.objects.filter(pk=unit_id).values("path")[:1])


def _case_in_scope(request: AuthedRequest, case_id: int) -> DevelopmentCase:
    """The case, or 404 when it does not exist or lies outside the caller's scope (and is not theirs)."""
    case = get_object_or_404(DevelopmentCase.objects.select_related("person", "branch", "batch"), pk=case_id)
    if not permissions.is_case_in_scope(request.user, case):
        raise Http404
    return case


def _fresh_case(case_id: int) -> DevelopmentCase:
    return DevelopmentCase.objects.select_related("person", "branch", "batch").get(pk=case_id)


# --- Cases ----------------------------------------------------------------------------------------


@router.get(
    "/cases",
    operation_id="list_cases",
    response={200: list[CaseOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    tags=["development cases"],
    summary="Development cases you work on",
)
@paginate(PagePagination)
def list_cases(request: AuthedRequest, filters: Query[CaseFiltersIn]) -> QuerySet[DevelopmentCase]:
    """The cases of the branches where your positions give you `development.view_cases`, ordered by
    current step and then by application date. Open cases unless `status` says otherwise.

    Your own case is not listed here: read it at `GET /me/case`. A person without such positions
    gets an empty list.
    """
    rows = queries.cases_for(
        request.user,
        status=None if filters.status == "any" else filters.status,
        stage=filters.stage,
        step=filters.step,
        batch_id=filters.batch,
        grade=filters.grade,
        search=filters.q.strip(),
    )
    if filters.unit is not None:
        rows = rows.filter(branch__path__startswith=_subtree_of(filters.unit))
    return rows


def _detail(request: AuthedRequest, case: DevelopmentCase) -> dict[str, Any]:
    full = not permissions.is_own_case(request.user, case) and permissions.can_view_dossier(
        request.user, case
    )
    if full:
        # Step data and documents are the dossier itself: their reading is audited like the page's.
        services.dossier_record_view(actor=request.user, case=case, kind="api")
    return case_detail(queries.case_timeline(case), full=full)


@router.get(
    "/cases/{case_id}",
    operation_id="get_case",
    response={200: CaseDetailOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(
        401, 403, 404, notes={403: "Needs `development.view_cases` over the case's branch."}
    ),
    tags=["development cases"],
    summary="A case and its timeline",
)
def get_case(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    """Every step done (date and who recorded it), the current step and what recording it needs, what
    is due and by when, what is missing, and every exception to a rule with its reason.

    Your own case is always open to you. Step data (opinions, votes, the political review) and
    documents are included only with `development.view_dossier` over the branch (`full_dossier`);
    each such reading is written to the audit log.
    """
    return _detail(request, queries.case_for(request.user, case_id))


@router.get(
    "/me/case",
    operation_id="get_my_case",
    response={200: CaseDetailOut, **error_responses(401, 404)},
    openapi_extra=error_openapi(401, 404, notes={404: "You have no development case."}),
    tags=["me"],
    summary="Your own development case",
)
def get_my_case(request: AuthedRequest) -> dict[str, Any]:
    """Your open case (or, when none is open, your latest closed one) with its timeline: what is
    done, your current step, what is due next and by when, and what is missing."""
    case = queries.my_case(request.user)
    if case is None:
        raise Http404
    return _detail(request, case)


@router.post(
    "/me/case",
    operation_id="apply_for_membership",
    response={201: CaseDetailOut, **error_responses(400, 401, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        409,
        notes={
            409: (
                "Codes: `no_branch` (you belong to no branch), `already_member`, `case_already_open`, "
                "and " + RULE_VIOLATION_NOTE
            )
        },
    ),
    tags=["me"],
    summary="Apply for party membership",
)
def apply_for_membership(request: AuthedRequest, payload: ApplyIn) -> Status[dict[str, Any]]:
    """Submit your written application online: it is received today, your case opens at step 1 and
    you become an applicant. You must be at least 18 and belong to a branch."""
    case = services.case_apply(actor=request.user, written_on=payload.written_on)
    return Status(201, _detail(request, _fresh_case(case.pk)))


# --- Recording steps ------------------------------------------------------------------------------


def _recorded(case: DevelopmentCase, record: StepRecord | None, vote: Vote | None) -> dict[str, Any]:
    exceptions = list(record.exceptions.select_related("recorded_by")) if record else []
    warnings = [
        Violation(item["code"], params_from_json(item.get("params", {})), Level.WARNING)
        for item in (record.warnings if record else [])
    ]
    return {
        "recorded": record is not None,
        "record": record,
        "vote": vote,
        "warnings": [violation_json(item) for item in warnings],
        "exceptions": [exception_json(item) for item in exceptions],
        "case": _fresh_case(case.pk),
    }


def _record_vote(request: AuthedRequest, case: DevelopmentCase, payload: StepIn) -> dict[str, Any]:
    """Steps 15 and 23 are recorded by the meeting's vote; the step follows when the vote passes."""
    require_rights(request.user, case, (steps.get(payload.step).capability,), payload.exception_reason)
    expected = (
        steps.ADMISSION_MEETING if case.current_step <= steps.ADMISSION_MEETING else steps.CONVERSION_MEETING
    )
    if payload.step != expected:
        raise RuleViolation(
            [violation("steps.order", expected=steps.next_recordable(case.current_step), step=payload.step)]
        )
    cleaned = step_data.clean_step_data(steps.get(payload.step), payload.data, today=today())
    vote = services.vote_record(
        actor=request.user,
        case=case,
        meeting_on=cleaned["date"],
        members_with_voting_rights=cleaned["members_with_voting_rights"],
        attended=cleaned["attended"],
        written_opinions=cleaned.get("written_opinions", 0),
        yes=cleaned["yes"],
        no=cleaned["no"],
        abstain=cleaned["abstain"],
        proposal=cleaned.get("proposal"),
        extension_months=cleaned.get("extension_months"),
        exception_reason=payload.exception_reason,
    )
    record = None
    if vote.passed:
        record = StepRecord.objects.get(case=case, step=vote.step, probation_round=vote.probation_round)
    return _recorded(case, record, vote)


@router.post(
    "/cases/{case_id}/steps",
    operation_id="record_step",
    response={201: StepRecordedOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`fields` names each wrong or missing field of the step's `data`.",
            403: (
                "Needs the step's right over the case's branch (`development.record_steps` for the "
                "branch's steps, `development.approve` for the higher committee's), or "
                "`development.record_exception` with an `exception_reason`."
            ),
            409: (
                RULE_VIOLATION_NOTE + " Other codes: `case_closed`, `case_returned`, `step_already_recorded`."
            ),
        },
    ),
    tags=["development cases"],
    summary="Record the next step of a case",
)
def record_step(request: AuthedRequest, case_id: int, payload: StepIn) -> Status[dict[str, Any]]:
    """Record the step that comes next (`next_step` of `GET /cases/{case_id}`), with its date and
    fields. Steps unlock in order; a step that breaks a rule is refused with the rules it breaks.

    Steps 15 and 23 record the branch general meeting's vote (`members_with_voting_rights`,
    `attended`, `written_opinions`, `yes`, `no`, `abstain`, and for 23 the `proposal`): the result is
    computed, and the step is recorded only when the vote passes (`recorded`).
    """
    case = _case_in_scope(request, case_id)
    if payload.step in steps.VOTE_STEPS:
        return Status(201, _record_vote(request, case, payload))
    record = services.step_record(
        actor=request.user,
        case=case,
        step=payload.step,
        data=payload.data,
        exception_reason=payload.exception_reason,
    )
    return Status(201, _recorded(case, record, None))


@router.post(
    "/cases/{case_id}/approve",
    operation_id="approve_case",
    response={200: StepRecordedOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: "Needs `development.approve` over the case's branch.",
            409: (
                "`not_awaiting_approval`: the case is not at a step the higher committee approves "
                "(13, 17 or 24); `case_returned`, `case_closed`; and " + RULE_VIOLATION_NOTE
            ),
        },
    ),
    tags=["development cases"],
    summary="Approve a case at the higher committee's step",
)
def approve_case(request: AuthedRequest, case_id: int, payload: ApproveIn) -> dict[str, Any]:
    """Record the higher committee's approval at the case's current approval step: the pre-review
    (13), the admission (17: probation counts from the meeting day) or the conversion (24: the
    meeting's resolution is carried out)."""
    case = _case_in_scope(request, case_id)
    record = services.case_approve(
        actor=request.user,
        case=case,
        approved_on=payload.approved_on,
        opinion=payload.opinion.strip(),
        exception_reason=payload.exception_reason,
    )
    return _recorded(case, record, None)


@router.post(
    "/cases/{case_id}/return",
    operation_id="return_case",
    response={200: CaseOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: "Needs `development.approve` over the case's branch.",
            409: "Codes: `not_at_higher_committee`, `already_returned`, `case_closed`.",
        },
    ),
    tags=["development cases"],
    summary="Return a case to the branch",
)
def return_case(request: AuthedRequest, case_id: int, payload: ReturnIn) -> DevelopmentCase:
    """Send the case back to the branch at the higher committee's step, saying why. The higher
    committee's steps wait until the branch resubmits the case."""
    case = _case_in_scope(request, case_id)
    services.case_return(
        actor=request.user, case=case, reason=payload.reason, returned_on=payload.returned_on
    )
    return _fresh_case(case.pk)


# --- Batches --------------------------------------------------------------------------------------


def _batches(user: Any) -> QuerySet[Batch]:
    return queries.batches_for(user).annotate(case_count=Count("cases")).order_by("-opened_on", "-id")


def _batch_in_scope(request: AuthedRequest, batch_id: int) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("unit"), pk=batch_id)
    if not in_scope(request.user, batch.unit):
        raise Http404
    return batch


def _batch_out(batch_id: int) -> Batch:
    return Batch.objects.select_related("unit").annotate(case_count=Count("cases")).get(pk=batch_id)


def _cases_by_id(ids: list[int], **conditions: Any) -> list[DevelopmentCase]:
    """The cases with these ids (in that order), or a 400 on "cases" naming the unknown ones."""
    found = {
        case.pk: case
        for case in DevelopmentCase.objects.filter(pk__in=ids, **conditions).select_related(
            "person", "branch", "batch"
        )
    }
    unknown = [str(case_id) for case_id in ids if case_id not in found]
    if unknown:
        raise FieldErrors.single(
            "cases", _("No case you can add has the id %(ids)s.") % {"ids": ", ".join(unknown)}
        )
    return [found[case_id] for case_id in ids]


@router.get(
    "/batches",
    operation_id="list_batches",
    response={200: list[BatchOut], **error_responses(400, 401)},
    openapi_extra=error_openapi(400, 401),
    tags=["development batches"],
    summary="Semester batches",
)
@paginate(PagePagination)
def list_batches(request: AuthedRequest, filters: Query[BatchFiltersIn]) -> QuerySet[Batch]:
    """The batches (批次) opened in units where you may see development cases, newest first, with the
    number of cases in each."""
    rows = _batches(request.user)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.open is not None:
        rows = rows.filter(closed_on__isnull=filters.open)
    if filters.unit is not None:
        rows = rows.filter(unit__path__startswith=_subtree_of(filters.unit))
    return rows


@router.post(
    "/batches",
    operation_id="open_batch",
    response={201: BatchOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "Also when a case cannot join the batch (another unit, or not at a step the batch records).",
            403: "Needs `development.record_steps` or `development.approve` over the unit.",
            404: "The unit.",
            409: "`batch_closed`.",
        },
    ),
    tags=["development batches"],
    summary="Open a batch",
)
def open_batch(request: AuthedRequest, payload: BatchOpenIn) -> Status[Batch]:
    """Open a semester batch in a branch or college, e.g. "2026 autumn development targets", and put
    the given cases in it. All or nothing: when a case cannot join, no batch is opened."""
    unit = get_object_or_404(OrgUnit, pk=payload.unit)
    with transaction.atomic():
        batch = services_batches.batch_open(
            actor=request.user,
            unit=unit,
            name=payload.name,
            kind=payload.kind,
            semester=payload.semester,
            opened_on=payload.opened_on,
        )
        if payload.cases:
            services_batches.batch_add_cases(
                actor=request.user, batch=batch, cases=_cases_by_id(payload.cases, status=CaseStatus.OPEN)
            )
    return Status(201, _batch_out(batch.pk))


@router.post(
    "/batches/{batch_id}/cases",
    operation_id="add_batch_cases",
    response={200: BatchOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "A case is unknown, of another unit, or not at a step the batch records.",
            403: "Needs `development.record_steps` or `development.approve` over the batch's unit.",
            409: "`batch_closed`.",
        },
    ),
    tags=["development batches"],
    summary="Add cases to a batch",
)
def add_batch_cases(request: AuthedRequest, batch_id: int, payload: BatchCasesIn) -> Batch:
    """Put open cases of the batch's unit in the batch (each at a step the batch records)."""
    batch = _batch_in_scope(request, batch_id)
    services_batches.batch_add_cases(
        actor=request.user, batch=batch, cases=_cases_by_id(payload.cases, status=CaseStatus.OPEN)
    )
    return _batch_out(batch.pk)


@router.post(
    "/batches/{batch_id}/meeting",
    operation_id="record_batch_meeting",
    response={201: MeetingOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "Also when a candidate is not in the batch, or the counts do not add up.",
            403: "Needs `development.record_steps` over the candidates' branch.",
            409: RULE_VIOLATION_NOTE + " Each violation names the candidate's case in `case_id`.",
        },
    ),
    tags=["development batches"],
    summary="Record a batch's branch general meeting",
)
def record_batch_meeting(request: AuthedRequest, batch_id: int, payload: MeetingIn) -> Status[dict[str, Any]]:
    """Record one sitting of a branch general meeting that votes on several candidates of the batch:
    the attendance is the sitting's, and each candidate is voted on separately with their own counts
    and result. All or nothing: when any candidate's vote is refused, nothing is recorded."""
    batch = _batch_in_scope(request, batch_id)
    ids = [candidate.case for candidate in payload.candidates]
    try:
        cases = _cases_by_id(ids, batch=batch)
    except FieldErrors:
        raise FieldErrors.single("candidates", _("Every candidate must be a case of this batch.")) from None
    votes = services.batch_record_meeting(
        actor=request.user,
        batch=batch,
        meeting_on=payload.meeting_on,
        members_with_voting_rights=payload.members_with_voting_rights,
        attended=payload.attended,
        candidates=[
            services.CandidateVote(
                case=case,
                yes=candidate.yes,
                no=candidate.no,
                abstain=candidate.abstain,
                written_opinions=candidate.written_opinions,
                proposal=candidate.proposal,
                extension_months=candidate.extension_months,
            )
            for case, candidate in zip(cases, payload.candidates, strict=True)
        ],
        exception_reason=payload.exception_reason,
    )
    return Status(201, {"batch": _batch_out(batch.pk), "votes": votes})


# Endpoints of what enters a dossier from outside (own thought reports, transfers in) live in
# development.api_dossier and register on this router.
from development import api_dossier  # noqa: E402, F401
