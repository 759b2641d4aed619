"""Development cases of the demo university, so that `make run` shows the procedure at work.

Every applicant, activist, development target and probationary member of 云湖示范大学 gets an open
case whose status-setting steps (1, 3, 7 and 15) fall on dates that agree with their party status
and the national minimum intervals (six months from application to activist, a year as an activist),
the steps between spread in order — planned and inserted the same way as the scale data
(``development.management.scale_cases``). Registered with ``core.demo`` and run by ``seed_demo``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from core.audit import audit_record
from core.demo import DemoLoader, register_demo_loader
from development.management.scale_cases import DEVELOPING, CasePlanner, insert, recorders
from development.models import DevelopmentCase
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit

SEED = "yunhu-demo-cases"
ADULT = timedelta(days=365 * 18 + 10)
MIN_AS_APPLICANT = timedelta(days=183)


def history_of(status: str, since: date, born: date | None, rng: random.Random) -> dict[str, date] | None:
    """Dates on which a person of ``status`` (reached on ``since``) passed each earlier status.

    None when no such history keeps the rules: the application would fall before the 18th birthday
    with less than six months left before becoming an activist.
    """
    history = {status: since}
    if status == "probationary":
        history["target"] = since - timedelta(days=rng.randint(90, 150))
    if status in ("probationary", "target"):
        history["activist"] = history["target" if status == "probationary" else status] - timedelta(
            days=rng.randint(370, 430)
        )
    if status != "applicant":
        history["applicant"] = history["activist"] - timedelta(days=rng.randint(190, 260))
    if born is not None and history["applicant"] < born + ADULT:
        history["applicant"] = born + ADULT
        if "activist" in history and history["activist"] - history["applicant"] < MIN_AS_APPLICANT:
            return None
        if history["applicant"] > since:
            return None
    return history


def load_demo_cases() -> dict[str, int]:
    """Give every person being developed in the demo university a case; nothing when it has cases."""
    root = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    if root is None or DevelopmentCase.objects.filter(branch__path__startswith=root.path).exists():
        return {}
    planner = CasePlanner(SEED)
    recorder_of = recorders(root)
    people = (
        Membership.objects.filter(
            unit__path__startswith=root.path, party_status__in=DEVELOPING, status_since__isnull=False
        )
        .order_by("person__number")
        .values_list("person_id", "unit_id", "party_status", "status_since", "person__birth_date")
    )
    plans = []
    for person_id, branch_id, status, since, born in people:
        history = history_of(status, since, born, planner.rng) if since else None
        if history is not None and branch_id in recorder_of:
            plans.append(planner.plan(person_id, branch_id, status, history))
    cases, records = insert(plans, recorder_of)
    audit_record(actor=None, action="development.demo.seed", data={"cases": cases, "step_records": records})
    return {"development cases": cases, "step records": records}


def register() -> None:
    register_demo_loader(DemoLoader(name="development.cases", load=load_demo_cases, order=10))
