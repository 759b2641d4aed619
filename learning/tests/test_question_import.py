"""Importing questions from a spreadsheet: every problem by row and column, all or nothing, idempotent."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.errors import DomainError, FieldErrors
from learning.imports_questions import read_file
from learning.models_quiz import ImportStatus, Question, QuestionImport, QuestionKind
from learning.services_questions import import_plan, question_import_apply, question_import_check
from learning.tests.factories_quiz import make_question

pytestmark = pytest.mark.django_db

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "标签", "难度", "解析"]
GOOD = [
    [
        "单选",
        "中国共产党的根本宗旨是？",
        "全心全意为人民服务",
        "发展生产力",
        "",
        "",
        "A",
        "宗旨",
        "1",
        "党章总纲",
    ],
    ["多选", "“四个意识”包括？", "政治意识", "大局意识", "核心意识", "看齐意识", "ABCD", "四个意识", "2", ""],
    ["判断", "预备党员的预备期为一年。", "", "", "", "", "对", "党章", "", ""],
    ["填空", "党的最高理想是实现____。", "", "", "", "", "共产主义|共产主义社会", "", "3", ""],
]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def check(personas, tree, data: bytes, name: str = "题库.xlsx") -> QuestionImport:
    return question_import_check(actor=personas.secretary, unit=tree.branch_a1, file_name=name, data=data)


def problems_of(record: QuestionImport) -> set[tuple[int | None, str, str]]:
    return {(problem.row, problem.field, problem.code) for problem in import_plan(record).problems}


# --- Reading -------------------------------------------------------------------------------------


def test_a_good_file_reads_every_kind_of_question():
    read = read_file("q.xlsx", workbook(GOOD))
    assert [row.problems for row in read.rows] == [[], [], [], []]
    single, multiple, true_false, fill_in = (row.data for row in read.rows)
    assert (single.kind, single.options, single.correct, single.difficulty) == (
        QuestionKind.SINGLE,
        ["全心全意为人民服务", "发展生产力"],
        [0],
        1,
    )
    assert (multiple.kind, multiple.correct) == (QuestionKind.MULTIPLE, [0, 1, 2, 3])
    assert (true_false.kind, true_false.correct, true_false.difficulty) == (QuestionKind.TRUE_FALSE, [0], 3)
    assert fill_in.accepted == ["共产主义", "共产主义社会"]


def test_every_problem_is_listed_by_row_and_column(personas, tree):
    make_question(tree.branch_a1, kind=QuestionKind.TRUE_FALSE, stem="已有的判断题。")
    rows = [
        ["单选", "", "甲", "乙", "", "", "A", "", "", ""],  # row 2: missing stem
        ["问答", "什么是党？", "", "", "", "", "略", "", "", ""],  # row 3: unknown type
        ["单选", "选哪个？", "甲", "乙", "", "", "C", "", "", ""],  # row 4: answer not among options
        ["多选", "重复的题", "甲", "乙", "丙", "", "AB", "", "", ""],  # row 5 and 6: duplicate in the file
        ["多选", "重复的题 ", "甲", "乙", "丙", "", "AC", "", "", ""],
        ["判断", "已有的判断题。", "", "", "", "", "错", "", "", ""],  # row 7: already in the bank (a note)
        ["单选", "=HYPERLINK(1)", "甲", "乙", "", "", "A", "", "", ""],  # row 8: a formula
        ["单选", "难度呢？", "甲", "乙", "", "", "A", "", "9", ""],  # row 9: bad difficulty
        ["单选", "空选项", "甲", "", "丙", "", "A", "", "", ""],  # row 10: a gap in the options
        ["判断", "判断题答案", "", "", "", "", "也许", "", "", ""],  # row 11: bad true/false
    ]
    record = check(personas, tree, workbook(rows))
    assert problems_of(record) == {
        (2, "stem", "required"),
        (3, "kind", "unknown_kind"),
        (4, "answer", "answer_not_option"),
        (5, "stem", "duplicate_in_file"),
        (6, "stem", "duplicate_in_file"),
        (7, "stem", "duplicate_in_bank"),
        (8, "stem", "formula"),
        (9, "difficulty", "bad_difficulty"),
        (10, "options", "options_gap"),
        (11, "answer", "bad_true_false"),
    }


def test_missing_required_columns_are_a_problem_of_the_whole_file(personas, tree):
    record = check(personas, tree, workbook([["单选"]], header=["题型", "备注"]))
    assert (None, "", "missing_columns") in problems_of(record)
    assert (None, "", "unknown_column") in problems_of(record)


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_file_field(personas, tree):
    with pytest.raises(FieldErrors) as refused:
        check(personas, tree, b"\x00\x01garbage", name="q.pdf")
    assert "file" in refused.value.fields


def test_a_csv_file_in_gbk_is_read_as_well(personas, tree):
    text = "题型,题干,选项A,选项B,答案\n单选,哪个对？,甲,乙,B\n"
    record = check(personas, tree, text.encode("gb18030"), name="q.csv")
    plan = import_plan(record)
    assert plan.errors == [] and len(plan.new) == 1


# --- Applying ------------------------------------------------------------------------------------


def test_a_file_with_an_error_imports_nothing(personas, tree):
    record = check(personas, tree, workbook([*GOOD, ["单选", "", "甲", "乙", "", "", "A", "", "", ""]]))
    with pytest.raises(DomainError) as refused:
        question_import_apply(actor=personas.secretary, public_id=record.public_id)
    assert refused.value.code == "import_has_errors"
    assert not Question.objects.exists()


def test_applying_adds_every_new_question_and_reimporting_the_same_file_changes_nothing(personas, tree):
    data = workbook(GOOD)
    record, created = question_import_apply(
        actor=personas.secretary, public_id=check(personas, tree, data).public_id
    )
    assert created == 4
    assert record.status == ImportStatus.APPLIED
    assert Question.objects.filter(unit=tree.branch_a1).count() == 4
    # Applying the same import again, or a new import of the same file, adds nothing.
    assert question_import_apply(actor=personas.secretary, public_id=record.public_id)[1] == 0
    again = check(personas, tree, data)
    plan = import_plan(again)
    assert plan.new == [] and len(plan.in_bank) == 4
    assert (None, "", "same_file_applied") in problems_of(again)
    assert question_import_apply(actor=personas.secretary, public_id=again.public_id)[1] == 0
    assert Question.objects.count() == 4


def test_only_authors_over_the_unit_may_check_or_apply(personas, tree):
    with pytest.raises(Exception) as refused:
        question_import_check(
            actor=personas.outsider, unit=tree.branch_a1, file_name="q.xlsx", data=workbook(GOOD)
        )
    assert refused.type.__name__ == "Http404"
    record = check(personas, tree, workbook(GOOD))
    with pytest.raises(Exception) as refused:
        question_import_apply(actor=personas.student, public_id=record.public_id)
    assert refused.type.__name__ == "PermissionDenied"


# --- Pages ---------------------------------------------------------------------------------------


def test_upload_then_preview_then_apply_through_the_pages(personas, tree):
    client = client_for(personas.secretary)
    upload = SimpleUploadedFile("题库.xlsx", workbook(GOOD))
    response = client.post("/study/questions/import/", {"unit": tree.branch_a1.pk, "file": upload})
    assert response.status_code == 302
    record = QuestionImport.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert b"Import 4 questions" in preview.content
    applied = client.post(f"/study/questions/import/{record.public_id}/apply/", follow=True)
    assert b"4 questions were added." in applied.content
    assert Question.objects.count() == 4


def test_the_preview_names_rows_columns_and_problems_in_the_readers_language(personas, tree):
    record = check(personas, tree, workbook([["单选", "选哪个？", "甲", "乙", "", "", "C", "", "", ""]]))
    english = (
        client_for(personas.secretary).get(f"/study/questions/import/{record.public_id}/").content.decode()
    )
    assert "The answer C is not among the options filled in." in english
    assert "Answer" in english
    chinese = client_for(personas.secretary, "zh-hans").get(f"/study/questions/import/{record.public_id}/")
    assert "答案 C 不在已填写的选项中。" in chinese.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("student", 403), ("secretary", 200)])
def test_an_import_preview_is_open_to_authors_over_its_unit_only(personas, tree, persona, status):
    record = check(personas, tree, workbook(GOOD))
    client = client_for(getattr(personas, persona))
    assert client.get(f"/study/questions/import/{record.public_id}/").status_code == status
    expected = 302 if status == 200 else status
    assert client.post(f"/study/questions/import/{record.public_id}/apply/").status_code == expected


def test_an_unreadable_upload_is_refused_on_the_file_field(personas, tree):
    upload = SimpleUploadedFile("q.xls", b"\xd0\xcf\x11\xe0 old excel")
    response = client_for(personas.secretary).post(
        "/study/questions/import/", {"unit": tree.branch_a1.pk, "file": upload}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not QuestionImport.objects.exists()


def test_the_downloaded_template_imports_as_it_is(personas, tree):
    client = client_for(personas.secretary)
    response = client.get("/study/questions/import/template/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Type", "Question", "Option A"]
    plan = import_plan(check(personas, tree, data))
    assert plan.errors == [] and len(plan.new) == 4
    assert client_for(personas.student).get("/study/questions/import/template/").status_code == 403
