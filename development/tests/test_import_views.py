"""The pages of the historical import: upload, preview, apply, template; and the command."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from archive.models import Document
from development.imports import map_columns, template_columns
from development.imports_apply import IMPORT_PURPOSE, history_file_store
from development.models import DevelopmentCase, RuleException
from development.tests.fixtures.history import FOLDER, content, make_history_people

pytestmark = pytest.mark.django_db

UPLOAD = "/development/import/"


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content(name))


@pytest.fixture
def people(tree, personas, clock):
    return make_history_people(tree)


def stored(personas, tree, name: str) -> Document:
    return history_file_store(actor=personas.secretary, scope_unit=tree.branch_a1, uploaded_file=upload(name))


def preview_url(document: Document) -> str:
    return f"/development/import/{document.public_id}/"


# --- Upload -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("student", 403),
        ("propaganda", 403),
        ("college_officer", 403),
        ("outsider", 200),
        ("secretary", 200),
        ("system_admin", 200),
    ],
)
def test_the_upload_page_is_for_those_who_record_a_branchs_steps(personas, persona, status):
    response = client_for(getattr(personas, persona)).get(UPLOAD)
    assert response.status_code == status


def test_the_upload_page_needs_a_login(personas):
    response = Client().get(UPLOAD)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_uploading_a_file_keeps_it_and_shows_its_preview(tree, personas, people):
    client = client_for(personas.secretary)
    response = client.post(UPLOAD, {"scope": tree.branch_a1.pk, "file": upload("history_ok.xlsx")})
    document = Document.objects.get(purpose=IMPORT_PURPOSE)
    assert response.status_code == 302
    assert response["Location"] == preview_url(document)
    assert (document.title, document.unit, document.created_by) == (
        "history_ok.xlsx",
        tree.branch_a1,
        personas.secretary,
    )
    page = client.get(preview_url(document))
    assert page.status_code == 200
    assert "王一 (2024000101)" in page.content.decode()
    assert "Import 2 cases" in page.content.decode()
    assert "history_ok.xlsx" in client.get(UPLOAD).content.decode()


def test_an_unreadable_file_is_refused_on_the_form_and_not_kept(tree, personas, people):
    response = client_for(personas.secretary).post(
        UPLOAD, {"scope": tree.branch_a1.pk, "file": SimpleUploadedFile("x.csv", "姓名\n王一\n".encode())}
    )
    assert response.status_code == 400
    assert "Required columns are missing" in response.content.decode()
    assert not Document.objects.filter(purpose=IMPORT_PURPOSE).exists()


def test_one_cannot_upload_into_a_unit_outside_ones_scope(tree, personas, people):
    response = client_for(personas.outsider).post(
        UPLOAD, {"scope": tree.branch_a1.pk, "file": upload("history_ok.xlsx")}
    )
    assert response.status_code == 400
    assert not Document.objects.filter(purpose=IMPORT_PURPOSE).exists()


# --- Preview and apply ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("college_officer", 403),
        ("secretary", 200),
        ("system_admin", 200),
    ],
)
def test_a_preview_is_open_to_those_who_record_the_units_steps(tree, personas, people, persona, status):
    document = stored(personas, tree, "history_ok.xlsx")
    assert client_for(getattr(personas, persona)).get(preview_url(document)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 404), ("propaganda", 403), ("college_officer", 403)],
)
def test_only_those_who_record_the_units_steps_may_apply(tree, personas, people, persona, status):
    document = stored(personas, tree, "history_ok.xlsx")
    response = client_for(getattr(personas, persona)).post(preview_url(document) + "apply/")
    assert response.status_code == status
    assert not DevelopmentCase.objects.exists()


def test_an_unknown_import_is_not_found(personas):
    assert (
        client_for(personas.secretary)
        .get("/development/import/00000000-0000-0000-0000-000000000000/")
        .status_code
        == 404
    )


def test_the_preview_lists_errors_by_row_and_column_and_offers_no_apply(tree, personas, people):
    document = stored(personas, tree, "history_errors.csv")
    page = client_for(personas.secretary).get(preview_url(document)).content.decode()
    assert "3 rows have errors" in page
    assert "Step 1: Written application" in page and "2024-13-45" in page
    assert "No member of a branch you may import into has this number." in page
    assert "Nobody has the number 2018999999." in page
    assert "apply/" not in page


def test_the_preview_speaks_chinese(tree, personas, people):
    document = stored(personas, tree, "history_errors.csv")
    client = client_for(personas.secretary)
    page = client.get(preview_url(document), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "第1步" in page


def test_warnings_are_listed_for_confirmation_and_applied_as_exceptions(tree, personas, people):
    document = stored(personas, tree, "history_warnings.csv")
    client = client_for(personas.secretary)
    page = client.get(preview_url(document)).content.decode()
    assert "I confirm these historical exceptions" in page
    assert "on or before 2024-10-02" in page
    digest = page.split('name="warnings_digest" value="')[1].split('"')[0]
    refused = client.post(preview_url(document) + "apply/", {"warnings_digest": digest}, follow=True)
    assert "Confirm the historical exceptions" in refused.content.decode()
    assert not DevelopmentCase.objects.exists()
    applied = client.post(
        preview_url(document) + "apply/", {"warnings_digest": digest, "confirm_warnings": "on"}, follow=True
    )
    assert "Imported 2 cases (2 historical exceptions recorded); 0 unchanged." in applied.content.decode()
    assert RuleException.objects.count() == 2
    again = client.get(preview_url(document)).content.decode()
    assert "Nothing to import: every row is already recorded with the same history." in again


def test_the_template_has_a_column_per_step_in_the_readers_language(personas):
    response = client_for(personas.secretary).get(
        "/development/import/template/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [cell.value for cell in next(book.worksheets[0].iter_rows())]
    assert header[1] == "姓名"
    assert header[2].startswith("第1步") and "递交入党申请书" in header[2]
    assert len([name for name in header if name.startswith("第")]) == 25
    columns, notes = map_columns(header)  # the template reads back as it was written
    assert (list(columns), notes) == (template_columns(), [])
    assert client_for(personas.propaganda).get("/development/import/template/").status_code == 403


# --- The command ------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_cases", *args, stdout=out)
    return out.getvalue()


def test_the_command_previews_then_applies(tree, personas, people):
    path = str(FOLDER / "history_ok.xlsx")
    output = run(path, "--as", personas.secretary.number)
    assert "2 rows, 2 new, 0 unchanged" in output and "Preview only" in output
    assert not DevelopmentCase.objects.exists()
    assert "Imported 2 case(s)" in run(path, "--as", personas.secretary.number, "--apply")
    assert "0 new, 2 unchanged" in run(path, "--as", personas.secretary.number, "--apply")
    assert DevelopmentCase.objects.count() == 2


def test_the_command_needs_warnings_confirmed(tree, personas, people):
    path = str(FOLDER / "history_warnings.csv")
    with pytest.raises(CommandError, match="to confirm"):
        run(path, "--as", personas.secretary.number, "--apply")
    assert not DevelopmentCase.objects.exists()
    run(path, "--as", personas.secretary.number, "--apply", "--confirm-warnings")
    assert RuleException.objects.count() == 2


def test_the_command_refuses_a_file_with_errors(tree, personas, people):
    with pytest.raises(CommandError, match="3 row"):
        run(str(FOLDER / "history_errors.csv"), "--as", personas.secretary.number, "--apply")
    assert not DevelopmentCase.objects.exists()


def test_the_command_refuses_someone_without_the_right(tree, personas, people):
    with pytest.raises(CommandError, match="may not import"):
        run(str(FOLDER / "history_ok.xlsx"), "--as", personas.propaganda.number, "--scope", "A1")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("propaganda", 403), ("college_officer", 403), ("secretary", 200)],
)
def test_a_kept_import_file_is_read_only_by_those_who_may_import_it(tree, personas, people, persona, status):
    document = stored(personas, tree, "history_ok.xlsx")
    response = client_for(getattr(personas, persona)).get(f"/files/{document.public_id}/")
    assert response.status_code == status


def test_the_english_template_reads_back_too(personas):
    response = client_for(personas.secretary).get("/development/import/template/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [cell.value for cell in next(book.worksheets[0].iter_rows())]
    assert header[2] == "Step 1: Written application"
    assert list(map_columns(header)[0]) == template_columns()


@pytest.mark.parametrize(
    ("persona", "shown"), [("student", False), ("propaganda", False), ("secretary", True)]
)
def test_the_home_page_links_the_import_for_those_who_may_use_it(personas, persona, shown):
    page = client_for(getattr(personas, persona)).get("/").content.decode()
    assert ('href="/development/import/"' in page) is shown
