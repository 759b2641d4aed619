"""Checking a recorded history (an import or a transfer in) against the rules that need only dates.

Historical data are not refused: the import lists these violations as warnings for a person to
confirm. Only rules that read nothing but the steps' dates and the date of birth can judge a history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from development import steps
from development.config import DEFAULTS, LocalRules
from development.rule_engine import RuleContext, Violation, run
from development.rules import probation_end

# The rules that need nothing but the steps' dates (and the person's date of birth).
DATE_RULES = frozenset(
    {
        "application.min_age",
        "application.talk_within_one_month",
        "activist.months_after_application",
        "target.one_year_as_activist",
        "admission.political_review_valid",
        "approval.within_three_months",
        "approval.within_six_months",
        "probation.conversion_not_before_end",
    }
)


def history_violations(
    step_dates: Mapping[int, date],
    *,
    birth_date: date | None,
    local: LocalRules = DEFAULTS,
) -> list[Violation]:
    """The date rules a recorded history breaks, step by step (for the import's warnings).

    Of each step's rules only those that need dates alone are run, plus the order of the dates.
    """
    found: list[Violation] = []
    probation_start = step_dates.get(15)
    end = probation_end(probation_start) if probation_start else None
    for number in sorted(step_dates):
        earlier = {step: day for step, day in step_dates.items() if step < number}
        context = RuleContext(
            step=number,
            on=step_dates[number],
            data={"proposal": "convert"} if number == 23 else {},
            local=local,
            step_dates=earlier,
            birth_date=birth_date,
            activist_on=step_dates.get(3),
            probation_start=probation_start,
            probation_end=end,
        )
        codes = [
            "steps.date_order",
            *(code for code in steps.STEPS_BY_NUMBER[number].rules if code in DATE_RULES),
        ]
        found += run(codes, context)
    return found
