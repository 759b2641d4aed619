"""API of what enters a dossier from outside the branch's steps: the person's own thought reports
(a multipart upload) and a case transferred in with its history. Mounted on the router of
``development.api``; errors have the API's one shape (400 fields, 403/404 rights, 409 refusals).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, UploadedFile
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.http import AuthedRequest
from core.errors import FieldErrors
from development import services
from development.api import _detail, _fresh_case, router
from development.models import ThoughtReport
from development.queries_people import member_by_number
from development.schemas import CaseDetailOut
from development.schemas_dossier import (
    ThoughtReportIn,
    ThoughtReportOut,
    TransferInIn,
    TransferInPreviewOut,
)
from development.services_transfers import TRANSFERABLE_STEPS, TransferInPlan, step_field


@router.post(
    "/me/thought-reports",
    operation_id="submit_my_thought_report",
    response={200: ThoughtReportOut, 201: ThoughtReportOut, **error_responses(400, 401, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        404,
        409,
        notes={
            400: "`fields` names the bad field: `file` (type, size), `received_on` or `period`.",
            404: "You have no open development case.",
            409: "`case_closed`: the case closed meanwhile.",
        },
    ),
    tags=["me"],
    summary="Hand in your own thought report",
)
def submit_my_thought_report(
    request: AuthedRequest, payload: Form[ThoughtReportIn], file: File[UploadedFile]
) -> Status[ThoughtReport]:
    """Upload your thought report (思想汇报) to your open case as `multipart/form-data`: the `file`
    (PDF, Word or image, at most 10 MB, its type told from its content), its `received_on` date and
    the `period` it covers. It goes into your dossier, where you and your branch committee can read
    it, and counts for the quarterly thought-report rule.

    Sending the same file again (a retry) records nothing new and answers 200 with the report
    already recorded; a new report answers 201.
    """
    report, created = services.thought_report_submit(
        actor=request.user,
        received_on=payload.received_on,
        period=payload.period,
        uploaded_file=file,
    )
    return Status(201 if created else 200, report)


# --- Transfers in ---------------------------------------------------------------------------------


def _uploads(payload: Any, documents: list[UploadedFile] | None) -> dict[int, list[Any]]:
    files = list(documents or [])
    if len(files) != len(payload.document_steps):
        raise FieldErrors.single(
            "document_steps", _("Give one step number for each file in documents, in the same order.")
        )
    uploads: dict[int, list[Any]] = {}
    for number, uploaded in zip(payload.document_steps, files, strict=True):
        uploads.setdefault(number, []).append(uploaded)
    return uploads


def _preview(plan: TransferInPlan) -> dict[str, Any]:
    return {
        "person": plan.person,
        "branch": plan.branch,
        "transferred_in_from": plan.transferred_in_from,
        "letter_number": plan.letter_number,
        "received_on": plan.received_on,
        "steps": [
            {"number": s.number, "name": s.name, "on": s.on, "documents": list(s.documents)}
            for s in plan.steps
        ],
        "current_step": plan.current_step,
        "current_step_name": plan.current_step_name,
        "party_status": plan.party_status,
    }


@router.post(
    "/transfers-in",
    operation_id="transfer_in_case",
    response={
        200: TransferInPreviewOut,
        201: CaseDetailOut,
        **error_responses(400, 401, 403, 404, 409),
    },
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: (
                "`fields` names every bad field at once: `transferred_in_from`, `letter_number`, "
                "`received_on`, `step_N` (a missing, future or out-of-order date), `document_N` (a "
                "file's type or size, or a step without a date), `document_steps`."
            ),
            403: "Needs `development.record_steps` over the person's branch.",
            404: "Nobody with `person_number` belongs to a branch where you see development cases.",
            409: "`case_already_open`: the person already has an open case.",
        },
    ),
    tags=["development cases"],
    summary="Record a person transferred in with their dossier history",
)
def transfer_in_case(
    request: AuthedRequest,
    payload: Form[TransferInIn],
    documents: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    """A student arrives from another university or party organisation with a development dossier
    in progress (`multipart/form-data`): where they come from, the transfer letter's number and the
    day it was received, the date of every step done there (`step_1` up to the last one, at most
    `step_23`, without gaps) and the documents that came with them (`documents`, each with its step
    in `document_steps`).

    With `dry_run` everything is checked exactly as when recording and the preview is answered
    (200); without it the case is opened at the step after the last one done, the steps are
    recorded as transferred in, the documents stored in the person's dossier and the person's party
    status set — all or nothing (201).
    """
    person = member_by_number(request.user, payload.person_number)
    if person is None:
        raise Http404
    arguments: dict[str, Any] = {
        "actor": request.user,
        "person": person,
        "history": {
            d.number: getattr(payload, step_field(d.number))
            for d in TRANSFERABLE_STEPS
            if getattr(payload, step_field(d.number)) is not None
        },
        "transferred_in_from": payload.transferred_in_from,
        "letter_number": payload.letter_number,
        "received_on": payload.received_on,
        "uploads": _uploads(payload, documents),
    }
    if payload.dry_run:
        return Status(200, _preview(services.transfer_in_check(**arguments)))
    case = services.case_transfer_in(**arguments)
    return Status(201, _detail(request, _fresh_case(case.pk)))
