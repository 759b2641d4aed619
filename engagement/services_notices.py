"""Writes of notices: send (with an inbox item per recipient), open, acknowledge, remind."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.permissions import require
from core.richtext import plain_text, sanitize_html
from core.services import notifications_send
from engagement import capabilities_notices as caps
from engagement import permissions_notices as perms
from engagement import queries_notices as queries
from engagement.models import Notice, NoticeReceipt
from moderation import services as moderation
from orgs.models import OrgUnit, PartyStatus

TITLE_MAX = 150
BODY_MAX = 20000

NOTICE_KIND = register_kind(
    "engagement.notice",
    _("Notices"),
    description=_("Notices from your branch, college or the university, and reminders to acknowledge them"),
)


def _url(notice: Notice) -> str:
    return reverse("engagement:notice", args=[notice.pk])


def notice_send(
    *,
    actor: Any,
    unit_id: int,
    title: str,
    body: str,
    whole_subtree: bool = True,
    party_statuses: list[str] | None = None,
    requires_ack: bool = False,
    request_key: str = "",
    notify: bool = True,
) -> Notice:
    """Send a notice from a unit to its members (or its subtree's, or only some party statuses);
    each recipient gets an inbox item (``notify=False``: none, for demo data and imports). A retry
    with the same ``request_key`` returns the first."""
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise FieldErrors.single("unit", _("Choose the unit the notice is from."))
    require(actor, caps.SEND_NOTICES, unit)
    statuses = list(dict.fromkeys(party_statuses or []))
    problems: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        problems["title"] = [str(_("Give the notice a title."))]
    elif len(title) > TITLE_MAX:
        problems["title"] = [str(_("Keep the title under %(max)d characters.") % {"max": TITLE_MAX})]
    clean = sanitize_html(body or "")
    if not plain_text(clean).strip():
        problems["body"] = [str(_("Write the text of the notice."))]
    elif len(clean) > BODY_MAX:
        problems["body"] = [str(_("Keep the text under %(max)d characters.") % {"max": BODY_MAX})]
    if any(status not in PartyStatus.values for status in statuses):
        problems["party_statuses"] = [str(_("Choose party statuses from the list."))]
    # The lexicon's blocked terms are refused here as in any text people write. Held and masked
    # terms are not applied: an officer's notice is not queued for review, and its contact numbers
    # (the personal-data detectors) are meant to be read.
    for field, text in (("title", title), ("body", plain_text(clean))):
        verdict = moderation.text_check(text=text, unit=unit)
        if field not in problems and verdict.action == "block":
            problems[field] = [moderation.blocked_message(verdict)]
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    request_key = (request_key or "")[:64]
    if request_key:
        earlier = Notice.objects.filter(sender=actor, request_key=request_key).first()
        if earlier is not None:
            return earlier
    people = list(
        queries.recipients_of(unit, whole_subtree=whole_subtree, statuses=statuses).values_list(
            "person_id", flat=True
        )
    )
    if not people:
        raise FieldErrors.single(
            "party_statuses", _("No one is in this audience: widen the units or statuses.")
        )
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                unit=unit,
                sender=actor,
                title=title,
                body=clean,
                whole_subtree=whole_subtree,
                party_statuses=statuses,
                requires_ack=requires_ack,
                recipients=len(people),
                request_key=request_key,
            )
            NoticeReceipt.objects.bulk_create(
                [NoticeReceipt(notice=notice, person_id=person_id) for person_id in people]
            )
            audit_record(
                actor=actor,
                action="engagement.notice.send",
                target=notice,
                unit_id=unit.pk,
                data={"recipients": len(people), "requires_ack": requires_ack, "statuses": statuses},
            )
            if notify:  # thousands of inbox items are the worker's job, not the request's
                transaction.on_commit(partial(_enqueue_delivery, notice.pk, ""))
    except IntegrityError:
        earlier = (
            Notice.objects.filter(sender=actor, request_key=request_key).first() if request_key else None
        )
        if earlier is None:
            raise
        return earlier
    return notice


def _enqueue_delivery(notice_id: int, reminder_day: str) -> None:
    from engagement.tasks_notices import deliver_notice

    deliver_notice.enqueue(notice_id, reminder_day)


def notice_deliver(*, notice_id: int, reminder_day: str = "") -> int:
    """Put the notice (or the reminder of ``reminder_day``) in each recipient's inbox — for a
    reminder, only those who have not done what it asks. Idempotent (dedupe keys): a retried task
    delivers nothing twice. Returns how many items were created."""
    notice = Notice.objects.select_related("unit").filter(pk=notice_id).first()
    if notice is None:
        return 0
    receipts = queries.receipts_of(notice)
    if reminder_day:
        people = [row.person for row in receipts.waiting]
        title = (
            _("Reminder: please acknowledge “%(title)s”")
            if notice.requires_ack
            else _("Reminder: please read “%(title)s”")
        )
        key = f"notice:{notice.pk}:remind:{reminder_day}"
    else:
        people = [row.person for row in receipts.done + receipts.waiting]
        title = (
            _("Notice from %(unit)s (please acknowledge): %(title)s")
            if notice.requires_ack
            else _("Notice from %(unit)s: %(title)s")
        )
        key = f"notice:{notice.pk}"
    created = notifications_send(
        recipients=people,
        kind=NOTICE_KIND,
        title=title,
        params={"unit": notice.unit.name, "title": notice.title},
        url=_url(notice),
        dedupe_key=key,
    )
    return len(created)


def notice_open(*, actor: Any, notice: Notice) -> NoticeReceipt | None:
    """Record that a recipient opened the notice (the first time only); None for non-recipients."""
    receipt = queries.receipt_of(actor, notice)
    if receipt is not None and receipt.read_at is None:
        receipt.read_at = timezone.now()
        NoticeReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=receipt.read_at)
    return receipt


def notice_acknowledge(*, actor: Any, notice_id: int) -> NoticeReceipt:
    """ "I have read and acknowledge": idempotent — a second press changes nothing."""
    notice = queries.notice_get(notice_id)
    receipt = queries.receipt_of(actor, notice)
    perms.require_visible(actor, notice, is_recipient=receipt is not None)
    if receipt is None:
        raise PermissionDenied
    if not notice.requires_ack:
        raise DomainError("notice.no_acknowledgement", _("This notice does not ask to be acknowledged."))
    with transaction.atomic():
        receipt = NoticeReceipt.objects.select_for_update().get(pk=receipt.pk)
        if receipt.acknowledged_at is None:
            now = timezone.now()
            receipt.acknowledged_at = now
            receipt.read_at = receipt.read_at or now
            receipt.save(update_fields=["acknowledged_at", "read_at"])
            audit_record(
                actor=actor, action="engagement.notice.acknowledge", target=notice, unit_id=notice.unit_id
            )
    return receipt


def notice_remind(*, actor: Any, notice_id: int) -> int:
    """Remind those who have not read (or not acknowledged) the notice; at most once a day."""
    notice = queries.notice_get(notice_id)
    perms.require_receipts(actor, notice, is_recipient=queries.receipt_of(actor, notice) is not None)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.last_reminded_on == today:
            raise DomainError(
                "notice.reminded_today", _("A reminder was already sent today; try again tomorrow.")
            )
        waiting = [row.person for row in queries.receipts_of(locked).waiting]
        if not waiting:
            raise DomainError("notice.all_done", _("Everyone has already done what the notice asks."))
        locked.last_reminded_on = today
        locked.save(update_fields=["last_reminded_on"])
        transaction.on_commit(partial(_enqueue_delivery, locked.pk, today.isoformat()))
        audit_record(
            actor=actor,
            action="engagement.notice.remind",
            target=locked,
            unit_id=locked.unit_id,
            data={"reminded": len(waiting)},
        )
    return len(waiting)
