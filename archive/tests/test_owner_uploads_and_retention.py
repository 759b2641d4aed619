"""Owner-upload policies (a person stores a document about themselves where an app allows it), the
checksum of an upload before it is stored, and changing a document's retention date."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive import permissions, services
from archive.tests import files
from core.errors import DomainError, FieldErrors
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(monkeypatch):
    """A registry of upload policies that is thrown away after the test."""
    monkeypatch.setattr(permissions, "_upload_policies", {})
    return permissions


def store(actor, unit, *, owner, purpose: str = "journal"):
    return services.document_create(
        actor=actor,
        unit=unit,
        title="我的材料",
        uploaded_file=files.upload(files.pdf(), "x.pdf"),
        purpose=purpose,
        owner=owner,
    )


def test_an_app_lets_a_person_store_a_document_about_themselves(tree, personas, policies):
    policies.register_upload_policy("journal", lambda user, unit, owner: unit == tree.branch_a1)
    document = store(personas.student, tree.branch_a1, owner=personas.student)
    assert (document.owner, document.created_by, document.purpose) == (
        personas.student,
        personas.student,
        "journal",
    )


def test_the_policy_is_never_asked_for_a_document_about_someone_else(tree, personas, policies):
    asked = []
    policies.register_upload_policy("journal", lambda user, unit, owner: asked.append(owner) or True)
    with pytest.raises(Http404):  # the student holds no position: the branch is out of their scope
        store(personas.student, tree.branch_a1, owner=personas.activist)
    assert asked == []


def test_without_a_policy_or_when_it_says_no_the_upload_right_is_needed(tree, personas, policies):
    with pytest.raises(Http404):
        store(personas.student, tree.branch_a1, owner=personas.student)
    policies.register_upload_policy("journal", lambda user, unit, owner: False)
    with pytest.raises(Http404):
        store(personas.student, tree.branch_a1, owner=personas.student)
    assert store(personas.secretary, tree.branch_a1, owner=personas.student).owner == personas.student


def test_the_checksum_of_an_upload_checks_size_and_type_first(settings):
    content = files.pdf()
    assert services.upload_checksum(files.upload(content, "a.pdf")) == hashlib.sha256(content).hexdigest()
    with pytest.raises(FieldErrors) as refused:
        services.upload_checksum(files.upload(files.exe(), "a.pdf"))
    assert set(refused.value.fields) == {"file"}
    with pytest.raises(FieldErrors):
        services.upload_checksum(files.upload(content, "a.pdf"), allowed_types={"image/png"})
    with pytest.raises(FieldErrors):
        services.upload_checksum(files.upload(content, "a.pdf"), max_bytes=10)
    with pytest.raises(FieldErrors):
        services.upload_checksum(None)


def test_the_retention_date_changes_with_an_audited_reason_and_then_deletion_is_allowed(
    tree, personas, make_document
):
    document = make_document(tree.branch_a1, retain_until=date(9999, 12, 31))
    with pytest.raises(DomainError):
        services.document_delete(actor=personas.secretary, document=document, reason="过期")
    with pytest.raises(FieldErrors):
        services.document_retention_set(
            actor=personas.secretary, document=document, retain_until=None, reason=""
        )
    with pytest.raises(PermissionDenied):
        services.document_retention_set(
            actor=personas.propaganda, document=document, retain_until=date(2020, 1, 1), reason="期满"
        )
    services.document_retention_set(
        actor=personas.secretary, document=document, retain_until=date(2020, 1, 1), reason="期满"
    )
    event = AuditEvent.objects.get(action="archive.document.retention")
    assert event.data == {"from": "9999-12-31", "to": "2020-01-01", "reason": "期满"}
    assert services.document_delete(actor=personas.secretary, document=document, reason="期满").is_deleted
