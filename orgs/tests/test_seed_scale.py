"""seed_scale: a whole university from a fixed seed, at size XS so that it stays fast."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.backends import find_user_by_identifier
from accounts.models import User
from core.models import AuditEvent
from orgs.management.scale_plan import (
    BENCH_PASSWORD,
    PERSONA_ROLES,
    SIZES,
    UniversityPlanner,
    path_step,
    persona_numbers,
    step_of,
)
from orgs.models import Membership, OrgUnit, PartyStatus, Position, StatusChange, UnitKind
from orgs.tests.factories import make_root

pytestmark = pytest.mark.django_db


def seed(size: str = "XS") -> str:
    out = StringIO()
    call_command("seed_scale", "--size", size, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "positions": Position.objects.count(),
        "history": StatusChange.objects.count(),
    }


@pytest.fixture
def seeded() -> str:
    return seed()


def test_it_builds_a_university_of_about_the_promised_size(seeded):
    size = SIZES["XS"]
    people = User.objects.count()
    assert 0.9 * size.people <= people <= 1.1 * size.people
    kinds = Counter(OrgUnit.objects.values_list("kind", flat=True))
    assert kinds[UnitKind.UNIVERSITY_COMMITTEE] == 1
    assert kinds[UnitKind.COLLEGE_COMMITTEE] + kinds[UnitKind.GENERAL_BRANCH] == size.colleges
    assert kinds[UnitKind.BRANCH] >= size.colleges
    assert kinds[UnitKind.PARTY_GROUP] >= 2 * kinds[UnitKind.BRANCH]
    students = User.objects.filter(kind=User.Kind.STUDENT).count()
    assert Membership.objects.count() == students


def test_every_party_status_is_present_in_every_branch(seeded):
    statuses = set(PartyStatus.values)
    for branch in OrgUnit.objects.filter(kind=UnitKind.BRANCH):
        present = set(Membership.objects.filter(unit=branch).values_list("party_status", flat=True))
        assert present == statuses, branch.code


def test_the_tree_paths_are_what_treebeard_would_have_made(seeded):
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    root = OrgUnit.objects.get(kind=UnitKind.UNIVERSITY_COMMITTEE)
    colleges = list(OrgUnit.objects.get_children(root))
    assert len(colleges) == root.numchild == SIZES["XS"].colleges
    for college in colleges:
        branches = OrgUnit.objects.get_children(college)
        assert {unit.kind for unit in branches} == {UnitKind.BRANCH}
        assert all(OrgUnit.objects.get_parent(unit) == college for unit in branches)
    # A unit added the ordinary way lands after the seeded ones.
    expected = colleges[0].path + path_step(colleges[0].numchild + 1)
    added = OrgUnit.objects.add_child(colleges[0], {"name": "新支部", "code": "NEW", "kind": UnitKind.BRANCH})
    assert added.path == expected


def test_every_unit_has_its_officers(seeded):
    active = Position.objects.active()
    root = OrgUnit.objects.get(kind=UnitKind.UNIVERSITY_COMMITTEE)
    assert active.filter(unit=root, position_type__code="org_department_admin").count() == 3
    for college in OrgUnit.objects.filter(kind__in=[UnitKind.COLLEGE_COMMITTEE, UnitKind.GENERAL_BRANCH]):
        assert active.filter(unit=college, position_type__code="college_organiser").exists()
    for branch in OrgUnit.objects.filter(kind=UnitKind.BRANCH):
        committee = set(active.filter(unit=branch).values_list("position_type__code", flat=True))
        assert {"secretary", "organisation_member", "propaganda_member"} <= committee, branch.code
        secretary = active.get(unit=branch, position_type__code="secretary").person
        assert secretary.membership.party_status == PartyStatus.FULL


def test_the_status_history_leads_to_each_persons_status(seeded):
    latest = {}
    for change in StatusChange.objects.order_by("person_id", "changed_on", "id"):
        latest[change.person_id] = change
    developing = Membership.objects.exclude(party_status=PartyStatus.NONE)
    assert developing.count() == len(latest)
    for membership in developing:
        change = latest[membership.person_id]
        assert change.to_status == membership.party_status
        assert change.changed_on == membership.status_since


def test_the_personas_log_in_with_the_bench_password_and_nobody_else_can(seeded, client):
    numbers = persona_numbers("XS")
    personas = User.objects.filter(number__in=numbers.values())
    # XS has too few colleges and branches for some; the bench uses the first of each role.
    assert {"student1", "secretary1", "officer1", "orgdept1", "admin1"} <= {
        role for role, number in numbers.items() if personas.filter(number=number).exists()
    }
    assert personas.count() <= sum(PERSONA_ROLES.values())
    assert all(person.check_password(BENCH_PASSWORD) for person in personas)
    assert not User.objects.exclude(number__in=numbers.values()).filter(password__startswith="md5$").exists()
    assert (
        client.post(
            "/accounts/login/", {"username": numbers["secretary1"], "password": BENCH_PASSWORD}
        ).status_code
        == 302
    )
    assert (
        Position.objects.active()
        .filter(person__number=numbers["officer1"], position_type__code="college_organiser")
        .exists()
    )


def test_encrypted_numbers_can_be_looked_up(seeded):
    person = User.objects.filter(kind=User.Kind.STUDENT).order_by("pk").first()
    assert person.phone.startswith("199") and len(person.national_id) == 18
    assert find_user_by_identifier(person.phone) == person


def test_running_it_again_creates_nothing(seeded):
    before = counts()
    output = seed()
    assert "already loaded" in output
    assert counts() == before
    assert AuditEvent.objects.filter(action="orgs.scale.seed").count() == 1


def test_it_gives_the_same_university_every_time():
    first = UniversityPlanner(SIZES["XS"], 0, 1).college(1)
    second = UniversityPlanner(SIZES["XS"], 0, 1).college(1)
    assert [p.number for p in first.people] == [p.number for p in second.people]
    assert [p.national_id for p in first.people] == [p.national_id for p in second.people]


def test_it_lands_beside_an_existing_organisation():
    existing = make_root("演示大学党委", "DEMO")
    seed()
    root = OrgUnit.objects.get(code="SCALE-XS-U1")
    assert step_of(root.path) == step_of(existing.path) + 1
    assert OrgUnit.objects.get_descendants(existing).count() == 0


@pytest.mark.parametrize("step", [1, 35, 36, 1295, 36**4 - 1])
def test_path_steps_match_treebeard(step):
    assert path_step(step) == OrgUnit._get_path("", 1, step)
    assert step_of(path_step(step)) == step
