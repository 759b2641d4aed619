"""What is due on an open case, and by when: pure functions of the case's dates.

Shared by the timeline, the college/university due-and-overdue view and the daily reminders, so
all three say the same thing. Each deadline has a stable code (used in the reminders' dedupe keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from development import steps
from development.config import LocalRules
from development.periods import add_months, add_years
from development.rules import approval_deadline, next_assessment_due, talk_deadline

TALK = "talk"
APPROVAL = "approval"
ASSESSMENT = "assessment"
THOUGHT_REPORT = "thought_report"
PROBATION_END = "probation_end"

LABELS: dict[str, Promise] = {
    TALK: _("Talk with the applicant"),
    APPROVAL: _("Approval by the higher committee"),
    ASSESSMENT: _("Six-monthly assessment"),
    THOUGHT_REPORT: _("Thought report"),
    PROBATION_END: _("End of probation"),
}
# How far ahead a deadline shows as "due soon" in the committees' view.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class CaseDates:
    """The dates of an open case that deadlines are computed from (all kept on the case row)."""

    current_step: int
    opened_on: date
    step_since: date
    activist_on: date | None
    probation_start: date | None
    probation_end: date | None
    last_assessment_on: date | None
    last_thought_report_on: date | None


@dataclass(frozen=True)
class Deadline:
    code: str
    due_on: date

    @property
    def label(self) -> Promise:
        return LABELS[self.code]

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def _later(first: date | None, second: date | None) -> date | None:
    present = [day for day in (first, second) if day is not None]
    return max(present) if present else None


def _in_activist_phase(step: int) -> bool:
    # From the confirmation as activist (step 3) until the confirmation as development target (7).
    return steps.ACTIVIST_CONFIRMATION < step <= steps.TARGET_CONFIRMATION


def _on_probation(dates: CaseDates) -> bool:
    # From the approval (step 17) until the conversion meeting (23).
    return (
        dates.probation_start is not None
        and steps.ADMISSION_APPROVAL < dates.current_step <= steps.CONVERSION_MEETING
    )


def case_deadlines(dates: CaseDates, local: LocalRules) -> list[Deadline]:
    """Every deadline running on the case, earliest first."""
    found: list[Deadline] = []
    step = steps.next_recordable(dates.current_step)
    if step == steps.TALK:
        found.append(Deadline(TALK, talk_deadline(dates.opened_on)))
    if dates.current_step in (16, steps.ADMISSION_APPROVAL) and dates.probation_start is not None:
        found.append(Deadline(APPROVAL, approval_deadline(dates.probation_start)))
    if dates.current_step == steps.CONVERSION_APPROVAL:
        found.append(Deadline(APPROVAL, approval_deadline(dates.step_since)))
    phase_start = None
    if _in_activist_phase(dates.current_step):
        phase_start = dates.activist_on
    elif _on_probation(dates):
        phase_start = dates.probation_start
    if phase_start is not None:
        last = _later(phase_start, dates.last_assessment_on) or phase_start
        found.append(Deadline(ASSESSMENT, next_assessment_due(last)))
    report_start = dates.probation_start if _on_probation(dates) else dates.activist_on
    if (
        report_start is not None
        and steps.ACTIVIST_CONFIRMATION < dates.current_step <= steps.CONVERSION_MEETING
    ):
        last = _later(report_start, dates.last_thought_report_on) or report_start
        found.append(Deadline(THOUGHT_REPORT, last + timedelta(days=local.thought_report_interval_days)))
    if _on_probation(dates) and dates.probation_end is not None:
        found.append(Deadline(PROBATION_END, dates.probation_end))
    return sorted(found, key=lambda deadline: deadline.due_on)


def horizon_days(code: str, local: LocalRules) -> int:
    """How many days ahead a deadline of ``code`` is shown as coming."""
    return local.probation_ending_days if code == PROBATION_END else DUE_SOON_DAYS


def earliest_on(step: int, dates: CaseDates, local: LocalRules) -> date | None:
    """The first day ``step`` may be dated under the period rules (None: no such limit)."""
    if step == steps.ACTIVIST_CONFIRMATION:
        return add_months(dates.opened_on, local.months_application_to_activist)
    if step == steps.TARGET_CONFIRMATION and dates.activist_on is not None:
        return add_years(dates.activist_on, 1)
    if step == steps.CONVERSION_MEETING and dates.probation_end is not None:
        return dates.probation_end
    return None
