"""Pages of the democratic evaluation (民主评议党员): the branch runs it, each member takes part.

The committee's pages need ``orglife.run_evaluations`` over the branch (out of scope 404, without
the right 403). A member's own page shows only their own campaigns; another campaign is 404. No
page shows how anyone voted: tallies are counts per ratee, and only once the ballot is closed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import require
from orglife import capabilities as caps
from orglife import queries_evaluation, services_evaluation
from orglife.forms_compliance import CampaignOpenForm, GradesForm, SelfAssessmentForm, add_field_errors
from orglife.models_evaluation import CampaignStatus, EvaluationCampaign
from orglife.permissions_evaluation import can_record_talks
from orglife.views_compliance import breadcrumb
from orgs import queries as org_queries
from orgs.models import OrgUnit, UnitKind


def _branch_for_evaluations(request: AuthedRequest, unit_id: int) -> OrgUnit:
    branch = org_queries.unit_get(unit_id)
    require(request.user, caps.RUN_EVALUATIONS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise Http404
    return branch


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The branch's evaluations by year, and opening this year's."""
    branch = _branch_for_evaluations(request, unit_id)
    form = CampaignOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services_evaluation.campaign_open(
                actor=request.user, branch=branch, year=form.cleaned_data["year"]
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The evaluation is open; the members were told."))
            return redirect("orglife:evaluation", campaign.pk)
    return render(
        request,
        "orglife/evaluations.html",
        {
            "unit": branch,
            "campaigns": list(queries_evaluation.campaigns_of(branch)),
            "form": form,
            "breadcrumb": breadcrumb(request.user, branch),
            "may_run_evaluations": True,
            "may_record_talks": can_record_talks(request.user, branch),
        },
    )


def _campaign_for_committee(request: AuthedRequest, campaign_id: int) -> EvaluationCampaign:
    campaign = queries_evaluation.campaign_get(campaign_id)
    require(request.user, caps.RUN_EVALUATIONS, campaign.branch)
    return campaign


def _campaign_page(
    request: AuthedRequest,
    campaign: EvaluationCampaign,
    grades_form: GradesForm | None = None,
    error: str = "",
) -> HttpResponse:
    rows = queries_evaluation.participants_with_tallies(campaign)
    if grades_form is None and campaign.status == CampaignStatus.COUNTING:
        grades_form = GradesForm(people=[row.participant for row in rows], with_meeting=True)
    return render(
        request,
        "orglife/evaluation.html",
        {
            "unit": campaign.branch,
            "campaign": campaign,
            "rows": rows,
            "votes": queries_evaluation.votes_cast(campaign),
            "excellent_limit": services_evaluation.excellent_limit(len(rows)),
            "grades_form": grades_form,
            "error": error,
            "breadcrumb": breadcrumb(request.user, campaign.branch),
        },
        status=409 if error else 200,
    )


@login_required
@require_GET
def evaluation(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """One campaign: who wrote a self-assessment, how many voted, and after the ballot the tallies."""
    return _campaign_page(request, _campaign_for_committee(request, campaign_id))


@login_required
@require_POST
def evaluation_close_ballot(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """Close the ballot box so that the branch meeting can grade."""
    campaign = _campaign_for_committee(request, campaign_id)
    try:
        services_evaluation.ballot_close(actor=request.user, campaign=campaign)
    except DomainError as error:
        return _campaign_page(request, campaign, error=str(error.message))
    messages.success(request, _("The ballot is closed; the tallies are shown below."))
    return redirect("orglife:evaluation", campaign.pk)


@login_required
@require_POST
def evaluation_grades(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """The branch meeting's final grades; at most one third excellent."""
    campaign = _campaign_for_committee(request, campaign_id)
    rows = queries_evaluation.participants_with_tallies(campaign)
    form = GradesForm(request.POST, people=[row.participant for row in rows], with_meeting=True)
    if form.is_valid():
        try:
            services_evaluation.campaign_close(
                actor=request.user,
                campaign=campaign,
                grades=form.grades(),
                meeting_on=form.cleaned_data["meeting_on"],
            )
        except FieldErrors as error:
            form.add_errors(error)
        except DomainError as error:
            return _campaign_page(request, campaign, form, error=str(error.message))
        else:
            messages.success(request, _("The grades are recorded in each member's record."))
            return redirect("orglife:evaluation", campaign.pk)
    return _campaign_page(request, campaign, form)


# --- The member's own evaluation ------------------------------------------------------------------


def _my_page(
    request: AuthedRequest,
    *,
    forms_for: dict[int, dict[str, Any]] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    entries = []
    for mine in queries_evaluation.my_evaluations(user):
        if not mine.campaign.is_open:
            continue
        given = (forms_for or {}).get(mine.campaign.pk, {})
        ratees = [] if mine.has_voted else queries_evaluation.ratees_for(mine.participant)
        entries.append(
            {
                "mine": mine,
                "self_form": given.get("self")
                or SelfAssessmentForm(initial={"text": mine.participant.self_assessment}),
                "ballot_form": None if mine.has_voted else given.get("ballot") or GradesForm(people=ratees),
            }
        )
    return render(
        request,
        "orglife/evaluation_mine.html",
        {"entries": entries, "results": queries_evaluation.evaluation_results_of(user), "error": error},
        status=status,
    )


@login_required
@require_GET
def my_evaluation(request: AuthedRequest) -> HttpResponse:
    """The person's open evaluations (self-assessment, ballot) and their grades of past years."""
    return _my_page(request)


@login_required
@require_POST
def my_self_assessment(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """The member saves their self-assessment."""
    participant = queries_evaluation.my_participation(request.user, campaign_id)
    form = SelfAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services_evaluation.self_assessment_write(
                actor=request.user, campaign=participant.campaign, text=form.cleaned_data["text"]
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            return _my_page(
                request, forms_for={campaign_id: {"self": form}}, error=str(error.message), status=409
            )
        else:
            messages.success(request, _("Your self-assessment was saved."))
            return redirect("orglife:my_evaluation")
    return _my_page(request, forms_for={campaign_id: {"self": form}})


@login_required
@require_POST
def my_ballot(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    """The member casts their secret ballot, once."""
    participant = queries_evaluation.my_participation(request.user, campaign_id)
    form = GradesForm(request.POST, people=queries_evaluation.ratees_for(participant))
    if form.is_valid():
        try:
            services_evaluation.ballot_cast(
                actor=request.user, campaign=participant.campaign, grades=form.grades()
            )
        except FieldErrors as error:
            form.add_errors(error)
        except DomainError as error:
            return _my_page(request, error=str(error.message), status=409)
        else:
            messages.success(request, _("Your ballot was cast. Nobody can see how you voted."))
            return redirect("orglife:my_evaluation")
    return _my_page(request, forms_for={campaign_id: {"ballot": form}})
