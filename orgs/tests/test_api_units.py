"""GET /api/v1/units and /api/v1/units/{id}: scope, rights, filters, pagination and query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from orgs.models import PartyStatus, PositionType, UnitKind
from orgs.tests.factories import appoint, make_child, make_person

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def unit_viewer_without(capability: str, tree):
    """A person holding, over branch A1, every unit right except ``capability``."""
    rights = [c for c in ("orgs.view_unit", "orgs.view_members") if c != capability]
    kind = PositionType.objects.create(
        code=f"no-{capability.replace('.', '-')}", name="测试", capabilities=rights
    )
    person = make_person(tree.branch_a1, name="限权者")
    appoint(person, tree.branch_a1, kind.code)
    return person


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
def test_a_unit_is_shown_only_within_scope(tree, personas, persona, status):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/units/{tree.branch_a1.pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    else:
        assert response.json()["code"] == "A1"


def test_a_unit_needs_the_right_to_view_units(tree, personas):
    person = unit_viewer_without("orgs.view_unit", tree)
    response = client_for(person).get(f"/api/v1/units/{tree.branch_a1.pk}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_an_unknown_unit_is_not_found(tree, personas):
    response = client_for(personas.system_admin).get("/api/v1/units/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_unit_shows_its_parent_children_and_member_counts(tree, personas):
    make_person(tree.branch_a2, status=PartyStatus.PROBATIONARY)
    make_person(tree.branch_b1, status=PartyStatus.PROBATIONARY)  # outside college A: not counted
    body = client_for(personas.college_officer).get(f"/api/v1/units/{tree.college_a.pk}").json()
    assert body["parent_id"] == tree.university.pk
    assert body["kind"] == UnitKind.COLLEGE_COMMITTEE
    assert body["child_count"] == 2
    assert body["member_counts"] == {
        "none": 0,
        "applicant": 1,
        "activist": 1,
        "target": 0,
        "probationary": 1,
        "full": 2,
    }
    assert body["member_total"] == 5


def test_the_root_unit_has_no_parent(tree, personas):
    body = client_for(personas.university_admin).get(f"/api/v1/units/{tree.university.pk}").json()
    assert body["parent_id"] is None
    assert body["depth"] == 1


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("student", []),
        ("outsider", ["B1"]),
        ("secretary", ["A1", "A1G1"]),
        ("college_officer", ["A", "A1", "A1G1", "A2"]),
        ("university_admin", ["U", "A", "A1", "A1G1", "A2", "B", "B1"]),
        ("system_admin", ["U", "A", "A1", "A1G1", "A2", "B", "B1"]),
    ],
)
def test_the_unit_list_holds_exactly_the_units_in_scope(tree, personas, persona, codes):
    body = client_for(getattr(personas, persona)).get("/api/v1/units").json()
    assert [unit["code"] for unit in body["items"]] == codes
    assert body["count"] == len(codes)


def test_the_unit_list_filters_by_kind(tree, personas):
    body = client_for(personas.university_admin).get("/api/v1/units?kind=branch").json()
    assert [unit["code"] for unit in body["items"]] == ["A1", "A2", "B1"]


def test_the_unit_list_filters_by_parent_even_when_the_parent_is_out_of_sight(tree, personas):
    client = client_for(personas.college_officer)
    body = client.get(f"/api/v1/units?parent={tree.university.pk}").json()
    assert [unit["code"] for unit in body["items"]] == ["A"]
    body = client.get(f"/api/v1/units?parent={tree.college_a.pk}").json()
    assert [(unit["code"], unit["parent_id"]) for unit in body["items"]] == [
        ("A1", tree.college_a.pk),
        ("A2", tree.college_a.pk),
    ]
    assert client.get(f"/api/v1/units?parent={tree.college_b.pk}").json()["items"] == []
    assert client.get("/api/v1/units?parent=999999").json()["items"] == []


def test_the_unit_list_refuses_an_unknown_kind_naming_the_field(tree, personas):
    response = client_for(personas.university_admin).get("/api/v1/units?kind=planet")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind"}


@pytest.mark.parametrize("page_size", ["0", "101", "1000", "many"])
def test_the_unit_list_refuses_page_sizes_outside_one_to_a_hundred(tree, personas, page_size):
    response = client_for(personas.university_admin).get(f"/api/v1/units?page_size={page_size}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["page_size"]


def test_the_unit_list_refuses_page_zero(tree, personas):
    response = client_for(personas.university_admin).get("/api/v1/units?page=0")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page"]


def test_the_unit_list_pages_through_the_tree(tree, personas):
    client = client_for(personas.university_admin)
    first = client.get("/api/v1/units?page_size=3").json()
    third = client.get("/api/v1/units?page_size=3&page=3").json()
    beyond = client.get("/api/v1/units?page_size=3&page=4").json()
    assert [u["code"] for u in first["items"]] == ["U", "A", "A1"]
    assert [u["code"] for u in third["items"]] == ["B1"]
    assert (first["count"], first["pages"], first["page"], first["page_size"]) == (7, 3, 1, 3)
    assert beyond["items"] == []


def test_the_unit_list_accepts_a_hundred_rows_per_page(tree, personas):
    body = client_for(personas.university_admin).get("/api/v1/units?page_size=100").json()
    assert body["page_size"] == 100


@pytest.mark.parametrize("extra_branches", [0, 30])
def test_the_unit_list_costs_the_same_queries_however_many_units(
    tree, personas, django_assert_num_queries, extra_branches
):
    for n in range(extra_branches):
        make_child(tree.college_a, f"分支{n}", f"X{n}", UnitKind.BRANCH)
    client = client_for(personas.college_officer)
    # session, user, grants, count, rows
    with django_assert_num_queries(5):
        body = client.get("/api/v1/units?page_size=100").json()
    assert body["count"] == 4 + extra_branches
