"""Writes of the lexicon: adding terms (one or many) and changing entries.

Every change gives the lexicon a new version in the same transaction, so every process uses it at
its next check (see ``moderation.matcher``). Re-exported by ``moderation.services``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import FieldErrors
from core.permissions import is_system_admin, require
from moderation import capabilities as caps
from moderation.models import Action, Category, EntryKind, LexiconEntry, LexiconVersion
from moderation.normalize import fold
from moderation.permissions import root_unit
from orgs.models import OrgUnit

TERM_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 200
MIN_FOLDED_LENGTH = 2  # a one-character term would catch half of all Chinese text


def _bump_version() -> None:
    """Give the lexicon a new version (new token), in the caller's transaction."""
    changes = {"number": F("number") + 1, "token": uuid.uuid4(), "changed_at": timezone.now()}
    if not LexiconVersion.objects.filter(pk=1).update(**changes):
        LexiconVersion.objects.get_or_create(pk=1)
        LexiconVersion.objects.filter(pk=1).update(**changes)


def _require_manage(actor: Any, unit: OrgUnit | None) -> None:
    """404 outside the actor's scope, 403 without the right; no unit means the whole university."""
    target = unit if unit is not None else root_unit()
    if target is None:
        if not is_system_admin(actor):
            raise PermissionDenied
        return
    require(actor, caps.MANAGE_LEXICON, target)


def _clean_term(term: str) -> tuple[str, str]:
    term = " ".join((term or "").split())
    if not term:
        raise FieldErrors.single("term", _("Enter the term."))
    if len(term) > TERM_MAX_LENGTH:
        raise FieldErrors.single(
            "term", _("A term can have at most %(limit)d characters.") % {"limit": TERM_MAX_LENGTH}
        )
    folded = fold(term)
    if len(folded) < MIN_FOLDED_LENGTH:
        raise FieldErrors.single(
            "term",
            _("A term needs at least %(count)d letters or digits (spaces and punctuation are ignored).")
            % {"count": MIN_FOLDED_LENGTH},
        )
    return term, folded


def _clean_choice(value: str, allowed: list[str], name: str) -> str:
    if value not in allowed:
        raise FieldErrors.single(name, _("Choose one of the options."))
    return value


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise FieldErrors.single(
            "note", _("The note can have at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    return note


def _duplicate_of(folded: str, unit: OrgUnit | None) -> LexiconEntry | None:
    return LexiconEntry.objects.filter(kind=EntryKind.TERM, folded=folded, unit=unit).first()


def lexicon_entry_create(
    *,
    actor: Any,
    term: str,
    category: str,
    action: str,
    unit: OrgUnit | None = None,
    note: str = "",
) -> LexiconEntry:
    """Add a term to the lexicon for ``unit`` and below (None: the whole university).

    The term takes effect at the next check in every process. Refused when the same term (as
    matched: ignoring case, width, spaces and punctuation) is already listed for that scope.
    """
    _require_manage(actor, unit)
    term, folded = _clean_term(term)
    category = _clean_choice(category, Category.values, "category")
    action = _clean_choice(action, Action.values, "action")
    note = _clean_note(note)
    duplicate_message = _("This term is already in the lexicon for this scope (as “%(term)s”).")
    existing = _duplicate_of(folded, unit)
    if existing is not None:
        raise FieldErrors.single("term", duplicate_message % {"term": existing.term})
    try:
        with transaction.atomic():
            entry = LexiconEntry.objects.create(
                kind=EntryKind.TERM,
                term=term,
                folded=folded,
                category=category,
                action=action,
                unit=unit,
                note=note,
                created_by=actor,
            )
            _bump_version()
            audit_record(
                actor=actor,
                action="moderation.lexicon.add",
                target=entry,
                unit_id=unit.pk if unit is not None else None,
                data={"term": term, "category": category, "action": action},
            )
    except IntegrityError:  # added by someone else a moment ago
        raise FieldErrors.single("term", duplicate_message % {"term": term}) from None
    return entry


def lexicon_entry_update(
    *,
    actor: Any,
    entry: LexiconEntry,
    category: str,
    action: str,
    is_active: bool,
    note: str = "",
) -> LexiconEntry:
    """Change an entry's category, action, note, or switch it off or on again.

    The term itself is not changed (add the new spelling and switch the old one off), so past
    hits in the queue keep their meaning. Takes effect at the next check in every process.
    """
    category = _clean_choice(category, Category.values, "category")
    action = _clean_choice(action, Action.values, "action")
    note = _clean_note(note)
    with transaction.atomic():
        locked = LexiconEntry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=entry.pk)
        _require_manage(actor, locked.unit)
        before = {"category": locked.category, "action": locked.action, "is_active": locked.is_active}
        after = {"category": category, "action": action, "is_active": bool(is_active)}
        changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
        if not changes and locked.note == note:
            return locked
        locked.category, locked.action, locked.is_active, locked.note = (
            category,
            action,
            bool(is_active),
            note,
        )
        locked.save(update_fields=["category", "action", "is_active", "note", "updated_at"])
        _bump_version()
        audit_record(
            actor=actor,
            action="moderation.lexicon.change",
            target=locked,
            unit_id=locked.unit_id,
            data={"term": locked.term, "changes": changes},
        )
    return locked


@dataclass(frozen=True)
class ImportOutcome:
    """What a bulk import did: terms added, and lines skipped with the reason."""

    added: list[str]
    skipped: list[tuple[str, str]]


def lexicon_entries_import(
    *, actor: Any, unit: OrgUnit | None, lines: str, category: str, action: str
) -> ImportOutcome:
    """Add one term per line, all with the same category and action (one version change).

    Duplicates and unusable lines are skipped and reported, never half-imported: the terms that
    are added are added together.
    """
    _require_manage(actor, unit)
    category = _clean_choice(category, Category.values, "category")
    action = _clean_choice(action, Action.values, "action")
    added: list[str] = []
    skipped: list[tuple[str, str]] = []
    wanted: dict[str, str] = {}
    for raw in (lines or "").splitlines():
        if not raw.strip():
            continue
        try:
            term, folded = _clean_term(raw)
        except FieldErrors as exc:
            skipped.append((raw.strip(), exc.fields["term"][0]))
            continue
        if folded in wanted:
            skipped.append((term, _("listed twice")))
            continue
        wanted[folded] = term
    existing = set(
        LexiconEntry.objects.filter(kind=EntryKind.TERM, unit=unit, folded__in=list(wanted)).values_list(
            "folded", flat=True
        )
    )
    with transaction.atomic():
        for folded, term in wanted.items():
            if folded in existing:
                skipped.append((term, _("already in the lexicon")))
                continue
            LexiconEntry.objects.create(
                kind=EntryKind.TERM,
                term=term,
                folded=folded,
                category=category,
                action=action,
                unit=unit,
                created_by=actor,
            )
            added.append(term)
        if added:
            _bump_version()
            audit_record(
                actor=actor,
                action="moderation.lexicon.import",
                unit_id=unit.pk if unit is not None else None,
                data={"count": len(added), "category": category, "action": action},
            )
    return ImportOutcome(added, skipped)
