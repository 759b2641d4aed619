"""Writes to people's accounts."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import User
from core.audit import audit_record
from core.errors import FieldErrors


def user_set_language(*, user: User, language: str) -> None:
    """Remember the person's language for every device they log in on."""
    if language not in dict(settings.LANGUAGES):
        raise FieldErrors.single("language", "Unknown language")
    if user.language != language:
        with transaction.atomic():
            user.language = language
            user.save(update_fields=["language"])
            audit_record(
                actor=user, action="accounts.language.change", target=user, data={"language": language}
            )
