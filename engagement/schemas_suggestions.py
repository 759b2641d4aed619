"""Schemas of the suggestion-box API. ``sender`` is filled only for a caller allowed to see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from engagement import permissions_suggestions as perms
from engagement import queries_suggestions as queries
from engagement.models import Suggestion, SuggestionKind


class SuggestionIn(Schema):
    unit_id: int = Field(
        description="The sender's branch, a unit above it (see `GET /suggestions/destinations`)."
    )
    kind: str = Field(SuggestionKind.SUGGESTION, description="`suggestion` or `question`.")
    subject: str = Field(max_length=500)
    text: str = Field(max_length=20000)
    hide_name: bool = Field(False, description="Show the sender's name to the handler only.")
    request_key: str = Field(
        "",
        max_length=64,
        description="Any unique string per message: a retry with the same key sends nothing new.",
    )


class TextIn(Schema):
    text: str = Field(max_length=20000)
    request_key: str = Field("", max_length=64, description="A retry with the same key adds nothing.")


class RatingIn(Schema):
    rating: int = Field(description="1 (not satisfied) to 5 (very satisfied).")
    comment: str = Field("", max_length=2000)


class AssignIn(Schema):
    handler_id: int = Field(description="A person with the mailbox duty or oversight of the item's unit.")
    note: str = Field("", max_length=500)


class UnitOut(Schema):
    id: int
    name: str
    kind: str


class PersonOut(Schema):
    id: int
    name: str


class SenderOut(Schema):
    id: int
    name: str
    number: str


class EventOut(Schema):
    id: int
    kind: str = Field(
        description="`sent`, `released`, `rejected`, `assigned`, `reply`, `follow_up`, `rated`."
    )
    by_sender: bool
    author: PersonOut | None = Field(description="Who wrote it; none for the sender's own events.")
    text: str
    pending_review: bool = Field(description="Held by moderation: only its writer sees it until approved.")
    created_at: datetime


class SuggestionOut(Schema):
    id: int
    unit: UnitOut
    kind: str
    subject: str
    status: str = Field(description="`review`, `open`, `answered`, `closed` or `rejected`.")
    overdue: bool
    hide_name: bool
    sender: SenderOut | None = Field(
        description="Only for the sender, the handler, or when the name is not hidden."
    )
    handler: PersonOut | None
    round: int
    due_on: date | None
    rating: int | None
    rating_comment: str
    created_at: datetime


class SuggestionDetailOut(SuggestionOut):
    text: str
    events: list[EventOut]


class FiguresOut(Schema):
    unit: UnitOut
    received: int
    open: int
    overdue: int
    answered: int
    average_days: float | None = Field(description="Average working days to the first reply.")
    median_days: float | None
    average_rating: float | None
    ratings: int


class BoxOut(Schema):
    figures: FiguresOut
    sub_units: list[FiguresOut]
    items: list[SuggestionOut]


def unit_json(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "kind": unit.kind}


def suggestion_json(user: Any, item: Suggestion) -> dict[str, Any]:
    shown = perms.sees_sender(user, item)
    return {
        "id": item.pk,
        "unit": unit_json(item.unit),
        "kind": item.kind,
        "subject": item.subject,
        "status": item.status,
        "overdue": queries.is_overdue(item),
        "hide_name": item.hide_name,
        "sender": {"id": item.sender.pk, "name": item.sender.name, "number": item.sender.number}
        if shown
        else None,
        "handler": {"id": item.handler.pk, "name": item.handler.name} if item.handler else None,
        "round": item.round,
        "due_on": item.due_on,
        "rating": item.rating,
        "rating_comment": item.rating_comment,
        "created_at": item.created_at,
    }


def detail_json(user: Any, item: Suggestion) -> dict[str, Any]:
    thread = queries.thread_of(item, for_sender=perms.is_sender(user, item))
    events = [
        {
            "id": event.pk,
            "kind": event.kind,
            "by_sender": event.by_sender,
            "author": {"id": event.actor.pk, "name": event.actor.name} if event.actor else None,
            "text": event.text,
            "pending_review": event.pk in thread.pending,
            "created_at": event.created_at,
        }
        for event in thread.events
    ]
    return {**suggestion_json(user, item), "text": item.text, "events": events}


def figures_json(figures: queries.Figures) -> dict[str, Any]:
    return {
        "unit": unit_json(figures.unit),
        "received": figures.received,
        "open": figures.open,
        "overdue": figures.overdue,
        "answered": figures.answered,
        "average_days": figures.average_days,
        "median_days": figures.median_days,
        "average_rating": figures.average_rating,
        "ratings": figures.ratings,
    }
