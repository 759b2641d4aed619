"""The page of a transfer-in (转入), reached from a unit's case list by those who record steps there.

One form: who arrives, from where, the letter, and the steps already done elsewhere with their
dates and documents. "Preview" runs every check of the service and shows what would be recorded
(with htmx only the preview is replaced, so the chosen files stay chosen); "Record" runs the same
checks again and writes everything in one transaction, or nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.errors import DomainError, FieldErrors
from core.permissions import can, in_scope
from development import capabilities as caps
from development import services
from development.forms import add_field_errors, mark_invalid
from development.forms_transfer import TransferInForm
from development.queries_people import person_by_number
from development.services_transfers import TransferInPlan
from development.views_common import HtmxRequest, unit_breadcrumb, wants_fragment
from orgs import queries as org_queries
from orgs.models import Membership, OrgUnit


def _person(user: Any, unit: OrgUnit, form: TransferInForm) -> User | None:
    person = person_by_number(user, unit, form.cleaned_data["number"])
    if (
        person is None
        or not Membership.objects.filter(person=person, unit__path__startswith=unit.path).exists()
    ):
        form.add_error(
            "number",
            _("Nobody with this number is a member of a branch of %(unit)s. Add them to the roster first.")
            % {"unit": unit.display_name},
        )
        return None
    return person


def _run(
    user: Any, unit: OrgUnit, form: TransferInForm, *, apply: bool
) -> tuple[TransferInPlan | None, int | None]:
    """Check (and with ``apply`` record) the transfer; problems go onto the form."""
    if not form.is_valid():
        return None, None
    person = _person(user, unit, form)
    if person is None:
        return None, None
    arguments: dict[str, Any] = {
        "actor": user,
        "person": person,
        "history": form.history(),
        "transferred_in_from": form.cleaned_data["transferred_in_from"],
        "letter_number": form.cleaned_data["letter_number"],
        "received_on": form.cleaned_data["received_on"],
        "uploads": form.uploads(),
    }
    try:
        if apply:
            with transaction.atomic():
                case = services.case_transfer_in(**arguments)
            return None, case.pk
        return services.transfer_in_check(**arguments), None
    except FieldErrors as error:
        add_field_errors(form, error)
    except PermissionDenied:
        form.add_error("number", _("You cannot record steps for this person's branch."))
    except DomainError as error:
        form.add_error(None, str(error.message))
    return None, None


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer_in(request: HtmxRequest, unit_id: int) -> HttpResponse:
    """Record a person who arrives with their dossier from another university or organisation."""
    unit = org_queries.unit_get(unit_id)
    user = request.user
    if not in_scope(user, unit):
        raise Http404
    if not can(user, caps.RECORD_STEPS, unit):
        raise PermissionDenied
    lookup_url = reverse("development:person_lookup", args=[unit.pk])
    plan = None
    previewed = False
    if request.method == "POST":
        form = TransferInForm(request.POST, request.FILES, lookup_url=lookup_url)
        previewed = request.POST.get("action") == "preview"
        plan, case_id = _run(user, unit, form, apply=not previewed)
        if case_id is not None:
            messages.success(request, _("The transfer was recorded; the case continues from its history."))
            return redirect("development:case", case_id)
    else:
        form = TransferInForm(lookup_url=lookup_url)
    mark_invalid(form)
    context = {
        "unit": unit,
        "form": form,
        "plan": plan,
        "previewed": previewed,
        "files_chosen": bool(request.FILES),
        "breadcrumb": unit_breadcrumb(user, unit),
    }
    fragment = previewed and wants_fragment(request)
    template = "development/transfer_in.html#preview" if fragment else "development/transfer_in.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
