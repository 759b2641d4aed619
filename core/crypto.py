"""Encryption at rest for personal data, and keyed digests for exact look-ups.

Values are encrypted with Fernet (AES-128-CBC + HMAC) under ``settings.FIELD_ENCRYPTION_KEY``,
which lives outside the database (in the environment or ``var/``), so a copy of the database
alone does not reveal national ID or phone numbers. Because ciphertexts are randomised, equality
look-ups go through a keyed HMAC digest of the normalised value instead.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@cache
def _digest_key(key: str) -> bytes:
    # A separate key for digests, derived so that the encryption key is never used twice.
    return hashlib.sha256(b"smartbranch-digest:" + key.encode()).digest()


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("Encrypted value cannot be read with the configured key") from error


def digest(kind: str, value: str) -> str:
    """A keyed, deterministic digest of a normalised value, for unique indexes and look-ups."""
    message = f"{kind}:{value}".encode()
    return hmac.new(_digest_key(settings.FIELD_ENCRYPTION_KEY), message, hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text field stored encrypted; reads give the plain value back (empty stays empty)."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str:
        if not value:
            return ""
        return decrypt(value)

    def get_prep_value(self, value: object) -> str:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(str(value))
