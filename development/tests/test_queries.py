"""Reads: the timeline of a case, the committees' lists, and what is due and overdue."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from development import queries
from development.models import Assessment, CaseStatus, ThoughtReport
from development.tests import helpers

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def test_the_timeline_shows_what_is_done_current_due_and_missing(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 7)
    helpers.assess(personas, case, helpers.ACTIVIST_ASSESSMENTS)
    helpers.report(personas, case, helpers.ACTIVIST_REPORTS)
    clock.set(date(2025, 12, 1))
    timeline = queries.case_timeline(case)
    states = [(e.definition.number, e.state) for e in timeline.entries]
    assert states[:7] == [
        (1, "done"),
        (2, "done"),
        (3, "done"),
        (4, "done"),
        (5, "done"),
        (6, "current"),
        (7, "upcoming"),
    ]
    done = timeline.entries[1]
    assert (done.record.date, done.record.recorded_by) == (helpers.DATES[2], personas.secretary)
    assert timeline.recordable.number == 7
    assert timeline.earliest_on == date(2025, 12, 5)
    assert [(d.code, d.due_on) for d in timeline.deadlines] == [
        ("thought_report", date(2026, 1, 25)),
        ("assessment", date(2026, 5, 15)),
    ]
    assert [(m.kind, m.step) for m in timeline.missing] == [("document", 1), ("document", 3), ("field", 7)]
    assert len(timeline.assessments) == 2 and len(timeline.thought_reports) == 4


def test_the_timeline_takes_the_same_number_of_queries_early_and_late(tree, personas, clock):
    early = helpers.new_case_at(personas, tree.branch_a1, 3)
    late = helpers.new_case_at(personas, tree.branch_a1, 21)
    with CaptureQueriesContext(connection) as first:
        queries.case_timeline(early)
    with CaptureQueriesContext(connection) as second:
        queries.case_timeline(late)
    assert len(first) == len(second) <= 10


def test_committees_list_the_cases_of_their_scope_by_stage_batch_and_grade(tree, personas, clock):
    a1_applicant = helpers.case_row(tree.branch_a1, 2, date(2026, 5, 1))
    a1_target = helpers.case_row(tree.branch_a1, 9, date(2024, 5, 1))
    a2_case = helpers.case_row(tree.branch_a2, 2, date(2026, 5, 1))
    b1_case = helpers.case_row(tree.branch_b1, 2, date(2026, 5, 1))
    helpers.case_row(
        tree.branch_a1, 25, date(2023, 5, 1), status=CaseStatus.CONVERTED, closed_on=date(2026, 1, 1)
    )
    assert set(queries.cases_for(personas.secretary)) == {a1_applicant, a1_target}
    assert set(queries.cases_for(personas.college_officer)) == {a1_applicant, a1_target, a2_case}
    assert set(queries.cases_for(personas.university_admin)) == {a1_applicant, a1_target, a2_case, b1_case}
    assert list(queries.cases_for(personas.outsider)) == [b1_case]
    assert list(queries.cases_for(personas.student)) == []
    assert list(queries.cases_for(personas.college_officer, stage=3)) == [a1_target]
    assert list(queries.cases_for(personas.college_officer, branch=tree.branch_a2)) == [a2_case]
    assert list(queries.cases_for(personas.secretary, grade=2023)) == []
    assert queries.stage_counts(personas.college_officer) == {1: 2, 2: 0, 3: 1, 4: 0, 5: 0}


def make_due_cases(tree):
    """One case per kind of deadline, seen on 1 June 2026."""
    cases = {
        "talk_overdue": helpers.case_row(tree.branch_a1, 2, date(2026, 4, 15)),
        "talk_soon": helpers.case_row(tree.branch_a1, 2, date(2026, 5, 5)),
        "approval_overdue": helpers.case_row(
            tree.branch_a1,
            17,
            date(2024, 1, 5),
            probation_start=date(2026, 2, 10),
            probation_end=date(2027, 2, 10),
        ),
        "activist": helpers.case_row(tree.branch_a2, 6, date(2025, 3, 1), activist_on=date(2025, 10, 1)),
        "ending": helpers.case_row(
            tree.branch_a1,
            21,
            date(2023, 1, 5),
            activist_on=date(2023, 7, 10),
            probation_start=date(2025, 6, 20),
            probation_end=date(2026, 6, 20),
        ),
        "outside": helpers.case_row(tree.branch_b1, 2, date(2026, 4, 15)),
    }
    ending = cases["ending"]
    Assessment.objects.create(
        case=ending,
        phase="probation",
        period="2026 春",
        assessed_on=date(2026, 1, 10),
        assessor=ending.person,
        result="good",
        recorded_by=ending.person,
    )
    ThoughtReport.objects.create(
        case=ending, phase="probation", received_on=date(2026, 5, 1), recorded_by=ending.person
    )
    return cases


def test_due_and_overdue_list_each_kind_of_deadline(tree, personas):
    cases = make_due_cases(tree)
    report = queries.due_and_overdue(personas.college_officer, TODAY)
    overdue = [(item.case, item.deadline.code, item.deadline.due_on) for item in report.overdue]
    assert overdue == [
        (cases["activist"], "thought_report", date(2026, 1, 1)),
        (cases["activist"], "assessment", date(2026, 4, 1)),
        (cases["approval_overdue"], "approval", date(2026, 5, 10)),
        (cases["talk_overdue"], "talk", date(2026, 5, 15)),
    ]
    due_soon = [(item.case, item.deadline.code, item.deadline.due_on) for item in report.due_soon]
    assert due_soon == [
        (cases["talk_soon"], "talk", date(2026, 6, 5)),
        (cases["ending"], "probation_end", date(2026, 6, 20)),
    ]
    assert queries.due_and_overdue(personas.secretary, TODAY).overdue[0].case == cases["approval_overdue"]
    assert queries.due_and_overdue(personas.outsider, TODAY).overdue[0].case == cases["outside"]


def test_due_and_overdue_takes_two_queries_for_5_cases_and_for_50(tree, personas, django_assert_num_queries):
    queries.due_and_overdue(personas.university_admin, TODAY)  # the grants are read once per request
    counts = []
    for _round in range(2):
        for index in range(5 if not counts else 45):
            helpers.case_row(tree.branch_a1, 2 + index % 20, date(2025, 1, 1), activist_on=date(2025, 7, 1))
        with CaptureQueriesContext(connection) as captured:
            report = queries.due_and_overdue(personas.university_admin, TODAY)
        counts.append(len(captured))
        assert report.overdue
    assert counts == [2, 2]
    with django_assert_num_queries(2):
        queries.due_and_overdue(personas.university_admin, TODAY)
