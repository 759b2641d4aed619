"""API of what enters a dossier from outside the branch's steps: the person's own thought reports
(a multipart upload) and a case transferred in with its history. Mounted on the router of
``development.api``; errors have the API's one shape (400 fields, 403/404 rights, 409 refusals).
"""

from __future__ import annotations

from ninja import File, Form, UploadedFile
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.http import AuthedRequest
from development import services
from development.api import router
from development.models import ThoughtReport
from development.schemas_dossier import ThoughtReportIn, ThoughtReportOut


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
