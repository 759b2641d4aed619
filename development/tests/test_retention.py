"""Retention of dossier documents: permanent for the party-member file, N years (local parameters)
after a case ended without admission; the operator command lists, then deletes through the archive."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive.models import Document
from core.audit import AuditEvent
from development import retention
from development.config import DEFAULTS, parameter_problems
from development.models import CaseStatus, DevelopmentConfig, Phase, StepDocument, StepRecord, ThoughtReport
from development.tests import helpers

pytestmark = pytest.mark.django_db

CLOSED = date(2028, 6, 1)


def closed_case(personas, tree, status: str, closed_on: date | None = CLOSED):
    fields = {"status": status, "closed_on": closed_on} if closed_on else {}
    return helpers.case_row(tree.branch_a1, 3, date(2027, 1, 5), **fields)


def step_document(personas, case) -> Document:
    document = helpers.upload(personas.secretary, case)
    record = StepRecord.objects.create(case=case, step=1, date=case.opened_on, recorded_by=personas.secretary)
    StepDocument.objects.create(
        record=record, document=document, kind="application_letter", attached_by=personas.secretary
    )
    return document


def report_document(personas, case) -> Document:
    document = helpers.upload(personas.secretary, case, title="思想汇报")
    ThoughtReport.objects.create(
        case=case,
        phase=Phase.ACTIVIST,
        received_on=date(2027, 3, 1),
        document=document,
        recorded_by=personas.secretary,
    )
    return document


def listed(on: date) -> set[int]:
    return {item.document.pk for item in retention.documents_past_retention(on)}


@pytest.fixture
def documents(tree, personas, clock):
    """A withdrawn case's application and thought report, a case transferred out, a converted one and
    an open one, each with a dossier document."""
    withdrawn = closed_case(personas, tree, CaseStatus.WITHDRAWN)
    transferred = closed_case(personas, tree, CaseStatus.TRANSFERRED_OUT)
    converted = closed_case(personas, tree, CaseStatus.CONVERTED, closed_on=date(2000, 1, 1))
    still_open = closed_case(personas, tree, CaseStatus.OPEN, closed_on=None)
    return {
        "withdrawn": step_document(personas, withdrawn),
        "withdrawn_report": report_document(personas, withdrawn),
        "transferred": step_document(personas, transferred),
        "converted": step_document(personas, converted),
        "converted_report": report_document(personas, converted),
        "open": step_document(personas, still_open),
    }


def test_the_defaults_keep_documents_of_ended_cases_ten_years_and_reports_as_their_case():
    assert (DEFAULTS.retention_years_withdrawn, DEFAULTS.retention_years_transferred_out) == (10, 10)
    assert retention.years_kept(DEFAULTS, CaseStatus.WITHDRAWN, retention.THOUGHT_REPORT) == 10
    assert retention.years_kept(DEFAULTS, CaseStatus.CONVERTED, retention.STEP_DOCUMENT) is None
    assert retention.years_kept(DEFAULTS, CaseStatus.OPEN, retention.THOUGHT_REPORT) is None


def test_with_the_defaults_documents_go_on_the_tenth_anniversary_of_the_closing(documents):
    assert listed(date(2038, 5, 31)) == set()
    assert listed(date(2038, 6, 1)) == {
        documents["withdrawn"].pk,
        documents["withdrawn_report"].pk,
        documents["transferred"].pk,
    }
    assert not listed(date(2200, 1, 1)) & {documents[k].pk for k in ("converted", "converted_report", "open")}


def test_each_kind_follows_its_local_parameter(tree, documents):
    DevelopmentConfig.objects.create(
        root_unit=tree.university,
        parameters={
            "retention_years_withdrawn": 5,
            "retention_years_transferred_out": 3,
            "retention_years_thought_reports": 2,
        },
    )
    assert listed(date(2030, 5, 31)) == set()
    assert listed(date(2030, 6, 1)) == {documents["withdrawn_report"].pk}
    assert listed(date(2031, 6, 1)) == {documents["withdrawn_report"].pk, documents["transferred"].pk}
    assert documents["withdrawn"].pk in listed(date(2033, 6, 1))


def test_a_document_of_an_ended_case_that_also_serves_an_open_case_is_kept(tree, personas, documents):
    case = closed_case(personas, tree, CaseStatus.OPEN, closed_on=None)
    record = StepRecord.objects.create(case=case, step=1, date=case.opened_on, recorded_by=personas.secretary)
    StepDocument.objects.create(
        record=record,
        document=documents["withdrawn"],
        kind="application_letter",
        attached_by=personas.secretary,
    )
    assert documents["withdrawn"].pk not in listed(date(2100, 1, 1))


def test_the_retention_parameters_are_validated_like_the_others():
    assert parameter_problems({"retention_years_withdrawn": 0})
    assert parameter_problems({"retention_years_thought_reports": 101})
    assert not parameter_problems(
        {"retention_years_thought_reports": 0, "retention_years_transferred_out": 30}
    )


# --- The operator command -----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("development_retention", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_by_default_and_deletes_nothing(clock, documents):
    clock.set(date(2038, 6, 1))
    output = run()
    assert "3 document(s) past their retention" in output
    assert str(documents["withdrawn"].public_id) in output
    assert Document.objects.filter(is_deleted=True).count() == 0


def test_apply_needs_a_person_with_the_right_to_delete(clock, personas, documents):
    clock.set(date(2038, 6, 1))
    with pytest.raises(CommandError):
        run("--apply")
    with pytest.raises(CommandError):
        run("--apply", "--as", personas.propaganda.number)
    assert Document.objects.filter(is_deleted=True).count() == 0


def test_apply_deletes_through_the_archive_with_an_audited_reason_and_a_second_run_finds_nothing(
    clock, personas, documents
):
    clock.set(date(2038, 6, 1))
    output = run("--apply", "--as", personas.secretary.number)
    assert "3 document(s) deleted" in output
    gone = Document.objects.filter(is_deleted=True)
    assert {d.pk for d in gone} == {documents[k].pk for k in ("withdrawn", "withdrawn_report", "transferred")}
    assert all(
        d.delete_reason.startswith("Retention period ended") and d.retain_until == date(2038, 6, 1)
        for d in gone
    )
    assert AuditEvent.objects.filter(action="archive.document.delete").count() == 3
    assert AuditEvent.objects.filter(action="archive.document.retention").count() == 3
    assert not Document.objects.get(pk=documents["converted"].pk).is_deleted
    assert "0 document(s) past their retention" in run("--apply", "--as", personas.secretary.number)


def test_nothing_is_deleted_before_its_day(clock, personas, documents):
    clock.set(date(2038, 5, 31))
    assert "0 document(s) deleted" in run("--apply", "--as", personas.secretary.number)
    assert not Document.objects.filter(is_deleted=True).exists()
