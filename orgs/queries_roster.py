"""Reads for roster imports and member exports, scoped to what the asking user may do."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import scope_q
from orgs import capabilities as caps
from orgs.models import OrgUnit, RosterImport, UnitKind

RECENT_IMPORTS = 20


def import_scopes(user: Any) -> QuerySet[OrgUnit]:
    """Units the user may import a roster into (party groups hold no members, so they are left out)."""
    return (
        OrgUnit.objects.filter(scope_q(user, caps.IMPORT_ROSTER), is_active=True)
        .exclude(kind=UnitKind.PARTY_GROUP)
        .order_by("path")
    )


def export_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose member list the user may export."""
    return (
        OrgUnit.objects.filter(scope_q(user, caps.EXPORT_MEMBERS), is_active=True)
        .exclude(kind=UnitKind.PARTY_GROUP)
        .order_by("path")
    )


def recent_imports(user: Any) -> list[RosterImport]:
    """The latest imports into units the user may import into, newest first (one query)."""
    return list(
        RosterImport.objects.filter(scope_q(user, caps.IMPORT_ROSTER, path_field="scope_unit__path"))
        .select_related("scope_unit", "created_by")
        .defer("problems", "changes", "parsed_rows")
        .order_by("-created_at", "-id")[:RECENT_IMPORTS]
    )


def roster_import_get(import_id: int) -> RosterImport:
    """The import with this id and its unit, or 404. The caller checks the user's rights."""
    return get_object_or_404(
        RosterImport.objects.select_related("scope_unit", "created_by", "applied_by").defer("parsed_rows"),
        pk=import_id,
    )


def example_branch_code(scope: OrgUnit | None) -> str:
    """The code of a branch inside ``scope``, to fill the template's example row."""
    if scope is None:
        return ""
    code = (
        OrgUnit.objects.filter(path__startswith=scope.path, kind=UnitKind.BRANCH)
        .order_by("path")
        .values_list("code", flat=True)
        .first()
    )
    return code or ""
