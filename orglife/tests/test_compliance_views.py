"""The compliance pages and API: who may open them (out of scope 404, without the right 403, rightful
200), colours with words, the theme day form, and fixed query counts on the subtree lists."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from orglife.models import ActivityKind
from orglife.models_compliance import BranchThemeDay
from orglife.tests.factories_compliance import local, make_bystander, make_meeting, make_member
from orgs.models import UnitKind
from orgs.tests.factories import make_child

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

BRANCH_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,  # no position at all: nothing is in their scope
    "bystander": FORBIDDEN,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
COLLEGE_MATRIX = {**BRANCH_MATRIX, "propaganda": NOT_FOUND, "secretary": NOT_FOUND, "bystander": FORBIDDEN}


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 1, 1), 9), tick=False)
    return time_machine


@pytest.fixture
def people(tree, personas):
    """The personas, with a bystander of branch A1 and one of college A (in scope, no orglife right)."""
    personas.bystander = make_bystander(tree.branch_a1)
    personas.college_bystander = make_bystander(tree.college_a)
    return personas


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def persona(people, name: str, unit_name: str = "branch"):
    if name == "bystander" and unit_name == "college":
        return people.college_bystander
    return getattr(people, name)


@pytest.mark.parametrize(("name", "expected"), BRANCH_MATRIX.items())
def test_the_branch_calendar_page_answers_each_persona_by_scope_and_right(tree, people, name, expected):
    response = client_for(persona(people, name)).get(reverse("orglife:compliance", args=[tree.branch_a1.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "expected"), COLLEGE_MATRIX.items())
def test_the_colleges_page_answers_each_persona_by_scope_and_right(tree, people, name, expected):
    response = client_for(persona(people, name, "college")).get(
        reverse("orglife:compliance", args=[tree.college_a.pk])
    )
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "expected"), BRANCH_MATRIX.items())
def test_the_unit_compliance_endpoint_answers_each_persona_by_scope_and_right(tree, people, name, expected):
    response = client_for(persona(people, name)).get(f"/api/v1/units/{tree.branch_a1.pk}/compliance")
    assert response.status_code == expected
    if expected == OK:
        body = response.json()
        assert {rule["key"] for rule in body["branch"]["rules"]} == {
            "general_meeting",
            "committee_meeting",
            "group_meeting",
            "party_lesson",
            "theme_day",
            "life_meeting",
            "evaluation",
            "talks",
        }


@pytest.mark.parametrize(("name", "expected"), COLLEGE_MATRIX.items())
def test_the_subtree_endpoint_answers_each_persona_by_scope_and_right(tree, people, name, expected):
    response = client_for(persona(people, name, "college")).get(
        f"/api/v1/units/{tree.college_a.pk}/compliance/branches"
    )
    assert response.status_code == expected
    if expected == OK:
        assert {row["branch_name"] for row in response.json()["items"]} == {"甲一支部", "甲二支部"}


def test_the_calendar_says_each_state_in_words_not_colour_alone(tree, people, clock):
    clock.move_to(local(date(2026, 5, 28)), tick=False)
    make_meeting(
        tree.branch_a1, ActivityKind.COMMITTEE_MEETING, local(date(2026, 5, 3)), organiser=people.secretary
    )
    make_meeting(
        tree.branch_a1, ActivityKind.COMMITTEE_MEETING, local(date(2026, 4, 3)), organiser=people.secretary
    )
    make_meeting(tree.branch_a1, ActivityKind.THEME_DAY, local(date(2026, 4, 3)), organiser=people.secretary)
    page = (
        client_for(people.secretary)
        .get(reverse("orglife:compliance", args=[tree.branch_a1.pk]))
        .content.decode()
    )
    assert "Done" in page
    assert "Overdue" in page
    assert "Due soon" in page
    assert "state-done" in page and "state-overdue" in page
    assert "2026-05-31" in page


def test_the_branch_sets_its_theme_day_and_the_calendar_follows(tree, people, clock):
    url = reverse("orglife:compliance_theme_day", args=[tree.branch_a1.pk])
    response = client_for(people.secretary).post(url, {"day": "12"})
    assert response.status_code == 302
    assert BranchThemeDay.objects.get(branch=tree.branch_a1).day == 12
    assert AuditEvent.objects.filter(action="orglife.theme_day.set").count() == 1
    assert client_for(people.secretary).post(url, {"day": "32"}).status_code == 200
    assert BranchThemeDay.objects.get(branch=tree.branch_a1).day == 12
    body = client_for(people.secretary).get(f"/api/v1/units/{tree.branch_a1.pk}/compliance").json()
    assert body["branch"]["theme_day"] == 12


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
def test_setting_the_theme_day_needs_the_right_to_organise_meetings(tree, people, name, expected):
    response = client_for(persona(people, name)).post(
        reverse("orglife:compliance_theme_day", args=[tree.branch_a1.pk]), {"day": "9"}
    )
    assert response.status_code == expected


def _more_branches(tree, people, count: int) -> None:
    for number in range(count):
        branch = make_child(tree.college_a, f"新{number}支部", f"N{number}", UnitKind.BRANCH)
        make_child(branch, f"新{number}小组", f"N{number}G", UnitKind.PARTY_GROUP)
        make_member(branch)
        make_meeting(branch, ActivityKind.PARTY_LESSON, local(date(2026, 1, 2)), organiser=people.secretary)


def test_the_subtree_page_has_a_fixed_number_of_queries(tree, people, django_assert_num_queries):
    client = client_for(people.college_officer)
    url = reverse("orglife:compliance", args=[tree.college_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    _more_branches(tree, people, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "新4支部" in page


def test_the_subtree_endpoint_has_a_fixed_number_of_queries(tree, people, django_assert_num_queries):
    client = client_for(people.university_admin)
    url = f"/api/v1/units/{tree.university.pk}/compliance/branches"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).json()["count"] == 3
    _more_branches(tree, people, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 8


def test_the_subtree_is_paginated_and_filtered_by_state(tree, people):
    _more_branches(tree, people, 3)
    client = client_for(people.college_officer)
    body = client.get(f"/api/v1/units/{tree.college_a.pk}/compliance/branches?page_size=2").json()
    assert (body["count"], body["pages"], len(body["items"])) == (5, 3, 2)
    states = [
        row["state"]
        for row in client.get(f"/api/v1/units/{tree.college_a.pk}/compliance/branches").json()["items"]
    ]
    order = ["overdue", "due_soon", "not_due", "done", "not_applicable"]
    assert states == sorted(states, key=order.index)
    only = client.get(f"/api/v1/units/{tree.college_a.pk}/compliance/branches?state=done").json()
    assert all(row["state"] == "done" for row in only["items"])


def test_the_home_section_leads_to_the_topmost_unit(tree, people):
    response = client_for(people.college_officer).get(reverse("orglife:compliance_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("orglife:compliance", args=[tree.college_a.pk])
    assert client_for(people.student).get(reverse("orglife:compliance_index")).status_code == NOT_FOUND


def test_the_compliance_endpoint_only_reads(tree, people):
    # The theme day is set on the page; the API only reads it.
    response = client_for(people.secretary).post(
        f"/api/v1/units/{tree.branch_a1.pk}/compliance", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 405
