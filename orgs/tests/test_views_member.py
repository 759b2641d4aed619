"""A member's profile and its edit page: who sees what, masking, audit, and the edit form."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from orgs.models import Membership, PartyStatus, PositionType, StatusChange
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
NATIONAL_ID = "11010519491231002X"


@pytest.fixture
def activist(personas):
    person = personas.activist
    person.phone = PHONE
    person.national_id = NATIONAL_ID
    person.email = "li.jiji@example.edu.cn"
    person.save()
    return person


def profile_url(person) -> str:
    return reverse("orgs:member", args=[person.pk])


def edit_url(person) -> str:
    return reverse("orgs:member_edit", args=[person.pk])


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
        ("activist", 200),  # their own
    ],
)
def test_the_profile_by_persona(client, tree, personas, activist, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(profile_url(activist)).status_code == status


def test_the_profile_needs_the_members_right_within_scope(client, tree, personas, activist):
    PositionType.objects.create(code="viewer", name="只看单位", capabilities=["orgs.view_unit"])
    viewer = make_person(tree.branch_a1)
    appoint(viewer, tree.branch_a1, "viewer")
    client.force_login(viewer)
    assert client.get(profile_url(activist)).status_code == 403


def test_an_unknown_person_is_not_found(client, personas):
    client.force_login(personas.system_admin)
    assert client.get(reverse("orgs:member", args=[987654])).status_code == 404


def test_the_profile_shows_the_membership_history_and_positions(client, tree, personas, activist):
    StatusChange.objects.create(
        person=activist,
        from_status="applicant",
        to_status="activist",
        changed_on=date(2025, 10, 1),
        reason="支部大会",
    )
    appoint(activist, tree.branch_a1, "study_member", start=date(2025, 9, 1))
    client.force_login(personas.secretary)
    html = client.get(profile_url(activist)).content.decode()
    for text in (activist.number, "甲一支部", "支部大会", 'datetime="2025-10-01"'):
        assert text in html
    response = client.get(profile_url(activist))
    assert [p["position"].position_type.code for p in response.context["positions"]] == ["study_member"]
    assert response.context["history"][0].to_status == "activist"


def test_personal_data_is_masked_for_a_viewer_and_not_audited(client, tree, personas, activist):
    client.force_login(personas.propaganda)
    html = client.get(profile_url(activist)).content.decode()
    assert PHONE not in html and NATIONAL_ID not in html and "li.jiji@" not in html
    assert "138****5678" in html and "110***********002X" in html and "l***@example.edu.cn" in html
    assert not AuditEvent.objects.filter(action="orgs.member.view_personal_data").exists()


def test_personal_data_in_full_is_audited(client, tree, personas, activist):
    client.force_login(personas.secretary)
    html = client.get(profile_url(activist)).content.decode()
    assert PHONE in html and NATIONAL_ID in html and "li.jiji@example.edu.cn" in html
    event = AuditEvent.objects.get(action="orgs.member.view_personal_data")
    assert event.actor == personas.secretary
    assert event.object_id == str(activist.pk)


def test_a_person_sees_their_own_data_in_full_without_an_audit_event(client, tree, personas, activist):
    client.force_login(activist)
    html = client.get(profile_url(activist)).content.decode()
    assert PHONE in html and NATIONAL_ID in html
    assert not AuditEvent.objects.exists()


def test_a_student_sees_only_their_own_profile(client, tree, personas, activist):
    client.force_login(personas.student)
    assert client.get(profile_url(personas.student)).status_code == 200
    assert client.get(profile_url(activist)).status_code == 404
    assert client.get(profile_url(personas.secretary)).status_code == 404


def test_staff_without_a_branch_are_covered_by_their_positions(client, tree, personas):
    client.force_login(personas.university_admin)
    assert client.get(profile_url(personas.college_officer)).status_code == 200
    client.force_login(personas.secretary)  # A1 is below college A, not above it
    assert client.get(profile_url(personas.college_officer)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("activist", 403),  # their own profile, without the right to edit
        ("propaganda", 403),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_edit_page_by_persona(client, tree, personas, activist, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(edit_url(activist)).status_code == status


def test_the_edit_form_has_only_the_fields_the_actor_may_change(client, tree, personas, activist):
    appoint(deputy := make_person(tree.branch_a1), tree.branch_a1, "deputy_secretary")
    client.force_login(deputy)
    response = client.get(edit_url(activist))
    fields = set(response.context["form"].fields)
    assert "party_status" in fields and "phone" not in fields and "national_id" not in fields
    assert PHONE not in response.content.decode()
    client.force_login(personas.secretary)
    fields = set(client.get(edit_url(activist)).context["form"].fields)
    assert {"phone", "national_id", "email"} <= fields


def test_the_group_choices_are_the_members_branch_groups(client, tree, personas, activist):
    client.force_login(personas.college_officer)
    form = client.get(edit_url(activist)).context["form"]
    assert list(form.fields["group"].queryset) == [tree.group_a1]


def form_data(person, **overrides):
    membership = Membership.objects.get(person=person)
    data = {
        "name": person.name,
        "gender": person.gender,
        "birth_date": "1949-12-31",
        "grade": person.grade or "",
        "major": person.major,
        "group": membership.group_id or "",
        "party_status": membership.party_status,
        "status_since": membership.status_since or "",
        "status_reason": "",
        "email": person.email or "",
        "phone": person.phone,
        "national_id": person.national_id,
    }
    if membership.league_member:
        data["league_member"] = "on"
    data.update(overrides)
    return data


def test_saving_the_form_updates_the_member_and_redirects(client, tree, personas, activist):
    client.force_login(personas.secretary)
    response = client.post(
        edit_url(activist),
        form_data(
            activist, name="李积极新", party_status="target", status_reason="支委会", group=tree.group_a1.pk
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == profile_url(activist)
    person = User.objects.get(pk=activist.pk)
    assert person.name == "李积极新"
    assert person.membership.party_status == PartyStatus.TARGET
    assert person.membership.group == tree.group_a1
    change = StatusChange.objects.get(person=activist)
    assert (change.to_status, change.changed_on, change.reason) == ("target", timezone.localdate(), "支委会")
    fields = AuditEvent.objects.get(action="orgs.member.update").data["fields"]
    assert fields == ["birth_date", "group", "name", "party_status", "status_since"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"phone": "12345"}, "phone", "Mobile phone"),
        ({"national_id": "110105194912310021"}, "national_id", "National ID number"),
        ({"email": "nope"}, "email", "Email"),
        ({"birth_date": "31/12/1949"}, "birth_date", "Date of birth"),
        ({"grade": "twenty"}, "grade", "Grade"),
        ({"name": ""}, "name", "Name"),
    ],
)
def test_errors_name_the_field(client, tree, personas, activist, overrides, field, words):
    client.force_login(personas.secretary)
    response = client.post(edit_url(activist), form_data(activist, **overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert words in form.errors[field][0]
    html = response.content.decode()
    assert "error-summary" in html and f'href="#id_{field}"' in html
    assert User.objects.get(pk=activist.pk).name == "李积极"


def test_a_taken_phone_number_is_named(client, tree, personas, activist):
    personas.student.phone = "13900001111"
    personas.student.save()
    client.force_login(personas.secretary)
    response = client.post(
        edit_url(activist), form_data(activist, phone="139 0000 1111"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already belongs to another person" in response.context["form"].errors["phone"][0]


def test_errors_are_in_the_users_language(client, tree, personas, activist):
    client.force_login(personas.secretary)
    response = client.post(
        edit_url(activist), form_data(activist, grade="abc"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "年级" in response.context["form"].errors["grade"][0]


def test_opening_the_edit_form_with_personal_data_is_audited(client, tree, personas, activist):
    client.force_login(personas.secretary)
    client.get(edit_url(activist))
    assert AuditEvent.objects.filter(action="orgs.member.view_personal_data").count() == 1


def test_a_viewer_cannot_post_changes(client, tree, personas, activist):
    client.force_login(personas.propaganda)
    response = client.post(edit_url(activist), form_data(activist, name="改名"))
    assert response.status_code == 403
    assert User.objects.get(pk=activist.pk).name == "李积极"
