"""The surveys API: my surveys, a survey, answering once, voting, results and export, with the
permission matrix and errors that name the field in the caller's language."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from engagement import services_surveys as services
from engagement.models.surveys import QuestionKind, SurveyParticipation, SurveyResponse
from engagement.services_surveys import TargetIn
from engagement.tests.factories_surveys import add_question, answers, make_survey, opened
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

OK, CREATED, BAD, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 201, 400, 403, 404, 409
AUTHORS = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def by_id(q: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {str(q[key].pk): value for key, value in values.items()}


def test_my_surveys_lists_open_surveys_that_ask_me(tree, personas):
    survey, _q = opened(personas.secretary, tree.branch_a1, title="学习调查")
    opened(personas.outsider, tree.branch_b1, title="别处")
    rows = client_for(personas.student).get("/api/v1/me/surveys").json()
    assert [(row["id"], row["answered"]) for row in rows] == [(survey.pk, False)]


def test_a_survey_shows_its_questions_and_conditions(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    body = client_for(personas.student).get(f"/api/v1/surveys/{survey.pk}").json()
    why = next(row for row in body["questions"] if row["id"] == q["why"].pk)
    assert (why["condition_question_id"], why["condition_option"]) == (q["single"].pk, 2)
    assert client_for(personas.outsider).get(f"/api/v1/surveys/{survey.pk}").status_code == NOT_FOUND


def test_answering_is_idempotent(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    client = client_for(personas.student)
    body = {"answers": by_id(q, single=2, why=[0, 1], rating="4", short="多组织学习")}
    first = post_json(client, f"/api/v1/surveys/{survey.pk}/responses", body)
    again = post_json(client, f"/api/v1/surveys/{survey.pk}/responses", body)
    assert (first.status_code, first.json()["created"]) == (CREATED, True)
    assert (again.status_code, again.json()["created"]) == (OK, False)
    assert SurveyResponse.objects.count() == 1


def test_bad_answers_name_the_field_in_the_callers_language(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    response = post_json(
        client_for(personas.student, "zh-hans"),
        f"/api/v1/surveys/{survey.pk}/responses",
        {"answers": by_id(q, single=2, rating=9)},
    )
    assert response.status_code == BAD
    fields = response.json()["error"]["fields"]
    assert set(fields) == {f"answers.{q['why'].pk}", f"answers.{q['rating'].pk}"}
    assert "请回答" in fields[f"answers.{q['why'].pk}"][0]


def test_a_closed_survey_refuses_answers_with_409(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.survey_close(actor=personas.secretary, survey=survey)
    response = post_json(
        client_for(personas.student),
        f"/api/v1/surveys/{survey.pk}/responses",
        {"answers": by_id(q, single=0)},
    )
    assert response.status_code == CONFLICT
    assert response.json()["error"]["code"] == "survey.not_open"


@pytest.mark.parametrize(("persona", "expected"), AUTHORS.items())
@pytest.mark.parametrize("path", ["results", "export"])
def test_results_and_export_answer_each_persona(tree, personas, persona, expected, path):
    survey, _q = opened(personas.secretary, tree.branch_a1)
    response = client_for(getattr(personas, persona)).get(f"/api/v1/surveys/{survey.pk}/{path}")
    assert response.status_code == expected


def test_results_need_the_right_in_scope(tree, personas):
    leader = make_person(tree.branch_a1, name="孙组长", status=PartyStatus.FULL, group=tree.group_a1)
    appoint(leader, tree.group_a1, "group_leader")
    survey = make_survey(personas.secretary, tree.group_a1, targets=[TargetIn(tree.group_a1)])
    assert client_for(leader).get(f"/api/v1/surveys/{survey.pk}/results").status_code == FORBIDDEN


def test_results_count_answers_and_rates(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    body = client_for(personas.secretary).get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert body["responses"] == 1
    assert body["questions"][0]["options"][0] == {"label": "满意", "count": 1, "percent": 100}
    assert body["units"][0]["answered"] == 1


def test_the_export_has_an_answers_sheet_and_a_summary(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(
        actor=personas.student,
        survey=survey,
        answers=answers(q, single=["2"], why=["0", "2"], short=["=1+1"]),
    )
    response = client_for(personas.secretary).get(f"/api/v1/surveys/{survey.pk}/export")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert "张学生" in rows[1]
    assert "组织生活; 信息公开" in rows[1]
    assert "'=1+1" in rows[1]  # a formula in a text answer is defused
    summary = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    assert ("你对支部工作满意吗？", "不满意", 1, 100) in summary


# --- Polls ------------------------------------------------------------------------------------


@pytest.fixture
def poll(tree, personas):
    poll = make_survey(personas.secretary, tree.branch_a1, title="下次活动去哪里", is_poll=True, targets=[])
    add_question(
        personas.secretary, poll, QuestionKind.SINGLE, text="选一个地点", options=["博物馆", "纪念馆"]
    )
    return services.survey_open(actor=personas.secretary, survey=poll)


def test_a_vote_counts_once_and_returns_the_results(personas, poll):
    client = client_for(personas.outsider)  # a poll without targets asks every logged-in person
    first = post_json(client, f"/api/v1/polls/{poll.pk}/votes", {"choices": [1]})
    again = post_json(client, f"/api/v1/polls/{poll.pk}/votes", {"choices": [0]})
    assert (first.status_code, again.status_code) == (CREATED, OK)
    assert again.json()["result"]["options"][1]["count"] == 1
    assert again.json()["result"]["options"][0]["count"] == 0
    assert SurveyParticipation.objects.filter(survey=poll).count() == 1


def test_a_bad_vote_names_the_choices(personas, poll):
    response = post_json(client_for(personas.student), f"/api/v1/polls/{poll.pk}/votes", {"choices": [0, 1]})
    assert response.status_code == BAD
    assert "choices" in response.json()["error"]["fields"]


def test_my_surveys_api_has_a_fixed_number_of_queries(tree, personas):
    client = client_for(personas.student)
    opened(personas.secretary, tree.branch_a1)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/surveys")
    for index in range(3):
        opened(personas.secretary, tree.branch_a1, title=f"调查{index}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/me/surveys").json()) == 4
    assert len(many.captured_queries) == len(few.captured_queries)
