"""Writes of comments, likes and favourites.

Every comment passes the moderation engine in the transaction that stores it (blocked text is
refused and nothing is stored; held text is stored as pending; masked text is stored masked), is
limited per person per hour on the shared cache (Redis in production, so the limit holds across
processes), and counts once per client key: a retried post returns the comment it made first.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.services import notifications_send
from engagement import queries_comments
from engagement.models import Comment, CommentLike, CommentStatus, Favourite, ItemLike
from engagement.models.comments import CLIENT_KEY_MAX_LENGTH, COMMENT_MAX_LENGTH
from engagement.permissions_comments import can_delete_comment, can_hide_comments, is_active_person
from engagement.queries_comments import Target
from moderation import services as moderation
from moderation.services import ModerationEvent

REPLY_KIND = register_kind(
    "engagement.comment_reply",
    gettext_lazy("Replies to my comments"),
    description=gettext_lazy("When someone replies to one of your comments."),
)
HIDDEN_KIND = register_kind(
    "engagement.comment_hidden",
    gettext_lazy("Comments hidden"),
    description=gettext_lazy(
        "When the author of an item or a moderator hides one of your comments, and why."
    ),
)
REASON_MAX_LENGTH = 500
RATE_BUCKET_SECONDS = 60
RATE_WINDOW_BUCKETS = 60  # an hour of one-minute buckets: the limit slides, it never resets at once


# --- Rate limit ---------------------------------------------------------------------------------


def comment_rate_per_hour() -> int:
    """How many comments one person may post in any hour (setting ``ENGAGEMENT_COMMENT_RATE_PER_HOUR``,
    from the environment, default 20; 0 switches the limit off)."""
    return max(0, int(settings.ENGAGEMENT_COMMENT_RATE_PER_HOUR))


class RateLimited(DomainError):
    """Too many comments in the last hour; ``retry_at`` is when the person may post again."""

    def __init__(self, retry_at: datetime) -> None:
        local = timezone.localtime(retry_at)
        super().__init__(
            "engagement.rate_limited",
            _(
                "You have posted %(limit)d comments in the last hour, the most allowed. "
                "You may post again from %(time)s."
            )
            % {"limit": comment_rate_per_hour(), "time": date_format(local, "H:i")},
        )
        self.retry_at = retry_at


def _rate_key(person_id: int, bucket: int) -> str:
    return f"engagement:comment-rate:{person_id}:{bucket}"


def comment_rate_take(*, actor: Any, now: float | None = None) -> str:
    """Count one comment of ``actor`` in the current minute, or raise ``RateLimited`` when the
    last hour already holds the limit (the count is given back then).

    Counting first and checking after makes concurrent posts safe: ``incr`` is atomic in Redis,
    so of many requests at once exactly those within the limit pass. Returns the cache key that
    was counted (``comment_rate_give_back`` undoes it), or "" when there is no limit.
    """
    limit = comment_rate_per_hour()
    if limit <= 0:
        return ""
    now = time.time() if now is None else now
    current = int(now // RATE_BUCKET_SECONDS)
    timeout = RATE_BUCKET_SECONDS * (RATE_WINDOW_BUCKETS + 1)
    key = _rate_key(actor.pk, current)
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
    buckets = list(range(current - RATE_WINDOW_BUCKETS + 1, current + 1))
    counts = cache.get_many([_rate_key(actor.pk, bucket) for bucket in buckets])
    per_bucket = [int(counts.get(_rate_key(actor.pk, bucket)) or 0) for bucket in buckets]
    if sum(per_bucket) <= limit:
        return key
    comment_rate_give_back(key)
    # Free again when enough of the oldest buckets have left the window to make room for one more.
    remaining = sum(per_bucket) - 1
    for bucket, count in zip(buckets, per_bucket, strict=True):
        remaining -= count
        if remaining < limit:
            free_at = (bucket + RATE_WINDOW_BUCKETS) * RATE_BUCKET_SECONDS
            raise RateLimited(datetime.fromtimestamp(free_at, tz=UTC))
    raise RateLimited(datetime.fromtimestamp((current + 1) * RATE_BUCKET_SECONDS, tz=UTC))


def comment_rate_used(*, person_id: int, now: float | None = None) -> int:
    """How many comments of the person count in the last hour."""
    current = int((time.time() if now is None else now) // RATE_BUCKET_SECONDS)
    keys = [_rate_key(person_id, bucket) for bucket in range(current - RATE_WINDOW_BUCKETS + 1, current + 1)]
    return sum(int(value or 0) for value in cache.get_many(keys).values())


def comment_rate_give_back(key: str) -> None:
    """Undo one count (a post refused by the limit, or a double post that stored nothing)."""
    if key:
        with contextlib.suppress(ValueError):  # the bucket expired meanwhile: nothing to give back
            cache.decr(key)


# --- Posting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostResult:
    """The comment and whether this call stored it (False: a retry of an earlier post)."""

    comment: Comment
    created: bool


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FieldErrors.single("text", _("Write your comment first."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise FieldErrors.single(
            "text", _("A comment can have at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH}
        )
    return text


def _clean_key(client_key: str) -> str:
    client_key = (client_key or "").strip()
    if len(client_key) > CLIENT_KEY_MAX_LENGTH:
        raise FieldErrors.single(
            "client_key",
            _("The client key can have at most %(limit)d characters.") % {"limit": CLIENT_KEY_MAX_LENGTH},
        )
    return client_key


def _earlier_post(actor: Any, client_key: str) -> Comment | None:
    if not client_key:
        return None
    return Comment.objects.select_related("author").filter(author=actor, client_key=client_key).first()


def _top_of(actor: Any, target: Target, parent_id: int | None) -> Comment | None:
    """The top comment a reply attaches to (a reply to a reply goes under its top comment)."""
    if parent_id is None:
        return None
    parent = (
        Comment.objects.filter(pk=parent_id, target_kind=target.kind, target_id=target.id)
        .only("id", "parent_id", "status", "author_id")
        .first()
    )
    readable = parent is not None and (
        parent.status == CommentStatus.VISIBLE
        or (parent.status == CommentStatus.PENDING and parent.author_id == actor.pk)
    )
    if parent is None or not readable:
        raise FieldErrors.single("parent_id", _("The comment you answer is not there any more."))
    if parent.parent_id is not None:
        return Comment.objects.only("id", "author_id").get(pk=parent.parent_id)
    return parent


def comment_post(
    *,
    actor: Any,
    target: Target,
    text: str,
    parent_id: int | None = None,
    client_key: str = "",
    rate_limited: bool = True,
) -> PostResult:
    """Store ``actor``'s comment on ``target`` (or reply to one of its comments) after moderation.

    Blocked text raises ``FieldErrors`` on ``text`` with the engine's general message; held text
    is stored as pending (its author sees it waiting for review, nobody else sees it); masked text
    is stored and shown masked. Over the hourly limit raises ``RateLimited``. A post with the
    ``client_key`` of an earlier one by the same person returns that one (``created`` False).
    ``rate_limited=False`` is for loading demo data only: people's posts always count.
    """
    if not is_active_person(actor):
        raise PermissionDenied
    text = _clean_text(text)
    client_key = _clean_key(client_key)
    earlier = _earlier_post(actor, client_key)
    if earlier is not None:
        return PostResult(earlier, created=False)
    top = _top_of(actor, target, parent_id)
    counted = comment_rate_take(actor=actor) if rate_limited else ""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    comment = Comment.objects.create(
                        target_kind=target.kind,
                        target_id=target.id,
                        unit=target.unit,
                        author=actor,
                        parent=top,
                        text=text,
                        shown_text=text,
                        client_key=client_key,
                    )
            except IntegrityError:
                # The same key arrived twice at once: the other request stored it.
                earlier = _earlier_post(actor, client_key)
                if earlier is None:
                    raise
                comment_rate_give_back(counted)
                return PostResult(earlier, created=False)
            result = moderation.submission_screen(
                actor=actor,
                text=text,
                unit=target.unit,
                subject=comment.subject,
                snapshot_url=f"{target.url}#comment-{comment.pk}",
            )
            changed = []
            if result.action == "hold":
                comment.status = CommentStatus.PENDING
                changed.append("status")
            if result.masked_text != text:
                comment.shown_text = result.masked_text
                changed.append("shown_text")
            if changed:
                comment.save(update_fields=changed)
            if top is not None and top.author_id != actor.pk and comment.status == CommentStatus.VISIBLE:
                _tell_of_reply(top, comment, target)
    except DomainError as refused:
        if refused.code == "moderation.blocked":
            raise FieldErrors.single("text", refused.message) from None
        raise
    comment.author = actor
    return PostResult(comment, created=True)


def _tell_of_reply(top: Comment, reply: Comment, target: Target) -> None:
    """The top comment's author hears of a reply readers can see (a held one stays unannounced)."""
    author = User.objects.filter(pk=top.author_id, is_active=True).first()
    if author is None:
        return
    notifications_send(
        recipients=[author],
        kind=REPLY_KIND,
        title=gettext_lazy("%(name)s replied to your comment on “%(title)s”"),
        body=reply.shown_text[:200].replace("%", "%%"),  # the body is formatted with params too
        params={"name": reply.author.name, "title": target.title},
        url=f"{target.url}#comment-{reply.pk}",
        dedupe_key=f"comment-reply:{reply.pk}",
    )


# --- Deleting, hiding, reporting ------------------------------------------------------------------


def _locked(comment_id: int) -> Comment:
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def comment_delete(*, actor: Any, comment_id: int) -> Comment:
    """The author deletes their comment: readers no longer see its text (a top comment with
    replies stays as "deleted" so the replies keep their place). Deleting twice changes nothing."""
    comment, _target = queries_comments.comment_for(actor, comment_id)
    if not can_delete_comment(actor, comment):
        raise PermissionDenied
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status == CommentStatus.DELETED:
            return comment
        comment.status = CommentStatus.DELETED
        comment.shown_text = ""
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["status", "shown_text", "deleted_at"])
        audit_record(
            actor=actor,
            action="engagement.comment.delete",
            target=comment,
            unit_id=comment.unit_id,
            data={"target": comment.target},
        )
    return comment


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Give a reason."))
    if len(reason) > REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason", _("The reason can have at most %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}
        )
    return reason


def comment_hide(*, actor: Any, comment_id: int, reason: str) -> Comment:
    """The item's author or a moderator of its unit hides a comment, with a reason the comment's
    author receives in their inbox."""
    comment, target = queries_comments.comment_for(actor, comment_id)
    if not can_hide_comments(actor, target):
        raise PermissionDenied
    reason = _clean_reason(reason)
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status != CommentStatus.VISIBLE:
            raise DomainError("engagement.comment_not_visible", _("This comment is not shown any more."))
        comment.status = CommentStatus.HIDDEN
        comment.hidden_by = actor
        comment.hidden_reason = reason
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["status", "hidden_by", "hidden_reason", "hidden_at"])
        audit_record(
            actor=actor,
            action="engagement.comment.hide",
            target=comment,
            unit_id=comment.unit_id,
            data={"target": comment.target, "reason": reason},
        )
        if comment.author_id != actor.pk:
            notifications_send(
                recipients=[comment.author],
                kind=HIDDEN_KIND,
                title=gettext_lazy("Your comment on “%(title)s” was hidden"),
                body=gettext_lazy("Reason: %(reason)s"),
                params={"title": target.title, "reason": reason},
                url=target.url,
                dedupe_key=f"comment-hidden:{comment.pk}:{comment.hidden_at.isoformat()}",
            )
    return comment


def comment_restore(*, actor: Any, comment_id: int) -> Comment:
    """Show again a comment that the item's author or a moderator hid on the item's page (a hiding
    by mistake can be undone by anyone who may hide there). A comment hidden or rejected through the
    review queue is changed there, not here."""
    target = queries_comments.target_of_comment(actor, comment_id)
    if not can_hide_comments(actor, target):
        raise PermissionDenied
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status != CommentStatus.HIDDEN or comment.hidden_at is None:
            raise DomainError(
                "engagement.comment_not_hidden_here",
                _(
                    "Only a comment hidden on this page can be shown again here; moderators' decisions are changed in the review queue."
                ),
            )
        previous = {"hidden_by_id": comment.hidden_by_id, "reason": comment.hidden_reason}
        comment.status = CommentStatus.VISIBLE
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.hidden_at = None
        comment.save(update_fields=["status", "hidden_by", "hidden_reason", "hidden_at"])
        audit_record(
            actor=actor,
            action="engagement.comment.restore",
            target=comment,
            unit_id=comment.unit_id,
            data={"target": comment.target, **previous},
        )
    return comment


def comment_report(*, actor: Any, comment_id: int, reason: str) -> None:
    """A reader reports a comment to the moderators of its unit (once per person; enough reports
    hide it until a moderator looks)."""
    if not is_active_person(actor):
        raise PermissionDenied
    comment, target = queries_comments.comment_for(actor, comment_id)
    if comment.status != CommentStatus.VISIBLE:
        raise DomainError("engagement.comment_not_visible", _("This comment is not shown any more."))
    moderation.report_submit(
        actor=actor, subject=comment.subject, unit=target.unit, text=comment.text, reason=reason
    )


# --- Likes and favourites -------------------------------------------------------------------------


def comment_like_set(*, actor: Any, comment_id: int, liked: bool) -> tuple[bool, int]:
    """Like (or take back the like of) a visible comment; once per person whatever the retries.
    Returns the new state and the comment's like count."""
    if not is_active_person(actor):
        raise PermissionDenied
    comment, _target = queries_comments.comment_for(actor, comment_id)
    if comment.status != CommentStatus.VISIBLE:
        raise DomainError("engagement.comment_not_visible", _("This comment is not shown any more."))
    if liked:
        try:
            with transaction.atomic():
                CommentLike.objects.get_or_create(comment=comment, person=actor)
        except IntegrityError:
            pass  # the same like arrived twice at once
    else:
        CommentLike.objects.filter(comment=comment, person=actor).delete()
    return liked, queries_comments.like_count(comment.pk)


def favourite_set(*, actor: Any, target: Target, saved: bool) -> bool:
    """Save ``target`` to the person's favourites, or take it out; repeating changes nothing."""
    if not is_active_person(actor):
        raise PermissionDenied
    if saved:
        try:
            with transaction.atomic():
                Favourite.objects.get_or_create(person=actor, target_kind=target.kind, target_id=target.id)
        except IntegrityError:
            pass
    else:
        Favourite.objects.filter(person=actor, target_kind=target.kind, target_id=target.id).delete()
    return saved


def item_like_set(*, actor: Any, target: Target, liked: bool) -> tuple[bool, int]:
    """Like an article, video or lesson, or take the like back; repeating changes nothing.

    Returns whether the person now likes it and how many people do.
    """
    if not is_active_person(actor):
        raise PermissionDenied
    mine = ItemLike.objects.filter(person=actor, target_kind=target.kind, target_id=target.id)
    if liked:
        with contextlib.suppress(IntegrityError), transaction.atomic():
            ItemLike.objects.get_or_create(person=actor, target_kind=target.kind, target_id=target.id)
    else:
        mine.delete()
    count, _mine = queries_comments.item_likes(actor, target)
    return liked, count


# --- Moderators' decisions ------------------------------------------------------------------------

_STATUS_OF_DECISION = {
    "pending": CommentStatus.PENDING,
    "approved": CommentStatus.VISIBLE,
    "rejected": CommentStatus.REJECTED,
    "hidden": CommentStatus.HIDDEN,
}


def on_moderation(event: ModerationEvent) -> None:
    """Follow the moderation engine: held or reported → pending, approved → visible, rejected or
    hidden → not shown. A comment its author deleted stays deleted; one the item's author hid
    stays hidden even if a moderator approves the text."""
    number = event.subject.removeprefix("comment:")
    if not number.isdigit():
        return
    comment = Comment.objects.select_for_update().filter(pk=int(number)).first()
    status = _STATUS_OF_DECISION.get(event.status)
    if comment is None or status is None or comment.status == CommentStatus.DELETED:
        return
    if status == CommentStatus.VISIBLE and comment.hidden_at is not None:
        return
    if comment.status != status:
        # The moderator's decision supersedes a hiding on the page: it is no longer undone there.
        comment.status = status
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.hidden_at = None
        comment.save(update_fields=["status", "hidden_by", "hidden_reason", "hidden_at"])


def register() -> None:
    moderation.register_decision_handler("comment:", on_moderation)


def comment_rate_forget(*, person_ids: list[int]) -> None:
    """Forget the last hour's count of these people (the bench, and support after a mistake)."""
    current = int(time.time() // RATE_BUCKET_SECONDS)
    buckets = range(current - RATE_WINDOW_BUCKETS, current + 2)
    cache.delete_many([_rate_key(person_id, bucket) for person_id in person_ids for bucket in buckets])
