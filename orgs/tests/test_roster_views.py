"""The roster pages: who may open them, what they show, and the files they hand out."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from orgs import imports_files, services_roster
from orgs.models import PositionType, RosterImport
from orgs.tests.factories import appoint, make_person
from orgs.tests.fixtures import private_media, upload  # noqa: F401
from orgs.tests.fixtures.make_fixtures import EN, ID_CHEN, ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

PHONE = "13812345678"
PERSONAS = [
    "student",
    "propaganda",
    "secretary",
    "outsider",
    "college_officer",
    "university_admin",
    "system_admin",
]


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def college_import(tree, personas) -> RosterImport:
    """An import into college A, with errors, uploaded by the organisation department."""
    return services_roster.roster_preview(
        actor=personas.university_admin,
        uploaded_file=upload("roster_bad_values.csv"),
        scope_unit=tree.college_a,
    )


@pytest.fixture
def member(tree):
    return make_person(
        tree.branch_a1,
        name="陈数据",
        number="2022000001",
        phone=PHONE,
        national_id=ID_CHEN,
        email="chen@example.edu.cn",
    )


def content_of(response) -> bytes:
    if not hasattr(response, "_read_content"):
        response._read_content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        )
    return response._read_content


def cells_of(response) -> list[list[object]]:
    book = load_workbook(io.BytesIO(content_of(response)))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- Who may open what ------------------------------------------------------------------------------

IMPORT_PAGE = {
    "student": 403,
    "propaganda": 403,
    "secretary": 403,  # a branch secretary does not hold orgs.import_roster
    "outsider": 403,
    "college_officer": 403,
    "university_admin": 200,
    "system_admin": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_import_page_and_template_are_for_holders_of_the_import_right(personas, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("roster:import")).status_code == IMPORT_PAGE[persona]
    assert client.get(reverse("roster:template")).status_code == IMPORT_PAGE[persona]


def test_the_import_page_needs_a_login(tree):
    response = Client().get(reverse("roster:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


PREVIEW_PAGE = {
    "student": 404,
    "propaganda": 404,
    "secretary": 404,  # the import concerns college A, above the secretary's branch
    "outsider": 404,
    "college_officer": 403,  # in scope, without the import right
    "university_admin": 200,
    "system_admin": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_preview_and_apply_follow_the_scope_rule(personas, college_import, persona):
    client = client_for(getattr(personas, persona))
    url = reverse("roster:preview", kwargs={"import_id": college_import.pk})
    assert client.get(url).status_code == PREVIEW_PAGE[persona]
    apply_url = reverse("roster:apply", kwargs={"import_id": college_import.pk})
    expected = 302 if PREVIEW_PAGE[persona] == 200 else PREVIEW_PAGE[persona]
    assert client.post(apply_url).status_code == expected


EXPORT_A1 = {
    "student": 404,
    "propaganda": 403,  # sees the branch, may not export it
    "secretary": 200,
    "outsider": 404,  # the secretary of B1
    "college_officer": 200,
    "university_admin": 200,
    "system_admin": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_exporting_a_branch_follows_the_scope_rule(tree, personas, persona):
    response = client_for(getattr(personas, persona)).get(
        reverse("roster:export"), {"unit": tree.branch_a1.pk}
    )
    assert response.status_code == EXPORT_A1[persona]


def test_the_secretary_of_b1_cannot_export_college_a(tree, personas):
    response = client_for(personas.outsider).get(reverse("roster:export"), {"unit": tree.college_a.pk})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="orgs.members.export").exists()


def test_an_unknown_or_malformed_unit_is_not_found(personas):
    client = client_for(personas.university_admin)
    assert client.get(reverse("roster:export"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("roster:export"), {"unit": 999999}).status_code == 404


def test_without_a_unit_the_export_page_offers_the_units_one_may_export(tree, personas):
    response = client_for(personas.secretary).get(reverse("roster:export"))
    assert response.status_code == 200
    assert response.context["units"] == [tree.branch_a1]
    assert client_for(personas.propaganda).get(reverse("roster:export")).status_code == 403


# --- Import pages ------------------------------------------------------------------------------------


def test_uploading_a_file_shows_its_preview_then_applying_imports_it(tree, personas):
    client = client_for(personas.university_admin)
    response = client.post(
        reverse("roster:import"), {"scope": tree.university.pk, "file": upload("roster_utf8.csv")}
    )
    record = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:preview", kwargs={"import_id": record.pk})
    page = client.get(response["Location"])
    assert "应用导入" in page.content.decode()  # the apply button
    assert [row["number"] for row in page.context["change_rows"]] == [
        "2023000101",
        "2023000102",
        "2023000103",
        "2023000104",
    ]
    applied = client.post(reverse("roster:apply", kwargs={"import_id": record.pk}), follow=True)
    assert "已导入" in applied.content.decode()
    record.refresh_from_db()
    assert record.status == "applied"
    assert "应用导入" not in applied.content.decode()


def test_the_preview_lists_problems_by_row_and_column_in_the_readers_language(personas, college_import):
    url = reverse("roster:preview", kwargs={"import_id": college_import.pk})
    chinese = client_for(personas.university_admin, "zh-hans").get(url)
    text = chinese.content.decode()
    assert "校验码" in text and "身份证号" in text and "应用导入" not in text
    first = chinese.context["problem_rows"][0]
    assert (first["row"], first["column"]) == (2, "出生日期")
    english = client_for(personas.university_admin, "en").get(url)
    first = english.context["problem_rows"][0]
    assert (first["row"], first["column"]) == (2, "Birth date")
    assert "GB 11643" in english.content.decode()
    assert "Apply import" not in english.content.decode()


def test_values_are_shown_escaped_and_masked(tree, personas):
    record = services_roster.roster_preview(
        actor=personas.university_admin,
        uploaded_file=upload("roster_formulas.xlsx"),
        scope_unit=tree.university,
    )
    text = client_for(personas.university_admin).get(
        reverse("roster:preview", kwargs={"import_id": record.pk})
    )
    html = text.content.decode()
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html
    assert "=13*****5678" in html and "13812345678" not in html


def test_a_broken_workbook_is_a_clear_error_on_the_form_not_a_crash(tree, personas):
    response = client_for(personas.university_admin, "en").post(
        reverse("roster:import"), {"scope": tree.university.pk, "file": upload("roster_broken.xlsx")}
    )
    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_file_without_the_required_columns_is_refused_on_the_form(tree, personas):
    response = client_for(personas.university_admin).post(
        reverse("roster:import"), {"scope": tree.university.pk, "file": upload("roster_missing_columns.csv")}
    )
    assert response.status_code == 400
    assert "缺少必填列" in response.content.decode()


def test_the_scope_must_be_one_the_importer_holds(tree, personas):
    kind = PositionType.objects.create(
        code="college_importer", name="学院名册员", capabilities=["orgs.import_roster"]
    )
    importer = make_person(None, name="学院名册员")
    appoint(importer, tree.college_a, kind.code)
    client = client_for(importer)
    page = client.get(reverse("roster:import"))
    assert list(page.context["form"].fields["scope"].queryset) == [
        tree.college_a,
        tree.branch_a1,
        tree.branch_a2,
    ]
    response = client.post(
        reverse("roster:import"), {"scope": tree.college_b.pk, "file": upload("roster_utf8.csv")}
    )
    assert response.status_code == 400
    assert not RosterImport.objects.exists()


def test_htmx_pages_through_problems_without_the_whole_page(personas, college_import, monkeypatch):
    from orgs import views_roster

    monkeypatch.setattr(views_roster, "TABLE_PAGE_SIZE", 5)
    url = reverse("roster:preview", kwargs={"import_id": college_import.pk})
    response = client_for(personas.university_admin, "en").get(
        url, {"problems": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="problems"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="problems"')
    assert "<header" not in html and 'id="changes"' not in html
    # Page 2 of 5 problems each: the last four of row 6, the first of row 7.
    assert html.count('data-label="Row">6<') == 4 and html.count('data-label="Row">7<') == 1
    assert "Page 2 of 3" in html
    assert "HX-Request" in response["Vary"]


def test_the_recent_imports_list_costs_the_same_queries_for_1_or_5(tree, personas, django_assert_num_queries):
    client = client_for(personas.university_admin)
    services_roster.roster_preview(
        actor=personas.university_admin, uploaded_file=upload("roster_utf8.csv"), scope_unit=tree.university
    )
    client.get(reverse("roster:import"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse("roster:import")).context["imports"]) == 1
    for _index in range(4):
        services_roster.roster_preview(
            actor=personas.university_admin,
            uploaded_file=upload("roster_gbk.csv"),
            scope_unit=tree.university,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(reverse("roster:import")).context["imports"]) == 5


@pytest.mark.parametrize(("language", "header"), [("zh-hans", ZH), ("en", EN)])
def test_the_template_has_the_header_in_the_readers_language_and_imports_cleanly(
    tree, personas, language, header
):
    response = client_for(personas.university_admin, language).get(reverse("roster:template"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = cells_of(response)
    assert rows[0] == header
    assert rows[1][0] == "2024000001"
    checked, problems = imports_files.check_file("template.xlsx", content_of(response))
    assert problems == []
    assert checked[0].branch == "A1"


# --- Export ------------------------------------------------------------------------------------------


def export(user, unit, language: str = "zh-hans", **filters):
    response = client_for(user, language).get(reverse("roster:export"), {"unit": unit.pk, **filters})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return cells_of(response)


def row_of(rows, number):
    return next(row for row in rows if row[0] == number)


def test_the_secretary_sees_personal_data_in_full(tree, personas, member):
    rows = export(personas.secretary, tree.branch_a1)
    assert rows[0] == ZH
    chen = row_of(rows, "2022000001")
    assert chen[4:7] == [ID_CHEN, PHONE, "chen@example.edu.cn"]
    event = AuditEvent.objects.get(action="orgs.members.export")
    assert (event.actor, event.unit_id) == (personas.secretary, tree.branch_a1.pk)
    assert event.data["count"] == len(rows) - 1 and event.data["masked"] is False


def test_an_exporter_without_the_personal_data_right_gets_masked_numbers(tree, personas, member):
    deputy = make_person(tree.branch_a1, name="副书记")
    appoint(deputy, tree.branch_a1, "deputy_secretary")
    assert "orgs.view_personal_data" not in PositionType.objects.get(code="deputy_secretary").capabilities
    rows = export(deputy, tree.branch_a1, "en")
    assert rows[0] == EN
    chen = row_of(rows, "2022000001")
    assert chen[4:7] == [ID_CHEN[:3] + "*" * 11 + ID_CHEN[-4:], "138****5678", "c***@example.edu.cn"]
    assert ID_CHEN not in str(rows) and PHONE not in str(rows)
    event = AuditEvent.objects.get(action="orgs.members.export")
    assert event.data["masked"] is True and event.data["masked_rows"] == len(rows) - 1


def test_the_export_never_writes_a_cell_a_spreadsheet_would_run(tree, personas):
    for index, text in enumerate(
        ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1"]
    ):
        make_person(tree.branch_a1, name=text, number=f"2099{index:06d}", major=text)
    rows = export(personas.secretary, tree.branch_a1)
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@"))), value
    assert row_of(rows, "2099000000")[1] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_export_filters_by_status_grade_and_text(tree, personas, member):
    rows = export(personas.college_officer, tree.college_a, status="activist")
    assert [row[1] for row in rows[1:]] == ["李积极"]
    rows = export(personas.college_officer, tree.college_a, q="陈数")
    assert [row[0] for row in rows[1:]] == ["2022000001"]


def test_the_export_costs_the_same_queries_for_3_or_30_members(tree, personas, django_assert_num_queries):
    client = client_for(personas.college_officer)
    client.get(reverse("roster:export"), {"unit": tree.branch_a2.pk})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(3):
        make_person(tree.branch_a2, number=f"2098{index:06d}")
    with CaptureQueriesContext(connection) as few:
        assert len(cells_of(client.get(reverse("roster:export"), {"unit": tree.branch_a2.pk}))) == 4
    for index in range(3, 30):
        make_person(tree.branch_a2, number=f"2098{index:06d}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(cells_of(client.get(reverse("roster:export"), {"unit": tree.branch_a2.pk}))) == 31
