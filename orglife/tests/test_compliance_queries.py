"""What counts towards compliance in the database: meeting states, local midnight, invited units,
party groups, evaluations and talks, and the subtree read worst first in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orglife import compliance, queries_compliance, services_compliance
from orglife.compliance import State
from orglife.models import ActivityKind, MeetingStatus
from orglife.models_compliance import ComplianceConfig
from orglife.models_evaluation import CampaignStatus, EvaluationCampaign, Talk
from orglife.tests.factories_compliance import local, make_meeting, make_member
from orgs.models import OrgUnit, UnitKind
from orgs.tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The tree is built on 1 January 2026 (so every later period is tracked); tests move on."""
    time_machine.move_to(local(date(2026, 1, 1), 9), tick=False)
    return time_machine


def status_of(branch: OrgUnit, key: str, today: date) -> compliance.Status:
    row = queries_compliance.branch_compliance(branch, today)
    return next(status for status in row.statuses if status.rule.key == key)


def test_a_meeting_at_2359_local_on_the_last_day_counts_for_that_quarter_and_at_midnight_for_the_next(
    tree, personas, clock
):
    clock.move_to(local(date(2026, 4, 2)), tick=False)
    make_meeting(
        tree.branch_a1,
        ActivityKind.GENERAL_MEETING,
        local(date(2026, 3, 31), 23, 59),
        organiser=personas.secretary,
    )
    make_meeting(
        tree.branch_a2,
        ActivityKind.GENERAL_MEETING,
        local(date(2026, 4, 1), 0, 0),
        organiser=personas.secretary,
    )
    a1 = status_of(tree.branch_a1, compliance.GENERAL_MEETING, date(2026, 4, 2))
    a2 = status_of(tree.branch_a2, compliance.GENERAL_MEETING, date(2026, 4, 2))
    assert (a1.state, a1.missed_before) == (State.NOT_DUE, False)  # Q1 done at 23:59, Q2 not yet due
    assert a2.state == State.DONE  # 00:00 on 1 April (16:00 UTC on 31 March) is Q2
    assert a2.missed_before


def test_only_closed_meetings_and_published_ones_already_started_count(tree, personas, clock):
    clock.move_to(local(date(2026, 5, 10)), tick=False)
    kind = ActivityKind.COMMITTEE_MEETING
    for status in (MeetingStatus.DRAFT, MeetingStatus.CANCELLED):
        make_meeting(
            tree.branch_a1, kind, local(date(2026, 5, 5)), organiser=personas.secretary, status=status
        )
    make_meeting(
        tree.branch_a1,
        kind,
        local(date(2026, 5, 20)),
        organiser=personas.secretary,
        status=MeetingStatus.PUBLISHED,
    )
    assert status_of(tree.branch_a1, compliance.COMMITTEE_MEETING, date(2026, 5, 10)).held == 0
    make_meeting(
        tree.branch_a1,
        kind,
        local(date(2026, 5, 9)),
        organiser=personas.secretary,
        status=MeetingStatus.PUBLISHED,
    )
    row = queries_compliance.branch_compliance(tree.branch_a1, date(2026, 5, 10))
    committee = next(s for s in row.statuses if s.rule.key == compliance.COMMITTEE_MEETING)
    assert committee.state == State.DONE
    assert row.awaiting_record == 1


def test_a_joint_lesson_counts_for_every_invited_branch_and_once_for_its_organiser(tree, personas, clock):
    clock.move_to(local(date(2026, 6, 1)), tick=False)
    for day in (date(2026, 3, 3), date(2026, 5, 5)):
        make_meeting(
            tree.college_a,
            ActivityKind.PARTY_LESSON,
            local(day),
            organiser=personas.college_officer,
            invited=[tree.branch_a1, tree.branch_a2],
        )
    make_meeting(
        tree.branch_a1,
        ActivityKind.PARTY_LESSON,
        local(date(2026, 4, 4)),
        organiser=personas.secretary,
        invited=[tree.branch_a1],
    )
    assert status_of(tree.branch_a1, compliance.PARTY_LESSON, date(2026, 6, 1)).held == 3
    assert status_of(tree.branch_a2, compliance.PARTY_LESSON, date(2026, 6, 1)).state == State.DONE
    assert status_of(tree.branch_b1, compliance.PARTY_LESSON, date(2026, 6, 1)).held == 0


def test_every_party_group_of_the_branch_must_hold_its_own_meeting(tree, personas, clock):
    group_2 = make_child(tree.branch_a1, "甲一第二党小组", "A1G2", UnitKind.PARTY_GROUP)
    clock.move_to(local(date(2026, 5, 28)), tick=False)
    make_meeting(
        tree.group_a1, ActivityKind.GROUP_MEETING, local(date(2026, 5, 3)), organiser=personas.secretary
    )
    make_meeting(
        tree.group_a1, ActivityKind.GROUP_MEETING, local(date(2026, 4, 3)), organiser=personas.secretary
    )
    make_meeting(group_2, ActivityKind.GROUP_MEETING, local(date(2026, 4, 3)), organiser=personas.secretary)
    status = status_of(tree.branch_a1, compliance.GROUP_MEETING, date(2026, 5, 28))
    assert (status.state, status.targets, status.targets_done) == (State.DUE_SOON, 2, 1)
    make_meeting(
        tree.branch_a1,
        ActivityKind.GROUP_MEETING,
        local(date(2026, 5, 27)),
        organiser=personas.secretary,
        invited=[group_2],
    )
    assert status_of(tree.branch_a1, compliance.GROUP_MEETING, date(2026, 5, 28)).state == State.DONE
    assert (
        status_of(tree.branch_a2, compliance.GROUP_MEETING, date(2026, 5, 28)).state == State.NOT_APPLICABLE
    )


def test_the_theme_day_follows_the_branchs_fixed_day(tree, personas, clock):
    services_compliance.theme_day_set(actor=personas.secretary, branch=tree.branch_a1, day=10)
    clock.move_to(local(date(2026, 3, 11)), tick=False)
    make_meeting(
        tree.branch_a1, ActivityKind.THEME_DAY, local(date(2026, 2, 10)), organiser=personas.secretary
    )
    make_meeting(
        tree.branch_a2, ActivityKind.THEME_DAY, local(date(2026, 2, 10)), organiser=personas.secretary
    )
    a1 = status_of(tree.branch_a1, compliance.THEME_DAY, date(2026, 3, 11))
    assert (a1.state, a1.due_on) == (State.OVERDUE, date(2026, 3, 10))
    assert status_of(tree.branch_a2, compliance.THEME_DAY, date(2026, 3, 11)).state == State.NOT_DUE


def test_a_closed_evaluation_of_the_year_counts_even_if_graded_in_january(tree, personas, clock):
    clock.move_to(local(date(2027, 1, 20)), tick=False)
    EvaluationCampaign.objects.create(
        branch=tree.branch_a1,
        year=2026,
        status=CampaignStatus.CLOSED,
        opened_by=personas.secretary,
        meeting_on=date(2027, 1, 10),
    )
    EvaluationCampaign.objects.create(
        branch=tree.branch_a2, year=2026, status=CampaignStatus.OPEN, opened_by=personas.secretary
    )
    a1 = status_of(tree.branch_a1, compliance.EVALUATION, date(2027, 1, 20))
    a2 = status_of(tree.branch_a2, compliance.EVALUATION, date(2027, 1, 20))
    assert (a1.state, a1.missed_before) == (State.NOT_DUE, False)
    assert (a2.state, a2.missed_before) == (State.OVERDUE, True)


def test_talks_are_due_for_each_full_and_probationary_member(tree, personas, clock):
    clock.move_to(local(date(2026, 12, 20)), tick=False)
    members = [personas.propaganda, personas.secretary, make_member(tree.branch_a1, "probationary")]
    for person in members[:2]:
        Talk.objects.create(
            branch=tree.branch_a1,
            person=person,
            talked_on=date(2026, 6, 1),
            talked_by=personas.secretary,
            topic="学习",
            recorded_by=personas.secretary,
        )
    status = status_of(tree.branch_a1, compliance.TALKS, date(2026, 12, 20))
    assert (status.state, status.targets, status.targets_done) == (State.DUE_SOON, 3, 2)
    Talk.objects.create(
        branch=tree.branch_a1,
        person=members[2],
        talked_on=date(2026, 12, 19),
        talked_by=personas.secretary,
        topic="学习",
        recorded_by=personas.secretary,
    )
    assert status_of(tree.branch_a1, compliance.TALKS, date(2026, 12, 20)).state == State.DONE


def test_a_universitys_settings_change_the_rules(tree, personas, clock):
    ComplianceConfig.objects.create(
        root_unit=tree.university, parameters={"committee_meeting": {"period": "quarter"}}
    )
    clock.move_to(local(date(2026, 5, 10)), tick=False)
    make_meeting(
        tree.branch_a1, ActivityKind.COMMITTEE_MEETING, local(date(2026, 4, 2)), organiser=personas.secretary
    )
    status = status_of(tree.branch_a1, compliance.COMMITTEE_MEETING, date(2026, 5, 10))
    assert (status.state, status.period_start) == (State.DONE, date(2026, 4, 1))


def test_the_subtree_lists_branches_worst_first_with_a_fixed_number_of_queries(tree, personas, clock):
    clock.move_to(local(date(2026, 5, 10)), tick=False)
    everything = [
        (ActivityKind.GENERAL_MEETING, date(2026, 3, 3)),
        (ActivityKind.GENERAL_MEETING, date(2026, 4, 3)),
        (ActivityKind.COMMITTEE_MEETING, date(2026, 4, 3)),
        (ActivityKind.COMMITTEE_MEETING, date(2026, 5, 3)),
        (ActivityKind.THEME_DAY, date(2026, 4, 3)),
        (ActivityKind.THEME_DAY, date(2026, 5, 3)),
    ]
    for kind, day in everything:
        make_meeting(tree.branch_a2, kind, local(day), organiser=personas.secretary)
    with CaptureQueriesContext(connection) as few:
        rows = queries_compliance.subtree_compliance(tree.university, date(2026, 5, 10))
    assert [row.branch for row in rows][-1] == tree.branch_a2
    assert rows[0].state == State.OVERDUE
    assert rows[0].sort_key() <= rows[1].sort_key()
    for number in range(6):
        branch = make_child(tree.college_b, f"乙{number}支部", f"BX{number}", UnitKind.BRANCH)
        make_child(branch, f"乙{number}小组", f"BX{number}G", UnitKind.PARTY_GROUP)
        make_member(branch)
        make_meeting(
            branch, ActivityKind.COMMITTEE_MEETING, local(date(2026, 5, 2)), organiser=personas.secretary
        )
    with CaptureQueriesContext(connection) as many:
        rows = queries_compliance.subtree_compliance(tree.university, date(2026, 5, 10))
    assert len(rows) == 9
    assert len(many) == len(few) == 7


LAST_DAYS = {
    compliance.Period.MONTH: date(2026, 4, 30),
    compliance.Period.QUARTER: date(2026, 6, 30),
    compliance.Period.SEMESTER: date(2027, 1, 31),
    compliance.Period.YEAR: date(2026, 12, 31),
}


def _do_in_previous_period(rule, tree, personas, day: date) -> None:
    if rule.key == compliance.EVALUATION:
        EvaluationCampaign.objects.create(
            branch=tree.branch_a1, year=day.year, status=CampaignStatus.CLOSED, opened_by=personas.secretary
        )
    elif rule.key == compliance.TALKS:
        for person in (personas.propaganda, personas.secretary):
            Talk.objects.create(
                branch=tree.branch_a1,
                person=person,
                talked_on=day,
                talked_by=personas.secretary,
                topic="谈心",
                recorded_by=personas.secretary,
            )
    else:
        unit = tree.group_a1 if rule.key == compliance.GROUP_MEETING else tree.branch_a1
        for _ in range(rule.count):
            make_meeting(unit, rule.key, local(day), organiser=personas.secretary)


@pytest.mark.parametrize("rule", compliance.DEFAULT_RULES, ids=lambda rule: rule.key)
def test_each_rule_turns_from_due_soon_to_overdue_at_midnight_in_shanghai(tree, personas, clock, rule):
    """23:59 on the period's last day is still that period in Asia/Shanghai; 00:00 (16:00 UTC the same
    day) is the next period, whose predecessor was missed."""
    last_day = LAST_DAYS[rule.period]
    before_start, _before_end = compliance.previous_period(last_day, rule.period)
    _do_in_previous_period(rule, tree, personas, before_start)
    clock.move_to(local(last_day, 23, 59), tick=False)
    status = next(s for s in queries_compliance.branch_compliance(tree.branch_a1).statuses if s.rule == rule)
    assert (status.state, status.period_end) == (State.DUE_SOON, last_day)
    clock.move_to(local(next_day := date.fromordinal(last_day.toordinal() + 1), 0, 0), tick=False)
    status = next(s for s in queries_compliance.branch_compliance(tree.branch_a1).statuses if s.rule == rule)
    assert (status.state, status.period_start) == (State.OVERDUE, next_day)
