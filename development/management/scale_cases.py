"""Development cases for ``make bench``: open cases in every stage, drawn from a fixed seed.

``seed_scale`` (orgs) loads the universities; this module, run by ``manage.py seed_scale_cases``,
gives a share of the people being developed (applicants, activists, development targets and
probationary members) an open case with the step records behind it, in bulk. The engine's services
check every rule and would take hours for thousands of cases, so the rows are built here the way
the engine leaves them: step records 1…k with dates in order, ``current_step`` = k + 1,
``step_since`` = the date of step k, and ``activist_on``, ``target_on``, ``probation_start`` and
``probation_end`` taken from the records of steps 3, 7 and 15. The dates of the status-setting steps
(1, 3, 7 and 15) are the person's status history from the scale data, so case and membership agree.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction

from core.audit import audit_record
from development import steps
from development.models import DevelopmentCase, StepRecord
from development.rules import probation_end
from orgs.management.scale_plan import SEED, Size, root_code
from orgs.models import Membership, OrgUnit, Position, StatusChange

BATCH = 2000
# A fixed "today" keeps the data the same on every run; it only has to lie after the scale data's
# last status change (30 June 2026).
AS_OF = date(2026, 11, 15)
# Share of the people in each development status who get a case: about one student in eight at
# every size (≈2,300 open cases at M), every stage present in every college.
CASE_SHARE = 0.25
# The step that gives each party status (its date is the status's change date in the history).
STATUS_STEP = {
    "applicant": steps.APPLICATION,
    "activist": steps.ACTIVIST_CONFIRMATION,
    "target": steps.TARGET_CONFIRMATION,
    "probationary": steps.ADMISSION_MEETING,
}
DEVELOPING = tuple(STATUS_STEP)


@dataclass(slots=True)
class CasePlan:
    """One planned case: the person, the branch and the date of each step done, in step order."""

    person_id: int
    branch_id: int
    dates: dict[int, date] = field(default_factory=dict)

    @property
    def last(self) -> int:
        return max(self.dates)


class CasePlanner:
    """Plans the cases of one university from its memberships and status history."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (fictional data)

    def steps_done(self, status: str, anchors: dict[int, date]) -> int:
        """The last step done (k) for a person of ``status``, within what the rules allow by AS_OF."""
        rng = self.rng
        if status == "applicant":
            return rng.choice([1, 2])
        if status == "activist":
            return rng.randint(3, 6)
        if status == "target":
            return rng.randint(7, 16)
        # Probationary: admitted (step 17 done); conversion steps only once the probation is over.
        if probation_end(anchors[steps.ADMISSION_MEETING]) > AS_OF:
            return rng.randint(17, 21)
        return rng.randint(21, 23)

    def plan(self, person_id: int, branch_id: int, status: str, history: dict[str, date]) -> CasePlan:
        """The case of one person whose status history is ``history`` (status → date reached)."""
        anchors = {STATUS_STEP[s]: history[s] for s in DEVELOPING if s in history}
        last = self.steps_done(status, anchors)
        case = CasePlan(person_id, branch_id)
        ordered = sorted((number, day) for number, day in anchors.items() if number <= last)
        for (first, start), (second, end) in itertools.pairwise(ordered):
            # Steps between two status changes: spread evenly between their dates.
            for number in range(first, second):
                share = (number - first) / (second - first)
                case.dates[number] = start + timedelta(days=int((end - start).days * share))
        top, day = ordered[-1]
        case.dates[top] = day
        for number in range(top + 1, last + 1):
            gap = self.rng.randint(7, 45)
            if number == steps.CONVERSION_APPLICATION:
                # The conversion application comes at the end of the probation, not before.
                day = max(day, probation_end(anchors[steps.ADMISSION_MEETING]) - timedelta(days=20))
            day = min(day + timedelta(days=gap), AS_OF)
            case.dates[number] = day
        return case


def recorders(root: OrgUnit) -> dict[int, int]:
    """Who records each branch's steps: its secretary (branch id → person id)."""
    return dict(
        Position.objects.active()
        .filter(unit__path__startswith=root.path, unit__kind="branch", position_type__code="secretary")
        .order_by("unit_id", "start_date", "id")
        .values_list("unit_id", "person_id")
    )


def build(plan: CasePlan) -> DevelopmentCase:
    dates = plan.dates
    admitted = dates.get(steps.ADMISSION_MEETING)
    return DevelopmentCase(
        person_id=plan.person_id,
        branch_id=plan.branch_id,
        current_step=min(plan.last + 1, steps.ARCHIVE),
        opened_on=dates[steps.APPLICATION],
        step_since=dates[plan.last],
        activist_on=dates.get(steps.ACTIVIST_CONFIRMATION),
        target_on=dates.get(steps.TARGET_CONFIRMATION),
        probation_start=admitted,
        probation_end=probation_end(admitted) if admitted else None,
    )


def insert(plans: list[CasePlan], recorder_of: dict[int, int]) -> tuple[int, int]:
    """Insert the planned cases and their step records; returns (cases, step records) created."""
    cases = [build(plan) for plan in plans]
    DevelopmentCase.objects.bulk_create(cases, batch_size=BATCH)
    records = [
        StepRecord(case_id=case.pk, step=number, date=day, recorded_by_id=recorder_of[plan.branch_id])
        for case, plan in zip(cases, plans, strict=True)
        for number, day in sorted(plan.dates.items())
    ]
    StepRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(cases), len(records)


def seed_college(planner: CasePlanner, college: OrgUnit, recorder_of: dict[int, int]) -> tuple[int, int]:
    """Plan and insert the cases of one college; returns (cases, step records) created."""
    members = list(
        Membership.objects.filter(unit__path__startswith=college.path, party_status__in=DEVELOPING)
        .order_by("person_id")
        .values_list("person_id", "unit_id", "party_status")
    )
    chosen = [row for row in members if planner.rng.random() < CASE_SHARE and row[1] in recorder_of]
    history: dict[int, dict[str, date]] = {}
    for person_id, to_status, changed_on in StatusChange.objects.filter(
        person_id__in=[row[0] for row in chosen], to_status__in=DEVELOPING
    ).values_list("person_id", "to_status", "changed_on"):
        history.setdefault(person_id, {})[to_status] = changed_on
    plans = [
        planner.plan(person_id, branch_id, status, history[person_id])
        for person_id, branch_id, status in chosen
        if status in history.get(person_id, {})
    ]
    return insert(plans, recorder_of)


def seed_cases(size: Size) -> dict[str, int]:
    """Give every university of ``size`` its cases, skipping a university that has some already."""
    totals = {"cases": 0, "step_records": 0}
    for university in range(size.universities):
        root = OrgUnit.objects.filter(code=root_code(size, university)).first()
        if root is None:
            raise LookupError(
                f"Size {size.code} is not loaded: run `manage.py seed_scale --size {size.code}`"
            )
        if DevelopmentCase.objects.filter(branch__path__startswith=root.path).exists():
            continue
        planner = CasePlanner(f"{SEED}-cases-{size.code}-{university}")
        counts = {"cases": 0, "step_records": 0}
        with transaction.atomic():
            recorder_of = recorders(root)
            for college in OrgUnit.objects.filter(path__startswith=root.path, depth=2).order_by("path"):
                cases, records = seed_college(planner, college, recorder_of)
                counts["cases"] += cases
                counts["step_records"] += records
            audit_record(
                actor=None,
                action="development.scale.seed",
                data={"size": size.code, "university": university + 1, **counts},
            )
        for name, count in counts.items():
            totals[name] += count
    if totals["cases"] and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE development_developmentcase, development_steprecord")
    return totals
