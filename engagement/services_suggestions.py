"""Writes of the suggestion box: send, reply, follow up, rate, reassign, and the deadline reminders.

Every write locks the item, re-checks who may do it, screens people's text through the moderation
engine in the same transaction, appends a ``SuggestionEvent`` and an audit line, and notifies.

Anonymity: when the sender hides their name, the audit line of their own actions has no actor
(``actor=None``), the moderation queue gets no author, events carry no actor, and notifications
never name anyone — so only ``Suggestion.sender`` knows, and only the handler is shown it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.services import notifications_send
from core.workdays import add_working_days, is_working_day, working_days_between
from engagement import permissions_suggestions as perms
from engagement import queries_suggestions as queries
from engagement.models import EventKind, Suggestion, SuggestionEvent, SuggestionKind, SuggestionStatus
from moderation.services import ModerationEvent, ModerationResult, submission_screen, text_check

SUBJECT_MAX = 120
TEXT_MAX = 5000
COMMENT_MAX = 500

INBOX_KIND = register_kind(
    "engagement.suggestion_inbox",
    _("Suggestion box: items to answer, deadlines"),
    description=_("New and followed-up suggestions you handle, and their reply deadlines"),
)
REPLY_KIND = register_kind(
    "engagement.suggestion_reply",
    _("Suggestion box: replies to you"),
    description=_("A reply to a suggestion or question you sent"),
)


def reply_days() -> int:
    """Working days a handler has to reply (local rule; DOMAIN.md §7, default 3)."""
    return int(settings.SUGGESTION_REPLY_DAYS)


def escalate_after_days() -> int:
    """Working days overdue after which the handler's superior is told (default 2)."""
    return int(settings.SUGGESTION_ESCALATE_DAYS)


def due_soon_days() -> int:
    """Working days left (after today) at which the handler is reminded (default 1)."""
    return int(settings.SUGGESTION_DUE_SOON_DAYS)


def _item_url(item: Suggestion) -> str:
    return reverse("engagement:suggestion", args=[item.pk])


def _actor_of(user: Any, item: Suggestion) -> Any:
    """Who the audit log may name for the sender's own action: no one when the name is hidden."""
    return None if item.hide_name else user


def _screen(*, actor: Any, item: Suggestion, text: str, subject: str, field: str) -> ModerationResult:
    try:
        return submission_screen(
            actor=_actor_of(actor, item) if perms.is_sender(actor, item) else actor,
            text=text,
            unit=item.unit,
            subject=subject,
            snapshot_url=_item_url(item),
        )
    except DomainError as error:
        if error.code == "moderation.blocked":
            raise FieldErrors.single(field, error.message) from error
        raise


def _open_round(item: Suggestion, today: date) -> None:
    item.status = SuggestionStatus.OPEN
    item.opened_on = today
    item.due_on = add_working_days(today, reply_days())


def _tell_handler(item: Suggestion, title: Any, key: str) -> None:
    """Tell the handler; an item without one goes to the unit's officers with oversight, to assign."""
    recipients = [item.handler] if item.handler else queries.unit_officers(item.unit)
    if not recipients:
        return
    notifications_send(
        recipients=recipients,
        kind=INBOX_KIND,
        title=title,
        params={"subject": item.subject, "unit": item.unit.name, "due": f"{item.due_on or ''}"},
        url=_item_url(item),
        dedupe_key=f"suggestion:{item.pk}:r{item.round}:{key}",
    )


def _checked_text(value: str, field: str, limit: int, empty: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldErrors.single(field, empty)
    if len(value) > limit:
        raise FieldErrors.single(field, _("Keep it under %(max)d characters.") % {"max": limit})
    return value


def _locked(suggestion_id: int) -> Suggestion:
    item = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("unit", "handler")
        .filter(pk=suggestion_id)
        .first()
    )
    if item is None:
        from django.http import Http404

        raise Http404
    return item


def _replayed(item: Suggestion, kind: str, request_key: str) -> SuggestionEvent | None:
    if not request_key:
        return None
    return item.events.filter(kind=kind, data__request_key=request_key).first()


# --- Sending --------------------------------------------------------------------------------


def suggestion_send(
    *,
    actor: Any,
    unit_id: int,
    subject: str,
    text: str,
    kind: str = SuggestionKind.SUGGESTION,
    hide_name: bool = False,
    request_key: str = "",
    notify: bool = True,
) -> Suggestion:
    """Send a suggestion or question to one of the units above the sender (their branch, college
    or the university). Held text waits for review before its handler sees it; a retried request
    with the same ``request_key`` returns the first item. ``notify=False`` (demo data, imports) sends
    no inbox item."""
    if not actor.is_authenticated:
        raise PermissionDenied
    problems: dict[str, list[str]] = {}
    destinations = {unit.pk: unit for unit in queries.destinations_for(actor)}
    unit = destinations.get(unit_id)
    if unit is None:
        problems["unit"] = [str(_("Choose your branch, your college or the university."))]
    subject = " ".join((subject or "").split())
    if not subject:
        problems["subject"] = [str(_("Give your message a subject."))]
    elif len(subject) > SUBJECT_MAX:
        problems["subject"] = [str(_("Keep the subject under %(max)d characters.") % {"max": SUBJECT_MAX})]
    text = (text or "").strip()
    if not text:
        problems["text"] = [str(_("Write what you want to say."))]
    elif len(text) > TEXT_MAX:
        problems["text"] = [str(_("Keep the text under %(max)d characters.") % {"max": TEXT_MAX})]
    if kind not in SuggestionKind.values:
        problems["kind"] = [str(_("Choose suggestion or question."))]
    request_key = (request_key or "")[:64]
    if problems or unit is None:
        raise FieldErrors(problems, _("Some fields are not valid."))
    if request_key:
        earlier = Suggestion.objects.filter(sender=actor, request_key=request_key).first()
        if earlier is not None:
            return earlier
    if text_check(text=subject, unit=unit).action == "block":  # name the field that is refused
        _screen_subject_only(actor=actor, unit=unit, subject=subject)
    try:
        with transaction.atomic():
            item = _create(actor, unit, subject, text, kind, hide_name, request_key, notify)
    except IntegrityError:
        earlier = Suggestion.objects.filter(sender=actor, request_key=request_key).first()
        if earlier is None:
            raise
        return earlier
    return item


def _screen_subject_only(*, actor: Any, unit: Any, subject: str) -> None:
    from moderation.services import blocked_message

    raise FieldErrors.single("subject", blocked_message(text_check(text=subject, unit=unit)))


def _create(
    actor: Any, unit: Any, subject: str, text: str, kind: str, hide_name: bool, request_key: str, notify: bool
) -> Suggestion:
    item = Suggestion.objects.create(
        unit=unit,
        sender=actor,
        hide_name=hide_name,
        kind=kind,
        subject=subject,
        text=text,
        handler=queries.default_handler(unit),
        status=SuggestionStatus.REVIEW,
        request_key=request_key,
    )
    result = _screen(
        actor=actor, item=item, text=f"{subject}\n{text}", subject=item.moderation_subject, field="text"
    )
    item.subject, _newline, item.text = result.masked_text.partition("\n")
    today = timezone.localdate()
    held = result.action == "hold"
    if not held:
        _open_round(item, today)
    item.save(update_fields=["subject", "text", "status", "opened_on", "due_on"])
    SuggestionEvent.objects.create(suggestion=item, kind=EventKind.SENT, by_sender=True, data={"held": held})
    audit_record(
        actor=_actor_of(actor, item),
        action="engagement.suggestion.send",
        target=item,
        unit_id=unit.pk,
        data={"hide_name": hide_name, "held": held, "kind": kind},
    )
    if not held and notify:
        _tell_handler(item, _("New message for %(unit)s: %(subject)s (reply by %(due)s)"), "new")
    return item


# --- Handler's side -------------------------------------------------------------------------


def suggestion_reply(
    *, actor: Any, suggestion_id: int, text: str, request_key: str = "", notify: bool = True
) -> SuggestionEvent:
    """The handler answers the item; the first visible reply of a round marks it answered and tells
    the sender. A reply held by moderation takes effect when it is approved."""
    text = _checked_text(text, "text", TEXT_MAX, _("Write your reply."))
    with transaction.atomic():
        item = _locked(suggestion_id)
        perms.require_view(actor, item)
        if not perms.is_handler(actor, item):
            raise PermissionDenied
        earlier = _replayed(item, EventKind.REPLY, request_key)
        if earlier is not None:
            return earlier
        if item.status not in (SuggestionStatus.OPEN, SuggestionStatus.ANSWERED):
            raise DomainError(
                "suggestion.not_open", _("Only an item waiting for a reply or answered can be replied to.")
            )
        event = SuggestionEvent.objects.create(
            suggestion=item, kind=EventKind.REPLY, actor=actor, data={"request_key": request_key[:64]}
        )
        result = _screen(actor=actor, item=item, text=text, subject=event.moderation_subject, field="text")
        SuggestionEvent.objects.filter(pk=event.pk).update(text=result.masked_text)
        event.text = result.masked_text
        audit_record(
            actor=actor,
            action="engagement.suggestion.reply",
            target=item,
            unit_id=item.unit_id,
            data={"held": result.action == "hold"},
        )
        if result.action != "hold":
            _reply_takes_effect(item, event, notify=notify)
    return event


def _opaque_key(key: str) -> str:
    """A dedupe key that cannot be traced back to the item (keyed with the site's secret)."""
    return "suggestion-reply:" + salted_hmac("engagement.suggestion", key).hexdigest()[:40]


def _reply_takes_effect(item: Suggestion, event: SuggestionEvent, *, notify: bool = True) -> None:
    if item.status == SuggestionStatus.OPEN:
        now = timezone.now()
        item.status = SuggestionStatus.ANSWERED
        fields = ["status"]
        if item.first_replied_at is None:
            item.first_replied_at = now
            start = (item.opened_on or timezone.localdate()) + timedelta(days=1)
            item.reply_working_days = working_days_between(start, timezone.localtime(now).date())
            fields += ["first_replied_at", "reply_working_days"]
        item.save(update_fields=fields)
    if not notify:
        return
    # The inbox item of a name-hidden sender says nothing of the message: whoever can list
    # notifications (administrators) must not learn from it who sent which item.
    notifications_send(
        recipients=[item.sender],
        kind=REPLY_KIND,
        title=_("Your message in the suggestion box has a reply")
        if item.hide_name
        else _("Your message “%(subject)s” has a reply"),
        params=None if item.hide_name else {"subject": item.subject},
        url=reverse("engagement:my_suggestions") if item.hide_name else _item_url(item),
        dedupe_key=_opaque_key(f"suggestion-event:{event.pk}:reply")
        if item.hide_name
        else f"suggestion-event:{event.pk}:reply",
    )


def suggestion_assign(*, actor: Any, suggestion_id: int, handler_id: int, note: str = "") -> Suggestion:
    """An officer with oversight of the item's unit names another handler (who must hold the mailbox
    duty or oversight over the unit). The new handler is told; the former one loses sight of a
    hidden sender at once."""
    with transaction.atomic():
        item = _locked(suggestion_id)
        perms.require_view(actor, item)
        if not perms.can_manage_unit(actor, item.unit):
            raise PermissionDenied
        if item.status in (SuggestionStatus.REJECTED,):
            raise DomainError("suggestion.rejected", _("This item was not accepted by moderation."))
        choices = {person.pk: person for person in queries.handler_choices(item.unit)}
        new = choices.get(handler_id)
        if new is None:
            raise FieldErrors.single(
                "handler", _("Choose a person with mailbox duty or oversight of this unit.")
            )
        if new.pk == item.handler_id:
            return item
        previous = item.handler_id
        item.handler = new
        item.save(update_fields=["handler"])
        SuggestionEvent.objects.create(
            suggestion=item,
            kind=EventKind.ASSIGNED,
            actor=actor,
            text=(note or "").strip()[:500],
            data={"from": previous, "to": new.pk},
        )
        audit_record(
            actor=actor,
            action="engagement.suggestion.assign",
            target=item,
            unit_id=item.unit_id,
            data={"from": previous, "to": new.pk},
        )
        if item.status == SuggestionStatus.OPEN:
            _tell_handler(
                item, _("You now handle “%(subject)s” (%(unit)s), reply by %(due)s"), f"assigned-{new.pk}"
            )
    return item


# --- Sender's side --------------------------------------------------------------------------


def suggestion_follow_up(
    *, actor: Any, suggestion_id: int, text: str, request_key: str = ""
) -> SuggestionEvent:
    """The sender writes again after a reply: the item reopens with a new deadline (once the text
    passes review, when it is held)."""
    text = _checked_text(text, "text", TEXT_MAX, _("Write your follow-up."))
    with transaction.atomic():
        item = _locked(suggestion_id)
        perms.require_view(actor, item)
        if not perms.is_sender(actor, item):
            raise PermissionDenied
        earlier = _replayed(item, EventKind.FOLLOW_UP, request_key)
        if earlier is not None:
            return earlier
        if item.status not in (SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED):
            raise DomainError(
                "suggestion.not_answered", _("You can follow up once your message has a reply.")
            )
        event = SuggestionEvent.objects.create(
            suggestion=item, kind=EventKind.FOLLOW_UP, by_sender=True, data={"request_key": request_key[:64]}
        )
        result = _screen(actor=actor, item=item, text=text, subject=event.moderation_subject, field="text")
        SuggestionEvent.objects.filter(pk=event.pk).update(text=result.masked_text)
        event.text = result.masked_text
        audit_record(
            actor=_actor_of(actor, item),
            action="engagement.suggestion.follow_up",
            target=item,
            unit_id=item.unit_id,
            data={"held": result.action == "hold"},
        )
        if result.action != "hold":
            _follow_up_takes_effect(item)
    return event


def _follow_up_takes_effect(item: Suggestion) -> None:
    if item.status not in (SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED):
        return
    item.round += 1
    item.rating = None
    item.rating_comment = ""
    _open_round(item, timezone.localdate())
    item.save(update_fields=["round", "rating", "rating_comment", "status", "opened_on", "due_on"])
    _tell_handler(item, _("Follow-up on “%(subject)s” (%(unit)s), reply by %(due)s"), "follow-up")


def suggestion_rate(*, actor: Any, suggestion_id: int, rating: int, comment: str = "") -> Suggestion:
    """The sender rates the reply (1–5, optional comment) and so closes the item; only after a reply."""
    problems: dict[str, list[str]] = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        problems["rating"] = [str(_("Choose from 1 to 5 stars."))]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        problems["comment"] = [str(_("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX})]
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    with transaction.atomic():
        item = _locked(suggestion_id)
        perms.require_view(actor, item)
        if not perms.is_sender(actor, item):
            raise PermissionDenied
        if item.status == SuggestionStatus.CLOSED and item.rating == rating:
            return item  # a retried rating
        if item.status != SuggestionStatus.ANSWERED:
            raise DomainError("suggestion.not_answered", _("You can rate the reply once there is one."))
        event = SuggestionEvent.objects.create(
            suggestion=item, kind=EventKind.RATED, by_sender=True, data={"rating": rating}
        )
        shown = ""
        if comment:
            result = _screen(
                actor=actor, item=item, text=comment, subject=event.moderation_subject, field="comment"
            )
            shown = result.masked_text
            SuggestionEvent.objects.filter(pk=event.pk).update(text=shown)
        item.rating, item.rating_comment = rating, shown
        item.status = SuggestionStatus.CLOSED
        item.save(update_fields=["rating", "rating_comment", "status"])
        audit_record(
            actor=_actor_of(actor, item),
            action="engagement.suggestion.rate",
            target=item,
            unit_id=item.unit_id,
            data={"rating": rating},
        )
    return item


# --- Moderation decisions -------------------------------------------------------------------


def on_item_decision(event: ModerationEvent) -> None:
    """A held item passed review (it opens, its handler is told) or was refused (it stays unseen)."""
    pk = int(event.subject.split(":", 1)[1])
    item = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("unit", "handler")
        .filter(pk=pk)
        .first()
    )
    if item is None or item.status != SuggestionStatus.REVIEW:
        return
    if event.status == "approved":
        _open_round(item, timezone.localdate())
        item.save(update_fields=["status", "opened_on", "due_on"])
        SuggestionEvent.objects.create(suggestion=item, kind=EventKind.RELEASED, actor_id=event.actor_id)
        _tell_handler(item, _("New message for %(unit)s: %(subject)s (reply by %(due)s)"), "new")
    elif event.status in ("rejected", "hidden"):
        item.status = SuggestionStatus.REJECTED
        item.save(update_fields=["status"])
        SuggestionEvent.objects.create(suggestion=item, kind=EventKind.REJECTED, actor_id=event.actor_id)


def on_event_decision(event: ModerationEvent) -> None:
    """A held reply or follow-up passed review: it now takes effect as if just written."""
    if event.status != "approved":
        return
    pk = int(event.subject.split(":", 1)[1])
    row = SuggestionEvent.objects.filter(pk=pk).values("suggestion_id", "kind").first()
    if row is None:
        return
    item = _locked(row["suggestion_id"])
    if row["kind"] == EventKind.REPLY:
        _reply_takes_effect(item, SuggestionEvent.objects.get(pk=pk))
    elif row["kind"] == EventKind.FOLLOW_UP:
        _follow_up_takes_effect(item)


# --- Deadlines ------------------------------------------------------------------------------


def suggestion_deadlines_notify(*, today: date | None = None) -> int:
    """Remind handlers of replies due soon and overdue, and tell the handler's superior when an item
    is overdue by ``escalate_after_days()`` more working days. Each notice is sent once per round
    (dedupe keys), so the job may run as often as it likes; returns how many notices went out.
    Nothing is sent on a day off (weekends and the Holiday table): handlers hear on the next working day."""
    day = today or timezone.localdate()
    if not is_working_day(day):
        return 0
    sent = 0
    rows = Suggestion.objects.filter(status=SuggestionStatus.OPEN, due_on__isnull=False).select_related(
        "unit", "handler"
    )
    for item in rows.iterator():
        if item.due_on is None:
            continue
        if item.due_on >= day:
            if item.handler and working_days_between(day + timedelta(days=1), item.due_on) <= due_soon_days():
                sent += _notice(
                    item, item.handler, _("Reply due by %(due)s: “%(subject)s” (%(unit)s)"), "due-soon"
                )
            continue
        if item.handler:
            sent += _notice(
                item, item.handler, _("Overdue since %(due)s: “%(subject)s” (%(unit)s)"), "overdue"
            )
        late = working_days_between(item.due_on + timedelta(days=1), day)
        if late >= escalate_after_days():
            superior = queries.superior_of(item.unit, besides=item.handler_id)
            if superior is not None:
                sent += _notice(
                    item,
                    superior,
                    _("Escalated: “%(subject)s” sent to %(unit)s is overdue since %(due)s"),
                    "escalated",
                )
    return sent


def _notice(item: Suggestion, recipient: Any, title: Any, key: str) -> int:
    created = notifications_send(
        recipients=[recipient],
        kind=INBOX_KIND,
        title=title,
        params={"subject": item.subject, "unit": item.unit.name, "due": f"{item.due_on}"},
        url=_item_url(item),
        dedupe_key=f"suggestion:{item.pk}:r{item.round}:{key}",
    )
    return len(created)
