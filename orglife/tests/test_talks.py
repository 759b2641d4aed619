"""One-on-one talks: recording (with its checks and retries), who has had none this year, and who may
read the summaries."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from orglife import queries_evaluation, services_talks
from orglife.models_evaluation import Talk
from orglife.tests.factories_compliance import local, make_bystander, make_member

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,  # a member of the branch without a position: summaries are not theirs
    "activist": NOT_FOUND,
    "bystander": FORBIDDEN,
    "propaganda": OK,  # every branch committee member holds talks
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
SUMMARY = "谈到了学习和就业的压力"


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 6, 15), 9), tick=False)
    return time_machine


@pytest.fixture
def people(tree, personas):
    personas.bystander = make_bystander(tree.branch_a1)
    return personas


@pytest.fixture
def member(tree):
    return make_member(tree.branch_a1)


@pytest.fixture
def talk(tree, people, member):
    return services_talks.talk_record(
        actor=people.secretary,
        branch=tree.branch_a1,
        person=member,
        talked_on=date(2026, 6, 1),
        topic="思想汇报",
        summary=SUMMARY,
    )


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_recording_a_talk_is_audited_without_its_summary(talk, people, member):
    assert (talk.talked_by, talk.recorded_by, talk.person) == (people.secretary, people.secretary, member)
    event = AuditEvent.objects.get(action="orglife.talk.record")
    assert SUMMARY not in json.dumps(event.data, ensure_ascii=False)


def test_a_retried_record_returns_the_first_talk(talk, tree, people, member):
    again = services_talks.talk_record(
        actor=people.secretary,
        branch=tree.branch_a1,
        person=member,
        talked_on=date(2026, 6, 1),
        topic="思想汇报",
        summary=SUMMARY,
    )
    assert again.pk == talk.pk
    assert Talk.objects.count() == 1


def test_only_members_of_the_branch_on_a_past_day_with_a_topic(tree, people, member):
    with pytest.raises(FieldErrors) as wrong:
        services_talks.talk_record(
            actor=people.secretary,
            branch=tree.branch_a1,
            person=people.student,
            talked_on=date(2026, 6, 16),
            topic="",
        )
    assert set(wrong.value.fields) == {"person", "talked_on", "topic"}
    with pytest.raises(FieldErrors) as talker:
        services_talks.talk_record(
            actor=people.secretary,
            branch=tree.branch_a1,
            person=member,
            talked_on=date(2026, 6, 1),
            topic="谈心",
            talked_by=people.student,
        )
    assert set(talker.value.fields) == {"talked_by"}
    assert not Talk.objects.exists()


def test_recording_needs_the_right_over_the_branch(tree, people, member):
    with pytest.raises(PermissionDenied):
        services_talks.talk_record(
            actor=people.bystander,
            branch=tree.branch_a1,
            person=member,
            talked_on=date(2026, 6, 1),
            topic="谈心",
        )
    with pytest.raises(DomainError) as blocked:
        services_talks.talk_record(
            actor=people.secretary,
            branch=tree.branch_a1,
            person=member,
            talked_on=date(2026, 6, 1),
            topic="刷单",
        )
    assert blocked.value.code == "moderation.blocked"


def test_the_branch_sees_who_has_had_no_talk_this_year(talk, tree, people, member):
    without = {m.person_id for m in queries_evaluation.members_without_talk(tree.branch_a1, 2026)}
    assert without == {people.propaganda.pk, people.secretary.pk}
    assert member.pk in {m.person_id for m in queries_evaluation.members_without_talk(tree.branch_a1, 2025)}


@pytest.mark.parametrize(("name", "expected"), MATRIX.items())
def test_the_talks_page_answers_each_persona_and_shows_summaries_only_to_the_committee(
    tree, people, talk, name, expected
):
    response = client_for(getattr(people, name)).get(reverse("orglife:talks", args=[tree.branch_a1.pk]))
    assert response.status_code == expected
    assert (SUMMARY in response.content.decode()) == (expected == OK)


@pytest.mark.parametrize(("name", "expected"), MATRIX.items())
def test_the_talks_endpoints_answer_each_persona(tree, people, talk, name, expected):
    client = client_for(getattr(people, name))
    listed = client.get(f"/api/v1/units/{tree.branch_a1.pk}/talks")
    assert listed.status_code == expected
    assert client.get(f"/api/v1/units/{tree.branch_a1.pk}/talks/members-without").status_code == expected
    if expected == OK:
        assert listed.json()["items"][0]["summary"] == SUMMARY


def test_a_talk_is_recorded_through_the_page(tree, people, member):
    client = client_for(people.propaganda)
    response = client.post(
        reverse("orglife:talks", args=[tree.branch_a1.pk]),
        {"person": member.pk, "talked_on": "2026-06-10", "topic": "谈心", "summary": "很好"},
    )
    assert response.status_code == 302
    assert Talk.objects.get().talked_by == people.propaganda
    refused = client.post(
        reverse("orglife:talks", args=[tree.branch_a1.pk]),
        {"person": member.pk, "talked_on": "2026-07-10", "topic": "谈心"},
    )
    assert refused.status_code == 400
    assert "before it is held" in refused.content.decode()


def test_a_talk_is_recorded_through_the_api_and_a_retry_is_not_doubled(tree, people, member):
    client = client_for(people.secretary)
    body = json.dumps(
        {
            "person_id": member.pk,
            "talked_on": "2026-06-10",
            "topic": "谈心",
            "talked_by_id": people.propaganda.pk,
        }
    )
    first = client.post(f"/api/v1/units/{tree.branch_a1.pk}/talks", body, content_type="application/json")
    again = client.post(f"/api/v1/units/{tree.branch_a1.pk}/talks", body, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["talked_by_name"] == people.propaganda.name
    stranger = json.dumps({"person_id": people.outsider.pk, "talked_on": "2026-06-10", "topic": "谈心"})
    refused = client.post(
        f"/api/v1/units/{tree.branch_a1.pk}/talks", stranger, content_type="application/json"
    )
    assert (refused.status_code, list(refused.json()["error"]["fields"])) == (400, ["person_id"])
    forbidden = client_for(people.bystander).post(
        f"/api/v1/units/{tree.branch_a1.pk}/talks", body, content_type="application/json"
    )
    assert forbidden.status_code == FORBIDDEN


def test_the_talk_lists_have_a_fixed_number_of_queries(tree, people, talk, django_assert_num_queries):
    client = client_for(people.secretary)
    urls = [
        reverse("orglife:talks", args=[tree.branch_a1.pk]),
        f"/api/v1/units/{tree.branch_a1.pk}/talks",
        f"/api/v1/units/{tree.branch_a1.pk}/talks/members-without",
    ]
    counts = []
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == OK
        counts.append(len(captured))
    for _ in range(4):
        person = make_member(tree.branch_a1)
        make_member(tree.branch_a1)
        services_talks.talk_record(
            actor=people.secretary,
            branch=tree.branch_a1,
            person=person,
            talked_on=date(2026, 6, 2),
            topic="谈心",
        )
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == OK


@pytest.mark.parametrize(
    ("name", "expected"),
    [("outsider", NOT_FOUND), ("student", NOT_FOUND), ("bystander", FORBIDDEN), ("propaganda", 302)],
)
def test_recording_a_talk_on_the_page_needs_the_right(tree, people, member, name, expected):
    response = client_for(getattr(people, name)).post(
        reverse("orglife:talks", args=[tree.branch_a1.pk]),
        {"person": member.pk, "talked_on": "2026-06-10", "topic": "谈心"},
    )
    assert response.status_code == expected
    assert Talk.objects.exists() == (expected == 302)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("outsider", NOT_FOUND), ("student", NOT_FOUND), ("bystander", FORBIDDEN), ("propaganda", 201)],
)
def test_recording_a_talk_through_the_api_needs_the_right(tree, people, member, name, expected):
    body = json.dumps({"person_id": member.pk, "talked_on": "2026-06-10", "topic": "谈心"})
    response = client_for(getattr(people, name)).post(
        f"/api/v1/units/{tree.branch_a1.pk}/talks", body, content_type="application/json"
    )
    assert response.status_code == expected
    assert Talk.objects.exists() == (expected == 201)
