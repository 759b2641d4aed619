"""Reading roster files: encodings, separators, normalising what people type, and every problem kind."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import translation

from accounts.models import User
from core.errors import FieldErrors
from orgs import imports, imports_files, services_roster
from orgs.imports import Table, map_columns, read_rows
from orgs.imports_files import read_table
from orgs.imports_plan import Context, UnitRef, plan_rows
from orgs.tests.fixtures import fixture_bytes, private_media, upload  # noqa: F401
from orgs.tests.fixtures.make_fixtures import BAD_CHECKSUM, ID_CHEN, ID_LIN, ID_TAKEN, ZH

TODAY = date(2026, 11, 27)


def rows_of(name: str) -> list[imports.RosterRow]:
    table = read_table(name, fixture_bytes(name))
    columns, _warnings = map_columns(table.header)
    rows, problems = read_rows(table, columns, today=TODAY)
    assert problems == []
    return rows


def table(*rows: list[object], header: list[str] = ZH) -> Table:
    return Table(header=header, rows=[(number, row) for number, row in enumerate(rows, start=2)])


def row_with(**cells: object) -> list[object]:
    values: dict[str, object] = {"number": "2024000001", "name": "测试", "branch": "A1", **cells}
    return [values.get(name, "") for name in imports.FIELDS]


def problems_of(*rows: list[object]) -> list[tuple[int | None, str, str]]:
    checked = table(*rows)
    columns, _warnings = map_columns(checked.header)
    _rows, problems = read_rows(checked, columns, today=TODAY)
    return [(problem.row, problem.field, problem.code) for problem in problems]


# --- Files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["roster_utf8.csv", "roster_utf8_bom.csv", "roster_gbk.csv", "roster_semicolon.csv"]
)
def test_every_encoding_and_separator_reads_the_same_rows(name):
    expected = rows_of("roster_utf8.csv")
    assert (expected[0].row, expected[0].number, expected[0].name) == (2, "2023000101", "陈一")
    assert rows_of(name) == expected


def test_it_normalises_full_width_digits_chinese_dates_and_spaced_phones():
    chen, lin, huang, wu = rows_of("roster_utf8.csv")
    assert (chen.birth_date, chen.phone, chen.status_date) == (
        date(2003, 5, 7),
        "13812345678",
        date(2024, 3, 1),
    )
    assert (lin.number, lin.birth_date, lin.grade) == ("2023000102", date(2003, 6, 8), 2023)
    assert (lin.phone, lin.national_id, lin.status_date) == ("13912345678", ID_LIN.upper(), date(2024, 9, 15))
    assert (huang.birth_date, huang.phone, huang.status_date) == (
        date(2003, 7, 9),
        "13800001111",
        date(2003, 7, 9),
    )
    assert (wu.birth_date, wu.grade, wu.email) == (date(2003, 8, 10), 2023, "WU4@example.edu.cn")


def test_it_reads_the_words_people_use_for_status_gender_and_league():
    chen, lin, huang, wu = rows_of("roster_utf8.csv")
    assert (chen.gender, chen.party_status, chen.league_member) == ("M", "applicant", True)
    assert (lin.gender, lin.party_status, lin.league_member) == ("F", "activist", False)
    # 共青团员 as party status: not in the party, and a League member.
    assert (huang.gender, huang.party_status, huang.league_member) == ("F", "none", True)
    assert (wu.gender, wu.party_status, wu.league_member) == ("M", "full", True)


def test_it_reads_real_excel_date_and_number_cells():
    chen, lin = rows_of("roster_good.xlsx")
    assert (chen.number, chen.birth_date, chen.phone, chen.grade) == (
        "2023000101",
        date(2003, 5, 7),
        "13812345678",
        2023,
    )
    assert chen.national_id == ID_CHEN
    assert (lin.birth_date, lin.status_date, lin.phone) == (
        date(2003, 6, 8),
        date(2024, 9, 15),
        "13912345678",
    )


@pytest.mark.parametrize(
    "written",
    [
        "2003年5月7日",
        "2003.5.7",
        "2003/05/07",
        "2003-5-7",
        "20030507",
        "2003-05-07 00:00:00",
        "２００３年５月７日",
    ],
)
def test_it_understands_the_ways_a_date_is_written(written):
    assert imports.parse_date(written) == date(2003, 5, 7)


def test_date_cells_and_impossible_dates():
    assert imports.parse_date(datetime(2003, 5, 7, 0, 0)) == date(2003, 5, 7)
    assert imports.parse_date(20030507) == date(2003, 5, 7)
    assert imports.parse_date("2003-02-30") is None
    assert imports.parse_date("May 7") is None


def test_it_detects_the_separator_outside_quotes():
    assert imports_files.detect_delimiter('学号;姓名;"专业,方向"') == ";"
    assert imports_files.detect_delimiter("学号,姓名;x,支部") == ","
    assert imports_files.detect_delimiter("学号\t姓名\t支部") == "\t"
    assert imports_files.detect_delimiter("学号") == ","


def test_headers_are_matched_in_either_language_ignoring_case_and_spaces():
    columns, warnings = map_columns([" NUMBER ", "姓 名", "Branch*", "Party_Group", "备注"])
    assert columns == {"number": 0, "name": 1, "branch": 2, "group": 3}
    assert [(w.code, w.value, w.level) for w in warnings] == [("unknown_column", "备注", "warning")]


def test_a_missing_required_column_refuses_the_whole_file():
    with pytest.raises(FieldErrors) as caught, translation.override("zh-hans"):
        read_and_map("roster_missing_columns.csv")
    assert "姓名" in caught.value.fields["file"][0]
    assert "支部" in caught.value.fields["file"][0]


def read_and_map(name: str) -> None:
    map_columns(read_table(name, fixture_bytes(name)).header)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("roster_broken.xlsx", None, "damaged"),
        ("roster.xlsx", b"PK\x03\x04 not really a zip", "damaged"),
        ("roster.xls", b"\xd0\xcf\x11\xe0 old", ".xls"),
        ("roster.pdf", b"%PDF-1.4", ".xlsx"),
        ("roster.csv", b"   \n", "empty"),
        ("roster.csv", "学号,姓名".encode("utf-16-le") + b"\xd8\x00", "encoding"),
    ],
)
def test_unreadable_files_get_one_clear_file_level_error(name, content, fragment):
    data = fixture_bytes(name) if content is None else content
    with pytest.raises(FieldErrors) as caught, translation.override("en"):
        read_table(name, data)
    assert fragment in caught.value.fields["file"][0]


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(imports_files, "MAX_FILE_BYTES", 10)
    with pytest.raises(FieldErrors):
        read_table("roster.csv", b"number,name,branch\n1,2,3\n")


# --- Problems, each with its row number and field, in English and Chinese ----------------------------

# code: (English fragment, Chinese fragment) of the message.
MESSAGES = {
    "required": ("required", "必填"),
    "formula": ("formula", "公式"),
    "bad_date": ("Not a date", "不是有效日期"),
    "date_range": ("between 1900 and today", "1900 年"),
    "id_length": ("18 characters", "18 位"),
    "id_format": ("17 digits", "17 位数字"),
    "id_birth_date": ("not a real date", "出生日期"),
    "id_checksum": ("GB 11643", "校验码"),
    "id_as_number": ("as text", "文本"),
    "birth_date_mismatch": ("2003-05-07", "2003-05-07"),
    "bad_phone": ("mobile number", "手机号"),
    "bad_email": ("email", "邮箱"),
    "bad_grade": ("four-digit", "四位"),
    "bad_gender": ("男, 女, M or F", "男、女、M 或 F"),
    "bad_party_status": ("正式党员", "正式党员"),
    "bad_league": ("是 or 否", "是或否"),
    "bad_number": ("letters and digits", "字母和数字"),
    "too_long": ("characters", "字"),
    "duplicate_in_file": ("also in row", "第"),
    "unknown_branch": ("No branch", "没有"),
    "unknown_group": ("No party group", "党小组"),
    "taken": ("another person", "他人"),
}


@pytest.mark.parametrize(
    ("cells", "row", "field", "code"),
    [
        ({"number": ""}, 2, "number", "required"),
        ({"number": "2024/001"}, 2, "number", "bad_number"),
        ({"name": ""}, 2, "name", "required"),
        ({"name": "长" * 101}, 2, "name", "too_long"),
        ({"name": "=1+1"}, 2, "name", "formula"),
        ({"major": "+cmd"}, 2, "major", "formula"),
        ({"major": "@SUM(A1)"}, 2, "major", "formula"),
        ({"major": "-1+1"}, 2, "major", "formula"),
        ({"major": "＝1+1"}, 2, "major", "formula"),
        ({"gender": "未知"}, 2, "gender", "bad_gender"),
        ({"birth_date": "2003-13-01"}, 2, "birth_date", "bad_date"),
        ({"birth_date": "1899-12-31"}, 2, "birth_date", "date_range"),
        ({"status_date": "2027-01-01"}, 2, "status_date", "date_range"),
        ({"national_id": "1101052003050700"}, 2, "national_id", "id_length"),
        ({"national_id": "11010520030507001A"}, 2, "national_id", "id_format"),
        ({"national_id": "110105200302300010"}, 2, "national_id", "id_birth_date"),
        ({"national_id": BAD_CHECKSUM}, 2, "national_id", "id_checksum"),
        ({"national_id": 1.10105200305071e17}, 2, "national_id", "id_as_number"),
        ({"national_id": ID_CHEN, "birth_date": "2003-05-08"}, 2, "birth_date", "birth_date_mismatch"),
        ({"phone": "1381234567"}, 2, "phone", "bad_phone"),
        ({"phone": "010-12345678"}, 2, "phone", "bad_phone"),
        ({"phone": "+cmd"}, 2, "phone", "formula"),
        ({"email": "a@b"}, 2, "email", "bad_email"),
        ({"grade": "23"}, 2, "grade", "bad_grade"),
        ({"grade": "2099"}, 2, "grade", "bad_grade"),
        ({"branch": ""}, 2, "branch", "required"),
        ({"party_status": "党员?"}, 2, "party_status", "bad_party_status"),
        ({"league_member": "也许"}, 2, "league_member", "bad_league"),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_field(cells, row, field, code):
    assert problems_of(row_with(**cells)) == [(row, field, code)]


def test_values_people_write_are_normalised_not_refused():
    assert (
        problems_of(
            row_with(
                number="２０２４０００００１",
                phone="+86 138 1234 5678",
                national_id=ID_CHEN.lower()[:6] + " " + ID_CHEN[6:],
                birth_date="2003年5月7日",
                grade="2024级",
                league_member="yes",
                party_status="Probationary member",
                gender="male",
                major="—",
            )
        )
        == []
    )


def test_a_problem_is_told_in_the_readers_language():
    for code, (english, chinese) in MESSAGES.items():
        params = {"max": 100, "rows": "3", "id_date": "2003-05-07"}
        with translation.override("en"):
            assert english in imports.problem_message(code, params), code
        with translation.override("zh-hans"):
            assert chinese in imports.problem_message(code, params), code
    with translation.override("zh-hans"):
        assert imports.field_label("national_id") == "身份证号"
        assert imports.field_label("birth_date") == "出生日期"
    with translation.override("en"):
        assert imports.field_label("national_id") == "National ID"


def test_duplicates_inside_the_file_name_both_rows():
    found = problems_of(
        row_with(number="1", national_id=ID_CHEN, phone="13800000001", email="a@x.cn"),
        row_with(number="2", phone="138 0000 0001"),
        row_with(number="1", email="A@x.cn"),
        row_with(number="4", national_id=ID_CHEN),
    )
    assert sorted(found) == sorted(
        [
            (2, "number", "duplicate_in_file"),
            (4, "number", "duplicate_in_file"),
            (2, "national_id", "duplicate_in_file"),
            (5, "national_id", "duplicate_in_file"),
            (2, "phone", "duplicate_in_file"),
            (3, "phone", "duplicate_in_file"),
            (2, "email", "duplicate_in_file"),
            (4, "email", "duplicate_in_file"),
        ]
    )


def test_shown_values_mask_personal_data_and_control_characters():
    assert imports.safe_value(ID_CHEN, "national_id") == ID_CHEN[:3] + "*" * 11 + ID_CHEN[-4:]
    assert imports.safe_value("138 1234 5678", "phone") == "138****5678"
    assert imports.safe_value("a\x00b\nc") == "a\ufffdb\ufffdc"


# --- The fixture files, through the service ---------------------------------------------------------

FILE_CASES = [
    ("roster_bad_values.csv", 2, "birth_date", "bad_date"),
    ("roster_bad_values.csv", 3, "national_id", "id_checksum"),
    ("roster_bad_values.csv", 4, "phone", "bad_phone"),
    ("roster_bad_values.csv", 5, "birth_date", "birth_date_mismatch"),
    ("roster_bad_values.csv", 6, "gender", "bad_gender"),
    ("roster_bad_values.csv", 6, "email", "bad_email"),
    ("roster_bad_values.csv", 6, "grade", "bad_grade"),
    ("roster_bad_values.csv", 6, "party_status", "bad_party_status"),
    ("roster_bad_values.csv", 6, "league_member", "bad_league"),
    ("roster_bad_values.csv", 7, "national_id", "id_length"),
    ("roster_bad_values.csv", 7, "status_date", "date_range"),
    ("roster_formulas.xlsx", 2, "name", "formula"),
    ("roster_formulas.xlsx", 3, "name", "formula"),
    ("roster_formulas.xlsx", 4, "major", "formula"),
    ("roster_formulas.xlsx", 5, "major", "formula"),
    ("roster_formulas.xlsx", 6, "phone", "formula"),
    ("roster_duplicates.csv", 2, "number", "duplicate_in_file"),
    ("roster_duplicates.csv", 4, "number", "duplicate_in_file"),
    ("roster_duplicates.csv", 5, "national_id", "duplicate_in_file"),
    ("roster_duplicates.csv", 5, "phone", "duplicate_in_file"),
    ("roster_duplicates.csv", 5, "email", "duplicate_in_file"),
    ("roster_unknown_branch.csv", 2, "branch", "unknown_branch"),
    ("roster_unknown_branch.csv", 3, "branch", "unknown_branch"),
    ("roster_unknown_branch.csv", 4, "group", "unknown_group"),
    ("roster_unknown_branch.csv", 5, "branch", "required"),
    ("roster_db_duplicates.csv", 2, "national_id", "taken"),
    ("roster_db_duplicates.csv", 3, "phone", "taken"),
    ("roster_db_duplicates.csv", 4, "email", "taken"),
]


@pytest.fixture
def taken_data(personas):
    """The personal data that roster_db_duplicates.csv gives to new people already belongs to others."""
    personas.student.national_id = ID_TAKEN
    personas.student.save()
    personas.activist.phone = "13911112222"
    personas.activist.save()
    personas.propaganda.email = "Taken@Example.edu.cn"
    personas.propaganda.save()


@pytest.mark.django_db
@pytest.mark.usefixtures("private_media", "taken_data")
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_problem_kind_of_the_fixture_files_is_reported_by_row_and_field(tree, personas, language):
    found: set[tuple[str, int, str, str]] = set()
    for name in sorted({case[0] for case in FILE_CASES}):
        with translation.override(language):
            record = services_roster.roster_preview(
                actor=personas.university_admin, uploaded_file=upload(name), scope_unit=tree.college_a
            )
            assert record.error_count > 0 and not record.can_apply
            for item in record.problems:
                found.add((name, item["row"], item["field"], item["code"]))
                message = imports.problem_message(item["code"], item["params"])
                english, chinese = MESSAGES[item["code"]]
                assert (english if language == "en" else chinese) in message
    for case in FILE_CASES:
        assert case in found, case


@pytest.mark.django_db
@pytest.mark.usefixtures("private_media")
def test_a_branch_outside_the_scope_reads_exactly_like_an_unknown_one(tree, personas):
    record = services_roster.roster_preview(
        actor=personas.university_admin,
        uploaded_file=upload("roster_unknown_branch.csv"),
        scope_unit=tree.college_a,
    )
    unknown, outside = (item for item in record.problems if item["row"] in (2, 3))
    assert (unknown["code"], unknown["params"]) == (outside["code"], outside["params"])
    assert User.objects.filter(number__startswith="2023000").count() == 0


def test_a_name_shared_by_two_branches_or_groups_asks_for_the_code():
    context = Context(
        scope_path="0001",
        branches=[UnitRef(1, "00010001", "X1", "同名支部"), UnitRef(2, "00010002", "X2", "同名支部")],
        groups=[UnitRef(3, "000100010001", "G1", "第一小组"), UnitRef(4, "000100010002", "G2", "第一小组")],
        existing={},
        phone_owners={},
        national_id_owners={},
        email_owners={},
    )
    rows = [
        imports.RosterRow(2, number="1", name="甲", branch="同名支部"),
        imports.RosterRow(3, number="2", name="乙", branch="x2"),
        imports.RosterRow(4, number="3", name="丙", branch="X1", group="第一小组"),
        imports.RosterRow(5, number="4", name="丁", branch="X1", group="g2"),
        imports.RosterRow(6, number="5", name="戊", branch="X2", group="G1"),
    ]
    plan = plan_rows(rows, [], context)
    assert [(p.row, p.field, p.code) for p in plan.problems] == [
        (2, "branch", "ambiguous_branch"),
        (4, "group", "ambiguous_group"),
        (6, "group", "unknown_group"),  # G1 belongs to the other branch
    ]
    assert [(c.row, c.membership_values["branch"], c.membership_values["group"]) for c in plan.changes] == [
        (3, 2, None),
        (5, 1, 4),
    ]
