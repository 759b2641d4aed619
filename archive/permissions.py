"""Who may read, add to and remove documents.

Reading is decided by a policy chosen by the document's ``purpose``: apps that keep their files
here (development dossiers, meeting photos, course media) register their own policy with
``register_read_policy``; every other document follows ``default_read_policy``. Uploading needs
``archive.upload_documents`` over the unit, except where an app registered an owner-upload policy
for its purpose (``register_upload_policy``): a person then stores a document about themselves
(a student's own thought report) when that policy says yes, and the archive needs to know nothing
of the app.

Refusals follow the house rule: a person who cannot know the unit gets 404, one who can (through
a position in scope, or as a member of a branch inside it) but lacks the right gets 403. A document
about someone else (with an owner) is a secret to anyone without a position over its unit: 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive import capabilities as caps
from archive.models import Document
from core.permissions import can, grants, in_scope, is_system_admin
from orgs.models import Membership, OrgUnit

ReadPolicy = Callable[[Any, Document], bool]
UploadPolicy = Callable[[Any, OrgUnit, Any], bool]

_read_policies: dict[str, ReadPolicy] = {}
_upload_policies: dict[str, UploadPolicy] = {}


def register_read_policy(purpose: str, policy: ReadPolicy) -> None:
    """Decide reads of documents with ``purpose`` by ``policy(user, document)`` from now on."""
    _read_policies[purpose] = policy


def register_upload_policy(purpose: str, policy: UploadPolicy) -> None:
    """Let ``policy(user, unit, owner)`` allow a person to store documents of ``purpose`` about
    themselves in ``unit`` without ``archive.upload_documents`` (it is asked only when ``owner`` is
    the uploader)."""
    _upload_policies[purpose] = policy


def owner_may_upload(user: Any, *, unit: OrgUnit, purpose: str, owner: Any) -> bool:
    """True when ``user`` stores a document about themselves and ``purpose``'s policy allows it."""
    if not _is_active_person(user) or owner is None or getattr(owner, "pk", None) != user.pk:
        return False
    policy = _upload_policies.get(purpose)
    return policy is not None and bool(policy(user, unit, owner))


def read_policy_for(purpose: str) -> ReadPolicy:
    return _read_policies.get(purpose, default_read_policy)


def _is_active_person(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def default_read_policy(user: Any, document: Document) -> bool:
    """The document's owner may read it; so may whoever may view documents over its unit."""
    if document.owner_id is not None and document.owner_id == user.pk:
        return True
    return can(user, caps.VIEW_DOCUMENTS, document.unit)


def can_read_document(user: Any, document: Document) -> bool:
    """True when ``user`` may download ``document`` (any version) and its thumbnail."""
    if not _is_active_person(user) or document.is_deleted:
        return False
    return read_policy_for(document.purpose)(user, document)


def knows_unit(user: Any, unit: OrgUnit) -> bool:
    """True when the unit is no secret to ``user``: in their scope, or containing their branch."""
    if not _is_active_person(user):
        return False
    if in_scope(user, unit):
        return True
    return Membership.objects.filter(person=user, unit__path__startswith=unit.path).exists()


def can_view_unit_documents(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may list the unit's documents."""
    return _is_active_person(user) and can(user, caps.VIEW_DOCUMENTS, unit)


def can_upload_documents(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may add documents, and new versions of documents, to the unit."""
    return _is_active_person(user) and can(user, caps.UPLOAD_DOCUMENTS, unit)


def can_delete_unit_documents(user: Any, unit: OrgUnit) -> bool:
    """True when ``user`` may delete the unit's documents (their retention dates aside)."""
    return _is_active_person(user) and can(user, caps.DELETE_DOCUMENTS, unit)


def can_delete_document(user: Any, document: Document) -> bool:
    """True when ``user`` may delete ``document`` (its retention date aside)."""
    return can_delete_unit_documents(user, document.unit)


def can_browse_archive(user: Any) -> bool:
    """True when ``user`` may view documents in at least one unit (opens the archive section)."""
    if not _is_active_person(user):
        return False
    return is_system_admin(user) or any(g.capability == caps.VIEW_DOCUMENTS for g in grants(user))


def check_read_or_refuse(user: Any, document: Document) -> None:
    """Raise 404 or 403 unless ``user`` may read ``document``.

    A document about another person stays a secret (404) to whoever holds no position over its
    unit, even when they know the unit (a fellow student of the branch).
    """
    if can_read_document(user, document):
        return
    about_someone_else = document.owner_id is not None and document.owner_id != getattr(user, "pk", None)
    if about_someone_else and not in_scope(user, document.unit):
        raise Http404
    check_or_refuse(user, False, document.unit)


def check_or_refuse(user: Any, allowed: bool, unit: OrgUnit) -> None:
    """Raise 404 when ``user`` cannot know ``unit``, 403 when they can but ``allowed`` is false."""
    if allowed:
        return
    if knows_unit(user, unit):
        raise PermissionDenied
    raise Http404
