"""GET /api/v1/units/{id}/positions, POST /api/v1/positions and POST /api/v1/positions/{id}/end."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from orgs.models import Position
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

EVERYONE = [
    "outsider",
    "student",
    "propaganda",
    "secretary",
    "college_officer",
    "university_admin",
    "system_admin",
]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def positions_url(unit, query: str = "") -> str:
    return f"/api/v1/units/{unit.pk}/positions" + (f"?{query}" if query else "")


# --- Listing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 200),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_a_units_positions_are_listed_only_within_scope(tree, personas, persona, status):
    response = client_for(getattr(personas, persona)).get(positions_url(tree.branch_a1))
    assert response.status_code == status
    if status == 200:
        codes = [row["position_type"]["code"] for row in response.json()["items"]]
        assert codes == ["secretary", "propaganda_member"]
    else:
        assert response.json()["error"]["code"] == "not_found"


def test_the_position_list_needs_the_right_to_view_units(tree, personas):
    from orgs.models import PositionType

    kind = PositionType.objects.create(code="lister", name="测试", capabilities=["orgs.view_members"])
    person = make_person(tree.branch_a1)
    appoint(person, tree.branch_a1, kind.code)
    response = client_for(person).get(positions_url(tree.branch_a1))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_position_list_filters_current_and_past_terms(tree, personas):
    past = appoint(personas.activist, tree.branch_a1, "study_member", start=date(2019, 9, 1))
    past.end_date = date(2020, 6, 30)
    past.save()
    future = appoint(
        personas.student, tree.branch_a1, "study_member", start=timezone.localdate() + timedelta(days=30)
    )
    client = client_for(personas.secretary)
    active = client.get(positions_url(tree.branch_a1, "active=true")).json()["items"]
    inactive = client.get(positions_url(tree.branch_a1, "active=false")).json()["items"]
    everything = client.get(positions_url(tree.branch_a1)).json()
    assert {row["position_type"]["code"] for row in active} == {"secretary", "propaganda_member"}
    assert all(row["is_active"] for row in active)
    assert {row["id"] for row in inactive} == {past.pk, future.pk}
    assert everything["count"] == 4


def test_the_position_list_refuses_a_bad_active_flag(tree, personas):
    response = client_for(personas.secretary).get(positions_url(tree.branch_a1, "active=perhaps"))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["active"]


@pytest.mark.parametrize("extra", [0, 20])
def test_the_position_list_costs_the_same_queries_however_long(
    tree, personas, django_assert_num_queries, extra
):
    for n in range(extra):
        appoint(make_person(tree.branch_a1), tree.branch_a1, "study_member", start=date(2000 + n % 20, 1, 1))
    client = client_for(personas.college_officer)
    # session, user, grants, unit, count, rows
    with django_assert_num_queries(6):
        body = client.get(positions_url(tree.branch_a1, "page_size=100")).json()
    assert body["count"] == 2 + extra


# --- Appointing -------------------------------------------------------------------------------------


def appointment(tree, who, **changes) -> dict:
    return {
        "person": who.number,
        "unit": tree.branch_a1.pk,
        "position_type": "study_member",
        "start_date": "2025-09-01",
        **changes,
    }


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
def test_appointing_follows_scope_and_the_right_to_manage_positions(tree, personas, persona, status):
    response = post(
        client_for(getattr(personas, persona)), "/api/v1/positions", appointment(tree, personas.activist)
    )
    assert response.status_code == status, response.content
    created = Position.objects.filter(person=personas.activist, position_type__code="study_member")
    if status == 201:
        body = response.json()
        assert body["person"] == {
            "id": personas.activist.pk,
            "number": personas.activist.number,
            "name": "李积极",
        }
        assert body["unit"]["id"] == tree.branch_a1.pk
        assert (body["position_type"]["code"], body["start_date"], body["end_date"]) == (
            "study_member",
            "2025-09-01",
            None,
        )
        assert created.get().pk == body["id"]
        assert AuditEvent.objects.filter(action="orgs.position.appoint", object_id=str(body["id"])).exists()
    else:
        assert not created.exists()
        assert response.json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


def test_a_person_can_be_named_by_id(tree, personas):
    response = post(
        client_for(personas.secretary),
        "/api/v1/positions",
        appointment(tree, personas.activist, person=personas.activist.pk),
    )
    assert response.status_code == 201
    assert response.json()["person"]["id"] == personas.activist.pk


def test_a_number_made_of_digits_is_still_a_number_not_an_id(tree, personas):
    person = make_person(tree.branch_a1, number=str(personas.activist.pk))
    response = post(
        client_for(personas.secretary),
        "/api/v1/positions",
        appointment(tree, person, person=str(personas.activist.pk)),
    )
    assert response.json()["person"]["id"] == person.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person": "NOBODY"}, "person"),
        ({"position_type": "emperor"}, "position_type"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": None}, "start_date"),
        ({"end_date": "2025-08-31"}, "end_date"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_appointing_refuses_bad_input_naming_the_field(tree, personas, changes, field):
    response = post(
        client_for(personas.secretary), "/api/v1/positions", appointment(tree, personas.activist, **changes)
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert all(error["fields"][field])


def test_appointing_someone_outside_reach_is_answered_as_if_they_did_not_exist(tree, personas):
    stranger = make_person(tree.branch_b1)
    response = post(client_for(personas.secretary), "/api/v1/positions", appointment(tree, stranger))
    unknown = post(
        client_for(personas.secretary), "/api/v1/positions", appointment(tree, stranger, person="NOBODY")
    )
    assert response.status_code == unknown.status_code == 400
    assert response.json() == unknown.json()


def test_appointing_in_an_unknown_unit_is_not_found(tree, personas):
    response = post(
        client_for(personas.system_admin),
        "/api/v1/positions",
        appointment(tree, personas.activist, unit=999999),
    )
    assert response.status_code == 404


def test_a_refused_appointment_is_a_conflict_naming_the_rule(tree, personas):
    client = client_for(personas.college_officer)
    response = post(
        client, "/api/v1/positions", appointment(tree, personas.activist, position_type="secretary")
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "too_many_holders"
    assert error["message"]
    assert error["fields"] == {}
    wrong_kind = post(
        client, "/api/v1/positions", appointment(tree, personas.activist, position_type="group_leader")
    )
    assert wrong_kind.status_code == 409
    assert wrong_kind.json()["error"]["code"] == "position_type_not_for_unit"


# --- Ending a term ----------------------------------------------------------------------------------


def end_url(position) -> str:
    return f"/api/v1/positions/{position.pk}/end"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_ending_a_term_follows_scope_and_the_right_to_manage_positions(tree, personas, persona, status):
    position = personas.propaganda.positions.get()
    today = timezone.localdate()
    response = post(
        client_for(getattr(personas, persona)),
        end_url(position),
        {"end_date": today.isoformat(), "reason": "毕业"},
    )
    assert response.status_code == status, response.content
    position.refresh_from_db()
    if status == 200:
        assert response.json()["end_date"] == today.isoformat()
        assert position.end_date == today
        event = AuditEvent.objects.get(action="orgs.position.end", object_id=str(position.pk))
        assert event.data["reason"] == "毕业"
    else:
        assert position.end_date is None


def test_ending_an_ended_term_is_a_conflict(tree, personas):
    position = personas.propaganda.positions.get()
    position.end_date = date(2021, 1, 1)
    position.save()
    response = post(client_for(personas.secretary), end_url(position), {"end_date": "2024-01-01"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "term_already_ended"


def test_ending_a_term_before_it_started_names_the_field(tree, personas):
    position = personas.propaganda.positions.get()
    response = post(client_for(personas.secretary), end_url(position), {"end_date": "2019-12-31"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["end_date"]


def test_ending_a_term_needs_an_end_date(tree, personas):
    position = personas.propaganda.positions.get()
    response = post(client_for(personas.secretary), end_url(position), {})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["end_date"]


def test_ending_an_unknown_position_is_not_found(tree, personas):
    response = post(
        client_for(personas.system_admin), "/api/v1/positions/999999/end", {"end_date": "2024-01-01"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
