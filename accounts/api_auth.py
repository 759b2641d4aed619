"""API authentication: the page session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from accounts.models import AccessToken


class AccessTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; only the token's digest is looked up."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            AccessToken.objects.select_related("user")
            .filter(digest=AccessToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None or not found.is_usable:
            return None
        now = timezone.now()
        # Write the last-use time at most once a minute, not on every call.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


api_auth = [SessionAuth(), AccessTokenAuth()]
