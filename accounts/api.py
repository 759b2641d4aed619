"""API building blocks of the accounts layer: the error shape every endpoint declares.

``GET /me`` lives in ``orgs.api``: it shows the person's branch membership and positions, and the
accounts layer may not import the organisation (``core <- accounts <- orgs``). This router is
where endpoints about the account alone (tokens, preferences) belong.
"""

from __future__ import annotations

from ninja import Field, Router, Schema

from accounts.api_auth import api_auth

router = Router(tags=["me"], auth=api_auth)


class ErrorDetailOut(Schema):
    code: str = Field(
        description=(
            "Stable machine-readable code: `invalid`, `unauthenticated`, `forbidden`, `not_found`, "
            "or the name of the rule a refused action breaks (409)."
        ),
        examples=["not_found"],
    )
    message: str = Field(description="A sentence for people, in the caller's language.")
    fields: dict[str, list[str]] = Field(
        description="For `invalid` (400): the messages per input field; `__all__` for the whole input.",
        examples=[{"page_size": ["Input should be less than or equal to 100"]}],
    )


class ErrorOut(Schema):
    """Every error response has this shape, whatever the status."""

    error: ErrorDetailOut


_ERROR_MEANINGS = {
    400: "Invalid input: `error.fields` names each field that is wrong.",
    401: "Not logged in, or the access token is missing, wrong, revoked or expired.",
    403: "The object is within your scope, but your positions do not give you this right.",
    404: "Not found, or outside the org units your positions reach.",
    409: "Refused: the action breaks a rule of the organisation (`error.code` names it).",
}


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response`` entries for the error statuses an endpoint can answer with."""
    unknown = set(statuses) - set(_ERROR_MEANINGS)
    if unknown:
        raise ValueError(f"No documented meaning for status {sorted(unknown)}")
    return dict.fromkeys(statuses, ErrorOut)


def error_openapi(*statuses: int, notes: dict[int, str] | None = None) -> dict[str, object]:
    """The ``openapi_extra`` that explains each error status in words (``notes`` adds specifics)."""
    notes = notes or {}
    return {
        "responses": {
            status: {"description": " ".join(filter(None, [_ERROR_MEANINGS[status], notes.get(status)]))}
            for status in statuses
        }
    }
