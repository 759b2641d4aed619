"""Shared fixtures: a small university and one persona per scope.

university U ─┬─ college A ─┬─ branch A1 ── group A1-1
              │             └─ branch A2
              └─ college B ─── branch B1
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import migrations

from accounts.models import User
from orgs.models import OrgUnit, PartyStatus, UnitKind
from orgs.tests.factories import appoint, make_child, make_person, make_root

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Tree:
    university: OrgUnit
    college_a: OrgUnit
    branch_a1: OrgUnit
    group_a1: OrgUnit
    branch_a2: OrgUnit
    college_b: OrgUnit
    branch_b1: OrgUnit


@dataclass
class Personas:
    student: User  # applicant in A1, no position
    activist: User  # activist in A1, no position
    propaganda: User  # propaganda member of A1: in scope, few rights
    secretary: User  # secretary of A1
    college_officer: User  # organiser of college A
    university_admin: User  # organisation department
    system_admin: User  # superuser
    outsider: User  # secretary of B1, outside college A


@pytest.fixture(autouse=True)
def _fast_settings(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Query-count assertions count the session read; keep it a database read whatever REDIS_URL says
    # (core/tests/test_redis.py covers the cached sessions that production uses with Redis).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Data migrations that create reference data (position types and their capabilities). A
# transactional test (live server, real worker) ends by flushing every table, which removes these
# rows for the tests after it; `tree` replays them when they are missing. Add new ones here.
REFERENCE_DATA_MIGRATIONS = [
    "orgs.migrations.0002_default_position_types",
    "orgs.migrations.0005_grant_issue_passwords",
    "archive.migrations.0002_grant_archive_capabilities",
    "development.migrations.0002_grant_development_capabilities",
    "moderation.migrations.0002_grant_moderation_capabilities",
    "moderation.migrations.0003_add_default_lexicon",
    "orglife.migrations.0002_grant_orglife_capabilities",
    "learning.migrations.0002_default_points_rules",
    "dues.migrations.0002_grant_dues_capabilities",
    "learning.migrations.0003_grant_question_authors",
    "learning.migrations.0006_grant_learning_capabilities",
    "publishing.migrations.0002_grant_publishing_capabilities",
    "engagement.migrations.0002_grant_suggestions_capabilities",
]


def restore_reference_data() -> None:
    from orgs.models import PositionType

    if PositionType.objects.exists():
        return
    for name in REFERENCE_DATA_MIGRATIONS:
        for operation in importlib.import_module(name).Migration.operations:
            if isinstance(operation, migrations.RunPython):
                operation.code(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Every database test starts with the reference data, whatever test flushed the tables before it.

    A transactional test flushes every table when it ends — even one that skips itself on SQLite
    after its database was set up — so the seed and migration tests, which use no ``tree``, would
    otherwise find no position types depending on the order the suite runs in.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    request.getfixturevalue("transactional_db" if transactional else "db")
    restore_reference_data()


@pytest.fixture
def tree(db: None) -> Tree:
    restore_reference_data()
    university = make_root()
    college_a = make_child(university, "甲学院党委", "A", UnitKind.COLLEGE_COMMITTEE)
    college_b = make_child(university, "乙学院党委", "B", UnitKind.COLLEGE_COMMITTEE)
    branch_a1 = make_child(college_a, "甲一支部", "A1", UnitKind.BRANCH)
    branch_a2 = make_child(college_a, "甲二支部", "A2", UnitKind.BRANCH)
    group_a1 = make_child(branch_a1, "甲一第一党小组", "A1G1", UnitKind.PARTY_GROUP)
    branch_b1 = make_child(college_b, "乙一支部", "B1", UnitKind.BRANCH)
    return Tree(university, college_a, branch_a1, group_a1, branch_a2, college_b, branch_b1)


@pytest.fixture
def personas(tree: Tree) -> Personas:
    student = make_person(tree.branch_a1, name="张学生", status=PartyStatus.APPLICANT, group=tree.group_a1)
    activist = make_person(tree.branch_a1, name="李积极", status=PartyStatus.ACTIVIST)
    propaganda = make_person(tree.branch_a1, name="王宣传", status=PartyStatus.FULL)
    appoint(propaganda, tree.branch_a1, "propaganda_member")
    secretary = make_person(tree.branch_a1, name="赵书记", status=PartyStatus.FULL)
    appoint(secretary, tree.branch_a1, "secretary")
    college_officer = make_person(None, name="钱组织员", kind=User.Kind.STAFF)
    appoint(college_officer, tree.college_a, "college_organiser")
    university_admin = make_person(None, name="孙组织部", kind=User.Kind.STAFF)
    appoint(university_admin, tree.university, "org_department_admin")
    system_admin = User.objects.create_superuser(
        "admin0001", "correct horse battery staple", name="系统管理员"
    )
    outsider = make_person(tree.branch_b1, name="周外人", status=PartyStatus.FULL)
    appoint(outsider, tree.branch_b1, "secretary")
    return Personas(
        student, activist, propaganda, secretary, college_officer, university_admin, system_admin, outsider
    )
