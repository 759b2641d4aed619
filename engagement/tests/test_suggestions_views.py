"""Pages and API of the suggestion box: the permission matrix, field errors in the reader's
language, the whole round trip through forms, and constant query counts on the lists."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement import services_suggestions as services
from engagement.models import Suggestion, SuggestionStatus
from engagement.tests.factories_suggestions import client_for, local, send
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
ITEM_MATRIX = {
    "student": OK,  # the sender
    "activist": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": OK,  # the handler
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
    "outsider": NOT_FOUND,
}
BOX_MATRIX = {**ITEM_MATRIX, "student": NOT_FOUND}


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 11, 23), 10), tick=False)
    return time_machine


@pytest.fixture
def item(tree, personas):
    return send(personas.student, tree.branch_a1)


@pytest.mark.parametrize(("persona", "expected"), ITEM_MATRIX.items())
def test_the_item_page_and_endpoint_answer_each_persona(persona, expected, personas, item):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("engagement:suggestion", args=[item.pk])).status_code == expected
    assert client.get(f"/api/v1/suggestions/{item.pk}").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), BOX_MATRIX.items())
def test_the_unit_box_answers_each_persona(persona, expected, personas, tree, item):
    client = client_for(getattr(personas, persona))
    assert (
        client.get(reverse("engagement:unit_suggestions", args=[tree.branch_a1.pk])).status_code == expected
    )
    assert client.get(f"/api/v1/units/{tree.branch_a1.pk}/suggestions").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), ITEM_MATRIX.items())
def test_reassigning_answers_each_persona(persona, expected, personas, item):
    client = client_for(getattr(personas, persona))
    payload = {"handler_id": personas.secretary.pk}
    response = client.post(f"/api/v1/suggestions/{item.pk}/handler", payload, content_type="application/json")
    managers = {"secretary", "college_officer", "university_admin", "system_admin"}
    assert response.status_code == (OK if persona in managers else FORBIDDEN if expected == OK else expected)


def test_a_student_writes_gets_a_reply_follows_up_and_rates_through_the_pages(tree, personas):
    student, secretary = client_for(personas.student), client_for(personas.secretary)
    page = student.get(reverse("engagement:suggestion_new"))
    assert page.status_code == 200 and tree.college_a.name in page.content.decode()
    response = student.post(
        reverse("engagement:suggestion_new"),
        {
            "unit": tree.branch_a1.pk,
            "kind": "question",
            "subject": "奖学金评定",
            "text": "评定细则何时公布？",
            "request_key": "abc",
        },
    )
    item = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == reverse("engagement:suggestion", args=[item.pk])
    student.post(
        reverse("engagement:suggestion_new"),
        {
            "unit": tree.branch_a1.pk,
            "kind": "question",
            "subject": "奖学金评定",
            "text": "评定细则何时公布？",
            "request_key": "abc",
        },
    )
    assert Suggestion.objects.count() == 1  # the retried form sent nothing new
    assert (
        "奖学金评定"
        in secretary.get(reverse("engagement:unit_suggestions", args=[tree.branch_a1.pk])).content.decode()
    )
    response = secretary.post(
        reverse("engagement:suggestion_reply", args=[item.pk]), {"text": "下周一公布。"}
    )
    assert response.status_code == 302
    page = student.get(reverse("engagement:suggestion", args=[item.pk])).content.decode()
    assert "下周一公布。" in page and 'name="rating"' in page
    student.post(reverse("engagement:suggestion_rate", args=[item.pk]), {"rating": "5", "comment": "谢谢"})
    item.refresh_from_db()
    assert (item.status, item.rating) == (SuggestionStatus.CLOSED, 5)
    student.post(reverse("engagement:suggestion_follow_up", args=[item.pk]), {"text": "还想问一下名额"})
    item.refresh_from_db()
    assert item.status == SuggestionStatus.OPEN and item.round == 2


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Give your message a subject."), ("zh-hans", "请填写留言主题。")]
)
def test_bad_input_names_the_field_in_the_readers_language(tree, personas, language, message):
    client = client_for(personas.student, language)
    response = client.post(
        reverse("engagement:suggestion_new"),
        {"unit": tree.branch_a1.pk, "kind": "suggestion", "subject": "   ", "text": "内容"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    api = client.post(
        "/api/v1/suggestions",
        {"unit_id": tree.branch_b1.pk, "subject": "主题", "text": "内容"},
        content_type="application/json",
    )
    assert api.status_code == 400 and list(api.json()["error"]["fields"]) == ["unit"]


def test_blocked_words_name_the_field_on_the_page(tree, personas):
    response = client_for(personas.student).post(
        reverse("engagement:suggestion_new"),
        {"unit": tree.branch_a1.pk, "kind": "suggestion", "subject": "食堂", "text": "你这个傻逼"},
    )
    assert response.status_code == 400 and "id_text-errors" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_rating_before_a_reply_is_refused_by_the_api(personas, item):
    response = client_for(personas.student).post(
        f"/api/v1/suggestions/{item.pk}/rating", {"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "suggestion.not_answered"


def test_the_api_send_is_idempotent_with_a_request_key(tree, personas):
    client = client_for(personas.student)
    body = {
        "unit_id": tree.branch_a1.pk,
        "subject": "自习室",
        "text": "希望开放到十一点",
        "request_key": "k-1",
    }
    first = client.post("/api/v1/suggestions", body, content_type="application/json")
    again = client.post("/api/v1/suggestions", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Suggestion.objects.count() == 1
    assert first.json()["sender"]["name"] == personas.student.name  # the sender sees themself


def test_the_api_round_trip(tree, personas, item):
    secretary, student = client_for(personas.secretary), client_for(personas.student)
    assert [row["id"] for row in secretary.get("/api/v1/suggestions/handling").json()] == [item.pk]
    reply = secretary.post(
        f"/api/v1/suggestions/{item.pk}/replies", {"text": "收到"}, content_type="application/json"
    )
    assert reply.status_code == 200 and reply.json()["status"] == "answered"
    rated = student.post(
        f"/api/v1/suggestions/{item.pk}/rating", {"rating": 3}, content_type="application/json"
    )
    assert rated.json()["status"] == "closed"
    follow = student.post(
        f"/api/v1/suggestions/{item.pk}/follow-ups", {"text": "再问"}, content_type="application/json"
    )
    assert follow.json()["status"] == "open" and follow.json()["round"] == 2
    assert [row["id"] for row in student.get("/api/v1/suggestions/mine").json()] == [item.pk]
    destinations = student.get("/api/v1/suggestions/destinations").json()
    assert [unit["id"] for unit in destinations] == [tree.branch_a1.pk, tree.college_a.pk, tree.university.pk]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_take_the_same_number_of_queries_for_one_item_and_for_many(tree, personas):
    secretary = client_for(personas.secretary)
    student = client_for(personas.student)
    send(personas.student, tree.branch_a1, request_key="first")
    box = reverse("engagement:unit_suggestions", args=[tree.branch_a1.pk])
    college_box = reverse("engagement:unit_suggestions", args=[tree.college_a.pk])
    urls = [
        box,
        reverse("engagement:my_suggestions"),
        f"/api/v1/units/{tree.branch_a1.pk}/suggestions",
        "/api/v1/suggestions/mine",
        "/api/v1/suggestions/handling",
    ]
    before = {url: _count(secretary if "mine" not in url else student, url) for url in urls}
    college_before = _count(client_for(personas.college_officer), college_box)
    for number in range(6):
        sender = make_person(tree.branch_a1 if number % 2 else tree.branch_a2, status=PartyStatus.APPLICANT)
        unit = tree.branch_a1 if number % 2 else tree.branch_a2
        send(sender, unit, request_key=f"k{number}", hide_name=bool(number % 3))
        send(personas.student, tree.branch_a1, request_key=f"s{number}")
    after = {url: _count(secretary if "mine" not in url else student, url) for url in urls}
    assert after == before
    assert _count(client_for(personas.college_officer), college_box) == college_before


def test_the_reply_deadline_setting_is_local(tree, personas, settings):
    settings.SUGGESTION_REPLY_DAYS = 5
    assert send(personas.student, tree.branch_a1).due_on == date(2026, 11, 30)
    assert services.reply_days() == 5


def test_the_api_documents_every_endpoint(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert "/api/v1/suggestions/{suggestion_id}/rating" in schema["paths"]
