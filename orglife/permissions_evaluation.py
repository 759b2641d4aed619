"""Who may see the compliance calendar, run evaluations and record talks: pure yes/no predicates.

Each is a capability held over the unit (directly or through an ancestor); pages and the API turn
"out of scope" into 404 and "in scope without it" into 403 with ``core.permissions.require``. A
member's own evaluation is theirs by participation, not by capability.
"""

from __future__ import annotations

from typing import Any

from core.permissions import can, grants, is_system_admin
from orglife import capabilities as caps
from orgs.models import OrgUnit, UnitKind


def can_view_compliance(user: Any, unit: OrgUnit) -> bool:
    """The user may see whether the unit's branches did their required activities."""
    return can(user, caps.VIEW_COMPLIANCE, unit)


def can_set_theme_day(user: Any, branch: OrgUnit) -> bool:
    """The user may set the branch's fixed theme party day: those who organise its meetings."""
    return branch.kind == UnitKind.BRANCH and can(user, caps.ORGANISE_MEETINGS, branch)


def can_run_evaluations(user: Any, branch: OrgUnit) -> bool:
    """The user may open, run and close the branch's democratic evaluation."""
    return branch.kind == UnitKind.BRANCH and can(user, caps.RUN_EVALUATIONS, branch)


def can_record_talks(user: Any, branch: OrgUnit) -> bool:
    """The user may record talks in the branch and read their summaries (the committee only)."""
    return branch.kind == UnitKind.BRANCH and can(user, caps.RECORD_TALKS, branch)


def holds_somewhere(user: Any, capability: str) -> bool:
    """System administrators, and anyone holding ``capability`` over some unit."""
    return is_system_admin(user) or any(grant.capability == capability for grant in grants(user))
