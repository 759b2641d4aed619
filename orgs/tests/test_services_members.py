"""member_update: who may change what, validation that names the field, status history and audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation

from accounts.models import User
from core.errors import FieldErrors
from core.models import AuditEvent
from orgs import services
from orgs.models import Membership, PartyStatus, StatusChange, UnitKind
from orgs.tests.factories import make_child, make_person

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
OTHER_VALID_ID = "110105200001010016"


def update(actor, person, **changes):
    return services.member_update(actor=actor, person=person, changes=changes)


def field_errors(actor, person, **changes) -> dict[str, list[str]]:
    with pytest.raises(FieldErrors) as refused:
        update(actor, person, **changes)
    return refused.value.fields


def test_valid_example_ids_are_valid():
    from core.text import national_id_problem

    assert national_id_problem(VALID_ID) is None
    assert national_id_problem(OTHER_VALID_ID) is None


def test_a_secretary_changes_member_fields_and_the_audit_lists_only_names(tree, personas):
    update(
        personas.secretary,
        personas.activist,
        name="李积极（改）",
        grade=2023,
        major="计算机科学",
        league_member=True,
    )
    person = User.objects.get(pk=personas.activist.pk)
    assert (person.name, person.grade, person.major) == ("李积极（改）", 2023, "计算机科学")
    assert person.membership.league_member is True
    event = AuditEvent.objects.get(action="orgs.member.update")
    assert event.data == {"fields": ["grade", "league_member", "major", "name"]}
    assert event.unit_id == tree.branch_a1.pk
    assert "计算机科学" not in str(event.data)


def test_personal_data_changes_are_audited_without_values(tree, personas):
    update(
        personas.secretary,
        personas.activist,
        phone="138 1234 5678",
        national_id=VALID_ID.lower(),
        email="li@example.edu.cn",
    )
    person = User.objects.get(pk=personas.activist.pk)
    assert person.phone == "13812345678"
    assert person.national_id == VALID_ID
    event = AuditEvent.objects.get(action="orgs.member.update")
    assert event.data == {"fields": ["email", "national_id", "phone"]}
    assert "13812345678" not in str(event.data) and VALID_ID not in str(event.data)


def test_nothing_is_written_when_nothing_changes(tree, personas):
    update(
        personas.secretary, personas.activist, name=personas.activist.name, party_status=PartyStatus.ACTIVIST
    )
    assert not AuditEvent.objects.exists()
    assert not StatusChange.objects.exists()


def test_a_status_change_is_recorded_in_the_history(tree, personas):
    day = timezone.localdate() - timedelta(days=3)
    update(
        personas.secretary,
        personas.activist,
        party_status=PartyStatus.TARGET,
        status_since=day,
        status_reason="支委会讨论",
    )
    change = StatusChange.objects.get(person=personas.activist)
    assert (change.from_status, change.to_status, change.changed_on) == ("activist", "target", day)
    assert change.reason == "支委会讨论"
    assert change.recorded_by == personas.secretary
    change.reason = "改写"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()
    membership = Membership.objects.get(person=personas.activist)
    assert (membership.party_status, membership.status_since) == ("target", day)
    assert AuditEvent.objects.get().data == {"fields": ["party_status", "status_since"]}


def test_a_status_change_without_a_new_date_is_dated_today(tree, personas):
    Membership.objects.filter(person=personas.activist).update(status_since=date(2025, 3, 1))
    update(
        personas.secretary, personas.activist, party_status=PartyStatus.TARGET, status_since=date(2025, 3, 1)
    )
    assert StatusChange.objects.get().changed_on == timezone.localdate()


def test_history_is_append_only(tree, personas):
    update(personas.secretary, personas.activist, party_status=PartyStatus.TARGET)
    update(personas.secretary, personas.activist, party_status=PartyStatus.PROBATIONARY)
    assert list(StatusChange.objects.order_by("id").values_list("to_status", flat=True)) == [
        "target",
        "probationary",
    ]
    change = StatusChange.objects.first()
    with pytest.raises(ValueError):
        change.save()


def test_the_group_must_belong_to_the_members_branch(tree, personas):
    foreign_group = make_child(tree.branch_a2, "甲二第一党小组", "A2G1", UnitKind.PARTY_GROUP)
    assert "group" in field_errors(personas.college_officer, personas.activist, group=foreign_group.pk)
    assert "group" in field_errors(personas.college_officer, personas.activist, group=tree.branch_a1.pk)
    update(personas.college_officer, personas.activist, group=tree.group_a1)
    assert Membership.objects.get(person=personas.activist).group == tree.group_a1


def test_personal_fields_need_the_personal_data_right(tree, personas):
    deputy = make_person(tree.branch_a1)
    from orgs.tests.factories import appoint

    appoint(deputy, tree.branch_a1, "deputy_secretary")  # may edit members, may not see personal data
    update(deputy, personas.activist, major="数学")
    with pytest.raises(PermissionDenied):
        update(deputy, personas.activist, phone="13812345678")
    assert User.objects.get(pk=personas.activist.pk).phone == ""


def test_it_refuses_outsiders_and_viewers(tree, personas):
    with pytest.raises(Http404):
        update(personas.outsider, personas.activist, name="x")
    with pytest.raises(PermissionDenied):
        update(personas.propaganda, personas.activist, name="x")
    with pytest.raises(PermissionDenied):
        update(personas.activist, personas.activist, name="x")  # one's own profile, without the right
    with pytest.raises(PermissionDenied):
        update(personas.secretary, personas.activist, is_superuser=True)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "  "}, "name", "Name"),
        ({"grade": 24}, "grade", "Grade"),
        ({"birth_date": date.today() + timedelta(days=1)}, "birth_date", "Date of birth"),
        ({"party_status": "member"}, "party_status", "Party status"),
        ({"gender": "X"}, "gender", "Gender"),
        ({"email": "not-an-address"}, "email", "Email"),
        ({"phone": "12345"}, "phone", "Mobile phone"),
        ({"national_id": "1101051949123100"}, "national_id", "18 characters"),
        ({"national_id": "11010519491231002A"}, "national_id", "digits"),
        ({"national_id": "110105194913310020"}, "national_id", "not a real date"),
        ({"national_id": "110105194912310021"}, "national_id", "does not match"),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(tree, personas, changes, field, words):
    with translation.override("en"):
        errors = field_errors(personas.secretary, personas.activist, **changes)
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_messages_follow_the_users_language(tree, personas):
    with translation.override("zh-hans"):
        errors = field_errors(personas.secretary, personas.activist, phone="12345")
    assert "手机" in errors["phone"][0]


def test_the_birth_date_must_match_the_id_number(tree, personas):
    errors = field_errors(
        personas.secretary, personas.activist, birth_date=date(2000, 1, 1), national_id=VALID_ID
    )
    assert list(errors) == ["national_id"]
    update(personas.secretary, personas.activist, birth_date=date(1949, 12, 31), national_id=VALID_ID)


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("phone", "13900001111", "13900001111"),
        ("national_id", OTHER_VALID_ID, OTHER_VALID_ID),
        ("email", "shared@example.edu.cn", "shared@example.edu.cn"),
    ],
)
def test_numbers_and_emails_belong_to_one_person(tree, personas, field, value, stored):
    setattr(personas.student, field, stored)
    personas.student.save()
    with translation.override("en"):
        errors = field_errors(personas.secretary, personas.activist, **{field: value})
    assert list(errors) == [field]
    assert "another person" in errors[field][0]


def test_a_person_may_keep_their_own_number(tree, personas):
    personas.activist.phone = "13900001111"
    personas.activist.save()
    update(personas.secretary, personas.activist, phone="139 0000 1111", name="新名字")
    assert AuditEvent.objects.get().data == {"fields": ["name"]}


def test_a_failed_validation_changes_nothing(tree, personas):
    with pytest.raises(FieldErrors):
        update(
            personas.secretary, personas.activist, name="新名字", party_status=PartyStatus.TARGET, phone="123"
        )
    assert User.objects.get(pk=personas.activist.pk).name == "李积极"
    assert not StatusChange.objects.exists()
    assert not AuditEvent.objects.exists()


def test_people_without_a_branch_have_no_membership_fields(tree, personas):
    with pytest.raises(PermissionDenied):
        update(personas.university_admin, personas.college_officer, party_status=PartyStatus.FULL)
    update(personas.university_admin, personas.college_officer, major="思想政治教育")
    assert User.objects.get(pk=personas.college_officer.pk).major == "思想政治教育"


def test_reading_personal_data_is_audited_for_others_only(tree, personas):
    services.member_personal_data_viewed(actor=personas.activist, person=personas.activist)
    assert not AuditEvent.objects.exists()
    services.member_personal_data_viewed(actor=personas.secretary, person=personas.activist)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == ("orgs.member.view_personal_data", str(personas.activist.pk))
    with pytest.raises(PermissionDenied):
        services.member_personal_data_viewed(actor=personas.propaganda, person=personas.activist)
