"""Writes to people's accounts: language, password, access tokens and two-factor login."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from accounts.models import AccessToken, User
from core.audit import audit_record
from core.errors import DomainError, FieldErrors

TOKEN_PREFIX = "sb_"  # noqa: S105  (marks our tokens in logs and secret scanners; not a secret)
TOKEN_PREFIX_LENGTH = 8
MAX_ACTIVE_TOKENS = 20
TOTP_DEVICE_NAME = "Authenticator app"


# --- Language ----------------------------------------------------------------------------------


def user_set_language(*, user: User, language: str) -> None:
    """Remember the person's language for every device they log in on; empty means the browser's."""
    if language and language not in dict(settings.LANGUAGES):
        raise FieldErrors.single("language", _("Choose one of the languages offered."))
    if user.language != language:
        with transaction.atomic():
            user.language = language
            user.save(update_fields=["language"])
            audit_record(
                actor=user, action="accounts.language.change", target=user, data={"language": language}
            )


# --- Password ----------------------------------------------------------------------------------


def user_password_change(*, user: User, new_password: str) -> None:
    """Set the person's own new password after checking it against the configured validators.

    The caller has already confirmed the old password (Django's ``PasswordChangeForm``).
    """
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise FieldErrors({"new_password1": list(error.messages)}) from error
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=user, action="accounts.password.change", target=user)


# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def password_issue_one_time(*, user: User) -> str:
    """Give ``user`` a random one-time password that must be changed at the next login.

    The caller has already decided that the actor may do this for this person (accounts knows
    nothing of the org scope); the caller writes the audit event naming the actor.
    """
    password = "-".join("".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(3))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


# --- Access tokens -----------------------------------------------------------------------------


def access_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[AccessToken, str]:
    """Create a personal access token and return it with the raw secret, which is never stored.

    Only the SHA-256 digest and the first characters (to recognise it in a list) are kept.
    """
    name = name.strip()
    if not name:
        raise FieldErrors.single("name", _("Give the token a name, such as the app that will use it."))
    if len(name) > 100:
        raise FieldErrors.single("name", _("Keep the name under 100 characters."))
    if expires_at is not None and expires_at <= timezone.now():
        raise FieldErrors.single("expires_at", _("The expiry must be in the future."))
    with transaction.atomic():
        # Lock the person so two requests at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = AccessToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
            expires_at__lte=timezone.now()
        )
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                "too_many_tokens",
                _("You already have %(count)d active tokens. Revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_TOKENS},
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = AccessToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:TOKEN_PREFIX_LENGTH],
            digest=AccessToken.digest_of(raw),
            expires_at=expires_at,
        )
        audit_record(
            actor=user,
            action="accounts.token.create",
            target=token,
            data={
                "name": name,
                "prefix": token.prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw


def access_token_revoke(*, user: User, token_id: int) -> AccessToken:
    """Revoke one of the person's own tokens at once; another person's token is not found (404).

    Revoking a token that is already revoked changes nothing.
    """
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or not permissions.can_revoke_access_token(user, token):
            raise Http404
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=user, action="accounts.token.revoke", target=token, data={"prefix": token.prefix}
            )
    return token


def access_tokens_revoke_as_admin(*, actor: User, token_ids: Iterable[int]) -> int:
    """Revoke any people's tokens from the admin site; returns how many were still usable."""
    if not permissions.can_revoke_any_access_token(actor):
        raise PermissionDenied
    revoked = 0
    with transaction.atomic():
        tokens = AccessToken.objects.select_for_update().filter(
            pk__in=list(token_ids), revoked_at__isnull=True
        )
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="accounts.token.revoke",
                target=token,
                data={"prefix": token.prefix, "owner": token.user_id, "by_admin": True},
            )
            revoked += 1
    return revoked


# --- Two-factor login --------------------------------------------------------------------------


def _throttled_message(device: TOTPDevice) -> str | None:
    """The message to show while wrong codes hold the device back, or None when a try is allowed."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (details or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second before trying again.",
        "Too many wrong codes. Wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}


def _wrong_code_message() -> str:
    return _("That code is not right. Enter the 6-digit code your app shows now.")


def two_factor_setup_start(*, user: User) -> TOTPDevice:
    """Start turning on two-factor login: a fresh, unconfirmed authenticator device with a new secret.

    Any earlier unfinished setup is dropped, so only the latest QR code works.
    """
    if not permissions.can_use_two_factor(user):
        raise PermissionDenied
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise DomainError("two_factor_on", _("Two-factor login is already on."))
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(actor=user, action="accounts.two_factor.setup_start", target=user)
    return device


def two_factor_setup_cancel(*, user: User) -> None:
    """Drop an unfinished setup; a two-factor login that is already on is not touched."""
    with transaction.atomic():
        deleted, _details = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        if deleted:
            audit_record(actor=user, action="accounts.two_factor.setup_cancel", target=user)


def two_factor_setup_confirm(*, user: User, code: str) -> TOTPDevice:
    """Finish turning on two-factor login once the person proves their app shows the right code."""
    if not permissions.can_use_two_factor(user):
        raise PermissionDenied
    problem: str | None = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        )
        if device is None:
            raise DomainError("no_setup", _("Start the setup first: there is no code to confirm."))
        problem = _throttled_message(device)
        if problem is None:
            if device.verify_token(code):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="accounts.two_factor.enable", target=user)
            else:
                problem = _wrong_code_message()
    # Raised outside the transaction so the failed-attempt count that throttles guessing is kept.
    if problem is not None:
        raise FieldErrors.single("code", problem)
    return device


def two_factor_disable(*, user: User, password: str) -> None:
    """Turn two-factor login off, after the person confirms it is them with their password."""
    if not user.check_password(password):
        raise FieldErrors.single("password", _("The password is not right."))
    with transaction.atomic():
        deleted, _details = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="accounts.two_factor.disable", target=user)


def two_factor_verify(*, user: User, code: str) -> TOTPDevice:
    """The second login step: check the code from the person's confirmed device.

    Each wrong code makes the next try wait longer (1, 2, 4 … seconds); wrong codes are audited.
    """
    problem: str | None = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-id").first()
        )
        if device is None:
            raise DomainError("two_factor_off", _("Two-factor login is not on for this account."))
        problem = _throttled_message(device)
        if problem is None and not device.verify_token(code):
            problem = _wrong_code_message()
            audit_record(actor=user, action="accounts.two_factor.failure", target=user)
    if problem is not None:
        raise FieldErrors.single("code", problem)
    return device
