"""The pure compliance rules: periods, the states at each period's boundaries, and the settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from orglife import compliance
from orglife.compliance import DEFAULT_RULES, Per, Period, State, assess, assess_days, period_of

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
RULES = {rule.key: rule for rule in DEFAULT_RULES}


def rule_of(key: str) -> compliance.Rule:
    return RULES[key]


# --- Periods --------------------------------------------------------------------------------------


def test_quarters_are_calendar_quarters():
    assert period_of(date(2026, 3, 31), Period.QUARTER) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_of(date(2026, 4, 1), Period.QUARTER) == (date(2026, 4, 1), date(2026, 6, 30))
    assert period_of(date(2026, 12, 31), Period.QUARTER) == (date(2026, 10, 1), date(2026, 12, 31))


def test_the_spring_semester_runs_february_to_july_and_autumn_august_to_january():
    assert period_of(date(2026, 2, 1), Period.SEMESTER) == (date(2026, 2, 1), date(2026, 7, 31))
    assert period_of(date(2026, 7, 31), Period.SEMESTER) == (date(2026, 2, 1), date(2026, 7, 31))
    assert period_of(date(2026, 8, 1), Period.SEMESTER) == (date(2026, 8, 1), date(2027, 1, 31))
    assert period_of(date(2027, 1, 31), Period.SEMESTER) == (date(2026, 8, 1), date(2027, 1, 31))


def test_a_month_ends_on_its_last_day_in_a_leap_year_too():
    assert period_of(date(2028, 2, 10), Period.MONTH) == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_of(date(2026, 2, 10), Period.MONTH) == (date(2026, 2, 1), date(2026, 2, 28))


@given(days, st.sampled_from(list(Period)))
def test_every_day_lies_in_its_period_and_the_next_period_starts_the_day_after(day, period):
    start, end = period_of(day, period)
    assert start <= day <= end
    assert period_of(end + timedelta(days=1), period)[0] == end + timedelta(days=1)
    assert compliance.previous_period(day, period)[1] == start - timedelta(days=1)


# --- States at the boundaries, for every rule -----------------------------------------------------

PERIOD_ENDS = {
    Period.MONTH: date(2026, 4, 30),
    Period.QUARTER: date(2026, 6, 30),
    Period.SEMESTER: date(2027, 1, 31),
    Period.YEAR: date(2026, 12, 31),
}


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.key)
def test_on_the_last_day_of_its_period_an_undone_rule_is_due_soon_and_the_next_day_overdue(rule):
    last_day = PERIOD_ENDS[rule.period]
    before_start, _before_end = compliance.previous_period(last_day, rule.period)
    done_before = [before_start] * rule.count
    on_last_day = assess_days(rule, last_day, [done_before])
    assert on_last_day.state == State.DUE_SOON
    assert on_last_day.due_on == last_day
    next_day = assess_days(rule, last_day + timedelta(days=1), [done_before])
    assert next_day.state == State.OVERDUE
    assert next_day.missed_before


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.key)
def test_done_on_the_last_day_of_the_period_is_green_then_the_new_period_starts_afresh(rule):
    last_day = PERIOD_ENDS[rule.period]
    done = [last_day] * rule.count
    assert assess_days(rule, last_day, [done]).state == State.DONE
    next_day = assess_days(rule, last_day + timedelta(days=1), [done])
    assert next_day.state in (State.NOT_DUE, State.DUE_SOON)
    assert not next_day.missed_before


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.key)
def test_one_less_than_required_is_not_done(rule):
    last_day = PERIOD_ENDS[rule.period]
    status = assess_days(rule, last_day, [[last_day] * (rule.count - 1)], tracked_since=last_day)
    assert status.state == State.DUE_SOON
    assert status.held == rule.count - 1


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.key)
def test_the_due_soon_window_opens_exactly_its_number_of_days_before_the_due_date(rule):
    last_day = PERIOD_ENDS[rule.period]
    opens = last_day - timedelta(days=rule.due_soon_days)
    start = period_of(last_day, rule.period)[0]
    assert assess_days(rule, opens, [[]], tracked_since=start).state == State.DUE_SOON
    if opens - timedelta(days=1) >= start:
        assert assess_days(rule, opens - timedelta(days=1), [[]], tracked_since=start).state == State.NOT_DUE


def test_the_life_meeting_becomes_due_soon_on_the_first_of_october():
    rule = rule_of(compliance.LIFE_MEETING)
    assert assess_days(rule, date(2026, 9, 30), [[]], tracked_since=date(2026, 1, 1)).state == State.NOT_DUE
    assert assess_days(rule, date(2026, 10, 1), [[]], tracked_since=date(2026, 1, 1)).state == State.DUE_SOON


def test_two_party_lessons_are_needed_each_semester():
    rule = rule_of(compliance.PARTY_LESSON)
    one = assess_days(rule, date(2026, 7, 31), [[date(2026, 3, 5)]], tracked_since=date(2026, 2, 1))
    two = assess_days(rule, date(2026, 7, 31), [[date(2026, 3, 5), date(2026, 6, 5)]])
    assert (one.state, one.held) == (State.DUE_SOON, 1)
    assert two.state == State.DONE


def test_a_lesson_in_january_counts_for_the_autumn_semester_before_it():
    rule = rule_of(compliance.PARTY_LESSON)
    status = assess_days(rule, date(2027, 1, 20), [[date(2026, 9, 1), date(2027, 1, 19)]])
    assert status.state == State.DONE
    assert status.period_start == date(2026, 8, 1)


# --- The theme party day on its fixed day ---------------------------------------------------------


def test_the_theme_day_is_due_on_the_branchs_fixed_day_and_overdue_the_day_after():
    rule = rule_of(compliance.THEME_DAY)
    tracked = date(2026, 1, 1)
    before = [date(2026, 4, 15)]
    assert assess_days(rule, date(2026, 5, 7), [before], theme_day=15).state == State.NOT_DUE
    assert assess_days(rule, date(2026, 5, 8), [before], theme_day=15).state == State.DUE_SOON
    on_day = assess_days(rule, date(2026, 5, 15), [before], theme_day=15, tracked_since=tracked)
    assert (on_day.state, on_day.due_on) == (State.DUE_SOON, date(2026, 5, 15))
    assert assess_days(rule, date(2026, 5, 16), [before], theme_day=15).state == State.OVERDUE
    assert (
        assess_days(rule, date(2026, 5, 16), [[*before, date(2026, 5, 15)]], theme_day=15).state == State.DONE
    )


def test_a_fixed_day_of_31_falls_on_the_last_day_of_a_shorter_month():
    rule = rule_of(compliance.THEME_DAY)
    assert assess_days(rule, date(2026, 2, 3), [[date(2026, 1, 31)]], theme_day=31).due_on == date(
        2026, 2, 28
    )


def test_without_a_fixed_day_the_theme_day_is_due_by_the_end_of_the_month():
    rule = rule_of(compliance.THEME_DAY)
    assert assess_days(rule, date(2026, 5, 3), [[date(2026, 4, 1)]]).due_on == date(2026, 5, 31)


def test_once_done_the_next_due_date_is_the_next_periods():
    rule = rule_of(compliance.THEME_DAY)
    status = assess_days(rule, date(2026, 5, 20), [[date(2026, 5, 15)]], theme_day=15)
    assert status.next_due_on == date(2026, 6, 15)


# --- Targets: each group, each member --------------------------------------------------------------


def test_the_group_meeting_is_done_only_when_every_group_met():
    rule = rule_of(compliance.GROUP_MEETING)
    assert rule.per == Per.GROUP
    status = assess(rule, date(2026, 5, 10), [1, 0, 2], [1, 1, 1])
    assert (status.state, status.targets, status.targets_done) == (State.NOT_DUE, 3, 2)
    assert assess(rule, date(2026, 5, 10), [1, 1, 1], [0, 0, 0]).state == State.DONE


def test_a_branch_without_groups_or_members_has_nothing_to_do():
    for key in (compliance.GROUP_MEETING, compliance.TALKS):
        status = assess(rule_of(key), date(2026, 5, 10), [], [])
        assert status.state == State.NOT_APPLICABLE


def test_a_branch_not_tracked_in_the_previous_period_is_not_blamed_for_it():
    rule = rule_of(compliance.COMMITTEE_MEETING)
    assert assess(rule, date(2026, 5, 1), [0], None).state == State.NOT_DUE
    assert assess_days(rule, date(2026, 5, 1), [[]], tracked_since=date(2026, 5, 1)).state == State.NOT_DUE
    assert assess_days(rule, date(2026, 5, 1), [[]], tracked_since=date(2026, 4, 30)).state == State.OVERDUE


def test_activities_after_today_do_not_count():
    rule = rule_of(compliance.COMMITTEE_MEETING)
    status = assess_days(rule, date(2026, 5, 10), [[date(2026, 5, 20)]], tracked_since=date(2026, 5, 1))
    assert status.state == State.NOT_DUE


@given(
    st.sampled_from(DEFAULT_RULES),
    days,
    st.lists(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4), min_size=1, max_size=1),
    st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4),
)
def test_the_state_follows_its_definition_for_any_counts(rule, day, now_lists, before):
    now = now_lists[0]
    before = (before * len(now))[: len(now)]
    status = assess(rule, day, now, before)
    done = all(held >= rule.count for held in now)
    missed = any(held < rule.count for held in before)
    if done:
        assert status.state == State.DONE
    elif missed or day > status.due_on:
        assert status.state == State.OVERDUE
    elif day >= status.due_on - timedelta(days=rule.due_soon_days):
        assert status.state == State.DUE_SOON
    else:
        assert status.state == State.NOT_DUE
    assert status.period_start <= day <= status.period_end


@given(st.sampled_from(DEFAULT_RULES), days, st.lists(days, max_size=6))
def test_adding_an_activity_never_makes_a_rule_worse(rule, day, done):
    before = assess_days(rule, day, [done])
    after = assess_days(rule, day, [[*done, day]])
    assert after.severity >= before.severity


def test_worst_orders_overdue_before_due_soon_before_done():
    statuses = [
        assess(rule_of(compliance.COMMITTEE_MEETING), date(2026, 5, 30), [0], [1]),
        assess(rule_of(compliance.GENERAL_MEETING), date(2026, 5, 30), [1], [1]),
    ]
    assert compliance.worst(statuses) == State.DUE_SOON
    statuses.append(assess(rule_of(compliance.LIFE_MEETING), date(2026, 5, 30), [0], [0]))
    assert compliance.worst(statuses) == State.OVERDUE
    assert compliance.worst([]) == State.NOT_APPLICABLE


# --- Settings -------------------------------------------------------------------------------------


def test_a_university_changes_only_what_it_sets():
    rules = {
        rule.key: rule for rule in compliance.rules_from({"party_lesson": {"count": 3, "period": "quarter"}})
    }
    assert (rules["party_lesson"].count, rules["party_lesson"].period) == (3, Period.QUARTER)
    assert rules["committee_meeting"] == RULES["committee_meeting"]
    assert compliance.rules_from(None) == DEFAULT_RULES


def test_bad_settings_are_named_by_rule():
    problems = compliance.parameter_problems(
        {"party_lesson": {"count": 0}, "nope": {}, "theme_day": {"period": "week"}, "talks": {"colour": 1}}
    )
    assert set(problems) == {"party_lesson", "nope", "theme_day", "talks"}
    with translation.override("en"):
        assert compliance.parameter_problems([]) == {"__all__": ["The rules must be a JSON object."]}
    assert compliance.parameter_problems(compliance.defaults_as_json()) == {}
