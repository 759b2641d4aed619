"""Pages of the organisation: the person's home, the org tree, units, members and positions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.http import AuthedRequest
from core.sections import sections_for
from orgs import queries
from orgs.models import Membership, Position


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The person's own standing: unit, positions, party status, and the sections open to them."""
    membership = Membership.objects.select_related("unit", "group").filter(person=request.user).first()
    positions = Position.objects.active().filter(person=request.user).select_related("unit", "position_type")
    return render(
        request,
        "orgs/home.html",
        {"membership": membership, "positions": positions, "sections": sections_for(request.user)},
    )


@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    """The units the person may browse, as one indented tree (one query)."""
    units = list(queries.units_visible_to(request.user).order_by("path"))
    if not units:
        raise Http404
    top_depth = min(unit.depth for unit in units)
    rows = [{"unit": unit, "level": unit.depth - top_depth} for unit in units]
    return render(request, "orgs/tree.html", {"rows": rows})
