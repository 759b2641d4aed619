"""Log in with a student/staff number, a mobile phone number or an email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User
from core import crypto
from core.text import is_valid_mobile, normalize_phone, normalize_width


def find_user_by_identifier(identifier: str) -> User | None:
    """The active person whose number, email or phone is ``identifier``, if exactly one."""
    identifier = normalize_width(identifier or "")
    if not identifier:
        return None
    condition = Q(number=identifier)
    if "@" in identifier:
        condition |= Q(email__iexact=identifier)
    phone = normalize_phone(identifier)
    if is_valid_mobile(phone):
        condition |= Q(phone_digest=crypto.digest("phone", phone))
    matches = list(User.objects.filter(condition)[:2])
    return matches[0] if len(matches) == 1 else None


class IdentifierBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Count failed logins per account, whichever identifier was typed."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    user = find_user_by_identifier(raw)
    return user.number if user else normalize_width(raw)[:150]
