"""Request-wide account rules: the chosen language, and the second login step for 2FA users."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

SECOND_STEP_PENDING = "accounts.second_step_pending"

HandlerT = Callable[[HttpRequest], HttpResponse]


class UserLanguageMiddleware:
    """Use the language a person chose on their page, over the browser's."""

    def __init__(self, get_response: HandlerT) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A person who turned on two-factor login reaches nothing but the code page until verified.

    The flag is set at login (``accounts.signals``) so that ordinary requests cost no query.
    """

    allowed_prefixes = ("/accounts/verify/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: HandlerT) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SECOND_STEP_PENDING)
            and not request.path.startswith(self.allowed_prefixes)
        ):
            return redirect(f"{reverse('accounts:verify')}?next={request.get_full_path()}")
        return self.get_response(request)
