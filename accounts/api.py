"""API building blocks of the accounts layer: the error shape every endpoint declares.

``GET /me`` lives in ``orgs.api``: it shows the person's branch membership and positions, and the
accounts layer may not import the organisation (``core <- accounts <- orgs``). This router is
where endpoints about the account alone (tokens, preferences) belong.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Router, Schema

from accounts.api_auth import api_auth

router = Router(tags=["me"], auth=api_auth)


class RuleViolationOut(Schema):
    """One broken rule of a refused action (a 409 `rule_violation`)."""

    code: str = Field(description="The rule's stable code.", examples=["application.talk_within_one_month"])
    message: str = Field(description="What is wrong, with the dates involved, in the caller's language.")
    source: str = Field(description="Where the rule comes from (regulation and article), in words.")
    scope: str = Field(description="`national` (fixed) or `local` (set by the university).")
    level: str = Field(description="`error` (refuses the action) or `warning`.")
    waivable: bool = Field(
        description="True when a person holding the right to record exceptions may excuse it with a reason."
    )
    dates: dict[str, date] = Field(
        description="The dates the rule looked at, by name.",
        examples=[{"received_on": "2026-03-02", "deadline": "2026-04-02", "talk_on": "2026-04-10"}],
    )
    params: dict[str, Any] = Field(description="Every value the message names (dates as YYYY-MM-DD).")
    case_id: int | None = Field(
        None, description="The case the rule concerns, when one action touched several (a batch meeting)."
    )


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
    violations: list[RuleViolationOut] | None = Field(
        None,
        description=(
            "Only with `rule_violation` (409): each rule the action breaks, with its source and the "
            "dates involved. Absent from every other error."
        ),
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
