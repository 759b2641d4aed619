"""Pages of party dues: "My dues", a unit's dues status with its export, a member's ledger.

Out of scope answers 404, in scope without the capability 403 (``core.permissions.require``);
reads come from ``dues.queries``, changes go through ``dues.services``. Every form works without
JavaScript: a POST records and redirects back with a message.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import FileResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import can, is_system_admin, require, scope_paths
from dues import capabilities as caps
from dues import exports, permissions, queries, services
from dues.config import yuan
from dues.forms import BasesForm, DuesBaseForm, PaymentsForm, ReversalForm, add_field_errors
from dues.models import DuesPayment
from dues.months import month_label
from orgs import queries as org_queries
from orgs.capabilities import VIEW_UNIT
from orgs.exports import XLSX_CONTENT_TYPE
from orgs.models import Membership, OrgUnit


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def breadcrumb(user: Any, unit: OrgUnit) -> list[dict[str, Any]]:
    """The unit's ancestors; only those the user may open are links (one query)."""
    return [
        {"unit": ancestor, "linked": can(user, VIEW_UNIT, ancestor)}
        for ancestor in org_queries.unit_ancestors(unit)
    ]


def standing_context(standing: queries.Standing) -> dict[str, Any]:
    """What the templates show of a standing, with amounts already written as yuan."""
    base = standing.current_base
    return {
        "standing": standing,
        "base": base,
        "monthly": yuan(standing.monthly_fen) if standing.monthly_fen is not None else None,
        "paid_up_to": month_label(standing.paid_up_to) if standing.paid_up_to else None,
        "first_unpaid": month_label(standing.first_unpaid) if standing.first_unpaid else None,
        "arrears": [month_label(month) for month in standing.arrears],
        "owed": yuan(standing.owed_fen),
        "paid_up_now": standing.is_paid_up(standing.current),
    }


def ledger_context(lines: list[queries.LedgerLine]) -> list[dict[str, Any]]:
    return [
        {
            "payment": line.payment,
            "month": month_label(line.payment.month),
            "amount": yuan(line.payment.amount_fen),
            "reversed": line.reversed,
        }
        for line in lines
    ]


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The officers' way in: the topmost unit where they see dues; everyone else: their own dues."""
    user = request.user
    if is_system_admin(user):
        root = OrgUnit.get_first_root_node()
        if root is None:
            raise Http404
        return redirect("dues:unit", root.pk)
    roots = scope_paths(user, caps.VIEW_DUES)
    unit = OrgUnit.objects.filter(path=min(roots, key=len)).first() if roots else None
    if unit is None:
        return redirect("dues:mine")
    return redirect("dues:unit", unit.pk)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponseBase:
    """The person's own dues: category and amount, paid up to, arrears, and every ledger row."""
    user = request.user
    membership = Membership.objects.select_related("unit").filter(person=user).first()
    officer_unit = (
        membership.unit if membership and permissions.can_view_dues(user, membership.unit) else None
    )
    context = {
        "membership": membership,
        **standing_context(queries.standing_of(user)),
        "ledger": ledger_context(queries.ledger_of(user)),
        "officer_unit": officer_unit,
    }
    return _private(render(request, "dues/mine.html", context))


def _unit_page(request: AuthedRequest, unit: OrgUnit, form: PaymentsForm | None = None) -> HttpResponseBase:
    user = request.user
    rows = queries.unit_status(user, unit)
    may_record = permissions.can_record_payments(user, unit)
    if may_record and form is None:
        form = PaymentsForm(
            people=[(row.person.pk, row.person.name) for row in rows],
            initial={"paid_on": timezone.localdate(), "months": 1},
        )
    context = {
        "unit": unit,
        "rows": [{"row": row, **standing_context(row.standing)} for row in rows],
        "in_arrears": sum(1 for row in rows if row.standing.months_in_arrears),
        "owed_total": yuan(sum(row.standing.owed_fen for row in rows)),
        "may_record": may_record,
        "warning_months": queries.rules_for_unit(unit).warning_months,
        "form": form,
        "breadcrumb": breadcrumb(user, unit),
        "chosen": {str(v) for v in (form["people"].value() or [])}
        if form is not None and form.is_bound
        else set(),
    }
    return _private(render(request, "dues/unit.html", context))


@login_required
@require_GET
def unit(request: AuthedRequest, unit_id: int) -> HttpResponseBase:
    """The dues of every paying member of a unit's subtree, arrears first; a fixed number of queries."""
    return _unit_page(request, org_queries.unit_get(unit_id))


@login_required
@require_GET
def unit_export(request: AuthedRequest, unit_id: int) -> HttpResponseBase:
    """The same status as .xlsx, written to a temporary file and streamed."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.VIEW_DUES, unit)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    exports.status_export(actor=request.user, unit=unit, out=out)
    out.seek(0)
    response = FileResponse(
        out, as_attachment=True, filename=exports.export_file_name(unit), content_type=XLSX_CONTENT_TYPE
    )
    return _private(response)


@login_required
@require_POST
def payments(request: AuthedRequest, unit_id: int) -> HttpResponseBase:
    """Record the chosen people's dues for N months each, once however often the form is sent."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.RECORD_PAYMENTS, unit)
    people = [(m.person_id, m.person.name) for m in queries.members_paying(unit)]
    form = PaymentsForm(request.POST, people=people)
    if not form.is_valid():
        return _unit_page(request, unit, form)
    entries = [services.PaymentEntry(pk, form.cleaned_data["months"]) for pk in form.person_ids()]
    try:
        recorded = services.payments_record(
            actor=request.user,
            unit=unit,
            entries=entries,
            idempotency_key=form.cleaned_data["idempotency_key"],
            paid_on=form.cleaned_data["paid_on"],
        )
    except FieldErrors as error:
        names = dict(people)
        for field, problems in error.fields.items():
            prefix = ""
            if field.startswith("entries."):
                index = int(field.split(".")[1])
                prefix = f"{names.get(entries[index].person_id, '')}: "
                field = "people"
            for problem in problems:
                form.add_error(field if field in form.fields else None, prefix + problem)
        return _unit_page(request, unit, form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _unit_page(request, unit, form)
    total = yuan(sum(p.amount_fen for p in recorded.payments))
    if recorded.replayed:
        messages.info(request, _("These payments were already recorded; nothing was recorded twice."))
    else:
        messages.success(
            request,
            _("Recorded %(months)d months of dues, %(total)s yuan in all.")
            % {"months": len(recorded.payments), "total": total},
        )
    return redirect("dues:unit", unit.pk)


def _amounts_page(request: AuthedRequest, unit: OrgUnit, form: BasesForm) -> HttpResponseBase:
    rows = queries.unit_status(request.user, unit)
    context = {
        "unit": unit,
        "form": form,
        "rows": [{"row": row, **standing_context(row.standing)} for row in rows],
        "chosen": {str(v) for v in (form["people"].value() or [])} if form.is_bound else set(),
        "breadcrumb": breadcrumb(request.user, unit),
    }
    return _private(render(request, "dues/amounts.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def amounts(request: AuthedRequest, unit_id: int) -> HttpResponseBase:
    """Set the same monthly dues for several members at once (undergraduates, or one amount)."""
    unit = org_queries.unit_get(unit_id)
    require(request.user, caps.RECORD_PAYMENTS, unit)
    people = [(m.person_id, m.person.name) for m in queries.members_paying(unit)]
    if request.method != "POST":
        initial = {"effective_month": month_label(timezone.localdate())}
        return _amounts_page(request, unit, BasesForm(people=people, initial=initial))
    form = BasesForm(request.POST, people=people)
    if not form.is_valid():
        return _amounts_page(request, unit, form)
    try:
        saved = services.dues_bases_set_many(
            actor=request.user,
            unit=unit,
            person_ids=form.person_ids(),
            category=form.cleaned_data["category"],
            effective_month=form.cleaned_data["effective_month"],
            amount_fen=form.cleaned_data["amount"],
        )
    except FieldErrors as error:
        for field, problems in error.fields.items():
            for problem in problems:
                target = "people" if field.startswith("people") else field
                form.add_error(target if target in form.fields else None, problem)
        return _amounts_page(request, unit, form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _amounts_page(request, unit, form)
    messages.success(request, _("The monthly dues of %(count)d people were saved.") % {"count": len(saved)})
    return redirect("dues:unit", unit.pk)


def _member_page(
    request: AuthedRequest,
    unit: OrgUnit,
    membership: Membership,
    base_form: DuesBaseForm | None = None,
) -> HttpResponseBase:
    user = request.user
    may_record = permissions.can_record_payments(user, membership.unit)
    context = {
        "unit": unit,
        "membership": membership,
        "person": membership.person,
        **standing_context(queries.standing_of(membership.person)),
        "bases": [
            {"base": base, "monthly": yuan(base.monthly_fen)}
            for base in queries.bases_of([membership.person_id]).get(membership.person_id, [])
        ],
        "ledger": ledger_context(queries.ledger_of(membership.person)),
        "may_record": may_record,
        "breadcrumb": breadcrumb(user, unit),
        "base_form": (
            base_form or DuesBaseForm(initial={"effective_month": month_label(timezone.localdate())})
        )
        if may_record
        else None,
        "reversal_form": ReversalForm() if may_record else None,
    }
    return _private(render(request, "dues/member.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def member(request: AuthedRequest, unit_id: int, person_id: int) -> HttpResponseBase:
    """One member's dues for the committee: amounts over time, the ledger; set the amount (POST)."""
    unit = org_queries.unit_get(unit_id)
    membership = queries.membership_in(request.user, unit, person_id)
    if request.method != "POST":
        return _member_page(request, unit, membership)
    form = DuesBaseForm(request.POST)
    if not form.is_valid():
        return _member_page(request, unit, membership, form)
    try:
        services.dues_base_set(
            actor=request.user,
            person=membership.person,
            category=form.cleaned_data["category"],
            effective_month=form.cleaned_data["effective_month"],
            stipend_fen=form.cleaned_data["stipend"],
            amount_fen=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        )
    except FieldErrors as error:
        add_field_errors(form, error)
        return _member_page(request, unit, membership, form)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _member_page(request, unit, membership, form)
    messages.success(request, _("The monthly dues were saved."))
    return redirect("dues:member", unit.pk, membership.person_id)


@login_required
@require_POST
def reversal(request: AuthedRequest, payment_id: int) -> HttpResponseBase:
    """Correct a mistaken payment with a reversing row and a reason."""
    payment = get_object_or_404(DuesPayment.objects.select_related("unit"), pk=payment_id)
    require(request.user, caps.RECORD_PAYMENTS, payment.unit)
    form = ReversalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.payment_reverse(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
            messages.success(request, _("The payment was corrected; both rows stay in the ledger."))
        except (DomainError, FieldErrors) as error:
            messages.error(request, str(error.message))
    return redirect("dues:member", payment.unit_id, payment.person_id)
