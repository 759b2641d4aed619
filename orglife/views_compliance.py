"""Pages of the compliance calendar: a branch's calendar, and the branches of a college or university
worst first. Out of scope answers 404, in scope without ``orglife.view_compliance`` 403."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import can, is_system_admin, require, scope_paths
from orglife import capabilities as caps
from orglife import compliance, queries_compliance, services_compliance
from orglife.compliance import Status
from orglife.forms_compliance import ThemeDayForm, add_field_errors
from orglife.permissions_evaluation import can_record_talks, can_run_evaluations, can_set_theme_day
from orgs import queries as org_queries
from orgs.capabilities import VIEW_UNIT
from orgs.models import OrgUnit, UnitKind

SUBTREE_PAGE_SIZE = getattr(settings, "ORGLIFE_COMPLIANCE_PAGE_SIZE", 50)


def breadcrumb(user: Any, unit: OrgUnit) -> list[dict[str, Any]]:
    """The unit's ancestors; only those the user may open are links (one query)."""
    return [
        {"unit": ancestor, "linked": can(user, VIEW_UNIT, ancestor)}
        for ancestor in org_queries.unit_ancestors(unit)
    ]


def plan_url(branch: OrgUnit, kind: str) -> str | None:
    """Where to plan a meeting of ``kind``: the planning page with the kind chosen."""
    if kind not in compliance.MEETING_KINDS:
        return None
    return f"{reverse('orglife:meeting_new', args=[branch.pk])}?kind={kind}"


def status_row(status: Status, today: Any, branch: OrgUnit | None = None) -> dict[str, Any]:
    """One rule's status as the pages show it: colour, words, period, what counts, next due date."""
    rule = status.rule
    return {
        "key": rule.key,
        "label": compliance.RULE_LABELS[rule.key],
        "state": status.state.value,
        "state_label": compliance.STATE_LABELS[status.state],
        "period_label": compliance.PERIOD_LABELS[rule.period],
        "period_start": status.period_start,
        "period_end": status.period_end,
        "required": rule.count,
        "per": rule.per.value,
        "targets": status.targets,
        "targets_done": status.targets_done,
        "held": status.held,
        "missed_before": status.missed_before,
        "due_on": status.due_on,
        "next_due_on": status.next_due_on,
        "days_left": status.days_left(today),
        "days_overdue": -status.days_left(today),
        "what_counts": compliance.WHAT_COUNTS[rule.key],
        "due_soon_days": rule.due_soon_days,
        "plan_url": plan_url(branch, rule.key) if branch is not None else None,
    }


@login_required
@require_GET
def compliance_index(request: AuthedRequest) -> HttpResponse:
    """The way in from the home page: the topmost unit where the user sees compliance."""
    user = request.user
    if is_system_admin(user):
        root = OrgUnit.get_first_root_node()
        if root is None:
            raise Http404
        return redirect("orglife:compliance", root.pk)
    roots = scope_paths(user, caps.VIEW_COMPLIANCE)
    unit = OrgUnit.objects.filter(path=min(roots, key=len)).first() if roots else None
    if unit is None:
        raise Http404
    return redirect("orglife:compliance", unit.pk)


@login_required
@require_GET
def compliance_page(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A branch's calendar, or for a higher unit its branches worst first."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.VIEW_COMPLIANCE, unit)
    if unit.kind == UnitKind.BRANCH:
        return _branch_calendar(request, unit)
    return _subtree(request, unit)


def _branch_calendar(
    request: AuthedRequest, branch: OrgUnit, form: ThemeDayForm | None = None
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    row = queries_compliance.branch_compliance(branch, today)
    may_set_day = can_set_theme_day(user, branch)
    context = {
        "unit": branch,
        "today": today,
        "row": row,
        "state_label": compliance.STATE_LABELS[row.state],
        "statuses": [status_row(status, today, branch) for status in row.statuses],
        "breadcrumb": breadcrumb(user, branch),
        "theme_form": (form or ThemeDayForm(initial={"day": row.theme_day})) if may_set_day else None,
        "may_run_evaluations": can_run_evaluations(user, branch),
        "may_record_talks": can_record_talks(user, branch),
    }
    return render(request, "orglife/compliance.html", context)


def _subtree(request: AuthedRequest, unit: OrgUnit) -> HttpResponse:
    today = timezone.localdate()
    rows = queries_compliance.subtree_compliance(unit, today)
    state = request.GET.get("state", "")
    shown = queries_compliance.filter_by_state(rows, state)
    page = Paginator(shown, SUBTREE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "today": today,
        "page": page,
        "state": state,
        "query": query.urlencode(),
        "counts": [
            {"state": key, "label": compliance.STATE_LABELS[key], "count": count}
            for key, count in queries_compliance.state_counts(rows).items()
        ],
        "results": [
            {
                "row": row,
                "state": row.state.value,
                "state_label": compliance.STATE_LABELS[row.state],
                "statuses": [status_row(status, today) for status in row.statuses],
            }
            for row in page.object_list
        ],
        "rule_labels": [compliance.RULE_LABELS[key] for key in compliance.RULE_KEYS],
        "breadcrumb": breadcrumb(request.user, unit),
    }
    fragment = bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request
    template = "orglife/compliance_subtree.html#results" if fragment else "orglife/compliance_subtree.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def compliance_theme_day(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The branch sets the day of the month of its theme party day."""
    branch = org_queries.unit_get(unit_id)
    require(request.user, caps.ORGANISE_MEETINGS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise Http404
    form = ThemeDayForm(request.POST)
    if form.is_valid():
        try:
            services_compliance.theme_day_set(actor=request.user, branch=branch, day=form.cleaned_data["day"])
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The theme party day was saved."))
            return redirect("orglife:compliance", branch.pk)
    return _branch_calendar(request, branch, form)
