"""The org tree and the unit card: scope, breadcrumb, committee, counts and the links shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import PartyStatus, PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def holder_of(unit, capabilities: list[str]):
    """Someone in scope of ``unit`` holding exactly ``capabilities`` there."""
    PositionType.objects.get_or_create(
        code="narrow", defaults={"name": "窄权限", "capabilities": capabilities, "unit_kinds": []}
    )
    person = make_person(unit)
    appoint(person, unit, "narrow")
    return person


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("activist", 404),
        ("propaganda", 200),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_unit_page_by_persona(client, tree, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).status_code == status


def test_the_unit_page_needs_the_view_right_within_scope(client, tree, personas):
    client.force_login(holder_of(tree.branch_a1, ["orgs.view_members"]))
    assert client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).status_code == 403


def test_an_unknown_unit_is_not_found(client, personas):
    client.force_login(personas.system_admin)
    assert client.get(reverse("orgs:unit", args=[987654])).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, tree):
    response = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_breadcrumb_links_only_units_in_scope(client, tree, personas):
    client.force_login(personas.secretary)
    html = client.get(reverse("orgs:unit", args=[tree.group_a1.pk])).content.decode()
    assert f'href="{reverse("orgs:unit", args=[tree.branch_a1.pk])}"' in html
    assert f'href="{reverse("orgs:unit", args=[tree.college_a.pk])}"' not in html
    assert "甲学院党委" in html  # still named, just not a link
    assert f'href="{reverse("orgs:unit", args=[tree.university.pk])}"' not in html


def test_the_unit_card_shows_children_committee_and_counts(client, tree, personas):
    make_person(tree.branch_a2, status=PartyStatus.PROBATIONARY)
    client.force_login(personas.college_officer)
    response = client.get(reverse("orgs:unit", args=[tree.college_a.pk]))
    html = response.content.decode()
    assert "甲一支部" in html and "甲二支部" in html
    assert "钱组织员" in html  # the college organiser is the committee
    counts = {row["status"]: row["count"] for row in response.context["counts"]}
    # A1: applicant, activist, two full members; A2: one probationary.
    assert counts == {
        "none": 0,
        "applicant": 1,
        "activist": 1,
        "target": 0,
        "probationary": 1,
        "full": 2,
        "": 5,
    }


def test_member_counts_take_one_query(tree, personas, django_assert_num_queries):
    from orgs.queries import status_counts

    with django_assert_num_queries(1):
        status_counts(tree.university)


def test_a_party_groups_counts_are_its_members(tree, personas):
    from orgs.queries import status_counts

    counts = {row["status"]: row["count"] for row in status_counts(tree.group_a1)}
    assert counts[""] == 1 and counts["applicant"] == 1


def test_links_follow_the_users_rights(client, tree, personas):
    members_url = reverse("orgs:members", args=[tree.branch_a1.pk])
    client.force_login(personas.propaganda)
    html = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).content.decode()
    assert members_url in html
    assert "Export members" not in html and "导出" not in html

    client.force_login(holder_of(tree.branch_a1, ["orgs.view_unit"]))
    html = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).content.decode()
    assert members_url not in html


def test_export_and_import_links_appear_for_those_who_may(client, tree, personas, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(personas.university_admin)
    response = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk]), HTTP_ACCEPT_LANGUAGE="en")
    context = response.context
    # The roster pages are built by another part of the system; until they exist, no link and no error.
    from django.urls import NoReverseMatch

    try:
        export = reverse("roster:export")
    except NoReverseMatch:
        assert context["export_url"] is None
    else:
        assert context["export_url"] == f"{export}?unit={tree.branch_a1.pk}"
    try:
        reverse("roster:import")
    except NoReverseMatch:
        assert context["import_url"] is None
    else:
        assert context["import_url"]

    client.force_login(personas.secretary)  # may export, may not import
    context = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).context
    assert context["import_url"] is None


@pytest.mark.parametrize(
    ("persona", "status", "visible"),
    [
        ("student", 404, set()),
        ("propaganda", 200, {"A1", "A1G1"}),
        ("college_officer", 200, {"A", "A1", "A1G1", "A2"}),
        ("outsider", 200, {"B1"}),
        ("system_admin", 200, {"U", "A", "A1", "A1G1", "A2", "B", "B1"}),
    ],
)
def test_the_tree_shows_exactly_the_units_in_scope(client, tree, personas, persona, status, visible):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == status
    if status == 200:
        assert {row["unit"].code for row in response.context["rows"]} == visible
        for row in response.context["rows"]:
            assert reverse("orgs:unit", args=[row["unit"].pk]) in response.content.decode()


def test_the_tree_nests_lists_as_deep_as_the_units(client, tree, personas):
    client.force_login(personas.system_admin)
    html = client.get(reverse("orgs:tree")).content.decode()
    assert html.count("<ul") == html.count("</ul>") == 5  # the tree, then the children of U, A, A1 and B
    levels = {row["unit"].code: row["level"] for row in client.get(reverse("orgs:tree")).context["rows"]}
    assert levels == {"U": 0, "A": 1, "A1": 2, "A1G1": 3, "A2": 2, "B": 1, "B1": 2}


def test_disjoint_subtrees_each_start_at_the_top(client, tree, personas):
    person = make_person(tree.branch_a1)
    appoint(person, tree.group_a1, "group_leader")
    appoint(person, tree.branch_b1, "study_member")
    client.force_login(person)
    rows = client.get(reverse("orgs:tree")).context["rows"]
    assert [(row["unit"].code, row["level"]) for row in rows] == [("A1G1", 0), ("B1", 0)]


def test_the_home_page_offers_the_sections(client, tree, personas):
    client.force_login(personas.student)
    sections = {s["code"] for s in client.get(reverse("home")).context["sections"]}
    assert "orgs.profile" in sections and "orgs.organisation" not in sections
    client.force_login(personas.propaganda)
    sections = {s["code"] for s in client.get(reverse("home")).context["sections"]}
    assert {"orgs.profile", "orgs.organisation"} <= sections


def test_my_profile_leads_to_ones_own_page(client, personas):
    client.force_login(personas.student)
    response = client.get(reverse("orgs:my_profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:member", args=[personas.student.pk])
