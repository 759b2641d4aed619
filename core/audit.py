"""The append-only audit log: who did what to which object, in which unit, when and from where.

Services call ``audit_record`` inside their transaction, so an event exists exactly when the change
it describes was committed. The request's address and user agent come from a context variable set
by ``AuditContextMiddleware``, so services need no request object.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from core.models import AuditEvent

_origin: contextvars.ContextVar[tuple[str | None, str]] = contextvars.ContextVar(
    "audit_origin", default=(None, "")
)


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Remember the current request's origin for the audit events written while serving it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set((client_address(request), request.META.get("HTTP_USER_AGENT", "")[:200]))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``action`` is a dotted verb such as ``"orgs.position.appoint"``."""
    address, agent = _origin.get()
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=str(actor) if is_person else "system",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        unit_id=unit_id,
        data=data or {},
        ip_address=address,
        user_agent=agent,
    )
