"""API authentication: the page session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

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
        # The language middleware ran before the token was known: apply the person's choice now.
        if found.user.language:
            translation.activate(found.user.language)
            request.LANGUAGE_CODE = found.user.language
        return found.user


class CsrfFailed(PermissionDenied):
    """A logged-in browser sent a state-changing request without the page's CSRF token."""


class CsrfSessionAuth(SessionAuth):
    """The page session. Its unsafe requests must carry the CSRF token (``X-CSRFToken`` header).

    Without a logged-in session it answers "not me" instead of failing the CSRF check, so that a
    request with a wrong or missing token gets 401, not 403.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return request.user


# The bearer token is tried first: a token client never needs a CSRF token, because browsers do not
# attach the Authorization header by themselves. Routers use this list rather than the NinjaAPI's
# default so that token POSTs are not refused by the session's CSRF check.
api_auth = [AccessTokenAuth(), CsrfSessionAuth()]
