"""People and their credentials."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.text import mask_national_id, mask_phone, normalize_national_id, normalize_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, number: str, password: str | None = None, **fields: Any) -> User:
        if not number:
            raise ValueError("A person needs a student or staff number")
        if fields.get("email"):
            fields["email"] = self.normalize_email(fields["email"])
        user = self.model(number=number, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, number: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("kind", User.Kind.STAFF)
        return self.create_user(number, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in (人员): a student or a member of staff.

    National ID and phone numbers are encrypted at rest; their keyed digests make them unique and
    let people log in by phone without the plain number being stored.
    """

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student")
        STAFF = "staff", _("Staff")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Not given")
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    number = models.CharField(
        _("student or staff number"),
        max_length=32,
        unique=True,
        help_text=_("The number printed on the campus card; used to log in."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STUDENT)
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = crypto.EncryptedCharField(_("mobile phone"), blank=True)
    phone_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    national_id = crypto.EncryptedCharField(_("national ID number"), blank=True)
    national_id_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, help_text=_("Year of enrolment, e.g. 2024.")
    )
    major = models.CharField(_("major"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Empty means the browser's language."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the admin site"), default=False, help_text=_("System administrators only.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when someone else issued a one-time password; cleared by a password change."),
    )

    objects = UserManager()

    USERNAME_FIELD = "number"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering: ClassVar = ["number"]
        indexes: ClassVar = [models.Index(fields=["name"]), models.Index(fields=["grade"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(kind__in=["student", "staff"]), name="user_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The digests are derived columns: recompute them on every save so they cannot drift.
        self.phone = normalize_phone(self.phone) if self.phone else ""
        self.national_id = normalize_national_id(self.national_id) if self.national_id else ""
        self.phone_digest = crypto.digest("phone", self.phone) if self.phone else None
        self.national_id_digest = crypto.digest("national_id", self.national_id) if self.national_id else None
        if not self.email:
            self.email = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"phone": "phone_digest", "national_id": "national_id_digest", "email": "email"}
            kwargs["update_fields"] = set(update_fields) | {extra[f] for f in update_fields if f in extra}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    @property
    def is_staff_account(self) -> bool:
        """Staff accounts may turn on two-factor login."""
        return self.kind == self.Kind.STAFF or self.is_staff or self.is_superuser


class AccessToken(models.Model):
    """A personal access token for API clients. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
