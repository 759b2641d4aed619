"""Pages of the development procedure: the person's own case, the committees' lists and due view.

The case page is in ``views_case``, batches in ``views_batches``. Out of scope answers 404, in scope
without the capability 403 (``core.permissions.require``); reads come from ``development.queries``,
changes go through ``development.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import can, in_scope, is_system_admin, require, scope_paths
from development import capabilities as caps
from development import queries, services, steps
from development.forms import (
    ApplyForm,
    CaseFilterForm,
    MyThoughtReportForm,
    PaperApplicationForm,
    add_field_errors,
    mark_invalid,
)
from development.models import Batch, DevelopmentCase
from development.queries_people import person_by_number
from development.views_common import (
    HtmxRequest,
    may_record_in,
    refusal,
    store_uploads,
    timeline_context,
    unit_breadcrumb,
    wants_fragment,
)
from orgs import queries as org_queries
from orgs.capabilities import EXPORT_MEMBERS
from orgs.models import Membership, OrgUnit, PartyStatus

CASES_PAGE_SIZE = getattr(settings, "DEVELOPMENT_CASES_PAGE_SIZE", 50)


# --- Entry points ------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The committees' way in: the cases of the topmost unit where the user sees cases."""
    user = request.user
    if is_system_admin(user):
        root = OrgUnit.get_first_root_node()
        if root is None:
            raise Http404
        return redirect("development:cases", root.pk)
    roots = scope_paths(user, caps.VIEW_CASES)
    if not roots:
        return redirect("development:my_case")
    unit = OrgUnit.objects.filter(path=min(roots, key=len)).first()
    if unit is None:
        raise Http404
    return redirect("development:cases", unit.pk)


# --- The person's own case -----------------------------------------------------------------------------


def _my_case_page(
    request: AuthedRequest,
    *,
    apply_form: ApplyForm | None = None,
    report_form: MyThoughtReportForm | None = None,
    violations: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    user = request.user
    case = queries.my_case(user)
    membership = Membership.objects.select_related("unit").filter(person=user).first()
    is_member = membership is not None and membership.party_status in (
        PartyStatus.PROBATIONARY,
        PartyStatus.FULL,
    )
    open_case = case is not None and case.is_open
    context: dict[str, Any] = {
        "case": case,
        "membership": membership,
        "is_member": is_member,
        "violations": violations or [],
        "apply_form": None,
        "report_form": None,
    }
    if case is not None:
        context.update(timeline_context(queries.case_timeline(case), detailed=False))
    if not open_case and membership is not None and not is_member:
        context["apply_form"] = apply_form or ApplyForm()
        mark_invalid(context["apply_form"])
    if open_case:
        context["report_form"] = report_form or MyThoughtReportForm()
        mark_invalid(context["report_form"])
    return render(request, "development/my_case.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: AuthedRequest) -> HttpResponse:
    """The person's own timeline; without an open case, the online application form."""
    if request.method != "POST":
        return _my_case_page(request)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return _my_case_page(request, apply_form=form)
    try:
        services.case_apply(actor=request.user, written_on=form.cleaned_data["written_on"])
    except services.RuleViolation as violation:
        return _my_case_page(request, apply_form=form, violations=refusal(violation.violations))
    except FieldErrors as error:
        add_field_errors(form, error)
        return _my_case_page(request, apply_form=form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _my_case_page(request, apply_form=form)
    messages.success(
        request, _("Your application was received. Your branch will talk with you within one month.")
    )
    return redirect("development:my_case")


@login_required
@require_POST
def my_thought_report(request: AuthedRequest) -> HttpResponse:
    """The person hands in a thought report on their own case: the file goes into their dossier.

    Sending the same file again (a retried upload) records nothing new.
    """
    case = queries.my_case(request.user)
    if case is None or not case.is_open:
        raise Http404
    form = MyThoughtReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _report, created = services.thought_report_submit(
                actor=request.user,
                received_on=form.cleaned_data["received_on"],
                period=form.cleaned_data["period"],
                uploaded_file=form.cleaned_data["file"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            if created:
                messages.success(
                    request, _("Your thought report was handed in; your branch can read it now.")
                )
            else:
                messages.info(request, _("You had already handed in this file; nothing was added."))
            return redirect("development:my_case")
    return _my_case_page(request, report_form=form)


# --- The committees' list of cases -------------------------------------------------------------------


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def batches_around(user: Any, unit: OrgUnit) -> list[Batch]:
    """Batches the unit's cases may belong to: opened in the unit, below it, or above it (one query)."""
    return list(
        queries.batches_for(user)
        .filter(Q(unit__path__startswith=unit.path) | Q(unit__path__in=_ancestor_paths(unit)))
        .order_by("-opened_on", "-id")
    )


def _case_row(case: DevelopmentCase, by_root: dict[str, Any], today: Any) -> dict[str, Any]:
    deadlines = (
        queries.deadlines_of(case, queries.rules_for_path(by_root, case.branch.path)) if case.is_open else []
    )
    upcoming = deadlines[0] if deadlines else None
    return {
        "case": case,
        "step": steps.STEPS_BY_NUMBER[case.current_step],
        "next_due": upcoming,
        "overdue": [deadline for deadline in deadlines if deadline.is_overdue(today)],
    }


def _export_url(user: Any, unit: OrgUnit, form: CaseFilterForm) -> str | None:
    """The .xlsx export of the cases on screen (the dossier helper's page), for those who may export."""
    if not can(user, EXPORT_MEMBERS, unit):
        return None
    try:
        url = reverse("dossier:cases_export")
    except NoReverseMatch:
        return None
    found = form.filters()
    query = {"unit": unit.pk, "stage": found["stage"], "batch": found["batch_id"], "grade": found["grade"]}
    return f"{url}?{urlencode({key: value for key, value in query.items() if value})}"


@login_required
@require_GET
def cases(request: HtmxRequest, unit_id: int) -> HttpResponse:
    """The cases of a unit's subtree: counts by stage, search and filters, current step and what is due.

    A fixed number of queries whatever the number of cases. Filtering with htmx returns only the
    results fragment; without JavaScript the form reloads the page.
    """
    unit = org_queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_CASES, unit)
    form = CaseFilterForm(request.GET, batches=batches_around(user, unit))
    rows = queries.with_last_dates(queries.cases_for(user, branch=unit, **form.filters()))
    page = Paginator(rows, CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    by_root = queries.local_rules_by_root()
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "results": [_case_row(case, by_root, today) for case in page.object_list],
        "query": query.urlencode(),
        "stage_counts": [
            {"stage": stage, "label": steps.STAGES[stage], "count": count}
            for stage, count in queries.stage_counts(user, branch=unit).items()
        ],
        "breadcrumb": unit_breadcrumb(user, unit),
        "may_record": may_record_in(user, unit),
        "may_transfer_in": can(user, caps.RECORD_STEPS, unit),
        "export_url": _export_url(user, unit, form),
    }
    template = "development/cases.html#results" if wants_fragment(request) else "development/cases.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def due(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """What is overdue and what is due this week in a unit's subtree, worst first."""
    unit = org_queries.unit_get(unit_id)
    user = request.user
    require(user, caps.VIEW_CASES, unit)
    today = timezone.localdate()
    report = queries.due_and_overdue(user, today, branch=unit)
    return render(
        request,
        "development/due.html",
        {
            "unit": unit,
            "today": today,
            "overdue": [{"item": item, "days": -item.deadline.days_left(today)} for item in report.overdue],
            "due_soon": [{"item": item, "days": item.deadline.days_left(today)} for item in report.due_soon],
            "breadcrumb": unit_breadcrumb(user, unit),
            "may_record": may_record_in(user, unit),
        },
    )


# --- The branch records a paper application ------------------------------------------------------------


def _paper_exception_mode(user: Any, unit: OrgUnit) -> str:
    if not can(user, caps.RECORD_EXCEPTION, unit):
        return ""
    return "offered" if can(user, caps.RECORD_STEPS, unit) else "required"


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The branch records a written application handed in on paper: that opens the person's case."""
    unit = org_queries.unit_get(unit_id)
    user = request.user
    if not in_scope(user, unit):
        raise Http404
    if not (can(user, caps.RECORD_STEPS, unit) or can(user, caps.RECORD_EXCEPTION, unit)):
        raise PermissionDenied
    mode = _paper_exception_mode(user, unit)
    lookup_url = reverse("development:person_lookup", args=[unit.pk])
    violations: list[dict[str, Any]] = []
    waivable = False
    if request.method == "POST":
        form = PaperApplicationForm(request.POST, request.FILES, exception=mode, lookup_url=lookup_url)
        if form.is_valid():
            person = person_by_number(user, unit, form.cleaned_data["number"])
            if (
                person is None
                or not Membership.objects.filter(person=person, unit__path__startswith=unit.path).exists()
            ):
                form.add_error(
                    "number",
                    _("Nobody with this number is a member of a branch of %(unit)s.")
                    % {"unit": unit.display_name},
                )
            else:
                try:
                    case = _record_paper_application(user, person, form)
                except services.RuleViolation as violation:
                    violations = refusal(violation.violations)
                    waivable = violation.waivable
                except FieldErrors as error:
                    add_field_errors(form, error)
                except PermissionDenied:
                    form.add_error(
                        None,
                        _("You cannot record applications for this person's branch without an exception."),
                    )
                except DomainError as error:
                    form.add_error(None, str(error.message))
                else:
                    messages.success(
                        request, _("The application of %(person)s was recorded.") % {"person": person.name}
                    )
                    return redirect("development:case", case.pk)
    else:
        form = PaperApplicationForm(exception=mode, lookup_url=lookup_url)
    mark_invalid(form)
    return render(
        request,
        "development/case_new.html",
        {
            "unit": unit,
            "form": form,
            "violations": violations,
            "waivable": waivable,
            "exception_mode": mode,
            "breadcrumb": unit_breadcrumb(user, unit),
        },
    )


def _record_paper_application(user: Any, person: Any, form: PaperApplicationForm) -> DevelopmentCase:
    with transaction.atomic():
        case = services.case_apply(
            actor=user,
            person=person,
            received_on=form.cleaned_data["received_on"],
            written_on=form.cleaned_data.get("written_on"),
            exception_reason=form.exception_reason(),
        )
        letter = form.cleaned_data.get("letter")
        if letter:
            documents = store_uploads(user, case, [("application_letter", letter)])
            services.step_add_documents(actor=user, case=case, step=steps.APPLICATION, documents=documents)
    return case


# --- Who a number is -------------------------------------------------------------------------------------


@login_required
@require_GET
def person_lookup(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Who the numbers typed in a person field are (an htmx fragment)."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.VIEW_CASES, unit)
    field = request.GET.get("field", "")
    raw = request.GET.get(field, "") if field else request.GET.get("number", "")
    numbers = [n for n in raw.replace(",", " ").replace("、", " ").split() if n][:4]
    found = [(number, person_by_number(request.user, unit, number)) for number in numbers]
    return render(request, "development/_lookup.html", {"found": found})
