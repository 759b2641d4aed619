"""Authors build, open, close and remind a survey through the API: the same rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import Notification
from engagement.models.surveys import Survey, SurveyStatus
from engagement.tests.test_surveys_api import client_for, post_json
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def create(client: Any, unit_id: int, **fields: Any) -> Any:
    body = {"title": "支部活动满意度", "targets": [{"unit_id": unit_id}], **fields}
    return post_json(client, f"/api/v1/units/{unit_id}/surveys", body)


def test_an_author_builds_opens_reminds_and_closes_a_survey(tree, personas):
    secretary = client_for(personas.secretary)
    created = create(secretary, tree.branch_a1.pk, is_anonymous=True)
    assert created.status_code == 201
    survey = created.json()
    assert (survey["status"], survey["is_anonymous"], survey["questions"]) == ("draft", True, [])
    url = f"/api/v1/surveys/{survey['id']}"

    choice = post_json(
        secretary, f"{url}/questions", {"kind": "single", "text": "满意吗？", "options": ["是", "否"]}
    )
    assert choice.status_code == 201
    follow = post_json(
        secretary,
        f"{url}/questions",
        {
            "kind": "long_text",
            "text": "哪里不满意？",
            "condition_question_id": choice.json()["id"],
            "condition_option": 1,
        },
    )
    assert follow.json()["condition_question_id"] == choice.json()["id"]
    extra = post_json(secretary, f"{url}/questions", {"kind": "short_text", "text": "多余的题"})
    removed = secretary.delete(f"{url}/questions/{extra.json()['id']}")
    assert [q["text"] for q in removed.json()["questions"]] == ["满意吗？", "哪里不满意？"]

    opened = post_json(secretary, f"{url}/open", {})
    assert opened.json()["status"] == "open"
    assert Notification.objects.filter(recipient=personas.student).exists()  # the people asked are told
    student = client_for(personas.student)
    answered = post_json(student, f"{url}/responses", {"answers": {str(choice.json()["id"]): 0}})
    assert answered.status_code == 201
    reminded = post_json(secretary, f"{url}/reminders", {}).json()
    assert reminded["reminded"] >= 1  # everyone asked but the student
    twice = post_json(secretary, f"{url}/reminders", {})  # once a day
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "survey.reminded_today")
    locked = post_json(secretary, f"{url}/questions", {"kind": "short_text", "text": "太晚了"})
    assert (locked.status_code, locked.json()["error"]["code"]) == (409, "survey.has_answers")

    closed = post_json(secretary, f"{url}/close", {})
    assert closed.json()["status"] == "closed"
    assert Survey.objects.get(pk=survey["id"]).status == SurveyStatus.CLOSED
    again = post_json(secretary, f"{url}/close", {})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "survey.not_open")


def test_bad_input_names_the_field(tree, personas):
    secretary = client_for(personas.secretary)
    no_title = create(secretary, tree.branch_a1.pk, title=" ")
    assert (no_title.status_code, list(no_title.json()["error"]["fields"])) == (400, ["title"])
    unknown_unit = create(secretary, tree.branch_a1.pk, targets=[{"unit_id": 999_999}])
    assert (unknown_unit.status_code, list(unknown_unit.json()["error"]["fields"])) == (400, ["targets"])
    survey_id = create(secretary, tree.branch_a1.pk).json()["id"]
    one_option = post_json(
        client_for(personas.secretary, "zh-hans"),
        f"/api/v1/surveys/{survey_id}/questions",
        {"kind": "single", "text": "只有一个选项", "options": ["是"]},
    )
    assert one_option.status_code == 400
    assert "至少" in one_option.json()["error"]["fields"]["options"][0]
    empty = post_json(secretary, f"/api/v1/surveys/{survey_id}/open", {})
    assert (empty.status_code, empty.json()["error"]["code"]) == (409, "survey.no_questions")


@pytest.fixture
def group_leader(tree):
    leader = make_person(tree.branch_a1, name="孙组长", status=PartyStatus.FULL, group=tree.group_a1)
    appoint(leader, tree.group_a1, "group_leader")
    return leader


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 404), ("student", 404), ("group_leader", 403), ("propaganda", 201), ("secretary", 201)],
)
def test_creating_follows_the_permission_matrix(tree, personas, group_leader, persona, expected):
    person = group_leader if persona == "group_leader" else getattr(personas, persona)
    unit = tree.group_a1 if persona == "group_leader" else tree.branch_a1
    assert create(client_for(person), unit.pk).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", 404), ("group_leader", 403), ("secretary", 200)]
)
def test_opening_and_building_follow_the_permission_matrix(tree, personas, group_leader, persona, expected):
    survey_id = create(client_for(personas.secretary), tree.group_a1.pk).json()["id"]
    post_json(
        client_for(personas.secretary),
        f"/api/v1/surveys/{survey_id}/questions",
        {"kind": "single", "text": "满意吗？", "options": ["是", "否"]},
    )
    person = group_leader if persona == "group_leader" else getattr(personas, persona)
    client = client_for(person)
    added = post_json(client, f"/api/v1/surveys/{survey_id}/questions", {"kind": "short_text", "text": "题"})
    assert added.status_code == (201 if expected == 200 else expected)
    assert post_json(client, f"/api/v1/surveys/{survey_id}/open", {}).status_code == expected
