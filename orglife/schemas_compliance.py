"""Schemas of the compliance, evaluation and talks API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from orglife import compliance
from orglife.compliance import Status
from orglife.queries_compliance import BranchCompliance


class RuleStatusOut(Schema):
    key: str = Field(description="The rule: an activity kind, `evaluation` or `talks`.")
    label: str
    state: str = Field(description="`done`, `due_soon`, `overdue`, `not_due` or `not_applicable`.")
    state_label: str
    period: str = Field(description="`month`, `quarter`, `semester` or `year`.")
    period_start: date
    period_end: date
    due_on: date = Field(description="This period's due date (the fixed day for the theme party day).")
    next_due_on: date = Field(
        description="The due date to work towards: the next period's once this one is done."
    )
    required: int = Field(
        description="Activities required per period (per group or member where `per` says)."
    )
    per: str = Field(description="`branch`, `group` (each party group) or `member` (each member).")
    targets: int
    targets_done: int
    held: int = Field(description="Activities done in the period.")
    missed_before: bool = Field(description="The previous period closed short (keeps the rule overdue).")
    what_counts: str


class BranchComplianceOut(Schema):
    branch_id: int
    branch_name: str
    state: str = Field(description="The worst state of the branch's rules.")
    overdue: int
    due_soon: int
    awaiting_record: int = Field(description="Meetings held whose record is not closed yet.")
    theme_day: int | None = Field(description="The fixed day of the month of the theme party day, if set.")
    rules: list[RuleStatusOut]


class UnitComplianceOut(Schema):
    unit_id: int
    unit_name: str
    state: str = Field(description="The worst state among the branches of the unit's subtree.")
    branches_by_state: dict[str, int] = Field(description="How many branches are in each (worst) state.")
    branch: BranchComplianceOut | None = Field(description="The calendar itself, when the unit is a branch.")


def rule_status(status: Status) -> dict[str, Any]:
    rule = status.rule
    return {
        "key": rule.key,
        "label": str(compliance.RULE_LABELS[rule.key]),
        "state": status.state.value,
        "state_label": str(compliance.STATE_LABELS[status.state]),
        "period": rule.period.value,
        "period_start": status.period_start,
        "period_end": status.period_end,
        "due_on": status.due_on,
        "next_due_on": status.next_due_on,
        "required": rule.count,
        "per": rule.per.value,
        "targets": status.targets,
        "targets_done": status.targets_done,
        "held": status.held,
        "missed_before": status.missed_before,
        "what_counts": str(compliance.WHAT_COUNTS[rule.key]),
    }


def branch_compliance(row: BranchCompliance) -> dict[str, Any]:
    return {
        "branch_id": row.branch.pk,
        "branch_name": row.branch.display_name,
        "state": row.state.value,
        "overdue": row.overdue,
        "due_soon": row.due_soon,
        "awaiting_record": row.awaiting_record,
        "theme_day": row.theme_day,
        "rules": [rule_status(status) for status in row.statuses],
    }


class ComplianceFiltersIn(Schema):
    state: str = Field("", description="Only branches whose worst state is this one.")


# --- Evaluation -----------------------------------------------------------------------------------


class RateeOut(Schema):
    person_id: int
    name: str


class MyEvaluationOut(Schema):
    campaign_id: int
    year: int
    branch_id: int
    branch_name: str
    status: str = Field(description="`open`, `counting` (ballot closed) or `closed`.")
    self_assessment: str
    self_assessed_at: datetime | None
    has_voted: bool
    ratees: list[RateeOut] = Field(description="Whom your ballot grades (only while you may still vote).")


class EvaluationResultOut(Schema):
    year: int
    branch_name: str
    grade: str = Field(description="`excellent`, `qualified`, `basically_qualified` or `unqualified`.")
    grade_label: str
    meeting_on: date | None


class MyEvaluationsOut(Schema):
    evaluations: list[MyEvaluationOut]
    results: list[EvaluationResultOut] = Field(description="Your final grades of closed evaluations.")


class SelfAssessmentIn(Schema):
    text: str = Field(max_length=5000, description="Plain text.")


class SelfAssessmentOut(Schema):
    campaign_id: int
    self_assessment: str
    self_assessed_at: datetime | None


class BallotIn(Schema):
    grades: dict[int, str] = Field(
        description=(
            "Each other member's person id → `excellent`, `qualified`, `basically_qualified` or "
            "`unqualified`; every other member must be graded."
        ),
        examples=[{"12": "qualified", "15": "excellent"}],
    )


class BallotOut(Schema):
    campaign_id: int
    voted: bool = True


# --- Talks ----------------------------------------------------------------------------------------


class TalkOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    talked_on: date
    talked_by_id: int
    talked_by_name: str = Field(alias="talked_by.name")
    topic: str
    summary: str = Field(description="The committee's notes (only committees can read this endpoint).")


class TalkIn(Schema):
    person_id: int
    talked_on: date
    topic: str = Field(max_length=200)
    summary: str = Field("", max_length=5000)
    talked_by_id: int | None = Field(None, description="Who held the talk; you when left out.")


class TalkFiltersIn(Schema):
    year: int | None = Field(None, ge=2000, le=2200, description="The year; this year when left out.")


class MemberOut(Schema):
    person_id: int
    name: str = Field(alias="person.name")
    number: str = Field(alias="person.number")
