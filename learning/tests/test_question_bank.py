"""The question bank pages and services: who may write which bank, the form's rules, retiring, exams."""

from __future__ import annotations

import pytest
from django.test import Client

from core.errors import DomainError, FieldErrors
from learning.imports_questions import QuestionData
from learning.models_quiz import Exam, ExamStatus, Question, QuestionKind, QuestionStatus
from learning.services_questions import ExamData, exam_create, exam_set_status, question_create
from learning.tests.factories_quiz import make_question, make_questions
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def discipline(tree, personas):
    """A discipline member of branch A1: in its scope, without the question authors' right."""
    person = make_person(tree.branch_a1, name="纪检", status=PartyStatus.FULL)
    appoint(person, tree.branch_a1, "discipline_member")
    return person


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def form(unit, **fields) -> dict[str, object]:
    data = {
        "unit": unit.pk,
        "kind": QuestionKind.SINGLE,
        "stem": "党的最高领导机关是？",
        "options": "党的全国代表大会和它所产生的中央委员会\n中央政治局\n国务院",
        "answer": "A",
        "tags": "党章, 组织",
        "difficulty": "2",
        "explanation": "党章第十条。",
    }
    data.update(fields)
    return data


# --- Who may open which page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("student", 403),
        ("discipline", 403),
        ("propaganda", 200),
        ("secretary", 200),
        ("outsider", 200),
        ("college_officer", 200),
        ("system_admin", 200),
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/study/questions/",
        "/study/questions/new/",
        "/study/questions/import/",
        "/study/exams/",
        "/study/exams/new/",
    ],
)
def test_authoring_pages_need_the_question_authors_right_somewhere(
    personas, discipline, persona, status, url
):
    user = discipline if persona == "discipline" else getattr(personas, persona)
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 403),
        ("discipline", 403),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
    ],
)
def test_a_question_is_edited_only_by_authors_over_its_unit(personas, tree, discipline, persona, status):
    question = make_question(tree.branch_a1)
    user = discipline if persona == "discipline" else getattr(personas, persona)
    client = client_for(user)
    assert client.get(f"/study/questions/{question.pk}/").status_code == status
    expected_post = 302 if status == 200 else status
    response = client.post(f"/study/questions/{question.pk}/status/", {"status": "retired"})
    assert response.status_code == expected_post


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("student", 403), ("secretary", 200)])
def test_an_exam_is_edited_only_by_authors_over_its_unit(personas, tree, persona, status):
    exam = exam_create(
        actor=personas.secretary, unit=tree.branch_a1, data=ExamData(title="考试", draw_count=3)
    )
    client = client_for(getattr(personas, persona))
    assert client.get(f"/study/exams/{exam.pk}/edit/").status_code == status
    expected_post = 302 if status == 200 else status
    assert (
        client.post(f"/study/exams/{exam.pk}/status/", {"status": "published"}).status_code == expected_post
    )


# --- The bank list --------------------------------------------------------------------------------


def test_the_bank_lists_the_questions_of_the_authors_scope_only(personas, tree):
    make_question(tree.branch_a1, stem="甲一的题")
    make_question(tree.branch_a2, stem="甲二的题")
    make_question(tree.branch_b1, stem="乙一的题")
    body = client_for(personas.secretary).get("/study/questions/").content.decode()
    assert "甲一的题" in body
    assert "甲二的题" not in body
    assert "乙一的题" not in body
    college = client_for(personas.college_officer).get("/study/questions/").content.decode()
    assert "甲二的题" in college and "乙一的题" not in college


def test_the_bank_filters_by_type_tag_difficulty_and_words(personas, tree):
    make_question(tree.branch_a1, stem="党章第一题", tags=["党章"], difficulty=1)
    make_question(
        tree.branch_a1, stem="党史第一题", tags=["党史"], difficulty=4, kind=QuestionKind.TRUE_FALSE
    )
    client = client_for(personas.secretary)
    for query, shown, hidden in (
        ("?tag=党章", "党章第一题", "党史第一题"),
        ("?kind=true_false", "党史第一题", "党章第一题"),
        ("?difficulty=4", "党史第一题", "党章第一题"),
        ("?q=党章", "党章第一题", "党史第一题"),
    ):
        body = client.get(f"/study/questions/{query}").content.decode()
        assert shown in body and hidden not in body, query


def test_filtering_with_htmx_returns_the_results_only(personas, tree):
    make_question(tree.branch_a1, stem="党章第一题")
    response = client_for(personas.secretary).get("/study/questions/?q=党章", HTTP_HX_REQUEST="true")
    assert b'id="results"' in response.content
    assert b"<html" not in response.content
    assert "HX-Request" in response["Vary"]


def test_the_bank_takes_a_fixed_number_of_queries(personas, tree, django_assert_num_queries):
    make_questions(tree.branch_a1, 2)
    client = client_for(personas.secretary)
    with django_assert_num_queries(7):
        client.get("/study/questions/")
    make_questions(tree.branch_a1, 40)
    make_questions(tree.group_a1, 5)
    with django_assert_num_queries(7):
        client.get("/study/questions/")


# --- Writing questions ----------------------------------------------------------------------------


def test_an_author_writes_a_question_through_the_form(personas, tree):
    response = client_for(personas.secretary).post("/study/questions/new/", form(tree.branch_a1))
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.kind, question.options[0], question.correct) == (
        QuestionKind.SINGLE,
        "党的全国代表大会和它所产生的中央委员会",
        [0],
    )
    assert question.tag_list == ["党章", "组织"]
    assert question.difficulty == 2
    assert question.created_by == personas.secretary


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"answer": "D"}, "answer", "The answer D is not among the options filled in."),
        ({"answer": "AB"}, "answer", "A single-choice question has exactly one right option."),
        ({"options": "只有一个"}, "options", "A choice question needs at least two options."),
        (
            {"kind": "true_false", "options": "", "answer": "maybe"},
            "answer",
            "Write 对 or 错 (true or false).",
        ),
        (
            {"kind": "multiple", "answer": "A"},
            "answer",
            "A multiple-choice question has at least two right options.",
        ),
    ],
)
def test_a_question_that_breaks_a_rule_is_refused_naming_the_field(personas, tree, fields, field, message):
    response = client_for(personas.secretary).post("/study/questions/new/", form(tree.branch_a1, **fields))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Question.objects.exists()


def test_a_question_already_in_the_bank_is_refused_however_it_is_spaced(personas, tree):
    client = client_for(personas.secretary)
    client.post("/study/questions/new/", form(tree.branch_a1))
    response = client.post(
        "/study/questions/new/", form(tree.branch_a1, stem=" 党的最高领导机关是？ ", answer="a")
    )
    assert response.status_code == 400
    assert "This question is already in the unit's question bank." in response.context["form"].errors["stem"]
    assert Question.objects.count() == 1


def test_fill_in_answers_are_split_on_bars(personas, tree):
    client = client_for(personas.secretary)
    client.post(
        "/study/questions/new/",
        form(
            tree.branch_a1,
            kind="fill_in",
            options="",
            answer="共产主义 | 共产主义社会",
            stem="最终目标是____",
        ),
    )
    assert Question.objects.get().accepted == ["共产主义", "共产主义社会"]


def test_an_author_cannot_write_into_a_bank_outside_their_scope(personas, tree):
    data = QuestionData(kind=QuestionKind.TRUE_FALSE, stem="题", correct=[0])
    with pytest.raises(Exception) as refused:
        question_create(actor=personas.outsider, unit=tree.branch_a1, data=data)
    assert refused.type.__name__ == "Http404"
    response = client_for(personas.outsider).post("/study/questions/new/", form(tree.branch_a1))
    assert response.status_code == 400  # the unit is not among the form's choices
    assert not Question.objects.exists()


def test_editing_a_question_keeps_the_rules(personas, tree):
    question = make_question(tree.branch_a1)
    client = client_for(personas.secretary)
    response = client.post(f"/study/questions/{question.pk}/", form(tree.branch_a1, stem="改过的题干"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.stem == "改过的题干"
    bad = client.post(f"/study/questions/{question.pk}/", form(tree.branch_a1, answer="F"))
    assert bad.status_code == 400


def test_a_retired_question_is_kept_but_no_longer_listed_by_default(personas, tree):
    question = make_question(tree.branch_a1, stem="将退役")
    client = client_for(personas.secretary)
    client.post(f"/study/questions/{question.pk}/status/", {"status": "retired"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.RETIRED
    assert "将退役" not in client.get("/study/questions/").content.decode()
    assert "将退役" in client.get("/study/questions/?status=retired").content.decode()


# --- Exams ---------------------------------------------------------------------------------------


def test_an_author_builds_and_opens_an_exam(personas, tree):
    questions = make_questions(tree.college_a, 2)
    client = client_for(personas.college_officer)
    response = client.post(
        "/study/exams/new/",
        {
            "unit": tree.college_a.pk,
            "title": "二十大精神专题考试",
            "question_numbers": f"{questions[0].pk}, {questions[1].pk}",
            "draw_count": "0",
            "time_limit_minutes": "20",
            "max_attempts": "2",
        },
    )
    assert response.status_code == 302
    exam = Exam.objects.get()
    assert (exam.status, exam.time_limit_minutes, exam.max_attempts) == (ExamStatus.DRAFT, 20, 2)
    assert set(exam.questions.values_list("id", flat=True)) == {q.pk for q in questions}
    client.post(f"/study/exams/{exam.pk}/status/", {"status": "published"})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.PUBLISHED


def test_an_exam_cannot_use_questions_of_another_bank(personas, tree):
    foreign = make_question(tree.branch_b1)
    with pytest.raises(FieldErrors) as refused:
        exam_create(
            actor=personas.secretary,
            unit=tree.branch_a1,
            data=ExamData(title="考试", question_ids=(foreign.pk,)),
        )
    assert "questions" in refused.value.fields


def test_an_exam_needs_questions_or_a_draw(personas, tree):
    with pytest.raises(FieldErrors) as refused:
        exam_create(actor=personas.secretary, unit=tree.branch_a1, data=ExamData(title="考试"))
    assert "questions" in refused.value.fields


def test_a_draft_cannot_be_closed(personas, tree):
    exam = exam_create(
        actor=personas.secretary, unit=tree.branch_a1, data=ExamData(title="考试", draw_count=2)
    )
    with pytest.raises(DomainError) as refused:
        exam_set_status(actor=personas.secretary, exam_id=exam.pk, status=ExamStatus.CLOSED)
    assert refused.value.code == "exam_transition"


def test_the_exam_list_takes_a_fixed_number_of_queries(personas, tree, django_assert_num_queries):
    client = client_for(personas.secretary)
    exam_create(actor=personas.secretary, unit=tree.branch_a1, data=ExamData(title="考试", draw_count=2))
    with django_assert_num_queries(6):
        client.get("/study/exams/")
    for n in range(5):
        exam_create(
            actor=personas.secretary, unit=tree.branch_a1, data=ExamData(title=f"考试{n}", draw_count=2)
        )
    with django_assert_num_queries(6):
        client.get("/study/exams/")
