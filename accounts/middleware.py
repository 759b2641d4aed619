"""Request-wide account rules: the chosen language, and the second login step for 2FA users."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

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
    Pages are redirected to the code page (htmx requests through ``HX-Redirect``); the API answers
    401 in its usual error shape.
    """

    allowed_prefixes = (
        "/accounts/verify/",
        "/accounts/logout/",
        "/accounts/language/",
        "/static/",
        "/i18n/",
    )
    api_prefix = "/api/"

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
            return self.ask_for_code(request)
        return self.get_response(request)

    def ask_for_code(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.api_prefix):
            message = gettext("Finish logging in: enter the code from your authenticator app.")
            return JsonResponse(
                {"error": {"code": "second_step_required", "message": message, "fields": {}}}, status=401
            )
        next_url = request.get_full_path() if request.method == "GET" else ""
        target = reverse("accounts:verify")
        if next_url:
            target = f"{target}?{urlencode({'next': next_url})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class PasswordChangeRequiredMiddleware:
    """After logging in with a one-time password, a person must choose their own before going on."""

    allowed_prefixes = (
        "/accounts/password/",
        "/accounts/verify/",
        "/accounts/logout/",
        "/accounts/language/",
        "/static/",
        "/i18n/",
    )

    def __init__(self, get_response: HandlerT) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.allowed_prefixes)
        ):
            message = gettext("Choose your own password before you go on: yours was issued by someone else.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "password_change_required", "message": message, "fields": {}}},
                    status=403,
                )
            target = reverse("accounts:password_change")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            messages.warning(request, message)
            return redirect(target)
        return self.get_response(request)
