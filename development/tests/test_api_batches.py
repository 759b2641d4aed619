"""The development API for semester batches: listing, opening, adding cases and the batch meeting."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from development import services_batches
from development.models import Batch, BatchKind, Vote
from development.tests import helpers

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def open_batch(personas, unit, kind=BatchKind.ADMISSION, name="2026年春季接收预备党员") -> Batch:
    return services_batches.batch_open(
        actor=personas.college_officer, unit=unit, name=name, kind=kind, semester="2026 春"
    )


@pytest.fixture
def candidates(tree, personas, clock):
    """Two cases of branch A1 awaiting the admission meeting, announced, in a batch of branch A1."""
    first = helpers.new_case_at(personas, tree.branch_a1, 15)
    second = helpers.new_case_at(personas, tree.branch_a1, 15)
    batch = open_batch(personas, tree.branch_a1)
    services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[first, second])
    return batch, first, second


# --- Listing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "listed"),
    [
        ("outsider", ["乙一"]),
        ("student", []),
        ("propaganda", ["甲一"]),
        ("secretary", ["甲一"]),
        ("college_officer", ["甲学院", "甲一"]),
        ("university_admin", ["乙一", "甲学院", "甲一"]),
        ("system_admin", ["乙一", "甲学院", "甲一"]),
    ],
)
def test_batches_are_listed_within_the_readers_scope(tree, personas, clock, persona, listed):
    open_batch(personas, tree.branch_a1, name="甲一")
    open_batch(personas, tree.college_a, name="甲学院")
    services_batches.batch_open(
        actor=personas.outsider, unit=tree.branch_b1, name="乙一", kind=BatchKind.TARGETS, semester="2026 春"
    )
    response = client_for(getattr(personas, persona)).get("/api/v1/batches")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["items"]] == listed


def test_a_batch_row_counts_its_cases_and_filters_apply(tree, personas, candidates):
    batch, _first, _second = candidates
    open_batch(personas, tree.college_a, kind=BatchKind.TARGETS, name="发展对象")
    client = client_for(personas.college_officer)
    rows = client.get(f"/api/v1/batches?kind=admission&unit={tree.branch_a1.pk}").json()["items"]
    assert [(row["id"], row["case_count"], row["kind"], row["is_open"]) for row in rows] == [
        (batch.pk, 2, "admission", True)
    ]
    assert rows[0]["unit"] == {"id": tree.branch_a1.pk, "name": "甲一支部"}
    services_batches.batch_close(actor=personas.secretary, batch=batch)
    assert [row["name"] for row in client.get("/api/v1/batches?open=true").json()["items"]] == ["发展对象"]
    assert client.get("/api/v1/batches?kind=nothing").status_code == 400


def test_the_batch_list_costs_the_same_queries_whatever_its_length(
    tree, personas, clock, django_assert_num_queries
):
    client = client_for(personas.college_officer)
    open_batch(personas, tree.branch_a1, name="一")
    client.get("/api/v1/batches")
    with django_assert_num_queries(5) as one:
        assert client.get("/api/v1/batches").json()["count"] == 1
    for number in range(5):
        open_batch(personas, tree.branch_a2 if number % 2 else tree.college_a, name=f"批次{number}")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/batches").json()["count"] == 6


# --- Opening a batch and adding cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 201),
        ("college_officer", 201),
        ("university_admin", 201),
        ("system_admin", 201),
    ],
)
def test_a_batch_is_opened_by_the_branch_or_a_committee_above(tree, personas, clock, persona, status):
    body = {"unit": tree.branch_a1.pk, "name": "2026年秋季发展对象", "kind": "targets", "semester": "2026 秋"}
    response = post(client_for(getattr(personas, persona)), "/api/v1/batches", body)
    assert response.status_code == status, response.content
    assert Batch.objects.exists() is (status == 201)
    if status == 201:
        row = response.json()
        assert (row["name"], row["kind"], row["case_count"], row["opened_on"]) == (
            "2026年秋季发展对象",
            "targets",
            0,
            "2028-06-01",
        )


def test_a_batch_opens_with_its_cases_or_not_at_all(tree, personas, clock):
    ready = helpers.new_case_at(personas, tree.branch_a1, 15)
    too_early = helpers.new_case_at(personas, tree.branch_a1, 3)
    client = client_for(personas.secretary)
    body = {"unit": tree.branch_a1.pk, "name": "接收", "kind": "admission", "semester": "2026 春"}
    refused = post(client, "/api/v1/batches", body | {"cases": [ready.pk, too_early.pk]})
    assert refused.status_code == 400
    assert "cases" in refused.json()["error"]["fields"]
    assert not Batch.objects.exists()
    unknown = post(client, "/api/v1/batches", body | {"cases": [999999]})
    assert unknown.status_code == 400
    accepted = post(client, "/api/v1/batches", body | {"cases": [ready.pk]})
    assert accepted.status_code == 201
    assert accepted.json()["case_count"] == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 404), ("propaganda", 403), ("secretary", 200), ("college_officer", 200)],
)
def test_cases_are_added_to_a_batch_by_its_organisers(tree, personas, clock, persona, status):
    batch = open_batch(personas, tree.branch_a1)
    ready = helpers.new_case_at(personas, tree.branch_a1, 15)
    response = post(
        client_for(getattr(personas, persona)), f"/api/v1/batches/{batch.pk}/cases", {"cases": [ready.pk]}
    )
    assert response.status_code == status, response.content
    ready.refresh_from_db()
    assert (ready.batch_id == batch.pk) is (status == 200)


def test_a_closed_batch_takes_no_more_cases(tree, personas, clock):
    batch = open_batch(personas, tree.branch_a1)
    services_batches.batch_close(actor=personas.secretary, batch=batch)
    ready = helpers.new_case_at(personas, tree.branch_a1, 15)
    response = post(
        client_for(personas.secretary), f"/api/v1/batches/{batch.pk}/cases", {"cases": [ready.pk]}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "batch_closed"


# --- The batch meeting ------------------------------------------------------------------------------


def meeting(first, second, *, second_yes: int = 5) -> dict:
    return {
        "meeting_on": helpers.DATES[15].isoformat(),
        "members_with_voting_rights": 10,
        "attended": 8,
        "candidates": [
            {"case": first.pk, "yes": 6, "no": 2, "abstain": 0},
            {"case": second.pk, "yes": second_yes, "no": 8 - second_yes, "abstain": 0},
        ],
    }


def announce(personas, batch, *cases) -> None:
    services_batches.public_notice_publish(
        actor=personas.secretary,
        batch=batch,
        cases=list(cases),
        starts_on=helpers.NOTICE[0],
        ends_on=helpers.NOTICE[1],
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 201),
        ("college_officer", 403),
        ("university_admin", 403),
        ("system_admin", 201),
    ],
)
def test_a_batch_meeting_is_recorded_by_the_branch(personas, candidates, persona, status):
    batch, first, second = candidates
    announce(personas, batch, first, second)
    response = post(
        client_for(getattr(personas, persona)), f"/api/v1/batches/{batch.pk}/meeting", meeting(first, second)
    )
    assert response.status_code == status, response.content
    assert Vote.objects.exists() is (status == 201)


def test_a_batch_meeting_answers_each_candidates_own_counts_and_result(personas, candidates):
    batch, first, second = candidates
    announce(personas, batch, first, second)
    response = post(
        client_for(personas.secretary), f"/api/v1/batches/{batch.pk}/meeting", meeting(first, second)
    )
    body = response.json()
    assert [(vote["case_id"], vote["yes"], vote["no"], vote["result"]) for vote in body["votes"]] == [
        (first.pk, 6, 2, "passed"),
        (second.pk, 5, 3, "failed"),
    ]
    assert all(vote["batch_id"] == batch.pk and vote["attended"] == 8 for vote in body["votes"])
    assert body["batch"]["id"] == batch.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_step, second.current_step) == (16, 15)


def test_a_refused_candidate_refuses_the_whole_meeting_naming_the_case(personas, candidates):
    batch, first, second = candidates
    announce(personas, batch, first)  # the second candidate was never announced
    response = post(
        client_for(personas.secretary),
        f"/api/v1/batches/{batch.pk}/meeting",
        meeting(first, second, second_yes=8),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "rule_violation"
    [item] = error["violations"]
    assert (item["code"], item["case_id"]) == ("admission.public_notice", second.pk)
    assert item["dates"] == {"meeting_on": helpers.DATES[15].isoformat()}
    assert not Vote.objects.exists()


def test_a_candidate_outside_the_batch_is_invalid_input(tree, personas, candidates):
    batch, first, _second = candidates
    stranger = helpers.new_case_at(personas, tree.branch_a1, 15)
    response = post(
        client_for(personas.secretary), f"/api/v1/batches/{batch.pk}/meeting", meeting(first, stranger)
    )
    assert response.status_code == 400
    assert "candidates" in response.json()["error"]["fields"]


def test_a_meeting_without_candidates_is_invalid_input(personas, candidates):
    batch, _first, _second = candidates
    body = {"meeting_on": "2026-03-20", "members_with_voting_rights": 10, "attended": 8, "candidates": []}
    response = post(client_for(personas.secretary), f"/api/v1/batches/{batch.pk}/meeting", body)
    assert response.status_code == 400
    assert "candidates" in response.json()["error"]["fields"]
