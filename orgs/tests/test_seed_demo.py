from __future__ import annotations

import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import crypto
from core.models import Notification
from core.permissions import can, in_scope, scope_paths
from core.text import is_valid_mobile, national_id_birth_date, national_id_problem
from orgs.management.demo_plan import PERSONAS, build_plan
from orgs.models import Membership, OrgUnit, PartyStatus, Position, UnitKind

pytestmark = pytest.mark.django_db

PASSWORDS = {p.number: p.password for p in PERSONAS}
STUDENT, ACTIVIST, SECRETARY, OFFICER, ORG_DEPARTMENT, SYSTEM_ADMIN = (p.number for p in PERSONAS)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "positions": Position.objects.count(),
        "notifications": Notification.objects.count(),
    }


def age_on(day, born) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.fixture
def seeded() -> str:
    return seed()


def test_it_seeds_the_promised_university_quickly():
    started = time.monotonic()
    seed()
    assert time.monotonic() - started < 30
    kinds = Counter(OrgUnit.objects.values_list("kind", flat=True))
    assert kinds[UnitKind.UNIVERSITY_COMMITTEE] == 1
    assert kinds[UnitKind.COLLEGE_COMMITTEE] == 4
    assert 10 <= kinds[UnitKind.BRANCH] <= 14
    assert 2 * kinds[UnitKind.BRANCH] <= kinds[UnitKind.PARTY_GROUP] <= 3 * kinds[UnitKind.BRANCH]
    assert 370 <= User.objects.count() <= 440
    assert OrgUnit.objects.get(kind=UnitKind.UNIVERSITY_COMMITTEE).name == "云湖示范大学党委"


def test_every_party_status_appears_in_realistic_proportions(seeded):
    statuses = Counter(Membership.objects.values_list("party_status", flat=True))
    assert set(statuses) == set(PartyStatus.values)
    total = sum(statuses.values())
    assert statuses[PartyStatus.NONE] > statuses[PartyStatus.APPLICANT] > statuses[PartyStatus.TARGET]
    assert 0.08 <= statuses[PartyStatus.FULL] / total <= 0.25
    assert 0.5 <= Membership.objects.filter(league_member=True).count() / total <= 0.95
    assert not Membership.objects.exclude(party_status=PartyStatus.NONE).filter(status_since=None).exists()


def test_every_branch_has_a_committee_of_full_members_and_groups(seeded):
    for branch in OrgUnit.objects.filter(kind=UnitKind.BRANCH):
        held = {
            p.position_type.code: p.person
            for p in Position.objects.active().filter(unit=branch).select_related("position_type", "person")
        }
        assert {"secretary", "organisation_member", "propaganda_member"} <= set(held), branch.name
        for person in held.values():
            assert person.membership.unit_id == branch.pk
            assert person.membership.party_status == PartyStatus.FULL
        groups = OrgUnit.objects.get_children(branch)
        assert 2 <= groups.count() <= 3
        assert all(
            Position.objects.filter(unit=g, position_type__code="group_leader").exists() for g in groups
        )
        assert Membership.objects.filter(unit=branch).count() >= 25


def test_every_college_has_its_officers_and_the_university_its_department(seeded):
    for college in OrgUnit.objects.filter(kind=UnitKind.COLLEGE_COMMITTEE):
        codes = set(Position.objects.filter(unit=college).values_list("position_type__code", flat=True))
        assert {"committee_secretary", "college_organiser"} <= codes, college.name
    university = OrgUnit.objects.get(kind=UnitKind.UNIVERSITY_COMMITTEE)
    assert Position.objects.filter(unit=university, position_type__code="org_department_admin").exists()


def test_personal_data_is_valid_and_everyone_is_an_adult(seeded):
    today = timezone.localdate()
    people = list(User.objects.all())
    assert len({p.national_id for p in people}) == len(people)
    assert len({p.phone for p in people}) == len(people)
    for person in people:
        assert national_id_problem(person.national_id) is None, person.number
        assert national_id_birth_date(person.national_id) == person.birth_date
        assert int(person.national_id[16]) % 2 == (1 if person.gender == "M" else 0)
        assert person.national_id_digest == crypto.digest("national_id", person.national_id)
        assert person.phone_digest == crypto.digest("phone", person.phone)
        assert is_valid_mobile(person.phone)
        assert age_on(today, person.birth_date) >= 18, person.number
    for student in User.objects.filter(kind=User.Kind.STUDENT):
        assert len(student.number) == 10 and student.number.startswith(str(student.grade))
        assert student.major


def test_the_plan_is_the_same_every_time():
    first, second = build_plan(), build_plan()
    assert [p.national_id for p in first.people] == [p.national_id for p in second.people]
    assert [p.name for p in first.people] == [p.name for p in second.people]


def test_a_second_run_changes_nothing(seeded):
    before = table_counts()
    hashes = dict(User.objects.values_list("number", "password"))
    output = seed()
    assert table_counts() == before
    assert dict(User.objects.values_list("number", "password")) == hashes
    assert "nothing was created" in output


def test_if_empty_does_nothing_when_an_org_unit_exists(tree):
    before = table_counts()
    output = seed("--if-empty")
    assert table_counts() == before
    assert not OrgUnit.objects.filter(code="YH").exists()
    assert "not loaded" in output


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert OrgUnit.objects.filter(code="YH").exists()


def test_it_prints_the_logins_and_demo_logins_prints_them_again(seeded, monkeypatch):
    for persona in PERSONAS:
        assert persona.number in seeded and persona.password in seeded
    assert "http://127.0.0.1:8000/" in seeded
    assert "DEMO ONLY" in seeded
    monkeypatch.setenv("PORT", "8123")
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert all(p.password in out.getvalue() for p in PERSONAS)


def test_demo_logins_hides_a_changed_password_and_says_when_nothing_is_loaded(seeded):
    officer = User.objects.get(number=OFFICER)
    officer.set_password("a private one now")
    officer.save(update_fields=["password"])
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo-officer" not in out.getvalue()
    assert "demo-secretary" in out.getvalue()
    User.objects.filter(number__in=PASSWORDS).update(is_active=False)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "not loaded" in out.getvalue()


def test_only_the_personas_can_log_in(seeded):
    usable = {u.number for u in User.objects.all() if u.has_usable_password()}
    assert usable == set(PASSWORDS)


@pytest.mark.parametrize("number", list(PASSWORDS))
def test_each_persona_logs_in_with_the_printed_password(client, seeded, number):
    request = RequestFactory().post(reverse("accounts:login"))
    assert client.login(request=request, username=number, password=PASSWORDS[number])
    assert client.get(reverse("home")).status_code == 200


def test_each_persona_logs_in_through_the_login_page(client, seeded):
    response = client.post(reverse("accounts:login"), {"username": STUDENT, "password": PASSWORDS[STUDENT]})
    assert response.status_code == 302
    assert client.get(reverse("core:inbox")).status_code == 200


def test_the_personas_see_what_their_role_promises(seeded):
    people = {u.number: u for u in User.objects.filter(number__in=PASSWORDS)}
    cs = OrgUnit.objects.get(code="YH-CS")
    cs_branches = list(OrgUnit.objects.filter(kind=UnitKind.BRANCH, path__startswith=cs.path))
    other_branch = OrgUnit.objects.get(code="YH-MARX-U2023")
    own_branch = OrgUnit.objects.get(code="YH-CS-U2024")
    university = OrgUnit.objects.get(code="YH")

    student, activist = people[STUDENT], people[ACTIVIST]
    assert student.membership.party_status == PartyStatus.APPLICANT
    assert activist.membership.party_status == PartyStatus.ACTIVIST
    for person in (student, activist):
        assert scope_paths(person) == []
        assert not in_scope(person, own_branch)

    secretary = people[SECRETARY]
    assert can(secretary, "orgs.view_personal_data", own_branch)
    assert not in_scope(secretary, OrgUnit.objects.get(code="YH-CS-U2023"))

    officer = people[OFFICER]
    assert len(cs_branches) == 4
    assert all(can(officer, "orgs.view_members", branch) for branch in cs_branches)
    assert not in_scope(officer, other_branch)

    department = people[ORG_DEPARTMENT]
    assert can(department, "orgs.import_roster", university)
    assert can(department, "orgs.view_members", other_branch)

    admin = people[SYSTEM_ADMIN]
    assert admin.is_superuser and admin.is_staff
    assert Notification.objects.filter(recipient=student).count() == 1
