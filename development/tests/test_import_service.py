"""The historical import: checking a file against the database, and applying it all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from development import queries
from development.imports_apply import case_history_check, case_history_import
from development.models import CaseStatus, DevelopmentCase, RuleException, StepRecord
from development.tests.fixtures.history import content, make_history_people
from orgs.models import Membership, PartyStatus
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(tree, personas, clock):
    return make_history_people(tree)


def check(personas, tree, name: str, data: bytes | None = None, actor=None):
    return case_history_check(
        actor=actor or personas.secretary,
        scope_unit=tree.branch_a1,
        file_name=name,
        data=data if data is not None else content(name),
    )


def apply(personas, tree, name: str, data: bytes | None = None, **options):
    return case_history_import(
        actor=personas.secretary,
        scope_unit=tree.branch_a1,
        file_name=name,
        data=data if data is not None else content(name),
        **options,
    )


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def history_of(case: DevelopmentCase) -> dict[int, date]:
    return dict(StepRecord.objects.filter(case=case).values_list("step", "date"))


# --- Checking ---------------------------------------------------------------------------------------


def test_a_clean_file_plans_a_case_per_row_and_writes_nothing(tree, personas, people):
    plan = check(personas, tree, "history_ok.xlsx")
    assert (plan.rows_total, plan.count_new, plan.count_unchanged, plan.errors, plan.warnings) == (
        2,
        2,
        0,
        [],
        [],
    )
    wang, qian = plan.planned
    assert wang.person == people.wang
    assert wang.dates == {
        1: date(2024, 9, 2),
        2: date(2024, 9, 20),
        3: date(2025, 3, 10),
        4: date(2025, 3, 15),
        5: date(2025, 3, 15),
    }
    assert wang.data[2] == {"talker": people.talker.pk}
    assert wang.data[3] == {"method": "league"}
    assert wang.data[5] == {"contacts": [people.talker.pk, people.contact.pk]}
    assert qian.dates == {1: date(2025, 10, 8), 2: date(2025, 10, 20)}
    assert not DevelopmentCase.objects.exists()


def test_format_errors_are_reported_by_row_and_column(tree, personas, people):
    plan = check(personas, tree, "history_errors.csv")
    found = [(finding.row, finding.column, finding.code) for finding in plan.errors]
    assert found == [
        (3, "step:1", "bad_date"),
        (4, "number", "unknown_person"),
        (5, "talker", "unknown_reference"),
    ]
    assert plan.errors[0].column_label == "Step 1: Written application"
    assert plan.errors[0].value == "2024-13-45"
    assert "2018999999" in plan.errors[2].message
    assert plan.rows_with_errors == 3
    assert not plan.can_apply


def test_a_person_outside_the_importers_scope_is_unknown(tree, personas, people):
    elsewhere = make_person(tree.branch_b1, name="乙一学生", number="2024000199")
    data = workbook(["学号", "第1步"], [elsewhere.number, "2024-09-02"])
    [finding] = check(personas, tree, "x.xlsx", data).errors
    assert (finding.row, finding.column, finding.code) == (2, "number", "unknown_person")


def test_rule_violations_in_history_are_warnings_to_confirm(tree, personas, people):
    plan = check(personas, tree, "history_warnings.csv")
    assert plan.errors == []
    found = [(finding.row, finding.step, finding.code) for finding in plan.warnings]
    assert found == [(2, 2, "application.talk_within_one_month"), (3, 7, "target.one_year_as_activist")]
    talk = plan.warnings[0]
    assert talk.params == {
        "received_on": date(2024, 9, 2),
        "deadline": date(2024, 10, 2),
        "talk_on": date(2024, 10, 15),
    }
    assert "2024-10-02" in talk.message
    assert "article 7" in talk.source
    zhao = plan.planned[1]
    assert zhao.dates[6] == date(2025, 1, 10)  # education lasts until the confirmation as target


def test_headers_may_name_steps_by_number_code_or_name(tree, personas, people):
    data = workbook(
        ["Number", "1", "talk", "Recommendation and confirmation as activist", "推荐方式"],
        [people.wang.number, "2024-09-02", "2024-09-20", "2025-03-10", "党员推荐"],
    )
    [item] = check(personas, tree, "x.xlsx", data).planned
    assert sorted(item.dates) == [1, 2, 3]
    assert item.data[3] == {"method": "party_members"}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["姓名", "第1步"], "Required columns are missing: Number."),
        (["学号", "姓名"], "Required columns are missing: Step 1: Written application."),
        (["学号", "第1步", "step 1"], "The column “step 1” appears twice."),
    ],
)
def test_a_file_without_its_required_columns_is_refused_whole(tree, personas, people, header, message):
    with pytest.raises(FieldErrors) as refused:
        check(personas, tree, "x.xlsx", workbook(header, ["2024000101", "2024-09-02", "2024-09-03"]))
    assert refused.value.fields == {"file": [message]}


def test_facts_without_their_step_and_bad_counts_are_errors(tree, personas, people):
    data = workbook(
        [
            "学号",
            "第1步",
            "第2步",
            "谈话人",
            "政审结论",
            "培训学时",
            "接收表决：应到人数",
            "接收表决：实到人数",
        ],
        [people.wang.number, "2024-09-02", "2024-09-20", "2019000001", "优秀", "二十", "10", "12"],
    )
    found = {(finding.column, finding.code) for finding in check(personas, tree, "x.xlsx", data).errors}
    assert found == {
        ("conclusion", "bad_choice"),
        ("class_hours", "bad_int"),
        ("admission_members", "fact_without_step"),
        ("admission_attended", "fact_without_step"),
        ("admission_yes", "incomplete_vote"),
    }


def test_a_vote_with_more_present_than_members_is_an_error(tree, personas, people):
    header = ["学号", *[f"第{n}步" for n in range(1, 16)]]
    header += [
        "接收表决：应到人数",
        "接收表决：实到人数",
        "接收表决：赞成",
        "接收表决：反对",
        "接收表决：弃权",
    ]
    days = [date(2020, 1, 1 + n).isoformat() for n in range(15)]
    data = workbook(header, [people.wang.number, *days, 10, 12, 8, 0, 0])
    [finding] = check(personas, tree, "x.xlsx", data).errors
    assert (finding.column, finding.code) == ("admission_attended", "vote_attended")


def test_an_unknown_column_is_only_a_note(tree, personas, people):
    data = workbook(["学号", "第1步", "备注"], [people.wang.number, "2024-09-02", "转专业"])
    plan = check(personas, tree, "x.xlsx", data)
    assert plan.errors == []
    assert [(note.code, note.value) for note in plan.notes] == [("unknown_column", "备注")]


def test_checking_needs_the_right_to_record_steps(tree, personas, people):
    with pytest.raises(PermissionDenied):
        check(personas, tree, "history_ok.xlsx", actor=personas.propaganda)
    with pytest.raises(Http404):
        check(personas, tree, "history_ok.xlsx", actor=personas.outsider)


# --- Applying ---------------------------------------------------------------------------------------


def test_a_clean_file_imports_every_case_with_its_history(tree, personas, people):
    outcome = apply(personas, tree, "history_ok.xlsx")
    assert (len(outcome.created), outcome.unchanged, outcome.exceptions) == (2, 0, 0)
    wang = DevelopmentCase.objects.get(person=people.wang)
    assert (wang.status, wang.current_step, wang.opened_on, wang.activist_on, wang.step_since) == (
        CaseStatus.OPEN,
        6,
        date(2024, 9, 2),
        date(2025, 3, 10),
        date(2025, 3, 15),
    )
    assert history_of(wang) == {
        1: date(2024, 9, 2),
        2: date(2024, 9, 20),
        3: date(2025, 3, 10),
        4: date(2025, 3, 15),
        5: date(2025, 3, 15),
    }
    talk = StepRecord.objects.get(case=wang, step=2)
    assert (talk.data, talk.recorded_by, talk.transferred_in) == (
        {"talker": people.talker.pk},
        personas.secretary,
        False,
    )
    membership = Membership.objects.get(person=people.wang)
    assert (membership.party_status, membership.status_since) == (PartyStatus.ACTIVIST, date(2025, 3, 10))
    qian = Membership.objects.get(person=people.qian)
    assert (qian.party_status, qian.status_since) == (PartyStatus.APPLICANT, date(2025, 10, 8))
    assert AuditEvent.objects.filter(action="development.case.import").count() == 2
    assert AuditEvent.objects.get(action="development.import.apply").data["created"] == 2
    timeline = queries.case_timeline(wang)
    assert timeline.recordable.number == 7  # step 6, education, is under way


def test_importing_the_same_file_again_changes_nothing(tree, personas, people):
    apply(personas, tree, "history_ok.xlsx")
    events = AuditEvent.objects.count()
    records = StepRecord.objects.count()
    plan = check(personas, tree, "history_ok.xlsx")
    assert (plan.count_new, plan.count_unchanged, plan.errors) == (0, 2, [])
    outcome = apply(personas, tree, "history_ok.xlsx")
    assert (outcome.created, outcome.unchanged) == ([], 2)
    assert (AuditEvent.objects.count(), StepRecord.objects.count(), DevelopmentCase.objects.count()) == (
        events,
        records,
        2,
    )


def test_a_case_that_went_on_after_the_import_is_still_unchanged(tree, personas, people):
    from development import services

    apply(personas, tree, "history_ok.xlsx")
    qian = DevelopmentCase.objects.get(person=people.qian)
    services.step_record(
        actor=personas.secretary, case=qian, step=3, data={"date": "2026-05-08", "method": "party_members"}
    )
    assert check(personas, tree, "history_ok.xlsx").count_unchanged == 2


def test_a_different_history_for_an_existing_case_is_an_error_not_an_overwrite(tree, personas, people):
    apply(personas, tree, "history_ok.xlsx")
    data = workbook(
        ["学号", "第1步", "第2步", "谈话人"],
        [people.qian.number, "2025-10-08", "2025-10-21", "2019000001"],
    )
    [finding] = check(personas, tree, "x.xlsx", data).errors
    assert (finding.row, finding.column, finding.code) == (2, "step:2", "history_differs")
    assert "2025-10-20" in finding.message and "2025-10-21" in finding.message
    with pytest.raises(DomainError) as refused:
        apply(personas, tree, "x.xlsx", data)
    assert refused.value.code == "import_has_errors"
    assert history_of(DevelopmentCase.objects.get(person=people.qian))[2] == date(2025, 10, 20)


def test_a_person_with_another_open_case_is_an_error(tree, personas, people):
    from development import services

    services.case_apply(actor=personas.secretary, person=people.wang, received_on=date(2026, 1, 5))
    [finding] = check(personas, tree, "history_ok.xlsx").errors
    assert (finding.row, finding.code, finding.params["opened_on"]) == (2, "case_open", "2026-01-05")


def test_a_file_with_errors_imports_nothing_not_even_its_good_rows(tree, personas, people):
    with pytest.raises(DomainError) as refused:
        apply(personas, tree, "history_errors.csv")
    assert refused.value.code == "import_has_errors"
    assert not DevelopmentCase.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="development.").exists()


def test_warnings_must_be_confirmed(tree, personas, people):
    with pytest.raises(DomainError) as refused:
        apply(personas, tree, "history_warnings.csv")
    assert refused.value.code == "warnings_not_confirmed"
    assert not DevelopmentCase.objects.exists()


def test_each_confirmed_warning_becomes_an_exception_in_the_dossier(tree, personas, people):
    outcome = apply(personas, tree, "history_warnings.csv", confirm_warnings=True)
    assert (len(outcome.created), outcome.exceptions) == (2, 2)
    li = DevelopmentCase.objects.get(person=people.li)
    [exception] = RuleException.objects.filter(case=li)
    assert (exception.step, exception.rule_code, exception.recorded_by) == (
        2,
        "application.talk_within_one_month",
        personas.secretary,
    )
    assert exception.reason == "historical import: history_warnings.csv row 2"
    assert exception.params == {
        "received_on": "2024-09-02",
        "deadline": "2024-10-02",
        "talk_on": "2024-10-15",
    }
    assert exception.step_record == StepRecord.objects.get(case=li, step=2)
    zhao = DevelopmentCase.objects.get(person=people.zhao)
    assert (zhao.current_step, zhao.target_on) == (8, date(2025, 1, 10))
    assert history_of(zhao)[6] == date(2025, 1, 10)
    timeline = queries.case_timeline(zhao)
    [entry] = [entry for entry in timeline.entries if entry.definition.number == 7]
    assert [item.reason for item in entry.exceptions] == ["historical import: history_warnings.csv row 3"]


def test_confirming_holds_only_for_the_warnings_that_were_shown(tree, personas, people):
    shown = check(personas, tree, "history_warnings.csv").warnings_digest
    with pytest.raises(DomainError) as refused:
        apply(personas, tree, "history_warnings.csv", confirm_warnings=True, warnings_digest="0" * 32)
    assert refused.value.code == "import_changed"
    apply(personas, tree, "history_warnings.csv", confirm_warnings=True, warnings_digest=shown)
    assert DevelopmentCase.objects.count() == 2


def test_a_complete_history_closes_the_case_and_makes_a_full_member(tree, personas, people):
    people.wang.birth_date = date(2001, 5, 1)
    people.wang.save()
    days = {
        1: date(2020, 9, 1), 2: date(2020, 9, 20), 3: date(2021, 3, 10), 4: date(2021, 3, 12),
        5: date(2021, 3, 12), 6: date(2022, 3, 20), 7: date(2022, 3, 20), 8: date(2022, 3, 25),
        9: date(2022, 4, 1), 10: date(2022, 5, 6), 11: date(2022, 5, 20), 12: date(2022, 6, 1),
        13: date(2022, 6, 8), 14: date(2022, 6, 10), 15: date(2022, 6, 24), 16: date(2022, 7, 1),
        17: date(2022, 7, 20), 18: date(2022, 7, 25), 19: date(2022, 8, 1), 20: date(2022, 8, 1),
        21: date(2023, 6, 1), 22: date(2023, 6, 1), 23: date(2023, 6, 28), 24: date(2023, 7, 20),
        25: date(2023, 8, 1),
    }  # fmt: skip
    header = ["学号", *[f"第{n}步" for n in days], "入党介绍人", "政审结论", "培训学时"]
    header += [
        "转正表决：应到人数",
        "转正表决：实到人数",
        "转正表决：赞成",
        "转正表决：反对",
        "转正表决：弃权",
    ]
    row = [people.wang.number, *[datetime(d.year, d.month, d.day) for d in days.values()]]
    row += ["2019000001,2019000002", "合格", 24, 12, 11, 11, 0, 0]
    data = workbook(header, row)
    plan = check(personas, tree, "full.xlsx", data)
    assert (plan.errors, plan.warnings) == ([], [])
    apply(personas, tree, "full.xlsx", data)
    case = DevelopmentCase.objects.get(person=people.wang)
    assert (case.status, case.closed_on, case.probation_start, case.converted_on) == (
        CaseStatus.CONVERTED,
        date(2023, 8, 1),
        date(2022, 6, 24),
        date(2023, 6, 24),
    )
    assert StepRecord.objects.get(case=case, step=23).data == {
        "members_with_voting_rights": 12,
        "attended": 11,
        "yes": 11,
        "no": 0,
        "abstain": 0,
        "proposal": "convert",
    }
    membership = Membership.objects.get(person=people.wang)
    assert (membership.party_status, membership.status_since) == (PartyStatus.FULL, date(2023, 6, 24))


def test_a_vote_that_fails_its_rules_is_a_warning_too(tree, personas, people):
    header = ["学号", *[f"第{n}步" for n in range(1, 16)]]
    header += [
        "接收表决：应到人数",
        "接收表决：实到人数",
        "接收表决：赞成",
        "接收表决：反对",
        "接收表决：弃权",
    ]
    days = [date(2020, 1, 1).replace(year=2020 + n // 12, month=1 + n % 12).isoformat() for n in range(15)]
    data = workbook(header, [people.wang.number, *days, 10, 5, 5, 0, 0])
    codes = [finding.code for finding in check(personas, tree, "x.xlsx", data).warnings]
    assert "vote.quorum" in codes and "vote.majority" in codes


def test_a_gap_in_the_steps_is_a_warning(tree, personas, people):
    data = workbook(
        ["学号", "第1步", "第2步", "第4步"], [people.wang.number, "2024-09-02", "2024-09-20", "2025-03-15"]
    )
    [finding] = check(personas, tree, "x.xlsx", data).warnings
    assert (finding.step, finding.code, finding.params) == (4, "steps.order", {"expected": 3, "step": 4})
