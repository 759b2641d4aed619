"""Typing help for views that require a logged-in person."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` behind ``login_required``: ``user`` is a real person."""

    user: User
    htmx: HtmxDetails
