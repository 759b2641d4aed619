"""Every rule at its boundaries, as pure functions of a context (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from development import steps
from development.config import LocalRules
from development.history import history_violations
from development.periods import add_months, add_years, anniversary
from development.rule_engine import (
    RULES,
    Level,
    NoticeFacts,
    PersonFacts,
    RuleContext,
    Scope,
    VoteCounts,
    run,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))
SECRETARY = PersonFacts(1, "赵书记", "full", positions_in_branch=frozenset({"secretary"}))
PROPAGANDA = PersonFacts(2, "王宣传", "full", positions_in_branch=frozenset({"propaganda_member"}))
FULL = PersonFacts(3, "孙党员", "full")
OTHER_FULL = PersonFacts(4, "钱党员", "full")
PROBATIONARY = PersonFacts(5, "李预备", "probationary")
UNDER_DISCIPLINE = PersonFacts(6, "周察看", "full", on_party_probation=True)
ACTIVIST = PersonFacts(7, "吴积极", "activist")
PEOPLE = {
    p.person_id: p
    for p in (SECRETARY, PROPAGANDA, FULL, OTHER_FULL, PROBATIONARY, UNDER_DISCIPLINE, ACTIVIST)
}
CANDIDATE_ID = 99


def context(step: int, on: date, **values) -> RuleContext:
    values.setdefault("persons", PEOPLE)
    values.setdefault("person_id", CANDIDATE_ID)
    return RuleContext(step=step, on=on, **values)


def broken(code: str, ctx: RuleContext) -> bool:
    return RULES[code](ctx) is not None


def test_every_rule_named_by_a_step_exists_and_has_a_source_and_a_message():
    for definition in steps.STEPS:
        for code in definition.rules:
            assert code in RULES, code
    with translation.override("en"):
        for rule in RULES.values():
            assert str(rule.source).startswith("Detailed Rules") or "local setting" in str(rule.source)
            assert (rule.scope == Scope.LOCAL) == ("local setting" in str(rule.source)), rule.code
            assert str(rule.message)


# --- Age ------------------------------------------------------------------------------------------


def test_an_applicant_of_17_years_and_364_days_is_refused_and_one_of_18_allowed():
    birth = date(2008, 6, 15)
    assert broken("application.min_age", context(1, date(2026, 6, 14), birth_date=birth))
    assert not broken("application.min_age", context(1, date(2026, 6, 15), birth_date=birth))


def test_an_applicant_born_on_a_leap_day_is_18_on_the_1st_of_march():
    birth = date(2008, 2, 29)
    assert broken("application.min_age", context(1, date(2026, 2, 28), birth_date=birth))
    assert not broken("application.min_age", context(1, date(2026, 3, 1), birth_date=birth))
    # 18 years after a leap year is never a leap year: the 18th birthday is always 1 March.
    assert broken("application.min_age", context(1, date(2030, 2, 28), birth_date=date(2012, 2, 29)))
    assert not broken("application.min_age", context(1, date(2030, 3, 1), birth_date=date(2012, 2, 29)))


def test_the_age_is_taken_on_the_date_written_on_the_application():
    birth = date(2008, 6, 15)
    late = context(1, date(2026, 7, 1), birth_date=birth, data={"written_on": date(2026, 6, 1)})
    violation = RULES["application.min_age"](late)
    assert violation is not None
    assert violation.dates == {"applied_on": date(2026, 6, 1), "adult_on": date(2026, 6, 15)}
    assert not violation.waivable


def test_an_unknown_date_of_birth_is_its_own_refusal():
    assert broken("application.birth_date_known", context(1, date(2026, 6, 1)))
    assert not broken("application.min_age", context(1, date(2026, 6, 1)))


@given(st.dates(min_value=date(1960, 1, 1), max_value=date(2060, 12, 31)))
def test_the_day_before_the_18th_birthday_is_refused_and_the_day_itself_allowed(birth):
    adult = anniversary(birth, 18)
    assert broken("application.min_age", context(1, adult - timedelta(days=1), birth_date=birth))
    assert not broken("application.min_age", context(1, adult, birth_date=birth))


# --- The talk -------------------------------------------------------------------------------------


def talk(received: date, day: int) -> RuleContext:
    return context(2, received + timedelta(days=day), step_dates={1: received}, data={"talker": 1})


def test_a_talk_on_day_30_and_31_of_a_31_day_month_is_in_time_and_day_32_is_late():
    received = date(2026, 3, 1)  # within one month: on or before 1 April, day 31
    assert not broken("application.talk_within_one_month", talk(received, 30))
    assert not broken("application.talk_within_one_month", talk(received, 31))
    assert broken("application.talk_within_one_month", talk(received, 32))


def test_after_a_30_day_month_day_30_is_the_last_day():
    received = date(2026, 4, 1)  # one month later is 1 May, day 30
    assert not broken("application.talk_within_one_month", talk(received, 30))
    assert broken("application.talk_within_one_month", talk(received, 31))


def test_an_application_of_31_january_is_answered_by_the_end_of_february():
    assert not broken("application.talk_within_one_month", talk(date(2026, 1, 31), 28))  # 28 February
    assert broken("application.talk_within_one_month", talk(date(2026, 1, 31), 29))  # 1 March
    assert not broken("application.talk_within_one_month", talk(date(2028, 1, 31), 29))  # 29 February 2028


@given(days)
def test_the_last_day_of_the_month_allowed_is_in_time_and_the_next_is_late(received):
    deadline = add_months(received, 1)
    assert not broken("application.talk_within_one_month", talk(received, (deadline - received).days))
    assert broken("application.talk_within_one_month", talk(received, (deadline - received).days + 1))


def test_the_talk_is_held_by_the_secretary_deputy_or_organisation_member():
    on = date(2026, 3, 5)
    assert not broken("application.talker_position", context(2, on, data={"talker": 1}))
    deputy = PersonFacts(8, "副书记", "full", positions_in_branch=frozenset({"deputy_secretary"}))
    assert not broken("application.talker_position", context(2, on, data={"talker": 8}, persons={8: deputy}))
    assert broken("application.talker_position", context(2, on, data={"talker": 2}))
    assert broken("application.talker_position", context(2, on, data={"talker": 3}))


# --- Activist -------------------------------------------------------------------------------------


def test_an_activist_is_confirmed_at_least_six_months_after_the_application():
    received = date(2026, 3, 31)  # six months later: 30 September
    dates = {1: received}
    assert broken("activist.months_after_application", context(3, date(2026, 9, 29), step_dates=dates))
    assert not broken("activist.months_after_application", context(3, date(2026, 9, 30), step_dates=dates))


def test_the_months_before_becoming_an_activist_are_a_local_rule():
    dates = {1: date(2026, 3, 1)}
    three = LocalRules(months_application_to_activist=3)
    assert not broken(
        "activist.months_after_application", context(3, date(2026, 6, 1), step_dates=dates, local=three)
    )
    assert broken(
        "activist.months_after_application", context(3, date(2026, 5, 31), step_dates=dates, local=three)
    )
    assert RULES["activist.months_after_application"].scope == Scope.LOCAL


def test_a_league_member_under_28_recommended_by_party_members_only_is_a_warning():
    birth = date(2000, 5, 1)
    on = date(2026, 5, 1)
    ctx = context(3, on, birth_date=birth, league_member=True, data={"method": "party_members"})
    violation = RULES["activist.league_recommendation"](ctx)
    assert violation is not None and violation.level == Level.WARNING
    assert not broken(
        "activist.league_recommendation",
        context(3, on, birth_date=birth, league_member=True, data={"method": "league"}),
    )
    assert not broken(
        "activist.league_recommendation",
        context(3, on, birth_date=birth, league_member=False, data={"method": "party_members"}),
    )
    older = date(1998, 5, 1)  # 28 on the day
    assert not broken(
        "activist.league_recommendation",
        context(3, on, birth_date=older, league_member=True, data={"method": "party_members"}),
    )


def test_contacts_are_full_members_other_than_the_candidate():
    on = date(2026, 5, 1)
    assert not broken("activist.contacts", context(5, on, data={"contacts": [3, 4]}))
    assert broken("activist.contacts", context(5, on, data={"contacts": [3, 7]}))
    assert broken("activist.contacts", context(5, on, data={"contacts": [5]}))
    me = PersonFacts(CANDIDATE_ID, "我", "full")
    assert broken(
        "activist.contacts", context(5, on, data={"contacts": [CANDIDATE_ID]}, persons={CANDIDATE_ID: me})
    )


def test_an_activist_is_assessed_at_least_every_six_months():
    start = date(2025, 1, 31)  # six months later: 31 July
    rule = "assessment.every_six_months"
    on = date(2026, 2, 1)
    assert not broken(
        rule, context(7, on, activist_on=start, assessments=(date(2025, 7, 31), date(2026, 1, 20)))
    )
    late = RULES[rule](context(7, on, activist_on=start, assessments=(date(2025, 8, 1), date(2026, 1, 20))))
    assert late is not None and late.dates == {"since": start, "due": date(2025, 7, 31)}
    # The time since the last assessment counts up to the step too.
    assert broken(rule, context(7, on, activist_on=start, assessments=(date(2025, 7, 1),)))


def test_a_probationary_member_is_assessed_from_the_day_probation_started():
    start = date(2026, 3, 20)
    ctx = context(
        22,
        date(2027, 3, 1),
        probation_start=start,
        activist_on=date(2024, 1, 1),
        assessments=(date(2026, 9, 20), date(2027, 2, 1)),
    )
    assert not broken("assessment.every_six_months", ctx)


def test_a_gap_of_more_than_92_days_between_thought_reports_is_a_local_warning():
    start = date(2026, 1, 1)
    ok = context(7, date(2026, 4, 3), activist_on=start)  # 92 days
    late = context(7, date(2026, 4, 4), activist_on=start)  # 93 days
    assert not broken("thought_report.interval", ok)
    violation = RULES["thought_report.interval"](late)
    assert violation is not None and violation.level == Level.WARNING
    assert violation.dates["due"] == date(2026, 4, 3)
    monthly = LocalRules(thought_report_interval_days=31)
    assert broken("thought_report.interval", context(7, date(2026, 2, 2), activist_on=start, local=monthly))


# --- Development target -------------------------------------------------------------------------------


def test_364_days_as_an_activist_are_refused_and_365_allowed():
    dates = {3: date(2025, 3, 1)}
    assert broken("target.one_year_as_activist", context(7, date(2026, 2, 28), step_dates=dates))
    assert not broken("target.one_year_as_activist", context(7, date(2026, 3, 1), step_dates=dates))


def test_a_year_as_activist_is_a_calendar_year_across_a_leap_day():
    # 1 March 2023 to 29 February 2024 is 365 days, yet not a year.
    dates = {3: date(2023, 3, 1)}
    assert broken("target.one_year_as_activist", context(7, date(2024, 2, 29), step_dates=dates))
    assert not broken("target.one_year_as_activist", context(7, date(2024, 3, 1), step_dates=dates))
    leap = {3: date(2024, 2, 29)}
    assert broken("target.one_year_as_activist", context(7, date(2025, 2, 27), step_dates=leap))
    assert not broken("target.one_year_as_activist", context(7, date(2025, 2, 28), step_dates=leap))


@given(days)
def test_the_day_before_a_year_is_refused_and_the_year_allowed(activist_on):
    year = add_years(activist_on, 1)
    dates = {3: activist_on}
    assert broken("target.one_year_as_activist", context(7, year - timedelta(days=1), step_dates=dates))
    assert not broken("target.one_year_as_activist", context(7, year, step_dates=dates))


INTRODUCER_RULES = steps.get(9).rules


def introducer_codes(ids: list[int]) -> list[str]:
    return [v.code for v in run(INTRODUCER_RULES, context(9, date(2026, 1, 1), data={"introducers": ids}))]


def test_two_full_members_introduce():
    assert introducer_codes([3, 4]) == []


def test_one_or_three_introducers_are_refused():
    assert introducer_codes([3]) == ["target.introducers_count"]
    assert introducer_codes([1, 3, 4]) == ["target.introducers_count"]


def test_a_probationary_member_cannot_introduce():
    assert introducer_codes([3, 5]) == ["target.introducer_full_member"]


def test_a_member_under_party_probation_cannot_introduce():
    assert introducer_codes([3, 6]) == ["target.introducer_not_on_party_probation"]


def test_the_candidate_cannot_introduce_themselves():
    me = PersonFacts(CANDIDATE_ID, "我", "full")
    ctx = context(
        9, date(2026, 1, 1), data={"introducers": [3, CANDIDATE_ID]}, persons={**PEOPLE, CANDIDATE_ID: me}
    )
    assert [v.code for v in run(INTRODUCER_RULES, ctx)] == ["target.introducer_full_member"]


def test_the_political_review_must_be_passed():
    assert not broken(
        "target.political_review_passed", context(10, date(2026, 1, 1), data={"conclusion": "passed"})
    )
    assert broken(
        "target.political_review_passed", context(10, date(2026, 1, 1), data={"conclusion": "not_passed"})
    )


@pytest.mark.parametrize(
    ("hours", "days", "refused"),
    [(24, 0, False), (23, 2, True), (0, 3, False), (0, 0, True), (30, 1, False)],
)
def test_the_training_lasts_24_class_hours_or_3_days(hours, days, refused):
    ctx = context(11, date(2026, 1, 1), data={"class_hours": hours, "days": days})
    assert broken("target.training_duration", ctx) is refused


# --- Admission ------------------------------------------------------------------------------------


def test_the_political_review_is_valid_for_12_months_on_the_meeting_day():
    dates = {10: date(2025, 3, 20)}
    assert not broken("admission.political_review_valid", context(15, date(2026, 3, 20), step_dates=dates))
    assert broken("admission.political_review_valid", context(15, date(2026, 3, 21), step_dates=dates))
    six = LocalRules(political_review_valid_months=6)
    assert broken(
        "admission.political_review_valid", context(15, date(2025, 9, 21), step_dates=dates, local=six)
    )


def test_the_public_notice_lasts_5_working_days_and_ends_before_the_meeting():
    meeting = date(2026, 3, 20)
    good = NoticeFacts(date(2026, 3, 9), date(2026, 3, 13), 5)
    short = NoticeFacts(date(2026, 3, 9), date(2026, 3, 12), 4)
    same_day = NoticeFacts(date(2026, 3, 16), date(2026, 3, 20), 5)
    assert not broken("admission.public_notice", context(15, meeting, notices=(good,)))
    assert broken("admission.public_notice", context(15, meeting, notices=(short,)))
    assert broken("admission.public_notice", context(15, meeting, notices=(same_day,)))
    assert broken("admission.public_notice", context(15, meeting))
    assert not broken(
        "admission.public_notice",
        context(15, meeting, notices=(short,), local=LocalRules(public_notice_working_days=4)),
    )


def counts(members: int, attended: int, yes: int, written: int = 0) -> VoteCounts:
    return VoteCounts(members, attended, written, yes, 0, 0)


def test_a_quorum_of_exactly_half_is_refused_and_more_than_half_allowed():
    on = date(2026, 3, 20)
    assert broken("vote.quorum", context(15, on, vote=counts(10, 5, 5)))
    assert not broken("vote.quorum", context(15, on, vote=counts(10, 6, 6)))
    assert broken("vote.quorum", context(15, on, vote=counts(9, 4, 4)))
    assert not broken("vote.quorum", context(15, on, vote=counts(9, 5, 5)))
    assert not RULES["vote.quorum"].waivable


def test_exactly_half_yes_fails_and_half_plus_one_passes():
    on = date(2026, 3, 20)
    assert broken("vote.majority", context(15, on, vote=counts(10, 10, 5)))
    assert not broken("vote.majority", context(15, on, vote=counts(10, 10, 6)))


def test_written_opinions_of_absentees_count_as_yes_votes_of_all_who_should_attend():
    on = date(2026, 3, 20)
    # 6 present, all yes, out of 12: not more than half; two absentees' written yes make it 8.
    assert broken("vote.majority", context(15, on, vote=counts(12, 7, 6)))
    assert not broken("vote.majority", context(15, on, vote=counts(12, 7, 7 + 1, written=2)))


@given(st.integers(min_value=1, max_value=300), st.data())
def test_a_vote_passes_exactly_when_yes_votes_exceed_half_of_the_members(members, data):
    yes = data.draw(st.integers(min_value=0, max_value=members))
    ctx = context(15, date(2026, 3, 20), vote=counts(members, members, yes))
    assert broken("vote.majority", ctx) is not (2 * yes > members)
    attended = data.draw(st.integers(min_value=0, max_value=members))
    assert broken("vote.quorum", context(15, date(2026, 3, 20), vote=counts(members, attended, 0))) is not (
        2 * attended > members
    )


def approval(meeting_step: int, meeting: date, day: int) -> RuleContext:
    step = 17 if meeting_step == 15 else 24
    return context(step, meeting + timedelta(days=day), step_dates={meeting_step: meeting})


def test_approval_on_day_90_of_a_90_day_window_is_in_time_and_day_91_needs_an_exception():
    meeting = date(2026, 1, 1)  # three months later: 1 April, day 90
    assert not broken("approval.within_three_months", approval(15, meeting, 90))
    late = RULES["approval.within_three_months"](approval(15, meeting, 91))
    assert late is not None and late.waivable
    assert late.dates == {"meeting_on": meeting, "deadline": date(2026, 4, 1), "on": date(2026, 4, 2)}


def test_three_months_after_30_november_end_on_28_february():
    meeting = date(2026, 11, 30)
    assert not broken("approval.within_three_months", approval(15, meeting, 90))  # 28 February 2027
    assert broken("approval.within_three_months", approval(15, meeting, 91))


def test_no_exception_reaches_beyond_six_months():
    meeting = date(2026, 1, 1)
    assert not broken("approval.within_six_months", approval(15, meeting, 181))  # 1 July
    assert broken("approval.within_six_months", approval(15, meeting, 182))
    assert not RULES["approval.within_six_months"].waivable


def test_the_conversion_approval_counts_from_the_conversion_meeting():
    meeting = date(2027, 3, 22)
    assert not broken("approval.within_three_months", approval(23, meeting, 92))  # 22 June
    assert broken("approval.within_three_months", approval(23, meeting, 93))


# --- Probation ------------------------------------------------------------------------------------


def conversion(
    on: date, proposal: str = "convert", months: int | None = None, extended: bool = False
) -> RuleContext:
    return context(
        23,
        on,
        data={"proposal": proposal, "extension_months": months},
        probation_start=date(2026, 3, 20),
        probation_end=date(2027, 3, 20),
        extended_once=extended,
    )


def test_the_conversion_meeting_is_held_when_the_year_of_probation_is_over():
    assert broken("probation.conversion_not_before_end", conversion(date(2027, 3, 19)))
    assert not broken("probation.conversion_not_before_end", conversion(date(2027, 3, 20)))
    # Extending or cancelling is resolved when it must be.
    assert not broken("probation.conversion_not_before_end", conversion(date(2027, 3, 1), "extend", 6))
    assert not broken("probation.conversion_not_before_end", conversion(date(2026, 9, 1), "cancel"))


@pytest.mark.parametrize(
    ("months", "refused"), [(5, True), (6, False), (12, False), (13, True), (None, True)]
)
def test_an_extension_lasts_6_to_12_months(months, refused):
    assert broken("probation.extension_months", conversion(date(2027, 3, 20), "extend", months)) is refused


def test_a_probationary_membership_is_cancelled_only_by_vote():
    assert not broken("probation.cancel_by_vote", context(17, date(2026, 4, 1)))
    assert broken("probation.cancel_by_vote", context(18, date(2026, 4, 1)))


def test_a_second_extension_is_refused():
    assert not broken("probation.extension_once", conversion(date(2027, 3, 20), "extend", 6))
    assert broken("probation.extension_once", conversion(date(2027, 9, 20), "extend", 6, extended=True))
    assert not RULES["probation.extension_once"].waivable


def test_the_approval_step_checks_the_extension_the_meeting_resolved():
    ctx = context(24, date(2027, 4, 1), step_data={23: {"proposal": "extend", "extension_months": 13}})
    assert broken("probation.extension_months", ctx)


# --- Order and messages ---------------------------------------------------------------------------


def test_a_step_other_than_the_expected_one_is_out_of_order():
    assert broken("steps.order", context(9, date(2026, 1, 1), expected_step=5))
    assert not broken("steps.order", context(5, date(2026, 1, 1), expected_step=5))


def test_a_step_cannot_be_dated_before_the_step_before_it():
    dates = {1: date(2026, 1, 1), 2: date(2026, 1, 10)}
    assert broken("steps.date_order", context(3, date(2026, 1, 9), step_dates=dates))
    assert not broken("steps.date_order", context(3, date(2026, 1, 10), step_dates=dates))


def test_a_violation_speaks_the_readers_language_with_its_dates_and_source():
    violation = RULES["application.talk_within_one_month"](talk(date(2026, 3, 1), 32))
    with translation.override("en"):
        assert "2026-03-01" in violation.message and "2026-04-01" in violation.message
        assert "2026-04-02" in violation.message
        assert violation.source.endswith("article 7")
        as_dict = violation.as_dict()
    assert as_dict["params"] == {
        "received_on": "2026-03-01",
        "deadline": "2026-04-01",
        "talk_on": "2026-04-02",
    }
    with translation.override("zh-hans"):
        assert "2026-04-01" in violation.message
        assert "一个月" in violation.message
        assert violation.source == "《中国共产党发展党员工作细则》第七条"


# --- Histories ------------------------------------------------------------------------------------


def test_a_history_is_checked_against_the_rules_that_need_only_dates():
    history = {1: date(2024, 1, 10), 2: date(2024, 3, 1), 3: date(2024, 5, 1), 7: date(2025, 4, 1)}
    codes = [v.code for v in history_violations(history, birth_date=date(2004, 1, 1))]
    assert codes == [
        "application.talk_within_one_month",
        "activist.months_after_application",
        "target.one_year_as_activist",
    ]
    assert history_violations({1: date(2024, 1, 10), 2: date(2024, 1, 20)}, birth_date=date(2004, 1, 1)) == []
