"""API of the compliance calendar, my democratic evaluation, and one-on-one talks.

Out of the caller's scope is 404, in scope without the right 403, as on the pages. No endpoint
returns a ballot or who voted what: the caller learns only whether they themselves have voted.
"""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from accounts.models import User
from core.errors import FieldErrors
from core.permissions import require
from orglife import capabilities as caps
from orglife import compliance, queries_compliance, queries_evaluation, services_evaluation, services_talks
from orglife.models_evaluation import Talk
from orglife.schemas_compliance import (
    BallotIn,
    BallotOut,
    BranchComplianceOut,
    ComplianceFiltersIn,
    MemberOut,
    MyEvaluationsOut,
    SelfAssessmentIn,
    SelfAssessmentOut,
    TalkFiltersIn,
    TalkIn,
    TalkOut,
    UnitComplianceOut,
    branch_compliance,
)
from orgs import queries as org_queries
from orgs.models import Membership, OrgUnit, UnitKind
from orgs.schemas import PagePagination

router = Router(tags=["orglife compliance"], auth=api_auth)
_API_NAMES = {"person": "person_id", "talked_by": "talked_by_id"}
CSRF_NOTE = (
    "Only `csrf_failed`: a session call without the page's CSRF token. Your own campaign needs no right."
)


class _Rows:
    """A computed list that the page pagination can count and slice like a queryset."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def count(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> list[Any]:
        return self.rows[index]


def _unit_for(request: AuthedRequest, unit_id: int, capability: str) -> OrgUnit:
    unit = org_queries.unit_get(unit_id)
    require(request.user, capability, unit)
    return unit


def _branch_for(request: AuthedRequest, unit_id: int, capability: str) -> OrgUnit:
    unit = _unit_for(request, unit_id, capability)
    if unit.kind != UnitKind.BRANCH:
        raise Http404
    return unit


# --- Compliance -----------------------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/compliance",
    operation_id="get_unit_compliance",
    response={200: UnitComplianceOut, **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "Needs `orglife.view_compliance` over the unit."}),
    summary="Whether a unit's required activities are done, due soon or overdue",
)
def get_unit_compliance(request: AuthedRequest, unit_id: int) -> dict[str, Any]:
    """For a branch: each required activity of DOMAIN.md §3 with its state in the current period,
    what counts and the next due date (`branch`). For a higher unit: the worst state of its
    branches and how many are in each state (list them with `/units/{unit_id}/compliance/branches`)."""
    unit = _unit_for(request, unit_id, caps.VIEW_COMPLIANCE)
    rows = queries_compliance.subtree_compliance(unit)
    return {
        "unit_id": unit.pk,
        "unit_name": unit.display_name,
        "state": compliance.worst(s for row in rows for s in row.statuses).value,
        "branches_by_state": queries_compliance.state_counts(rows),
        "branch": branch_compliance(rows[0]) if unit.kind == UnitKind.BRANCH and rows else None,
    }


@router.get(
    "/units/{unit_id}/compliance/branches",
    operation_id="list_subtree_compliance",
    response={200: list[BranchComplianceOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `orglife.view_compliance` over the unit."}
    ),
    summary="The branches of a unit's subtree, worst first",
)
@paginate(PagePagination)
def list_subtree_compliance(
    request: AuthedRequest, unit_id: int, filters: Query[ComplianceFiltersIn]
) -> _Rows:
    """Every active branch under the unit with each rule's state, worst first (most overdue rules,
    then most due soon). A fixed number of queries whatever the number of branches."""
    unit = _unit_for(request, unit_id, caps.VIEW_COMPLIANCE)
    rows = queries_compliance.filter_by_state(queries_compliance.subtree_compliance(unit), filters.state)
    return _Rows([branch_compliance(row) for row in rows])


# --- My evaluation --------------------------------------------------------------------------------


@router.get(
    "/me/evaluations",
    operation_id="get_my_evaluations",
    response={200: MyEvaluationsOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    tags=["me"],
    summary="Your democratic evaluations and grades",
)
def get_my_evaluations(request: AuthedRequest) -> dict[str, Any]:
    """The evaluations you take part in (your self-assessment, whether you voted, whom you grade
    while you still may) and your final grades of past years."""
    evaluations = []
    for mine in queries_evaluation.my_evaluations(request.user):
        may_vote = mine.campaign.is_open and not mine.has_voted
        ratees = queries_evaluation.ratees_for(mine.participant) if may_vote else []
        evaluations.append(
            {
                "campaign_id": mine.campaign.pk,
                "year": mine.campaign.year,
                "branch_id": mine.campaign.branch_id,
                "branch_name": mine.campaign.branch.display_name,
                "status": mine.campaign.status,
                "self_assessment": mine.participant.self_assessment,
                "self_assessed_at": mine.participant.self_assessed_at,
                "has_voted": mine.has_voted,
                "ratees": [{"person_id": r.person_id, "name": r.person.name} for r in ratees],
            }
        )
    results = [
        {
            "year": result.year,
            "branch_name": result.branch.display_name,
            "grade": result.grade,
            "grade_label": result.grade_label,
            "meeting_on": result.meeting_on,
        }
        for result in queries_evaluation.evaluation_results_of(request.user)
    ]
    return {"evaluations": evaluations, "results": results}


@router.put(
    "/me/evaluations/{campaign_id}/self-assessment",
    operation_id="put_my_self_assessment",
    response={200: SelfAssessmentOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: CSRF_NOTE,
            404: "You are not evaluated in this campaign.",
            409: "`ballot_closed` (the evaluation no longer takes self-assessments), `moderation.blocked`.",
        },
    ),
    tags=["me"],
    summary="Write your self-assessment",
)
def put_my_self_assessment(
    request: AuthedRequest, campaign_id: int, payload: SelfAssessmentIn
) -> dict[str, Any]:
    """Write or rewrite your self-assessment while the evaluation is open (plain text)."""
    participant = queries_evaluation.my_participation(request.user, campaign_id)
    saved = services_evaluation.self_assessment_write(
        actor=request.user, campaign=participant.campaign, text=payload.text
    )
    return {
        "campaign_id": campaign_id,
        "self_assessment": saved.self_assessment,
        "self_assessed_at": saved.self_assessed_at,
    }


@router.post(
    "/me/evaluations/{campaign_id}/ballot",
    operation_id="cast_my_ballot",
    response={201: BallotOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: CSRF_NOTE,
            400: "`fields.grades` when someone is missing or unknown; `fields.grades.<id>` for a wrong grade.",
            404: "You are not evaluated in this campaign.",
            409: "`already_voted` (a ballot is final), `ballot_closed`.",
        },
    ),
    tags=["me"],
    summary="Cast your secret ballot",
)
def cast_my_ballot(request: AuthedRequest, campaign_id: int, payload: BallotIn) -> Status[dict[str, Any]]:
    """Grade every other member once. The grades are stored without your name; only the fact that
    you voted is recorded, and nobody — administrators included — can see how you voted."""
    participant = queries_evaluation.my_participation(request.user, campaign_id)
    services_evaluation.ballot_cast(actor=request.user, campaign=participant.campaign, grades=payload.grades)
    return Status(201, {"campaign_id": campaign_id, "voted": True})


# --- Talks ----------------------------------------------------------------------------------------


@router.get(
    "/units/{unit_id}/talks",
    operation_id="list_talks",
    response={200: list[TalkOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `orglife.record_talks` over the branch."}
    ),
    summary="A branch's one-on-one talks of a year",
)
@paginate(PagePagination)
def list_talks(request: AuthedRequest, unit_id: int, filters: Query[TalkFiltersIn]) -> Any:
    """The branch's talks of the year, newest first, with their summaries (the committee's only)."""
    branch = _branch_for(request, unit_id, caps.RECORD_TALKS)
    return queries_evaluation.talks_of(branch, filters.year or timezone.localdate().year)


@router.get(
    "/units/{unit_id}/talks/members-without",
    operation_id="list_members_without_talk",
    response={200: list[MemberOut], **error_responses(400, 401, 403, 404)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, notes={403: "Needs `orglife.record_talks` over the branch."}
    ),
    summary="The branch's members who have had no talk in a year",
)
@paginate(PagePagination)
def list_members_without_talk(request: AuthedRequest, unit_id: int, filters: Query[TalkFiltersIn]) -> Any:
    """Full and probationary members of the branch with no talk recorded in the year (this year by default)."""
    branch = _branch_for(request, unit_id, caps.RECORD_TALKS)
    return queries_evaluation.members_without_talk(branch, filters.year or timezone.localdate().year)


@router.post(
    "/units/{unit_id}/talks",
    operation_id="record_talk",
    response={201: TalkOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            400: "`fields` names `person_id`, `talked_on`, `topic`, `summary` or `talked_by_id`.",
            403: "Needs `orglife.record_talks` over the branch.",
            409: "`moderation.blocked`.",
        },
    ),
    summary="Record a one-on-one talk",
)
def record_talk(request: AuthedRequest, unit_id: int, payload: TalkIn) -> Status[Talk]:
    """Record a talk held with a full or probationary member of the branch. Sending the same talk
    again (same member, date, talker and topic) returns the first record instead of a second one."""
    branch = _branch_for(request, unit_id, caps.RECORD_TALKS)
    membership = (
        Membership.objects.filter(person_id=payload.person_id, unit=branch).select_related("person").first()
    )
    if membership is None:
        raise FieldErrors.single("person_id", _("Choose a full or probationary member of this branch."))
    talked_by = None
    if payload.talked_by_id is not None and payload.talked_by_id != request.user.pk:
        talked_by = User.objects.filter(pk=payload.talked_by_id, is_active=True).first()
        if talked_by is None:
            raise FieldErrors.single("talked_by_id", _("Nobody with this id can be chosen."))
    try:
        talk = services_talks.talk_record(
            actor=request.user,
            branch=branch,
            person=membership.person,
            talked_on=payload.talked_on,
            topic=payload.topic,
            summary=payload.summary,
            talked_by=talked_by,
        )
    except FieldErrors as error:
        renamed = {_API_NAMES.get(name, name): messages for name, messages in error.fields.items()}
        raise FieldErrors(renamed, error.message) from error
    return Status(201, get_object_or_404(Talk.objects.select_related("person", "talked_by"), pk=talk.pk))
