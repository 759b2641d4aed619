"""GET /api/v1/me: the person, their branch membership and the positions they hold today."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from orgs.tests.factories import appoint

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_person_with_membership_and_positions(tree, personas):
    membership = personas.secretary.membership
    membership.status_since = date(2021, 6, 1)
    membership.joined_unit_on = date(2020, 9, 1)
    membership.save()
    body = client_for(personas.secretary).get("/api/v1/me").json()
    assert (body["id"], body["number"], body["name"], body["kind"]) == (
        personas.secretary.pk,
        personas.secretary.number,
        "赵书记",
        "student",
    )
    assert body["membership"] == {
        "unit": {"id": tree.branch_a1.pk, "name": "甲一支部"},
        "group": None,
        "party_status": "full",
        "party_status_label": body["membership"]["party_status_label"],
        "status_since": "2021-06-01",
        "in_unit_since": "2020-09-01",
        "league_member": False,
    }
    [position] = body["positions"]
    assert position["unit"] == {"id": tree.branch_a1.pk, "name": "甲一支部"}
    assert position["position_type"]["code"] == "secretary"
    assert (position["start_date"], position["end_date"], position["is_active"]) == ("2020-01-01", None, True)


def test_it_shows_the_party_group(tree, personas):
    body = client_for(personas.student).get("/api/v1/me").json()
    assert body["membership"]["group"] == {"id": tree.group_a1.pk, "name": "甲一第一党小组"}
    assert body["positions"] == []


def test_staff_without_a_branch_have_no_membership(tree, personas):
    body = client_for(personas.college_officer).get("/api/v1/me").json()
    assert body["membership"] is None
    assert [p["unit"]["id"] for p in body["positions"]] == [tree.college_a.pk]


def test_ended_terms_are_not_listed(tree, personas):
    old = appoint(personas.secretary, tree.branch_a2, "study_member", start=date(2018, 1, 1))
    old.end_date = date(2019, 1, 1)
    old.save()
    body = client_for(personas.secretary).get("/api/v1/me").json()
    assert [p["position_type"]["code"] for p in body["positions"]] == ["secretary"]


def test_labels_follow_the_callers_language(tree, personas):
    client = client_for(personas.secretary)
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["membership"]["party_status_label"] == "Full member"
    assert english["positions"][0]["position_type"]["name"] == "Branch secretary"


@pytest.mark.parametrize("positions", [1, 6])
def test_it_costs_the_same_queries_however_many_positions(
    tree, personas, django_assert_num_queries, positions
):
    for n in range(positions - 1):
        appoint(personas.secretary, tree.branch_a2, "study_member", start=date(2020, 1, 1 + n))
    client = client_for(personas.secretary)
    # session, user, membership, positions
    with django_assert_num_queries(4):
        body = client.get("/api/v1/me").json()
    assert len(body["positions"]) == positions
