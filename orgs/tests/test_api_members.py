"""GET /api/v1/units/{id}/members and /api/v1/members/{person_id}: scope, masking, filters, audit."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEvent
from orgs.models import PartyStatus, PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
NATIONAL_ID = "11010519491231002X"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def holder_of(capabilities: list[str], tree):
    """A person holding exactly ``capabilities`` over branch A1."""
    kind = PositionType.objects.create(code="custom", name="测试", capabilities=capabilities)
    person = make_person(tree.branch_a1, name="限权者")
    appoint(person, tree.branch_a1, kind.code)
    return person


@pytest.fixture
def member(tree, personas):
    """A member of branch A1 with personal data on file."""
    return make_person(
        tree.branch_a1,
        name="陈数据",
        status=PartyStatus.TARGET,
        grade=2022,
        number="2022000001",
        phone=PHONE,
        national_id=NATIONAL_ID,
        email="chen@example.edu.cn",
    )


def members_url(unit, query: str = "") -> str:
    return f"/api/v1/units/{unit.pk}/members" + (f"?{query}" if query else "")


# --- The member list --------------------------------------------------------------------------------


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
def test_the_member_list_is_open_only_within_scope(tree, personas, persona, status):
    response = client_for(getattr(personas, persona)).get(members_url(tree.branch_a1))
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"


def test_the_member_list_needs_the_right_to_view_members(tree, personas):
    response = client_for(holder_of(["orgs.view_unit"], tree)).get(members_url(tree.branch_a1))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": response.json()["error"]["message"],
        "fields": {},
    }
    assert response.json()["error"]["message"]


def test_the_member_list_covers_the_whole_subtree(tree, personas):
    make_person(tree.branch_a2, name="甲二成员")
    make_person(tree.branch_b1, name="乙一成员")
    body = client_for(personas.college_officer).get(members_url(tree.college_a)).json()
    names = {row["name"] for row in body["items"]}
    assert "甲二成员" in names
    assert "乙一成员" not in names
    assert body["count"] == 5


@pytest.mark.parametrize(
    ("persona", "masked"),
    [("propaganda", True), ("secretary", False), ("college_officer", False), ("system_admin", False)],
)
def test_the_member_list_masks_personal_data_without_the_right(tree, personas, member, persona, masked):
    body = client_for(getattr(personas, persona)).get(members_url(tree.branch_a1, "q=陈数据")).json()
    [row] = body["items"]
    assert row["personal_data_masked"] is masked
    if masked:
        assert row["phone"] == "138****5678"
        assert row["national_id"] == "110***********002X"
    else:
        assert row["phone"] == PHONE
        assert row["national_id"] == NATIONAL_ID


def test_the_member_list_shows_the_readers_own_row_in_full(tree, personas):
    personas.propaganda.phone = PHONE
    personas.propaganda.save()
    body = client_for(personas.propaganda).get(members_url(tree.branch_a1, "q=王宣传")).json()
    assert body["items"][0]["phone"] == PHONE


def test_the_member_list_searches_by_name_or_number_prefix(tree, personas, member):
    client = client_for(personas.secretary)
    by_name = client.get(members_url(tree.branch_a1, "q=数据")).json()
    by_number = client.get(members_url(tree.branch_a1, "q=2022")).json()
    not_a_prefix = client.get(members_url(tree.branch_a1, "q=000001")).json()
    assert [row["id"] for row in by_name["items"]] == [member.pk]
    assert [row["id"] for row in by_number["items"]] == [member.pk]
    assert not_a_prefix["items"] == []


def test_the_member_list_filters_by_status_grade_and_group(tree, personas, member):
    client = client_for(personas.secretary)
    url = members_url(tree.branch_a1)
    assert [r["name"] for r in client.get(f"{url}?status=activist").json()["items"]] == ["李积极"]
    assert [r["id"] for r in client.get(f"{url}?grade=2022").json()["items"]] == [member.pk]
    grouped = client.get(f"{url}?group={tree.group_a1.pk}").json()["items"]
    assert [(r["name"], r["group"]["id"]) for r in grouped] == [("张学生", tree.group_a1.pk)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=retired", "status"),
        ("grade=abc", "grade"),
        ("group=x", "group"),
        ("page_size=1000", "page_size"),
    ],
)
def test_the_member_list_refuses_bad_filters_naming_the_field(tree, personas, query, field):
    response = client_for(personas.secretary).get(members_url(tree.branch_a1, query))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_member_list_costs_the_same_queries_whatever_the_page_size(
    tree, personas, django_assert_num_queries, rows
):
    for n in range(rows - 4):  # the tree already has four members in college A
        make_person(tree.branch_a2, phone=f"1390000{n:04d}")
    client = client_for(personas.college_officer)
    # session, user, grants, unit, count, rows
    with django_assert_num_queries(6):
        body = client.get(members_url(tree.college_a, f"page_size={rows}")).json()
    assert len(body["items"]) == rows


def test_the_member_list_pages(tree, personas):
    body = client_for(personas.secretary).get(members_url(tree.branch_a1, "page_size=3&page=2")).json()
    assert (body["count"], body["pages"], len(body["items"])) == (4, 2, 1)


# --- A member's profile -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("activist", 404),
        ("propaganda", 200),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_a_profile_is_open_only_within_scope(tree, personas, member, persona, status):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/members/{member.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["number"] == "2022000001"
    else:
        assert response.json()["error"]["code"] == "not_found"


def test_a_profile_needs_the_right_to_view_members(tree, personas, member):
    response = client_for(holder_of(["orgs.view_unit"], tree)).get(f"/api/v1/members/{member.pk}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_an_unknown_person_is_not_found(tree, personas):
    response = client_for(personas.system_admin).get("/api/v1/members/999999")
    assert response.status_code == 404


def test_everyone_may_read_their_own_profile_in_full_without_an_audit_event(tree, personas):
    personas.student.phone = PHONE
    personas.student.save()
    body = client_for(personas.student).get(f"/api/v1/members/{personas.student.pk}").json()
    assert body["phone"] == PHONE
    assert body["personal_data_masked"] is False
    assert body["membership"]["group"] == {"id": tree.group_a1.pk, "name": tree.group_a1.name}
    assert not AuditEvent.objects.filter(action="orgs.member.view_personal_data").exists()


def test_a_profile_is_masked_for_a_reader_without_the_right_and_not_audited(tree, personas, member):
    body = client_for(personas.propaganda).get(f"/api/v1/members/{member.pk}").json()
    assert body["personal_data_masked"] is True
    assert body["phone"] == "138****5678"
    assert body["national_id"] == "110***********002X"
    assert body["email"] == "c***@example.edu.cn"
    assert not AuditEvent.objects.filter(action="orgs.member.view_personal_data").exists()


def test_reading_someone_elses_full_personal_data_is_audited(tree, personas, member):
    body = client_for(personas.secretary).get(f"/api/v1/members/{member.pk}").json()
    assert (body["phone"], body["national_id"], body["email"]) == (PHONE, NATIONAL_ID, "chen@example.edu.cn")
    event = AuditEvent.objects.get(action="orgs.member.view_personal_data")
    assert (event.actor, event.object_id, event.unit_id) == (
        personas.secretary,
        str(member.pk),
        tree.branch_a1.pk,
    )
    assert PHONE not in str(event.data) and NATIONAL_ID not in str(event.data)


def test_a_profile_lists_current_and_past_positions(tree, personas):
    from datetime import date

    past = appoint(personas.secretary, tree.branch_a2, "study_member", start=date(2018, 9, 1))
    past.end_date = date(2019, 7, 1)
    past.save()
    body = client_for(personas.college_officer).get(f"/api/v1/members/{personas.secretary.pk}").json()
    assert [(p["position_type"]["code"], p["is_active"]) for p in body["positions"]] == [
        ("secretary", True),
        ("study_member", False),
    ]


def test_staff_without_a_branch_are_visible_where_their_positions_are(tree, personas):
    officer = personas.college_officer
    assert client_for(personas.university_admin).get(f"/api/v1/members/{officer.pk}").status_code == 200
    assert client_for(personas.outsider).get(f"/api/v1/members/{officer.pk}").status_code == 404
    body = client_for(personas.university_admin).get(f"/api/v1/members/{officer.pk}").json()
    assert body["membership"] is None
