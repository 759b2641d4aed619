"""Forms of the account pages and of the admin site's person pages."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    UserChangeForm,
    UsernameField,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import crypto
from core.text import (
    is_valid_mobile,
    national_id_problem,
    normalize_national_id,
    normalize_phone,
    normalize_width,
)

_CODE = re.compile(r"^\d{6}$")


class LoginForm(AuthenticationForm):
    """Password login with any of the person's identifiers."""

    username = forms.CharField(
        label=_("Student/staff number, phone or email"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}
        ),
    )
    error_messages = {  # noqa: RUF012  (Django's own attribute)
        "invalid_login": _("The number, phone or email and the password do not match an account."),
        "inactive": _("This account is disabled. Ask your branch secretary."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def _language_choices() -> list[tuple[str, Any]]:
    return [("", _("Same as my browser")), *settings.LANGUAGES]


class LanguageForm(forms.Form):
    """The language a person reads the site in; empty follows the browser."""

    language = forms.ChoiceField(label=_("Show pages in"), required=False, choices=_language_choices)


class OneTimeCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces and full-width digits are accepted)."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 8,
            }
        ),
        help_text=_("Open your authenticator app and type the code it shows for SmartBranch."),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", normalize_width(self.cleaned_data["code"]))
        if not _CODE.match(code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."), code="format")
        return code


class TwoFactorDisableForm(forms.Form):
    """Turning two-factor login off asks for the password, so a borrowed session cannot do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AccessTokenForm(forms.Form):
    """A new personal access token: a name to recognise it by and an optional last day."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “my phone” or “dues spreadsheet script”."),
    )
    expires_on = forms.DateField(
        label=_("Last day it works"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a token that works until you revoke it."),
    )

    def clean_expires_on(self) -> Any:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."), code="past")
        return value

    @property
    def expires_at(self) -> datetime | None:
        """The moment the token stops working: the end of the chosen day, in the site's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- Admin site -----------------------------------------------------------------------------------


class PersonalDataFormMixin(forms.ModelForm):
    """Phone and national ID as one-line inputs, normalised, validated and checked for duplicates.

    Their unique columns are digests the form never sees, so duplicates are checked here rather
    than left to fail in the database.
    """

    def _duplicate(self, digest_field: str, kind: str, value: str) -> bool:
        others = User.objects.filter(**{digest_field: crypto.digest(kind, value)})
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()

    def clean_phone(self) -> str:
        value = normalize_phone(self.cleaned_data.get("phone") or "")
        if not value:
            return ""
        if not is_valid_mobile(value):
            raise forms.ValidationError(_("Enter an 11-digit mainland mobile number."), code="invalid")
        if self._duplicate("phone_digest", "phone", value):
            raise forms.ValidationError(_("Another person already has this phone number."), code="unique")
        return value

    def clean_national_id(self) -> str:
        value = normalize_national_id(self.cleaned_data.get("national_id") or "")
        if not value:
            return ""
        problem = national_id_problem(value)
        messages = {
            "length": _("A resident ID number has 18 characters."),
            "format": _("Use 17 digits followed by a digit or X."),
            "birth_date": _("The date of birth inside this ID number does not exist."),
            "checksum": _("The last character does not match: check the number for a typo."),
        }
        if problem is not None:
            raise forms.ValidationError(messages[problem], code=problem)
        if self._duplicate("national_id_digest", "national_id", value):
            raise forms.ValidationError(_("Another person already has this ID number."), code="unique")
        return value


class UserAdminChangeForm(PersonalDataFormMixin, UserChangeForm):
    """The admin's person form, for the custom ``User`` whose login name is ``number``."""

    phone = forms.CharField(label=_("mobile phone"), required=False, max_length=30)
    national_id = forms.CharField(label=_("national ID number"), required=False, max_length=30)

    class Meta:
        model = User
        fields = (
            "number",
            "password",
            "name",
            "kind",
            "gender",
            "birth_date",
            "grade",
            "major",
            "language",
            "email",
            "phone",
            "national_id",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )
        field_classes: ClassVar = {"number": UsernameField}


class UserAdminCreationForm(PersonalDataFormMixin, BaseUserCreationForm):
    """Add a person in the admin: number, name and a password checked by the configured validators."""

    class Meta:
        model = User
        fields = ("number", "name")
        field_classes: ClassVar = {"number": UsernameField}
