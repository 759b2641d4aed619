"""Comparing checked roster rows with the database: what applying a roster file would do.

Pure functions again: the service fetches what the database holds in a few batched queries and
hands it over as a ``Context``; ``plan_rows`` turns rows plus context into conflicts (problems) and
one planned ``Change`` per good row. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.text import normalize_width
from orgs.imports import FIELDS, Problem, RosterRow, safe_value
from orgs.models import PartyStatus

# --- Comparing with the database -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: int
    path: str
    code: str
    name: str


@dataclass(slots=True)
class Existing:
    """A person already recorded under a number in the file, with their membership if any."""

    id: int
    name: str
    gender: str
    birth_date: date | None
    national_id_digest: str | None
    phone_digest: str | None
    email: str | None
    grade: int | None
    major: str
    protected: bool
    membership_id: int | None = None
    unit_id: int | None = None
    unit_path: str | None = None
    group_id: int | None = None
    party_status: str | None = None
    status_since: date | None = None
    league_member: bool | None = None


@dataclass
class Context:
    """What the database holds that the rows are compared with (fetched by the service in batches)."""

    scope_path: str
    branches: list[UnitRef]
    groups: list[UnitRef]
    existing: dict[str, Existing]
    phone_owners: dict[str, str]
    national_id_owners: dict[str, str]
    email_owners: dict[str, str]


@dataclass(slots=True)
class Change:
    """What applying one row does: create a person, update some fields, or nothing."""

    row: int
    number: str
    name: str
    action: str  # "new", "update" or "unchanged"
    fields: tuple[str, ...] = ()
    user_values: dict[str, Any] = field(default_factory=dict)
    membership_values: dict[str, Any] = field(default_factory=dict)
    existing: Existing | None = None
    status_changed: bool = False

    def as_json(self) -> list[Any]:
        return [self.row, self.number, self.name, self.action, list(self.fields)]


@dataclass
class Plan:
    rows_total: int
    changes: list[Change]
    problems: list[Problem]

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def error_count(self) -> int:
        return sum(1 for problem in self.problems if problem.level == "error")

    @property
    def rows_with_errors(self) -> int:
        return len({problem.row for problem in self.problems if problem.level == "error" and problem.row})

    @property
    def digest(self) -> str:
        """A fingerprint of the outcome: the same file against the same database gives the same one."""
        outcome = [change.as_json() for change in self.changes]
        errors = sorted({(p.row or 0, p.field, p.code) for p in self.problems if p.level == "error"})
        return hashlib.sha256(json.dumps([outcome, errors], ensure_ascii=False).encode()).hexdigest()


class _Units:
    """Branches by code and by name, and each branch's party groups, for look-ups by row."""

    def __init__(self, context: Context) -> None:
        self.branch_by_code = {unit.code.casefold(): unit for unit in context.branches}
        self.branches_by_name: dict[str, list[UnitRef]] = defaultdict(list)
        for unit in context.branches:
            self.branches_by_name[normalize_width(unit.name)].append(unit)
        branch_paths = {unit.path for unit in context.branches}
        self.groups_in: dict[str, list[UnitRef]] = defaultdict(list)
        for group in context.groups:
            # A group belongs to the branch whose path starts its own (materialised paths).
            owner = next(
                (group.path[:end] for end in range(len(group.path)) if group.path[:end] in branch_paths), None
            )
            if owner is not None:
                self.groups_in[owner].append(group)

    def branch(self, text: str) -> tuple[UnitRef | None, str]:
        unit = self.branch_by_code.get(text.casefold())
        if unit is not None:
            return unit, ""
        named = self.branches_by_name.get(text, [])
        if len(named) == 1:
            return named[0], ""
        return None, "ambiguous_branch" if named else "unknown_branch"

    def group(self, branch: UnitRef, text: str) -> tuple[UnitRef | None, str]:
        inside = self.groups_in.get(branch.path, [])
        by_code = [unit for unit in inside if unit.code.casefold() == text.casefold()]
        named = by_code or [unit for unit in inside if normalize_width(unit.name) == text]
        if len(named) == 1:
            return named[0], ""
        return None, "ambiguous_group" if named else "unknown_group"


def plan_rows(rows: list[RosterRow], problems: list[Problem], context: Context) -> Plan:
    """Compare every row with the database: conflicts become problems, the rest a planned change."""
    units = _Units(context)
    all_problems = list(problems)
    changes: list[Change] = []
    for row in rows:
        found = _check_against_database(row, context, units)
        all_problems.extend(found)
        if row.has_errors or found:
            continue
        changes.append(_change_for(row, context, units))
    all_problems.sort(
        key=lambda problem: (problem.row or 0, FIELDS.index(problem.field) if problem.field in FIELDS else -1)
    )
    return Plan(rows_total=len(rows), changes=changes, problems=all_problems)


def _check_against_database(row: RosterRow, context: Context, units: _Units) -> list[Problem]:
    found: list[Problem] = []
    if row.branch:
        branch, code = units.branch(row.branch)
        if branch is None:
            found.append(Problem(row.row, "branch", code, safe_value(row.branch)))
        elif row.group:
            group, code = units.group(branch, row.group)
            if group is None:
                found.append(Problem(row.row, "group", code, safe_value(row.group)))
    if not row.number:
        return found
    existing = context.existing.get(row.number)
    if existing is not None and existing.protected:
        found.append(Problem(row.row, "number", "protected_account", safe_value(row.number)))
    elif (
        existing is not None and existing.unit_path and not existing.unit_path.startswith(context.scope_path)
    ):
        found.append(Problem(row.row, "number", "person_outside_scope", safe_value(row.number)))
    owners = (
        ("national_id", row.national_id_digest, context.national_id_owners, row.national_id),
        ("phone", row.phone_digest, context.phone_owners, row.phone),
        ("email", row.email.lower() if row.email else None, context.email_owners, row.email),
    )
    for name, key, owner_of, shown in owners:
        owner = owner_of.get(key) if key else None
        if owner is not None and owner != row.number:
            found.append(Problem(row.row, name, "taken", safe_value(shown or "", name)))
    return found


def _change_for(row: RosterRow, context: Context, units: _Units) -> Change:
    branch, _code = units.branch(row.branch)
    if branch is None:  # pragma: no cover - rows with an unknown branch are refused before
        raise ValueError(f"row {row.row} has no branch")
    group = units.group(branch, row.group)[0] if row.group else None
    existing = context.existing.get(row.number)
    if existing is None:
        return _new_person(row, branch, group)
    user_values: dict[str, Any] = {}
    if row.name != existing.name:
        user_values["name"] = row.name
    simple = (
        ("gender", existing.gender),
        ("birth_date", existing.birth_date),
        ("grade", existing.grade),
        ("major", existing.major),
    )
    for name, current in simple:
        value = getattr(row, name)
        if value is not None and value != current:
            user_values[name] = value
    if row.national_id and row.national_id_digest != existing.national_id_digest:
        user_values["national_id"] = row.national_id
    if row.phone and row.phone_digest != existing.phone_digest:
        user_values["phone"] = row.phone
    if row.email and row.email.lower() != (existing.email or "").lower():
        user_values["email"] = row.email
    membership_values = _membership_changes(row, existing, branch, group)
    changed = [*user_values, *membership_values]
    fields = tuple(
        name for name in FIELDS if name in changed or (name == "status_date" and "status_since" in changed)
    )
    return Change(
        row=row.row,
        number=row.number,
        name=row.name,
        action="update" if fields else "unchanged",
        fields=fields,
        user_values=user_values,
        membership_values=membership_values,
        existing=existing,
        status_changed=existing.membership_id is None
        or "branch" in membership_values
        or "party_status" in membership_values,
    )


def _new_person(row: RosterRow, branch: UnitRef, group: UnitRef | None) -> Change:
    user_values = {
        "name": row.name,
        "gender": row.gender or "",
        "birth_date": row.birth_date,
        "national_id": row.national_id or "",
        "phone": row.phone or "",
        "email": row.email,
        "grade": row.grade,
        "major": row.major or "",
    }
    membership_values = {
        "branch": branch.id,
        "group": group.id if group else None,
        "party_status": row.party_status or PartyStatus.NONE.value,
        "status_since": row.status_date,
        "league_member": bool(row.league_member),
    }
    return Change(row.row, row.number, row.name, "new", (), user_values, membership_values, None, True)


def _membership_changes(
    row: RosterRow, existing: Existing, branch: UnitRef, group: UnitRef | None
) -> dict[str, Any]:
    if existing.membership_id is None:
        return {
            "branch": branch.id,
            "group": group.id if group else None,
            "party_status": row.party_status or PartyStatus.NONE.value,
            "status_since": row.status_date,
            "league_member": bool(row.league_member),
        }
    values: dict[str, Any] = {}
    if branch.id != existing.unit_id:
        values["branch"] = branch.id
    if group is not None and group.id != existing.group_id:
        values["group"] = group.id
    elif group is None and "branch" in values and existing.group_id is not None:
        values["group"] = None  # the old group belongs to the old branch
    if row.party_status is not None and row.party_status != existing.party_status:
        values["party_status"] = row.party_status
    if row.status_date is not None and row.status_date != existing.status_since:
        values["status_since"] = row.status_date
    elif "party_status" in values and row.status_date is None and existing.status_since is not None:
        values["status_since"] = None  # the old date belonged to the old status
    if row.league_member is not None and row.league_member != existing.league_member:
        values["league_member"] = row.league_member
    return values
