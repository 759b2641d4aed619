"""Builders for development tests: the standard story of one case, step by step, with valid dates."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from archive.tests import files
from development import services, services_batches, steps
from development.models import DevelopmentCase
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)


def make_applicant(branch, *, birth_date: date = date(2004, 1, 1), **fields):
    return make_person(
        branch, name=f"申请人{next(_numbers)}", status=PartyStatus.NONE, birth_date=birth_date, **fields
    )


def make_member(branch, status: str = PartyStatus.FULL, **fields):
    return make_person(branch, name=f"党员{next(_numbers)}", status=status, **fields)


# The standard story: every date satisfies every rule (see test_happy_path for the full journey).
DATES: dict[int, date] = {
    1: date(2024, 6, 3),
    2: date(2024, 6, 20),
    3: date(2024, 12, 5),
    4: date(2024, 12, 10),
    5: date(2024, 12, 10),
    7: date(2025, 12, 8),
    8: date(2025, 12, 12),
    9: date(2025, 12, 15),
    10: date(2026, 1, 9),
    11: date(2026, 1, 16),
    12: date(2026, 2, 27),
    13: date(2026, 3, 3),
    14: date(2026, 3, 5),
    15: date(2026, 3, 20),
    16: date(2026, 3, 25),
    17: date(2026, 4, 10),
    18: date(2026, 4, 15),
    19: date(2026, 4, 20),
    20: date(2026, 5, 4),
    22: date(2027, 3, 1),
    23: date(2027, 3, 22),
    24: date(2027, 4, 8),
    25: date(2027, 4, 20),
}
ACTIVIST_ASSESSMENTS = (date(2025, 5, 20), date(2025, 11, 15))
ACTIVIST_REPORTS = (date(2025, 2, 20), date(2025, 5, 10), date(2025, 8, 1), date(2025, 10, 25))
PROBATION_ASSESSMENTS = (date(2026, 9, 10), date(2027, 2, 20))
PROBATION_REPORTS = (date(2026, 6, 10), date(2026, 9, 1), date(2026, 11, 28), date(2027, 2, 15))
NOTICE = (date(2026, 3, 9), date(2026, 3, 13))  # Monday to Friday: 5 working days
VOTE = {"members_with_voting_rights": 10, "attended": 8, "yes": 8, "no": 0, "abstain": 0}


def upload(actor, case, title: str = "入党申请书"):
    return services.case_document_upload(
        actor=actor, case=case, title=title, uploaded_file=files.upload(files.pdf(), "申请书.pdf")
    )


def open_case(personas, person, received_on: date | None = None) -> DevelopmentCase:
    return services.case_apply(actor=personas.secretary, person=person, received_on=received_on or DATES[1])


def step_data(personas, step: int, on: date | None = None) -> dict:
    """Valid data for step ``step`` of the standard story."""
    day = on or DATES[step]
    extra: dict = {
        2: {"talker": personas.secretary.pk},
        3: {"method": "party_members"},
        5: {"contacts": [personas.propaganda.pk]},
        7: {"opinions_heard": "党员和群众意见良好"},
        9: {"introducers": [personas.secretary.pk, personas.propaganda.pk]},
        10: {"conclusion": "passed"},
        11: {"class_hours": 24},
        16: {"talker": personas.college_officer.pk},
    }.get(step, {})
    return {"date": day, **extra}


def actor_for(personas, step: int):
    return personas.college_officer if steps.get(step).is_higher_committee_step else personas.secretary


def assess(personas, case, days) -> None:
    for day in days:
        services.assessment_record(
            actor=personas.secretary,
            case=case,
            assessed_on=day,
            period=f"{day.year}-{day.month}",
            assessor=personas.propaganda,
            result="good",
        )


def report(personas, case, days) -> None:
    for day in days:
        services.thought_report_record(actor=personas.secretary, case=case, received_on=day)


def publish_notice(personas, case, starts_on=NOTICE[0], ends_on=NOTICE[1]):
    return services_batches.public_notice_publish(
        actor=personas.secretary, cases=[case], starts_on=starts_on, ends_on=ends_on
    )


def do_step(personas, case, step: int):
    """Record ``step`` of the standard story on ``case`` with whatever it needs first."""
    if step == 7:
        assess(personas, case, ACTIVIST_ASSESSMENTS)
        report(personas, case, ACTIVIST_REPORTS)
    if step == 22:
        assess(personas, case, PROBATION_ASSESSMENTS)
        report(personas, case, PROBATION_REPORTS)
    if step == 15:
        publish_notice(personas, case)
        return services.vote_record(actor=personas.secretary, case=case, meeting_on=DATES[15], **VOTE)
    if step == 23:
        return services.vote_record(
            actor=personas.secretary, case=case, meeting_on=DATES[23], proposal="convert", **VOTE
        )
    return services.step_record(
        actor=actor_for(personas, step), case=case, step=step, data=step_data(personas, step)
    )


def drive(personas, case, until: int) -> DevelopmentCase:
    """Record the standard story's steps on ``case`` up to, not including, step ``until``."""
    for step in sorted(DATES):
        if step == 1 or step < case.current_step:
            continue
        if step >= until:
            break
        do_step(personas, case, step)
    case.refresh_from_db()
    return case


def new_case_at(personas, branch, until: int) -> DevelopmentCase:
    """A fresh applicant's case driven to step ``until``."""
    person = make_applicant(branch)
    return drive(personas, open_case(personas, person), until)


def case_row(branch, current_step: int, opened_on: date, **fields) -> DevelopmentCase:
    """A case written straight to the table (for list and deadline tests that need many of them)."""
    person = make_applicant(branch)
    fields.setdefault("step_since", opened_on)
    return DevelopmentCase.objects.create(
        person=person, branch=branch, current_step=current_step, opened_on=opened_on, **fields
    )
