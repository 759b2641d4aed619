from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from archive import permissions
from archive.models import MEMBER_PHOTO
from archive.tests import files
from orgs.models import PositionType

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(monkeypatch):
    """A registry of read policies that is thrown away after the test."""
    monkeypatch.setattr(permissions, "_read_policies", {})
    return permissions


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("student", False),
        ("outsider", False),
        ("propaganda", True),
        ("secretary", True),
        ("college_officer", True),
        ("university_admin", True),
        ("system_admin", True),
    ],
)
def test_the_default_policy_lets_those_who_view_documents_read(
    tree, personas, make_document, persona, allowed
):
    document = make_document(tree.branch_a1)
    assert permissions.can_read_document(getattr(personas, persona), document) is allowed


def test_the_owner_may_read_under_the_default_policy(tree, personas, make_document):
    photo = make_document(tree.branch_a1, content=files.png(), purpose=MEMBER_PHOTO, owner=personas.student)
    assert permissions.can_read_document(personas.student, photo)
    assert not permissions.can_read_document(personas.activist, photo)


def test_an_inactive_person_reads_nothing(tree, personas, make_document):
    document = make_document(tree.branch_a1)
    personas.secretary.is_active = False
    assert not permissions.can_read_document(personas.secretary, document)


def test_an_app_can_register_its_own_read_policy_for_its_purpose(
    client, tree, personas, make_document, policies
):
    dossier = make_document(tree.branch_a1, purpose="dossier", owner=personas.activist)
    ordinary = make_document(tree.branch_a1)
    policies.register_read_policy("dossier", lambda user, document: user.pk == document.owner_id)
    assert policies.can_read_document(personas.activist, dossier)
    assert not policies.can_read_document(personas.secretary, dossier)
    assert policies.can_read_document(personas.secretary, ordinary)  # other purposes keep the default
    client.force_login(personas.secretary)
    assert client.get(reverse("archive:download", kwargs={"public_id": dossier.public_id})).status_code == 403


def test_check_or_refuse_answers_404_to_strangers_and_403_to_members(tree, personas):
    with pytest.raises(Http404):
        permissions.check_or_refuse(personas.outsider, False, tree.branch_a1)
    with pytest.raises(PermissionDenied):
        permissions.check_or_refuse(personas.student, False, tree.branch_a1)  # a member of A1
    with pytest.raises(PermissionDenied):
        permissions.check_or_refuse(personas.student, False, tree.college_a)  # A1 lies inside
    with pytest.raises(Http404):
        permissions.check_or_refuse(personas.student, False, tree.branch_a2)
    permissions.check_or_refuse(personas.outsider, True, tree.branch_a1)


def test_the_migration_gives_the_standard_positions_their_archive_rights():
    rights = {t.code: set(t.capabilities) for t in PositionType.objects.all()}
    view, upload, delete = "archive.view_documents", "archive.upload_documents", "archive.delete_documents"
    assert {view, upload, delete} <= rights["secretary"]
    assert {view, upload, delete} <= rights["org_department_admin"]
    assert {view, upload} <= rights["propaganda_member"]
    assert delete not in rights["propaganda_member"]
    assert rights["study_member"] & {view, upload, delete} == {view}
    assert all(view in caps for caps in rights.values() if "orgs.view_unit" in caps)
