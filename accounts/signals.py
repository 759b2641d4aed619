"""Login hooks: start the second step for people with two-factor login turned on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SECOND_STEP_PENDING


@receiver(user_logged_in)
def require_second_step(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        request.session[SECOND_STEP_PENDING] = True
