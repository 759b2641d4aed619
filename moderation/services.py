"""The moderation engine's public writes, and the checks every text-taking feature calls.

Other apps use only this module and ``moderation.queries`` (never the models):

- ``text_check``: the verdict on a text, without writing anything;
- ``submission_screen``: the verdict on a person's submission; held text goes into the review
  queue, blocked text is refused with a ``DomainError`` that says why in general terms;
- ``report_submit``: a reader reports a piece of text; once enough people did, it is hidden until
  a moderator has looked at it;
- ``item_decide``: a moderator approves, rejects or hides an item, with a reason;
- ``register_decision_handler``: the owning app hears of every decision about its subjects.

See docs/moderation.md for the contract and examples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.models import EmailMode
from core.notifications import register_kind
from core.permissions import is_system_admin, require
from core.services import notifications_send
from moderation import capabilities as caps
from moderation.matcher import ModerationResult, current_matcher
from moderation.models import (
    DECISION_STATUS,
    Action,
    Category,
    Decision,
    ItemStatus,
    ModerationDecision,
    ModerationItem,
    QueueReason,
    Report,
)
from moderation.permissions import root_unit
from moderation.services_lexicon import (
    ImportOutcome,
    lexicon_entries_import,
    lexicon_entry_create,
    lexicon_entry_update,
)
from orgs.models import OrgUnit, Position, PositionType

__all__ = [
    "ImportOutcome",
    "ModerationEvent",
    "ModerationResult",
    "item_decide",
    "lexicon_entries_import",
    "lexicon_entry_create",
    "lexicon_entry_update",
    "queue_reminders_send",
    "register_decision_handler",
    "report_submit",
    "submission_screen",
    "text_check",
    "texts_check",
]

REPORT_REASON_MAX_LENGTH = 200
DECISION_REASON_MAX_LENGTH = 500
SUBJECT_MAX_LENGTH = 200


def report_threshold() -> int:
    """How many different people must report a text before it is hidden (setting, default 3)."""
    return max(1, int(getattr(settings, "MODERATION_REPORT_THRESHOLD", 3)))


# --- Hearing about decisions ------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationEvent:
    """What an owning app learns when the status of one of its subjects changes.

    ``status`` is the item's new status; ``decision`` and ``reason`` are set for a moderator's
    decision and empty when readers' reports hid the item (status ``pending``, ``queued_because``
    ``reports``). ``is_hidden`` says whether readers may see the text now.
    """

    subject: str
    status: str
    queued_because: str
    is_hidden: bool
    item_id: int
    actor_id: int | None = None
    decision: str = ""
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


DecisionHandler = Callable[[ModerationEvent], None]
_handlers: dict[str, list[DecisionHandler]] = {}


def register_decision_handler(prefix: str, handler: DecisionHandler) -> None:
    """Call ``handler(event)`` whenever an item whose subject starts with ``prefix`` (such as
    ``"comment:"``) changes status by a decision or by readers' reports.

    Handlers run inside the transaction that changes the item, so the owning app's own change
    commits or rolls back with it; keep them short and put slow work in ``on_commit`` tasks.
    Register once, from the app's ``AppConfig.ready``.
    """
    if not prefix:
        raise ValueError("A decision handler needs a subject prefix such as 'comment:'")
    _handlers.setdefault(prefix, []).append(handler)


def _tell_handlers(item: ModerationItem, **details: Any) -> None:
    event = ModerationEvent(
        subject=item.subject,
        status=item.status,
        queued_because=item.reason,
        is_hidden=item.is_hidden,
        item_id=item.pk,
        **details,
    )
    for prefix, handlers in _handlers.items():
        if item.subject.startswith(prefix):
            for handler in handlers:
                handler(event)


# --- Checking text ----------------------------------------------------------------------------


def text_check(*, text: str, unit: OrgUnit | None) -> ModerationResult:
    """The verdict on ``text`` written in ``unit`` (None: only university-wide entries apply).

    Writes nothing. Costs one small query (the lexicon version); the matcher itself is shared
    across requests and processes and rebuilt only when the lexicon changed.
    """
    return current_matcher().check(text or "", unit.path if unit is not None else None)


def texts_check(*, texts: list[str], unit: OrgUnit | None) -> list[ModerationResult]:
    """``text_check`` for several texts at once (a survey's answers), reading the version once."""
    matcher = current_matcher()
    path = unit.path if unit is not None else None
    return [matcher.check(text or "", path) for text in texts]


def blocked_message(result: ModerationResult) -> str:
    """Why a text was refused, in general terms: the categories, never the terms themselves."""
    labels = ", ".join(str(Category(code).label) for code in result.categories if code in Category.values)
    return _(
        "This text cannot be posted: it contains words that are not allowed here (%(categories)s). "
        "Please change it and try again."
    ) % {"categories": labels or _("other")}


def _clean_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise ValueError(
            f"A moderation subject is a non-empty key of at most {SUBJECT_MAX_LENGTH} characters"
        )
    return subject


def _safe_link(url: str) -> str:
    """Keep a link to the text in its context only if it is a path on this site or an http(s) URL
    (it is shown to moderators as a link)."""
    url = (url or "").strip()[:500]
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return url if url.lower().startswith(("https://", "http://")) else ""


def _queue_item(
    *,
    subject: str,
    unit: OrgUnit | None,
    author: Any,
    text: str,
    hits: list[dict[str, Any]],
    reason: str,
    snapshot_url: str,
) -> ModerationItem:
    """Put ``subject`` into the review queue (pending), creating or re-opening its item.

    Call inside a transaction; the item row is locked, and a concurrent first insert of the same
    subject is caught by the unique constraint and retried as an update.
    """
    now = timezone.now()
    values: dict[str, Any] = {
        "unit": unit,
        "text": text,
        "hits": hits,
        "status": ItemStatus.PENDING,
        "reason": reason,
        "queued_at": now,
        "snapshot_url": _safe_link(snapshot_url),
    }
    if author is not None and getattr(author, "is_authenticated", False):
        values["author"] = author
    item = ModerationItem.objects.select_for_update().filter(subject=subject).first()
    if item is None:
        try:
            with transaction.atomic():
                return ModerationItem.objects.create(subject=subject, **values)
        except IntegrityError:
            item = ModerationItem.objects.select_for_update().get(subject=subject)
    for name, value in values.items():
        setattr(item, name, value)
    item.save(update_fields=list(values))
    return item


def submission_screen(
    *, actor: Any, text: str, unit: OrgUnit | None, subject: str, snapshot_url: str = ""
) -> ModerationResult:
    """Screen a person's submission before readers see it, and act on the verdict.

    - ``block``: raises ``DomainError("moderation.blocked", …)`` whose message names the
      categories in general terms (never the terms), so the caller's transaction rolls back;
    - ``hold``: puts ``subject`` into the review queue of ``unit``'s moderators (pending, hidden
      from readers, personal data already masked in the snapshot) and returns the result;
    - ``mask`` / ``allow``: returns the result; show ``result.masked_text``.

    Call it inside the transaction that stores the object, once its key (``subject``, e.g.
    ``f"comment:{comment.pk}"``) is known.
    """
    subject = _clean_subject(subject)
    result = text_check(text=text, unit=unit)
    if result.action == Action.BLOCK:
        raise DomainError("moderation.blocked", blocked_message(result))
    if result.action == Action.HOLD:
        with transaction.atomic():
            item = _queue_item(
                subject=subject,
                unit=unit,
                author=actor,
                text=result.masked_text,
                hits=result.hits_as_dicts(),
                reason=QueueReason.LEXICON,
                snapshot_url=snapshot_url,
            )
            audit_record(
                actor=actor,
                action="moderation.item.hold",
                target=item,
                unit_id=unit.pk if unit is not None else None,
                data={"subject": subject, "categories": result.categories},
            )
    return result


# --- Reports ----------------------------------------------------------------------------------


def _hide_if_reported(*, subject: str, unit: OrgUnit | None, text: str, actor_id: int | None) -> bool:
    """Queue ``subject`` (hidden until reviewed) once enough people reported it since the last
    decision; True when it was queued now. Idempotent."""
    item = ModerationItem.objects.select_for_update().filter(subject=subject).first()
    if item is not None and item.status != ItemStatus.APPROVED:
        return False  # already waiting, rejected or hidden
    reports = Report.objects.filter(subject=subject)
    if item is not None and item.decided_at is not None:
        reports = reports.filter(created_at__gt=item.decided_at)  # approved: count only new reports
    reporters = reports.count()  # one report per person: reports are different people
    if reporters < report_threshold():
        return False
    result = text_check(text=text, unit=unit)
    item = _queue_item(
        subject=subject,
        unit=unit,
        author=None,
        text=result.masked_text,
        hits=result.hits_as_dicts(),
        reason=QueueReason.REPORTS,
        snapshot_url=item.snapshot_url if item is not None else "",
    )
    audit_record(
        actor=None,
        action="moderation.item.hide_reported",
        target=item,
        unit_id=unit.pk if unit is not None else None,
        data={"subject": subject, "reporters": reporters, "reporter_id": actor_id},
    )
    _tell_handlers(item, actor_id=actor_id)
    return True


def _recheck_reports(*, subject: str, unit_id: int | None, text: str, actor_id: int | None) -> None:
    # Two reports committed at the same moment may each have counted only the other's
    # predecessors; checking again after commit guarantees the later one sees both.
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    with transaction.atomic():
        _hide_if_reported(subject=subject, unit=unit, text=text, actor_id=actor_id)


def report_submit(*, actor: Any, subject: str, unit: OrgUnit | None, text: str, reason: str) -> Report:
    """Record ``actor``'s report of ``subject`` (its current ``text``), once per person.

    A second report by the same person is refused politely (``DomainError`` with code
    ``moderation.already_reported``). When the number of different people who reported it
    (since the last moderator's approval) reaches ``MODERATION_REPORT_THRESHOLD``, the subject
    is hidden and queued for ``unit``'s moderators, and the owning app's handler is told.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    subject = _clean_subject(subject)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Say briefly what is wrong with it."))
    if len(reason) > REPORT_REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason",
            _("The reason can have at most %(limit)d characters.") % {"limit": REPORT_REASON_MAX_LENGTH},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(subject=subject, reporter=actor, reason=reason)
        except IntegrityError:
            raise DomainError(
                "moderation.already_reported",
                _("You have already reported this. Thank you: the moderators will look at it."),
            ) from None
        audit_record(
            actor=actor,
            action="moderation.report.submit",
            target=report,
            unit_id=unit.pk if unit is not None else None,
            data={"subject": subject},
        )
        _hide_if_reported(subject=subject, unit=unit, text=text, actor_id=actor.pk)
        transaction.on_commit(
            partial(
                _recheck_reports,
                subject=subject,
                unit_id=unit.pk if unit is not None else None,
                text=text,
                actor_id=actor.pk,
            )
        )
    return report


# --- Decisions --------------------------------------------------------------------------------


def _require_review(actor: Any, item: ModerationItem) -> None:
    unit = item.unit if item.unit is not None else root_unit()
    if unit is None:
        if not is_system_admin(actor):
            raise Http404
        return
    require(actor, caps.REVIEW, unit)


def item_decide(*, actor: Any, item: ModerationItem, decision: str, reason: str) -> ModerationDecision:
    """Approve, reject or hide ``item`` with a required reason; logged, audited, and told to the
    owning app's handler in the same transaction.

    Any status may be changed by a later decision (a moderator corrects another), but a decision
    that would not change the status is refused.
    """
    if decision not in Decision.values:
        raise FieldErrors.single("decision", _("Choose approve, reject or hide."))
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Give the reason for your decision."))
    if len(reason) > DECISION_REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason",
            _("The reason can have at most %(limit)d characters.") % {"limit": DECISION_REASON_MAX_LENGTH},
        )
    with transaction.atomic():
        locked = ModerationItem.objects.select_for_update(of=("self",)).select_related("unit").get(pk=item.pk)
        _require_review(actor, locked)
        new_status = DECISION_STATUS[Decision(decision)]
        if locked.status == new_status:
            raise DomainError(
                "moderation.no_change",
                _("This item is already “%(status)s”.") % {"status": ItemStatus(new_status).label},
            )
        record = ModerationDecision.objects.create(
            item=locked,
            moderator=actor,
            moderator_label=str(actor)[:200],
            decision=decision,
            previous_status=locked.status,
            reason=reason,
        )
        locked.status = new_status
        locked.decided_at = record.decided_at
        locked.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=actor,
            action="moderation.item.decide",
            target=locked,
            unit_id=locked.unit_id,
            data={"decision": decision, "reason": reason, "previous": record.previous_status},
        )
        _tell_handlers(locked, actor_id=actor.pk, decision=decision, reason=reason)
    item.status, item.decided_at = locked.status, locked.decided_at
    return record


# --- Reminding moderators -----------------------------------------------------------------------

QUEUE_WAITING = register_kind(
    "moderation.queue_waiting",
    gettext_lazy("Text waiting for moderation"),
    default_email=EmailMode.DIGEST,
    description=gettext_lazy("Once a day, when held or reported text waits in a queue you review."),
)


def queue_reminders_send(*, today: date | None = None) -> int:
    """Tell every reviewer, once a day, how many items wait in the queue of each unit they review.

    Returns how many notifications were sent. Safe to run twice a day: a reminder has a daily key.
    """
    day = today or timezone.localdate()
    waiting = list(
        ModerationItem.objects.filter(status=ItemStatus.PENDING)
        .values_list("unit__path")
        .annotate(total=Count("id"))
        .order_by()
    )
    if not waiting:
        return 0
    reviewer_types = [
        kind.pk for kind in PositionType.objects.all() if caps.REVIEW in (kind.capabilities or [])
    ]
    positions = (
        Position.objects.active(day)
        .filter(position_type_id__in=reviewer_types, person__is_active=True)
        .select_related("person", "unit")
        .order_by("unit__path", "person_id")
    )
    sent = 0
    for position in positions:
        unit = position.unit
        count = sum(
            total
            for path, total in waiting
            if (path is not None and path.startswith(unit.path)) or (path is None and unit.depth == 1)
        )
        if not count:
            continue
        sent += len(
            notifications_send(
                recipients=[position.person],
                kind=QUEUE_WAITING,
                title=gettext_lazy("Text waiting for review in %(unit)s: %(count)s"),
                body=gettext_lazy("Held or reported text waits for a moderator's decision."),
                params={"unit": unit, "count": count},
                url=reverse("moderation:queue", args=[unit.pk]),
                dedupe_key=f"moderation.queue_waiting:{day.isoformat()}:{unit.pk}",
            )
        )
    return sent
