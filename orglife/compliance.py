"""The compliance rules of organisational life (DOMAIN.md §3) and the pure function that applies them.

A rule says how often an activity must be done: a period (month, quarter, semester, year), a
required count per period, and a "due soon" window. Some rules apply to each *target* of a branch
rather than to the branch as a whole: the party group meeting to each party group, the one-on-one
talk to each member. This module knows no database: the queries count what was done per period
and target, and ``assess`` turns that into a state for today.

How the states are read (documented in docs/orglife-compliance.md):
- **done** (green): every target reached the required count in the current period;
- **overdue** (red): not done, and either the period's due date has passed (the theme party day
  after its fixed day) or the previous period closed short for some target and the current one
  has not made up for it yet (a branch that held no committee meeting in November is red in
  December until it holds one);
- **due soon** (yellow): not done, and today lies within the window before the due date;
- **not due** (grey): not done yet, with time left and nothing missed before;
- **not applicable**: nothing must do it (a branch without party groups, without members).

Periods are local calendar periods (Asia/Shanghai): quarters are Jan–Mar, Apr–Jun, Jul–Sep,
Oct–Dec; the spring semester runs February to July and the autumn semester August to January.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"


PERIOD_LABELS: dict[str, Promise] = {
    Period.MONTH: _("month"),
    Period.QUARTER: _("quarter"),
    Period.SEMESTER: _("semester"),
    Period.YEAR: _("year"),
}


class Per(StrEnum):
    """What must do the activity: the branch itself, each of its party groups, each member."""

    BRANCH = "branch"
    GROUP = "group"
    MEMBER = "member"


class State(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


STATE_LABELS: dict[str, Promise] = {
    State.OVERDUE: _("Overdue"),
    State.DUE_SOON: _("Due soon"),
    State.NOT_DUE: _("Not due yet"),
    State.DONE: _("Done"),
    State.NOT_APPLICABLE: _("Not applicable"),
}
# Worst first: the order of the college's and the university's lists.
SEVERITY: dict[State, int] = {
    State.OVERDUE: 0,
    State.DUE_SOON: 1,
    State.NOT_DUE: 2,
    State.DONE: 3,
    State.NOT_APPLICABLE: 4,
}

# Rule keys: the activity kinds of orglife.models.ActivityKind that are required, plus the
# democratic evaluation and the one-on-one talks, which are not meetings.
GENERAL_MEETING = "general_meeting"
COMMITTEE_MEETING = "committee_meeting"
GROUP_MEETING = "group_meeting"
PARTY_LESSON = "party_lesson"
THEME_DAY = "theme_day"
LIFE_MEETING = "life_meeting"
EVALUATION = "evaluation"
TALKS = "talks"
MEETING_KINDS = (GENERAL_MEETING, COMMITTEE_MEETING, GROUP_MEETING, PARTY_LESSON, THEME_DAY, LIFE_MEETING)


@dataclass(frozen=True)
class Rule:
    """How often one activity must be done (DOMAIN.md §3); the numbers are local configuration."""

    key: str
    period: Period
    count: int
    due_soon_days: int
    per: Per = Per.BRANCH


# The defaults of DOMAIN.md §3; "due soon" windows are local choices written down here.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(GENERAL_MEETING, Period.QUARTER, 1, 21),
    Rule(COMMITTEE_MEETING, Period.MONTH, 1, 7),
    Rule(GROUP_MEETING, Period.MONTH, 1, 7, Per.GROUP),
    Rule(PARTY_LESSON, Period.SEMESTER, 2, 30),
    Rule(THEME_DAY, Period.MONTH, 1, 7),
    # Usually held in the fourth quarter: due soon from 1 October (31 December minus 91 days).
    Rule(LIFE_MEETING, Period.YEAR, 1, 91),
    Rule(EVALUATION, Period.YEAR, 1, 60),
    Rule(TALKS, Period.YEAR, 1, 60, Per.MEMBER),
)
RULE_KEYS = tuple(rule.key for rule in DEFAULT_RULES)
_DEFAULTS_BY_KEY = {rule.key: rule for rule in DEFAULT_RULES}

RULE_LABELS: dict[str, Promise] = {
    GENERAL_MEETING: _("Branch general meeting"),
    COMMITTEE_MEETING: _("Branch committee meeting"),
    GROUP_MEETING: _("Party group meeting"),
    PARTY_LESSON: _("Party lesson"),
    THEME_DAY: _("Theme party day"),
    LIFE_MEETING: _("Organisational life meeting"),
    EVALUATION: _("Democratic evaluation of members"),
    TALKS: _("One-on-one talks"),
}
WHAT_COUNTS: dict[str, Promise] = {
    GENERAL_MEETING: _("A general meeting of the branch, held (closed, or published and started)."),
    COMMITTEE_MEETING: _("A committee meeting of the branch, held (closed, or published and started)."),
    GROUP_MEETING: _("A meeting of each party group of the branch, organised by the group or inviting it."),
    PARTY_LESSON: _("A party lesson of the branch or one the branch was invited to."),
    THEME_DAY: _("A theme party day of the branch or one the branch was invited to, by its fixed day."),
    LIFE_MEETING: _("An organisational life meeting of the branch (usually in the fourth quarter)."),
    EVALUATION: _("The year's democratic evaluation, closed with its grades recorded."),
    TALKS: _("A recorded one-on-one talk with each full and probationary member of the branch."),
}


# --- Periods -------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: date, period: Period) -> tuple[date, date]:
    """The first and last day of the period of kind ``period`` that contains ``day``."""
    if period == Period.MONTH:
        return date(day.year, day.month, 1), _month_end(day.year, day.month)
    if period == Period.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    if period == Period.SEMESTER:
        if 2 <= day.month <= 7:  # spring: February to July
            return date(day.year, 2, 1), _month_end(day.year, 7)
        start_year = day.year if day.month >= 8 else day.year - 1  # autumn: August to January
        return date(start_year, 8, 1), _month_end(start_year + 1, 1)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def previous_period(day: date, period: Period) -> tuple[date, date]:
    """The period just before the one containing ``day``."""
    start, _end = period_of(day, period)
    return period_of(start - timedelta(days=1), period)


def due_date(rule: Rule, start: date, end: date, theme_day: int | None = None) -> date:
    """The day by which the period's activity must be done: the period's last day, or for the theme
    party day the branch's fixed day in that month (a 31 in a 30-day month is the 30th)."""
    if rule.key == THEME_DAY and theme_day and rule.period == Period.MONTH:
        return date(start.year, start.month, min(theme_day, end.day))
    return end


# --- Assessment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Where one rule stands for one branch on one day."""

    rule: Rule
    state: State
    period_start: date
    period_end: date
    due_on: date
    targets: int  # groups or members the rule applies to (1 for the branch itself)
    targets_done: int
    held: int  # activities done in the period, summed over targets
    missed_before: bool  # the previous period closed short for some target
    next_due_on: date  # this period's due date, or the next period's once this one is done

    @property
    def severity(self) -> int:
        return SEVERITY[self.state]

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def assess(
    rule: Rule,
    today: date,
    held_now: Sequence[int],
    held_before: Sequence[int] | None = None,
    *,
    theme_day: int | None = None,
) -> Status:
    """The state of ``rule`` on ``today``.

    ``held_now`` has, per target, how many activities were done in the current period;
    ``held_before`` the same for the previous period, or None when the branch was not tracked
    then (it did not exist yet). A rule with no target is not applicable.
    """
    start, end = period_of(today, rule.period)
    due_on = due_date(rule, start, end, theme_day)
    targets = len(held_now)
    targets_done = sum(1 for held in held_now if held >= rule.count)
    missed_before = held_before is not None and any(held < rule.count for held in held_before)
    if targets == 0:
        state = State.NOT_APPLICABLE
        missed_before = False
    elif targets_done == targets:
        state = State.DONE
    elif today > due_on or missed_before:
        state = State.OVERDUE
    elif today >= due_on - timedelta(days=rule.due_soon_days):
        state = State.DUE_SOON
    else:
        state = State.NOT_DUE
    next_due_on = due_on
    if state in (State.DONE, State.NOT_APPLICABLE):
        next_start, next_end = period_of(end + timedelta(days=1), rule.period)
        next_due_on = due_date(rule, next_start, next_end, theme_day)
    return Status(
        rule, state, start, end, due_on, targets, targets_done, sum(held_now), missed_before, next_due_on
    )


def bucket(days: Iterable[date], period: Period, today: date) -> tuple[int, int]:
    """How many of ``days`` fall in the current period and in the previous one."""
    now = period_of(today, period)
    before = previous_period(today, period)
    in_now = in_before = 0
    for day in days:
        if now[0] <= day <= now[1]:
            in_now += 1
        elif before[0] <= day <= before[1]:
            in_before += 1
    return in_now, in_before


def assess_days(
    rule: Rule,
    today: date,
    days_per_target: Sequence[Sequence[date]],
    *,
    tracked_since: date | None = None,
    theme_day: int | None = None,
) -> Status:
    """``assess`` from the local dates of the activities done, per target (those after today ignored)."""
    counts = [bucket((day for day in days if day <= today), rule.period, today) for days in days_per_target]
    before_end = previous_period(today, rule.period)[1]
    tracked = tracked_since is None or tracked_since <= before_end
    return assess(
        rule,
        today,
        [now for now, _before in counts],
        [before for _now, before in counts] if tracked else None,
        theme_day=theme_day,
    )


def worst(statuses: Iterable[Status]) -> State:
    """The worst state among ``statuses`` (not applicable when there is none)."""
    states = [status.state for status in statuses]
    return min(states, key=SEVERITY.__getitem__) if states else State.NOT_APPLICABLE


# --- Configuration -------------------------------------------------------------------------------
# A university keeps only what differs from the defaults, as JSON in one ComplianceConfig row:
# {"party_lesson": {"count": 3}, "theme_day": {"due_soon_days": 5}}.

LIMITS = {"count": (1, 12), "due_soon_days": (0, 180)}


def parameter_problems(raw: object) -> dict[str, list[str]]:
    """The problems of a rules object, by rule key (empty when it is valid)."""
    if not isinstance(raw, Mapping):
        return {"__all__": [str(_("The rules must be a JSON object."))]}
    problems: dict[str, list[str]] = {}
    for key, value in raw.items():
        found = _rule_problems(key, value)
        if found:
            problems[str(key)] = found
    return problems


def _rule_problems(key: object, value: object) -> list[str]:
    if key not in _DEFAULTS_BY_KEY:
        return [str(_("Unknown rule. Known rules: %(known)s.") % {"known": ", ".join(RULE_KEYS)})]
    if not isinstance(value, Mapping):
        return [str(_('Give an object such as {"period": "month", "count": 1, "due_soon_days": 7}.'))]
    problems: list[str] = []
    for name, setting in value.items():
        if name == "period":
            if setting not in Period.__members__.values():
                choices = ", ".join(p.value for p in Period)
                problems.append(str(_("period must be one of: %(choices)s.") % {"choices": choices}))
        elif name in LIMITS:
            low, high = LIMITS[name]
            if isinstance(setting, bool) or not isinstance(setting, int) or not low <= setting <= high:
                problems.append(
                    str(
                        _("%(name)s must be a whole number from %(low)d to %(high)d.")
                        % {"name": name, "low": low, "high": high}
                    )
                )
        else:
            problems.append(str(_("Unknown setting %(name)s.") % {"name": name}))
    return problems


def rules_from(raw: Mapping[str, Any] | None) -> tuple[Rule, ...]:
    """The rules in force for a university's stored settings (validated beforehand)."""
    if not raw:
        return DEFAULT_RULES
    rules = []
    for rule in DEFAULT_RULES:
        changes = raw.get(rule.key) or {}
        rules.append(
            replace(
                rule,
                period=Period(changes.get("period", rule.period)),
                count=int(changes.get("count", rule.count)),
                due_soon_days=int(changes.get("due_soon_days", rule.due_soon_days)),
            )
        )
    return tuple(rules)


def defaults_as_json() -> dict[str, dict[str, Any]]:
    """The default rules as JSON, to show an administrator what can be set."""
    return {
        rule.key: {"period": rule.period.value, "count": rule.count, "due_soon_days": rule.due_soon_days}
        for rule in DEFAULT_RULES
    }
