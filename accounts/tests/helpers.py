"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import itertools

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# The password of every persona in conftest.py, and of the people made here.
PASSWORD = "correct horse battery staple"

_numbers = itertools.count(1)


def make_user(*, number: str = "", name: str = "", **fields: object) -> User:
    """A person with no org ties (the accounts layer may not import orgs, even in tests)."""
    serial = next(_numbers)
    return User.objects.create_user(
        number or f"A{serial:07d}", PASSWORD, name=name or f"账号测试{serial}", **fields
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code that is none of those the device accepts right now."""
    device.refresh_from_db()
    accepted = set()
    for offset in (-1, 0, 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
        accepted.add(f"{totp.token():06d}")
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)
