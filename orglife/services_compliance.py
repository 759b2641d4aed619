"""Writes of the compliance calendar: a branch's fixed theme party day."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import require
from orglife import capabilities as caps
from orglife.models_compliance import BranchThemeDay
from orgs.models import OrgUnit, UnitKind


def theme_day_set(*, actor: Any, branch: OrgUnit, day: int | None) -> BranchThemeDay | None:
    """Set (or with None clear) the day of the month of the branch's theme party day."""
    require(actor, caps.ORGANISE_MEETINGS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise DomainError("not_a_branch", _("Only a branch has a theme party day."))
    if day is not None and not 1 <= day <= 31:
        raise FieldErrors.single("day", _("Choose a day from 1 to 31."))
    with transaction.atomic():
        current = BranchThemeDay.objects.select_for_update().filter(branch=branch).first()
        previous = current.day if current else None
        if previous == day:
            return current
        if day is None:
            if current is not None:
                current.delete()
            result = None
        elif current is None:
            result = BranchThemeDay.objects.create(branch=branch, day=day)
        else:
            current.day = day
            current.save(update_fields=["day", "updated_at"])
            result = current
        audit_record(
            actor=actor,
            action="orglife.theme_day.set",
            target=branch,
            unit_id=branch.pk,
            data={"day": day, "previous": previous},
        )
    return result
