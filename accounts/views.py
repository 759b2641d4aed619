"""Pages of a person's own account: login and its second step, language, password, two-factor
login, access tokens, and their own page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions, queries, services
from accounts.forms import (
    AccessTokenForm,
    LanguageForm,
    LoginForm,
    OneTimeCodeForm,
    TwoFactorDisableForm,
)
from accounts.http import AuthedRequest
from accounts.middleware import SECOND_STEP_PENDING
from core.errors import DomainError, FieldErrors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Shown by django-axes when an account or an address has too many failed logins."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request: HttpRequest, candidate: str | None, default: str = "") -> str:
    """``candidate`` when it points into this site, otherwise ``default`` (the home page if empty)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


def _add_errors(form: forms.Form, error: FieldErrors | DomainError) -> None:
    """Show a service's refusal on the form: under the field it names, else above the form."""
    if isinstance(error, DomainError):
        form.add_error(None, str(error.message))
        return
    for field, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


# --- Language ----------------------------------------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: remembered on the person's account when logged in, in a cookie always.

    An empty choice (offered on the person's own page) goes back to the browser's language.
    """
    language = request.POST.get("language", "")
    next_url = _safe_next(request, request.POST.get("next"), "/")
    response = HttpResponseRedirect(next_url)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    elif not language and "language" in request.POST:
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language="")
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
    return response


# --- The person's own page -----------------------------------------------------------------------


def _notification_preferences_url() -> str | None:
    # The preferences page belongs to another part of the site and may not be installed yet.
    try:
        return reverse("core:notification_preferences")
    except NoReverseMatch:
        return None


def _me_context(request: AuthedRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "person": user,
        "reveal": request.GET.get("reveal") == "1",
        "language_form": LanguageForm(initial={"language": user.language}),
        "tokens": list(queries.access_tokens_of(user=user)),
        "token_form": AccessTokenForm(),
        "new_token": None,
        "new_token_raw": "",
        "can_use_two_factor": permissions.can_use_two_factor(user),
        "notification_preferences_url": _notification_preferences_url(),
    }
    if context["can_use_two_factor"]:
        context["two_factor_on"] = queries.has_two_factor(user=user)
    context.update(extra)
    return context


def _me_response(request: AuthedRequest, partial: str | None, **extra: Any) -> HttpResponse:
    template = f"accounts/me.html#{partial}" if partial and request.htmx else "accounts/me.html"
    response = render(request, template, _me_context(request, **extra))
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """The person's own page: profile, language, password, two-factor login, tokens, notifications.

    ``?reveal=1`` shows their own full phone and ID numbers instead of the masked ones.
    """
    return _me_response(request, "profile")


# --- Access tokens -----------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    """Create a token and show its secret exactly once, in this response (never in a redirect)."""
    form = AccessTokenForm(request.POST)
    extra: dict[str, Any] = {"token_form": form}
    if form.is_valid():
        try:
            token, raw = services.access_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at
            )
        except (FieldErrors, DomainError) as error:
            if isinstance(error, FieldErrors) and "expires_at" in error.fields:
                error = FieldErrors({"expires_on": error.fields["expires_at"]})
            _add_errors(form, error)
        else:
            extra = {"token_form": AccessTokenForm(), "new_token": token, "new_token_raw": raw}
    return _me_response(request, "tokens", **extra)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    """Revoke one of the person's own tokens; anyone else's token is answered with 404."""
    token = services.access_token_revoke(user=request.user, token_id=token_id)
    if request.htmx:
        return _me_response(request, "tokens")
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect(f"{reverse('accounts:me')}#tokens")


# --- Password ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's own password; this session stays logged in, other sessions end."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        except FieldErrors as error:
            _add_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Two-factor login: setup -------------------------------------------------------------------


def _require_two_factor_right(request: AuthedRequest) -> None:
    if not permissions.can_use_two_factor(request.user):
        raise PermissionDenied


def _qr_svg(config_url: str) -> str:
    svg = segno.make(config_url, error="m").svg_inline(scale=5, omitsize=True, svgclass="qr-code")
    # segno draws the code from the URL's bits; no text from the URL reaches the markup.
    return mark_safe(svg)  # noqa: S308


def _render_two_factor(request: AuthedRequest, **extra: Any) -> HttpResponse:
    user = request.user
    confirmed = queries.totp_device_of(user=user, confirmed=True)
    pending = None if confirmed else queries.totp_device_of(user=user, confirmed=False)
    context: dict[str, Any] = {"device": confirmed, "pending": pending}
    if pending is not None:
        secret = b32encode(pending.bin_key).decode().rstrip("=")
        context.update(
            qr_svg=_qr_svg(pending.config_url),
            secret=secret,
            secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
            code_form=extra.pop("code_form", None) or OneTimeCodeForm(),
        )
    if confirmed is not None:
        context["disable_form"] = extra.pop("disable_form", None) or TwoFactorDisableForm()
    context.update(extra)
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
def two_factor(request: AuthedRequest) -> HttpResponse:
    """Two-factor login for staff accounts: off, being set up (QR code and key), or on."""
    _require_two_factor_right(request)
    return _render_two_factor(request)


@never_cache
@login_required
@require_POST
def two_factor_start(request: AuthedRequest) -> HttpResponse:
    _require_two_factor_right(request)
    try:
        services.two_factor_setup_start(user=request.user)
    except DomainError as error:
        messages.info(request, str(error.message))
    return redirect("accounts:two_factor")


@login_required
@require_POST
def two_factor_cancel(request: AuthedRequest) -> HttpResponse:
    _require_two_factor_right(request)
    services.two_factor_setup_cancel(user=request.user)
    return redirect("accounts:two_factor")


@never_cache
@login_required
@require_POST
def two_factor_confirm(request: AuthedRequest) -> HttpResponse:
    """Check the first code from the app; on success this session counts as verified."""
    _require_two_factor_right(request)
    form = OneTimeCodeForm(request.POST)
    if form.is_valid():
        try:
            device = services.two_factor_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("accounts:two_factor")
        except FieldErrors as error:
            _add_errors(form, error)
        else:
            django_otp.login(request, device)
            messages.success(
                request, _("Two-factor login is on. You will be asked for a code after your password.")
            )
            return redirect("accounts:two_factor")
    return _render_two_factor(request, code_form=form)


@never_cache
@login_required
@require_POST
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    _require_two_factor_right(request)
    form = TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, password=form.cleaned_data["password"])
        except FieldErrors as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Two-factor login is off. Your password alone now logs you in."))
            return redirect("accounts:two_factor")
    return _render_two_factor(request, disable_form=form)


# --- Two-factor login: the second step -------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    """The second login step: the code from the person's authenticator app, then on to ``next``."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not request.session.get(SECOND_STEP_PENDING):
        return redirect(next_url)
    if not queries.has_two_factor(user=request.user):
        # Turned off meanwhile (an administrator removed the device): nothing left to check.
        request.session.pop(SECOND_STEP_PENDING, None)
        return redirect(next_url)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except (FieldErrors, DomainError) as error:
            _add_errors(form, error)
        else:
            django_otp.login(request, device)
            request.session.pop(SECOND_STEP_PENDING, None)
            request.session.cycle_key()
            return redirect(next_url)
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})
