"""Reads of moderation: what readers may see, the review queue, and the lexicon.

``is_hidden``, ``hidden_subjects`` and ``status_of`` are the public reads other apps call to
decide whether to show a piece of text; the rest serves the moderation pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.permissions import is_system_admin, scope_paths
from moderation import capabilities as caps
from moderation.models import (
    HIDDEN_STATUSES,
    ItemStatus,
    LexiconEntry,
    LexiconVersion,
    ModerationDecision,
    ModerationItem,
    Report,
)
from moderation.normalize import fold
from moderation.permissions import root_unit
from orgs.models import OrgUnit

# --- For the apps whose text is moderated -------------------------------------------------------


def is_hidden(subject: str) -> bool:
    """True when readers must not see ``subject``: held or reported and waiting, rejected or hidden."""
    return ModerationItem.objects.filter(subject=subject, status__in=HIDDEN_STATUSES).exists()


def hidden_subjects(subjects: list[str]) -> set[str]:
    """The subjects of the list that readers must not see, in one query (none for an empty list)."""
    if not subjects:
        return set()
    return set(
        ModerationItem.objects.filter(subject__in=subjects, status__in=HIDDEN_STATUSES).values_list(
            "subject", flat=True
        )
    )


def status_of(subject: str) -> str | None:
    """The moderation status of ``subject`` (``pending``, ``approved``, ``rejected``, ``hidden``),
    or None when it never needed moderation."""
    return ModerationItem.objects.filter(subject=subject).values_list("status", flat=True).first()


def statuses_of(subjects: list[str]) -> dict[str, str]:
    """The status of each subject of the list that has one, in one query."""
    if not subjects:
        return {}
    return dict(ModerationItem.objects.filter(subject__in=subjects).values_list("subject", "status"))


def lexicon_version() -> int:
    """How many times the lexicon has changed (for display)."""
    return LexiconVersion.objects.order_by("pk").values_list("number", flat=True).first() or 0


# --- The review queue ---------------------------------------------------------------------------


def _in_subtree(unit: OrgUnit, path_field: str = "unit__path") -> Q:
    condition = Q(**{f"{path_field}__startswith": unit.path})
    if unit.depth == 1:  # the university's queue also takes text that belongs to no unit
        condition |= Q(unit__isnull=True)
    return condition


def _reports_count() -> Coalesce:
    counts = (
        Report.objects.filter(subject=OuterRef("subject"))
        .order_by()
        .values("subject")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def review_queue(unit: OrgUnit, *, status: str = ItemStatus.PENDING) -> QuerySet[ModerationItem]:
    """Items of ``unit``'s subtree with ``status`` (pending: oldest first), with their reports count."""
    items = (
        ModerationItem.objects.filter(_in_subtree(unit), status=status)
        .select_related("unit", "author")
        .annotate(reports_count=_reports_count())
    )
    if status == ItemStatus.PENDING:
        return items.order_by("queued_at", "id")
    return items.order_by("-decided_at", "-id")


def pending_count(unit: OrgUnit) -> int:
    return ModerationItem.objects.filter(_in_subtree(unit), status=ItemStatus.PENDING).count()


def item_get(item_id: int) -> ModerationItem:
    """The item with this id and its unit, with its reports count, or 404. The caller checks rights."""
    return get_object_or_404(
        ModerationItem.objects.select_related("unit", "author").annotate(reports_count=_reports_count()),
        pk=item_id,
    )


def item_decisions(item: ModerationItem) -> list[ModerationDecision]:
    """The item's decision log, oldest first (one query)."""
    return list(
        ModerationDecision.objects.filter(item=item).select_related("moderator").order_by("decided_at", "id")
    )


def item_reports(item: ModerationItem) -> list[Report]:
    """Readers' reports of the item's subject, oldest first; reporters are not shown to moderators."""
    return list(
        Report.objects.filter(subject=item.subject).only("reason", "created_at").order_by("created_at", "id")
    )


def _top_units(paths: set[str]) -> list[OrgUnit]:
    tops = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    return list(OrgUnit.objects.filter(path__in=tops).order_by("path"))


def moderation_units_for(user: Any) -> list[OrgUnit]:
    """The top units where ``user`` reviews or keeps the lexicon, in tree order (one query)."""
    if is_system_admin(user):
        root = root_unit()
        return [root] if root is not None else []
    return _top_units(set(scope_paths(user, caps.REVIEW)) | set(scope_paths(user, caps.MANAGE_LEXICON)))


def lexicon_units_for(user: Any) -> list[OrgUnit]:
    """The top units where ``user`` keeps the lexicon, in tree order (one query)."""
    if is_system_admin(user):
        root = root_unit()
        return [root] if root is not None else []
    return _top_units(set(scope_paths(user, caps.MANAGE_LEXICON)))


# --- The lexicon --------------------------------------------------------------------------------


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def lexicon_for(
    unit: OrgUnit,
    *,
    search: str = "",
    category: str = "",
    action: str = "",
    active: str = "",
) -> QuerySet[LexiconEntry]:
    """Entries that apply in ``unit`` (university-wide, its ancestors', its own) or were added
    below it, filtered; with their scope and author for the list."""
    entries = LexiconEntry.objects.filter(
        Q(unit__isnull=True) | Q(unit__path__in=_ancestor_paths(unit)) | Q(unit__path__startswith=unit.path)
    ).select_related("unit", "created_by")
    if search:
        folded = fold(search)
        matches = Q(term__icontains=search) | Q(note__icontains=search)
        entries = entries.filter(matches | Q(folded__contains=folded) if folded else matches)
    if category:
        entries = entries.filter(category=category)
    if action:
        entries = entries.filter(action=action)
    if active == "yes":
        entries = entries.filter(is_active=True)
    elif active == "no":
        entries = entries.filter(is_active=False)
    return entries.order_by("kind", "category", "folded", "id")


def entry_get(entry_id: int) -> LexiconEntry:
    """The entry with this id and its scope unit, or 404. The caller checks rights."""
    return get_object_or_404(LexiconEntry.objects.select_related("unit", "created_by"), pk=entry_id)
