"""API of a person's own account."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    email: str | None
    language: str


@router.get("/me", response=MeOut, summary="The logged-in person")
def me(request: HttpRequest) -> object:
    return request.user
