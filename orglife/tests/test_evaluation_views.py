"""The evaluation pages and API: who may open them, the member's own pages, fixed query counts, and
the secret ballot seen from every page, API and admin response."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from orglife import services_evaluation
from orglife.models_evaluation import CampaignStatus, EvaluationCampaign, EvaluationParticipant, Grade
from orglife.tests.factories_compliance import local, make_bystander, make_member

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
COMMITTEE_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "bystander": FORBIDDEN,
    "propaganda": FORBIDDEN,  # on the committee, but does not run evaluations
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 11, 20), 9), tick=False)
    return time_machine


@pytest.fixture
def people(tree, personas):
    personas.bystander = make_bystander(tree.branch_a1)
    return personas


@pytest.fixture
def members(tree, people):
    return [people.propaganda, people.secretary, *(make_member(tree.branch_a1) for _ in range(4))]


@pytest.fixture
def campaign(tree, people, members):
    return services_evaluation.campaign_open(actor=people.secretary, branch=tree.branch_a1, year=2026)


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def everyone_else(voter, members, grade=Grade.QUALIFIED) -> dict[int, str]:
    return {m.pk: grade for m in members if m.pk != voter.pk}


# --- Who may open what ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), COMMITTEE_MATRIX.items())
def test_the_branchs_evaluations_page_answers_each_persona(tree, people, campaign, name, expected):
    response = client_for(getattr(people, name)).get(reverse("orglife:evaluations", args=[tree.branch_a1.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "expected"), COMMITTEE_MATRIX.items())
def test_a_campaign_page_answers_each_persona(people, campaign, name, expected):
    response = client_for(getattr(people, name)).get(reverse("orglife:evaluation", args=[campaign.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("outsider", NOT_FOUND), ("bystander", FORBIDDEN), ("propaganda", FORBIDDEN), ("secretary", 302)],
)
def test_closing_the_ballot_needs_the_right_to_run_evaluations(people, campaign, name, expected):
    response = client_for(getattr(people, name)).post(
        reverse("orglife:evaluation_close_ballot", args=[campaign.pk])
    )
    assert response.status_code == expected
    campaign.refresh_from_db()
    assert (campaign.status == CampaignStatus.COUNTING) == (expected == 302)


@pytest.mark.parametrize("name", ["outsider", "student", "propaganda", "secretary", "system_admin"])
def test_everyone_has_their_own_evaluation_page(people, campaign, name):
    response = client_for(getattr(people, name)).get(reverse("orglife:my_evaluation"))
    assert response.status_code == OK
    assert ("Cast my ballot" in response.content.decode()) == (name in ("propaganda", "secretary"))
    assert client_for(getattr(people, name)).get("/api/v1/me/evaluations").status_code == OK


def test_someone_not_evaluated_cannot_write_or_vote_in_a_campaign(people, campaign, members):
    client = client_for(people.student)
    assert (
        client.post(reverse("orglife:my_self_assessment", args=[campaign.pk]), {"text": "x"}).status_code
        == NOT_FOUND
    )
    assert client.post(reverse("orglife:my_ballot", args=[campaign.pk]), {}).status_code == NOT_FOUND
    api = f"/api/v1/me/evaluations/{campaign.pk}"
    assert (
        client.put(
            f"{api}/self-assessment", json.dumps({"text": "x"}), content_type="application/json"
        ).status_code
        == NOT_FOUND
    )
    ballot = json.dumps({"grades": {str(m.pk): "qualified" for m in members}})
    assert client.post(f"{api}/ballot", ballot, content_type="application/json").status_code == NOT_FOUND


# --- The member's journey ---------------------------------------------------------------------------


def test_a_member_writes_and_votes_through_the_pages(people, campaign, members):
    client = client_for(people.propaganda)
    response = client.post(reverse("orglife:my_self_assessment", args=[campaign.pk]), {"text": "努力学习"})
    assert response.status_code == 302
    form = {f"grade_{m.pk}": "qualified" for m in members if m.pk != people.propaganda.pk}
    assert client.post(reverse("orglife:my_ballot", args=[campaign.pk]), form).status_code == 302
    page = client.get(reverse("orglife:my_evaluation")).content.decode()
    assert "努力学习" in page
    assert "You have voted" in page
    assert client.post(reverse("orglife:my_ballot", args=[campaign.pk]), form).status_code == 409


def test_a_member_writes_and_votes_through_the_api(people, campaign, members):
    client = client_for(people.secretary)
    api = f"/api/v1/me/evaluations/{campaign.pk}"
    saved = client.put(
        f"{api}/self-assessment", json.dumps({"text": "认真负责"}), content_type="application/json"
    )
    assert (saved.status_code, saved.json()["self_assessment"]) == (OK, "认真负责")
    mine = client.get("/api/v1/me/evaluations").json()["evaluations"][0]
    assert {r["person_id"] for r in mine["ratees"]} == {m.pk for m in members} - {people.secretary.pk}
    incomplete = client.post(f"{api}/ballot", json.dumps({"grades": {}}), content_type="application/json")
    assert (incomplete.status_code, incomplete.json()["error"]["code"]) == (400, "invalid")
    ballot = json.dumps({"grades": {str(k): v for k, v in everyone_else(people.secretary, members).items()}})
    assert client.post(f"{api}/ballot", ballot, content_type="application/json").status_code == 201
    again = client.post(f"{api}/ballot", ballot, content_type="application/json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_voted")
    mine = client.get("/api/v1/me/evaluations").json()["evaluations"][0]
    assert (mine["has_voted"], mine["ratees"]) == (True, [])


def test_the_committee_opens_closes_and_grades_through_the_pages(tree, people, members):
    client = client_for(people.secretary)
    response = client.post(reverse("orglife:evaluations", args=[tree.branch_a1.pk]), {"year": "2026"})
    campaign = EvaluationCampaign.objects.get(branch=tree.branch_a1, year=2026)
    assert response["Location"] == reverse("orglife:evaluation", args=[campaign.pk])
    twice = client.post(reverse("orglife:evaluations", args=[tree.branch_a1.pk]), {"year": "2026"})
    assert "already opened" in twice.content.decode()
    client.post(reverse("orglife:evaluation_close_ballot", args=[campaign.pk]))
    grades = {f"grade_{m.pk}": "excellent" if i < 3 else "qualified" for i, m in enumerate(members)}
    refused = client.post(
        reverse("orglife:evaluation_grades", args=[campaign.pk]), {**grades, "meeting_on": "2026-11-19"}
    )
    assert refused.status_code == 409
    assert "At most one third" in refused.content.decode()
    grades[f"grade_{members[2].pk}"] = "basically_qualified"
    done = client.post(
        reverse("orglife:evaluation_grades", args=[campaign.pk]), {**grades, "meeting_on": "2026-11-19"}
    )
    assert done.status_code == 302
    assert EvaluationParticipant.objects.get(person=members[2]).final_grade == "basically_qualified"
    results = client_for(members[0]).get("/api/v1/me/evaluations").json()["results"]
    assert results == [
        {
            "year": 2026,
            "branch_name": "甲一支部",
            "grade": "excellent",
            "grade_label": "Excellent",
            "meeting_on": "2026-11-19",
        }
    ]


# --- Fixed query counts -----------------------------------------------------------------------------


def test_the_campaign_page_and_my_evaluations_have_a_fixed_number_of_queries(
    tree, people, members, django_assert_num_queries
):
    campaign = services_evaluation.campaign_open(actor=people.secretary, branch=tree.branch_a1, year=2026)
    committee, member = client_for(people.secretary), client_for(people.propaganda)
    urls = [
        (committee, reverse("orglife:evaluation", args=[campaign.pk])),
        (member, "/api/v1/me/evaluations"),
        (member, reverse("orglife:my_evaluation")),
        (committee, reverse("orglife:evaluations", args=[tree.branch_a1.pk])),
    ]
    counts = []
    for client, url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == OK
        counts.append(len(captured))
    EvaluationCampaign.objects.create(
        branch=tree.branch_a1, year=2025, status=CampaignStatus.CLOSED, opened_by=people.secretary
    )
    for _ in range(5):
        EvaluationParticipant.objects.create(
            campaign=campaign, person=make_member(tree.branch_a1), party_status="full"
        )
    for (client, url), count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == OK


# --- The secret ballot, seen from every response -----------------------------------------------------

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "csrf"),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), "csrf"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "uuid"),
    (re.compile(r"auditevent/\d+/"), "auditevent/N/"),
]


def _normalised(body: bytes) -> str:
    text = body.decode()
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


class _Undo(Exception):
    pass


def _everything_anyone_can_read(tree, people, campaign, voters) -> dict[str, str]:
    admin, committee = client_for(people.system_admin), client_for(people.secretary)
    reads = {
        "committee page": (committee, reverse("orglife:evaluation", args=[campaign.pk])),
        "admin page": (admin, reverse("orglife:evaluation", args=[campaign.pk])),
        "years page": (admin, reverse("orglife:evaluations", args=[tree.branch_a1.pk])),
        "compliance api": (admin, f"/api/v1/units/{tree.branch_a1.pk}/compliance"),
        "admin campaigns": (admin, "/admin/orglife/evaluationcampaign/"),
        "admin campaign": (admin, f"/admin/orglife/evaluationcampaign/{campaign.pk}/change/"),
        "admin participants": (admin, "/admin/orglife/evaluationparticipant/"),
        "admin audit log": (admin, "/admin/core/auditevent/"),
        "admin audit log of votes": (admin, "/admin/core/auditevent/?action=orglife.evaluation.vote"),
    }
    for participant in EvaluationParticipant.objects.filter(campaign=campaign):
        reads[f"admin participant {participant.pk}"] = (
            admin,
            f"/admin/orglife/evaluationparticipant/{participant.pk}/change/",
        )
    for event in AuditEvent.objects.filter(action__startswith="orglife.evaluation"):
        reads[f"admin event {event.action} {event.actor_id}"] = (
            admin,
            f"/admin/core/auditevent/{event.pk}/change/",
        )
    for voter in voters:
        reads[f"own page {voter.pk}"] = (client_for(voter), reverse("orglife:my_evaluation"))
        reads[f"own api {voter.pk}"] = (client_for(voter), "/api/v1/me/evaluations")
    bodies = {}
    for name, (client, url) in reads.items():
        response = client.get(url)
        assert response.status_code == OK, name
        bodies[name] = _normalised(response.content)
    return bodies


def test_no_page_api_or_admin_response_tells_who_voted_what_even_to_an_administrator(
    tree, people, members, campaign
):
    """Two ballots are swapped between two voters; every response anyone can read must stay the same."""
    first, second, target = people.propaganda, people.secretary, members[2]
    seen = []
    for harsh_voter in (first, second):
        try:
            with transaction.atomic():
                for voter in (first, second):  # the same voting order in both worlds
                    grade = Grade.UNQUALIFIED if voter == harsh_voter else Grade.QUALIFIED
                    grades = {**everyone_else(voter, members), target.pk: grade}
                    services_evaluation.ballot_cast(actor=voter, campaign=campaign, grades=grades)
                services_evaluation.ballot_close(actor=people.secretary, campaign=campaign)
                seen.append(_everything_anyone_can_read(tree, people, campaign, [first, second]))
                raise _Undo
        except _Undo:
            pass
    world_a, world_b = seen
    assert "Unqualified 1" in world_a["committee page"]  # the tallies are there, and meaningful
    assert set(world_a) == set(world_b)
    for name in world_a:
        assert world_a[name] == world_b[name], f"{name} differs with who voted what"
    assert client_for(people.system_admin).get("/admin/orglife/ballot/").status_code == NOT_FOUND
    assert client_for(people.system_admin).get("/admin/orglife/ballotcast/").status_code == NOT_FOUND


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("outsider", NOT_FOUND),
        ("student", NOT_FOUND),
        ("bystander", FORBIDDEN),
        ("propaganda", FORBIDDEN),
        ("secretary", 302),
    ],
)
def test_recording_the_grades_needs_the_right_to_run_evaluations(people, campaign, members, name, expected):
    services_evaluation.ballot_close(actor=people.secretary, campaign=campaign)
    form = {f"grade_{m.pk}": "qualified" for m in members}
    response = client_for(getattr(people, name)).post(
        reverse("orglife:evaluation_grades", args=[campaign.pk]), {**form, "meeting_on": "2026-11-19"}
    )
    assert response.status_code == expected
    campaign.refresh_from_db()
    assert (campaign.status == CampaignStatus.CLOSED) == (expected == 302)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("outsider", NOT_FOUND),
        ("student", NOT_FOUND),
        ("bystander", FORBIDDEN),
        ("propaganda", FORBIDDEN),
        ("secretary", 302),
    ],
)
def test_opening_through_the_page_needs_the_right_to_run_evaluations(tree, people, members, name, expected):
    response = client_for(getattr(people, name)).post(
        reverse("orglife:evaluations", args=[tree.branch_a1.pk]), {"year": "2026"}
    )
    assert response.status_code == expected
    assert EvaluationCampaign.objects.exists() == (expected == 302)
