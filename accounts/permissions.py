"""Who may do what with accounts: pure yes/no predicates, no queries."""

from __future__ import annotations

from typing import Any

from accounts.models import AccessToken


def can_use_two_factor(user: Any) -> bool:
    """Only staff accounts (and admins) may turn on two-factor login; students log in with a password."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff_account)


def can_revoke_access_token(user: Any, token: AccessToken) -> bool:
    """A person revokes only their own tokens; everyone else's do not exist for them."""
    return bool(user is not None and user.is_authenticated and token.user_id == user.pk)


def can_revoke_any_access_token(user: Any) -> bool:
    """Administrators with the change right over access tokens may revoke anyone's (from the admin site)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("accounts.change_accesstoken")
    )
