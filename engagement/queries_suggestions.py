"""Reads of the suggestion box, scoped by the caller: destinations, my items, a unit's box, figures.

Every list is a fixed number of queries whatever its length. Figures count items, never people,
and no read here returns a sender's name to a caller who may not see it (the pages and the API
ask ``permissions_suggestions.sees_sender`` row by row).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.permissions import is_system_admin, scope_paths
from engagement import capabilities_suggestions as caps
from engagement.models import Suggestion, SuggestionEvent, SuggestionStatus
from moderation import queries as moderation_queries
from orgs import queries as org_queries
from orgs.models import Membership, OrgUnit, Position, UnitKind

FIGURE_PERIOD_DAYS = 90


def destinations_for(user: Any) -> list[OrgUnit]:
    """The units a person may write to: their branch and every unit above it, nearest first."""
    membership = Membership.objects.filter(person_id=user.pk).select_related("unit").first()
    if membership is None:
        return []
    branch = membership.unit
    return [branch, *reversed(org_queries.unit_ancestors(branch))]


def _holders(units: list[OrgUnit], capability: str) -> list[Position]:
    """Active positions in these units whose type grants ``capability``, nearest unit first, then by
    rank (one query; capabilities are a JSON list, filtered here so SQLite and PostgreSQL agree)."""
    depth = {unit.pk: index for index, unit in enumerate(units)}
    positions = (
        Position.objects.active()
        .filter(unit__in=list(depth))
        .select_related("person", "position_type", "unit")
        .order_by("position_type__rank", "start_date", "id")
    )
    chosen = [
        p for p in positions if capability in (p.position_type.capabilities or []) and p.person.is_active
    ]
    return sorted(chosen, key=lambda p: depth[p.unit_id])


def default_handler(unit: OrgUnit) -> Any | None:
    """The person holding ``unit``'s mailbox duty (``engagement.handle_suggestions`` in the unit
    itself), the highest-ranked one when several do; None when no one does."""
    holders = _holders([unit], caps.HANDLE_SUGGESTIONS)
    return holders[0].person if holders else None


def unit_officers(unit: OrgUnit) -> list[Any]:
    """The people with oversight of the suggestion box in ``unit`` itself (one query)."""
    return list({p.person_id: p.person for p in _holders([unit], caps.MANAGE_SUGGESTIONS)}.values())


def superior_of(unit: OrgUnit, *, besides: int | None = None) -> Any | None:
    """Whom to tell when an item of ``unit`` is long overdue: the mailbox holder of the nearest unit
    above (or, lacking one, its nearest officer with oversight), never the person ``besides``."""
    ancestors = list(reversed(org_queries.unit_ancestors(unit)))
    for capability in (caps.HANDLE_SUGGESTIONS, caps.MANAGE_SUGGESTIONS):
        for position in _holders(ancestors, capability):
            if position.person_id != besides:
                return position.person
    return None


def handler_choices(unit: OrgUnit) -> list[Any]:
    """People who may be named handler of an item of ``unit``: holders of the mailbox duty or of
    oversight in the unit or above it (one query), nearest unit first, each once."""
    units = [unit, *reversed(org_queries.unit_ancestors(unit))]
    seen: dict[int, Any] = {}
    for capability in (caps.HANDLE_SUGGESTIONS, caps.MANAGE_SUGGESTIONS):
        for position in _holders(units, capability):
            seen.setdefault(position.person_id, position.person)
    return list(seen.values())


def suggestion_get(suggestion_id: int) -> Suggestion:
    """The item with its unit and handler, or 404. The caller checks the user's right to see it."""
    return get_object_or_404(Suggestion.objects.select_related("unit", "handler"), pk=suggestion_id)


@dataclass
class Thread:
    """An item's events as its reader may see them: held texts only for their own writer."""

    events: list[SuggestionEvent]
    pending: set[int] = field(default_factory=set)  # ids of events waiting for review


def thread_of(item: Suggestion, *, for_sender: bool) -> Thread:
    """The item's events in order (two queries). Texts still held by moderation are shown to their
    own writer as waiting, and left out for everyone else; rejected ones are left out for all."""
    events = list(item.events.select_related("actor").order_by("created_at", "id"))
    subjects = [event.moderation_subject for event in events if event.text]
    statuses = moderation_queries.statuses_of(subjects) if subjects else {}
    shown: list[SuggestionEvent] = []
    pending: set[int] = set()
    for event in events:
        status = statuses.get(event.moderation_subject)
        if status in (None, "approved"):
            shown.append(event)
        elif status == "pending" and event.by_sender == for_sender:
            shown.append(event)
            pending.add(event.pk)
    return Thread(shown, pending)


def mine(user: Any) -> QuerySet[Suggestion]:
    """The person's own items, newest first, with unit and handler (one query)."""
    return (
        Suggestion.objects.filter(sender_id=user.pk)
        .select_related("unit", "handler", "sender")
        .order_by("-created_at")
    )


def handling(user: Any) -> QuerySet[Suggestion]:
    """Items waiting for the person's reply, earliest deadline (so overdue) first."""
    return (
        Suggestion.objects.filter(handler_id=user.pk, status=SuggestionStatus.OPEN)
        .select_related("unit", "handler", "sender")
        .order_by("due_on", "created_at")
    )


BOX_FILTERS = ("open", "answered", "closed", "all")


def box_of(unit: OrgUnit, status: str = "open") -> QuerySet[Suggestion]:
    """Items sent to ``unit``: the open ones by deadline (overdue first), the others newest first.
    Items still held by moderation are not in anyone's box."""
    rows = Suggestion.objects.filter(unit=unit).exclude(
        status__in=(SuggestionStatus.REVIEW, SuggestionStatus.REJECTED)
    )
    rows = rows.select_related("unit", "handler", "sender")
    if status == "open":
        return rows.filter(status=SuggestionStatus.OPEN).order_by("due_on", "created_at", "id")
    if status in ("answered", "closed"):
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def is_overdue(item: Suggestion, today: date | None = None) -> bool:
    """The reply is late: still waiting after its due day."""
    day = today or timezone.localdate()
    return item.status == SuggestionStatus.OPEN and item.due_on is not None and item.due_on < day


@dataclass
class Figures:
    """A unit's (or subtree's) box in numbers over a period; no person appears in them."""

    unit: OrgUnit
    received: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    average_days: float | None = None
    median_days: float | None = None
    average_rating: float | None = None
    ratings: int = 0
    reply_days: list[int] = field(default_factory=list, repr=False)
    rating_values: list[int] = field(default_factory=list, repr=False)

    def finish(self) -> Figures:
        if self.reply_days:
            self.average_days = round(statistics.fmean(self.reply_days), 1)
            self.median_days = float(statistics.median(self.reply_days))
        if self.rating_values:
            self.ratings = len(self.rating_values)
            self.average_rating = round(statistics.fmean(self.rating_values), 1)
        return self


def _rows(condition: Q, since: datetime) -> list[dict[str, Any]]:
    visible = ~Q(status__in=(SuggestionStatus.REVIEW, SuggestionStatus.REJECTED))
    rows = (
        Suggestion.objects.filter(condition, visible)
        .filter(Q(created_at__gte=since) | Q(status=SuggestionStatus.OPEN) | Q(first_replied_at__gte=since))
        .values(
            "unit__path", "status", "due_on", "created_at", "first_replied_at", "reply_working_days", "rating"
        )
    )
    return [dict(row) for row in rows]


def _add(figures: Figures, row: dict[str, Any], since: datetime, today: date) -> None:
    if row["created_at"] >= since:
        figures.received += 1
    if row["status"] == SuggestionStatus.OPEN:
        figures.open += 1
        if row["due_on"] is not None and row["due_on"] < today:
            figures.overdue += 1
    if row["first_replied_at"] is not None and row["first_replied_at"] >= since:
        figures.answered += 1
        if row["reply_working_days"] is not None:
            figures.reply_days.append(row["reply_working_days"])
    if row["rating"] is not None and row["created_at"] >= since:
        figures.rating_values.append(row["rating"])


def period_start(days: int = FIGURE_PERIOD_DAYS) -> datetime:
    return timezone.now() - timedelta(days=days)


def unit_figures(unit: OrgUnit, *, days: int = FIGURE_PERIOD_DAYS) -> Figures:
    """The box of ``unit`` itself over the last ``days`` days: received, open, overdue, answered,
    average and median working days to the first reply, average satisfaction (one query)."""
    since, today = period_start(days), timezone.localdate()
    figures = Figures(unit)
    for row in _rows(Q(unit=unit), since):
        _add(figures, row, since, today)
    return figures.finish()


def sub_unit_figures(unit: OrgUnit, *, days: int = FIGURE_PERIOD_DAYS) -> list[Figures]:
    """For each direct sub-unit (branches of a college, colleges of the university), the figures of
    its whole subtree (two queries whatever the number of sub-units)."""
    children = [child for child in org_queries.unit_children(unit) if child.kind != UnitKind.PARTY_GROUP]
    if not children:
        return []
    since, today = period_start(days), timezone.localdate()
    table = {child.path: Figures(child) for child in children}
    depth = len(children[0].path)
    for row in _rows(Q(unit__path__startswith=unit.path) & ~Q(unit=unit), since):
        figures = table.get(row["unit__path"][:depth])
        if figures is not None:
            _add(figures, row, since, today)
    return [figures.finish() for figures in table.values()]


def managed_units(user: Any) -> list[OrgUnit]:
    """The units whose box the user oversees: the roots of their oversight (one query)."""
    if is_system_admin(user):
        return list(OrgUnit.objects.filter(depth=1).order_by("path"))
    paths = scope_paths(user, caps.MANAGE_SUGGESTIONS)
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path")) if paths else []
