"""The operator's commands: import_roster and export_members."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import User
from core.models import AuditEvent
from orgs.models import RosterImport
from orgs.tests.factories import make_person
from orgs.tests.fixtures import FIXTURES, private_media  # noqa: F401
from orgs.tests.fixtures.make_fixtures import ID_CHEN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_without_apply_the_import_command_only_previews(tree, personas):
    output = run("import_roster", str(FIXTURES / "roster_utf8.csv"), "--as", personas.university_admin.number)
    assert "4 rows, 4 new" in output and "--apply" in output
    assert not User.objects.filter(number="2023000101").exists()
    assert RosterImport.objects.get().status == "previewed"


def test_with_apply_the_import_command_imports(tree, personas):
    output = run(
        "import_roster",
        str(FIXTURES / "roster_good.xlsx"),
        "--as",
        personas.university_admin.number,
        "--apply",
    )
    assert "2 new" in output
    assert User.objects.filter(number__in=["2023000101", "2023000102"]).count() == 2
    assert User.objects.get(number="2023000101").membership.group == tree.group_a1  # by the group's code
    again = run(
        "import_roster",
        str(FIXTURES / "roster_good.xlsx"),
        "--as",
        personas.university_admin.number,
        "--apply",
    )
    assert "0 new, 0 updated, 2 unchanged" in again


def test_rows_with_errors_are_printed_with_their_numbers_and_the_command_fails(tree, personas):
    out = StringIO()
    with pytest.raises(CommandError, match="row"):
        call_command(
            "import_roster",
            str(FIXTURES / "roster_bad_values.csv"),
            "--as",
            personas.university_admin.number,
            "--scope",
            "A",
            "--apply",
            stdout=out,
        )
    printed = out.getvalue()
    # The person has no language of their own: the site's default, Chinese.
    assert "row 3, 身份证号 [110***********0010]" in printed
    assert "校验码" in printed
    assert not User.objects.filter(number__startswith="2023000").exists()


def test_a_broken_file_fails_with_a_clear_message(tree, personas):
    with pytest.raises(CommandError, match=r"damaged|损坏"):
        run("import_roster", str(FIXTURES / "roster_broken.xlsx"), "--as", personas.university_admin.number)


def test_the_import_command_checks_the_persons_rights(tree, personas):
    with pytest.raises(CommandError, match="may not import"):
        run(
            "import_roster",
            str(FIXTURES / "roster_utf8.csv"),
            "--as",
            personas.secretary.number,
            "--scope",
            "A1",
        )
    with pytest.raises(CommandError, match="--scope"):
        run("import_roster", str(FIXTURES / "roster_utf8.csv"), "--as", personas.secretary.number)
    with pytest.raises(CommandError, match="Nobody"):
        run("import_roster", str(FIXTURES / "roster_utf8.csv"), "--as", "nobody")


@pytest.fixture
def member(tree):
    return make_person(
        tree.branch_a1, name="陈数据", number="2022000001", phone="13812345678", national_id=ID_CHEN
    )


def exported(path) -> dict[str, list[object]]:
    sheet = load_workbook(path).worksheets[0]
    return {row[0]: list(row) for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_export_command_masks_everything_without_a_person(tree, personas, member, tmp_path):
    output = run("export_members", "--unit", "A", "--out", str(tmp_path / "a.xlsx"))
    assert "all masked" in output
    row = exported(tmp_path / "a.xlsx")["2022000001"]
    assert row[4:6] == [ID_CHEN[:3] + "*" * 11 + ID_CHEN[-4:], "138****5678"]
    event = AuditEvent.objects.get(action="orgs.members.export")
    assert event.actor is None and event.data["masked"] is True


def test_the_export_command_shows_what_the_given_person_may_see(tree, personas, member, tmp_path):
    run(
        "export_members",
        "--unit",
        "A1",
        "--out",
        str(tmp_path / "a1.xlsx"),
        "--as",
        personas.secretary.number,
    )
    assert exported(tmp_path / "a1.xlsx")["2022000001"][4:6] == [ID_CHEN, "13812345678"]
    with pytest.raises(CommandError, match="may not export"):
        run(
            "export_members",
            "--unit",
            "A",
            "--out",
            str(tmp_path / "b.xlsx"),
            "--as",
            personas.outsider.number,
        )
    assert not (tmp_path / "b.xlsx").exists()
