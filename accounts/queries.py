"""Reads of a person's own account: their tokens and their two-factor device."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessToken, User


def access_tokens_of(*, user: User) -> QuerySet[AccessToken]:
    """The person's own access tokens: usable and expired ones first, revoked ones last; newest first."""
    return AccessToken.objects.filter(user=user).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-id"
    )


def totp_device_of(*, user: User, confirmed: bool) -> TOTPDevice | None:
    """The person's authenticator-app device, confirmed or still being set up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def has_two_factor(*, user: User) -> bool:
    """True when the person has turned on two-factor login (a confirmed device exists)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
