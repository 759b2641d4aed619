"""Issuing a member a one-time password (for people imported from a roster, or who forgot theirs)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import password_issue_one_time
from core.audit import audit_record
from core.errors import DomainError
from orgs import permissions


def member_issue_password(*, actor: User, person: User) -> str:
    """Give ``person`` a one-time password and return it, to be shown to ``actor`` once.

    Needs orgs.issue_passwords over the person's branch. Refused for oneself (use the password
    page), for administrators (their passwords are set in the admin) and for disabled accounts.
    The audit event names who issued it, never the password.
    """
    permissions.require_member_visible(actor, person)
    if not permissions.can_issue_password(actor, person):
        raise PermissionDenied
    if person.pk == actor.pk:
        raise DomainError("password_for_self", _("Change your own password on your account page."))
    if person.is_superuser or person.is_staff:
        raise DomainError(
            "password_for_admin",
            _("Administrators' passwords are set by a system administrator in the admin."),
        )
    if not person.is_active:
        raise DomainError("password_for_inactive", _("This account is disabled; enable it first."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        password = password_issue_one_time(user=locked)
        membership_unit = permissions.covering_units(person)
        audit_record(
            actor=actor,
            action="orgs.member.issue_password",
            target=locked,
            unit_id=membership_unit[0].pk if membership_unit else None,
        )
    return password
