"""Writes of publishing: articles and videos, their revisions, review (三审三校), publication, withdrawal.

Every service locks the article, re-checks the actor's right (the same services serve pages, API
and tasks), checks the transition, saves with ``update_fields``, writes the audit event and sends
notifications; cache refreshes and the publication task are enqueued on commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import Document
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.richtext import plain_text, sanitize_html
from core.services import notifications_send
from orgs.models import OrgUnit, Position, PositionType
from publishing import cache as page_cache
from publishing import capabilities as caps
from publishing import permissions
from publishing.models import (
    Article,
    ArticleMedia,
    ArticleRevision,
    ArticleStatus,
    Category,
    Channel,
    Kind,
    ReviewStatus,
    ReviewTask,
)
from publishing.services_channels import MEDIA_PURPOSE, media_upload

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 500
TAG_MAX_LENGTH = 20
TAGS_MAX = 10
REASON_MAX_LENGTH = 500
BODY_MAX_LENGTH = 200_000

REVIEW_WAITING = register_kind("publishing.review_waiting", gettext_lazy("An article waits for your review"))
ARTICLE_RETURNED = register_kind("publishing.returned", gettext_lazy("Your article was returned"))
ARTICLE_APPROVED = register_kind("publishing.approved", gettext_lazy("Your article was approved"))
ARTICLE_WITHDRAWN = register_kind("publishing.withdrawn", gettext_lazy("Your article was withdrawn"))

_MEDIA_URL = re.compile(r"/channels/media/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/")
_TAG_SEPARATORS = re.compile(r"[,，、;；#\s]+")


@dataclass(frozen=True)
class ArticleInput:
    """What an author writes; files are uploaded objects (None: keep the current one)."""

    title: str
    summary: str = ""
    category: str = Category.OTHER
    tags: str | list[str] = ""
    body: str = ""
    cover_file: Any = None
    video_file: Any = None
    poster_file: Any = None


def plain_field(value: str) -> str:
    """A one-line text field as plain text: markup removed, and no angle brackets left that a
    careless consumer (a mini-program, a pasted export) could take for markup."""
    return plain_text(value or "").replace("<", "＜").replace(">", "＞")


def parse_tags(raw: str | list[str]) -> list[str]:
    """Tags from "党史, 学习 #青年" or a list: plain text, without duplicates, in the order written."""
    parts = [str(part) for part in raw] if isinstance(raw, list) else _TAG_SEPARATORS.split(plain_field(raw))
    tags: list[str] = []
    for part in parts:
        tag = plain_field(part).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _clean_input(data: ArticleInput, *, kind: str) -> dict[str, Any]:
    """The author's input checked and cleaned: plain-text title, summary and tags, sanitised body."""
    errors: dict[str, list[str]] = {}
    title = plain_field(data.title)
    summary = plain_field(data.summary)
    tags = parse_tags(data.tags)
    body = sanitize_html(data.body or "")
    if not title:
        errors["title"] = [_("Give the article a title.")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [
            _("The title can have at most %(count)s characters.") % {"count": TITLE_MAX_LENGTH}
        ]
    if len(summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = [
            _("The summary can have at most %(count)s characters.") % {"count": SUMMARY_MAX_LENGTH}
        ]
    if data.category not in Category.values:
        errors["category"] = [_("Choose one of the categories.")]
    if len(tags) > TAGS_MAX or any(len(tag) > TAG_MAX_LENGTH for tag in tags):
        errors["tags"] = [
            _("Use at most %(count)s tags of at most %(length)s characters each.")
            % {"count": TAGS_MAX, "length": TAG_MAX_LENGTH}
        ]
    if len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("The text is too long.")]
    if kind not in Kind.values:
        errors["kind"] = [_("Choose an article or a short video.")]
    if errors:
        raise FieldErrors(errors, _("Some fields are not valid."))
    return {"title": title, "summary": summary, "category": data.category, "tags": tags, "body": body}


def _upload_files(actor: Any, unit: OrgUnit, data: ArticleInput) -> dict[str, Document]:
    files: dict[str, Document] = {}
    for field, upload, video in (
        ("cover", data.cover_file, False),
        ("video", data.video_file, True),
        ("poster", data.poster_file, False),
    ):
        if upload is None:
            continue
        try:
            files[field] = media_upload(actor=actor, unit=unit, uploaded_file=upload, video=video)
        except FieldErrors as exc:  # the archive names the field "file"; say which one it was
            raise FieldErrors(
                {f"{field}_file": [m for ms in exc.fields.values() for m in ms]}, exc.message
            ) from exc
    return files


def _link_media(article: Article) -> None:
    """Record every stored file the article shows, so the public media view can serve exactly those."""
    public_ids = set(_MEDIA_URL.findall(article.body or ""))
    documents = set(
        Document.objects.filter(
            public_id__in=public_ids, purpose=MEDIA_PURPOSE, unit_id=article.channel.unit_id
        ).values_list("pk", flat=True)
    )
    documents.update(pk for pk in (article.cover_id, article.video_id, article.poster_id) if pk)
    ArticleMedia.objects.filter(article=article).exclude(document_id__in=documents).delete()
    known = set(ArticleMedia.objects.filter(article=article).values_list("document_id", flat=True))
    ArticleMedia.objects.bulk_create(
        [ArticleMedia(article=article, document_id=pk) for pk in documents - known], ignore_conflicts=True
    )


def _add_revision(article: Article, actor: Any) -> ArticleRevision:
    return ArticleRevision.objects.create(
        article=article,
        number=article.revision,
        title=article.title,
        summary=article.summary,
        category=article.category,
        tags=article.tags,
        body=article.body,
        created_by=actor,
    )


def article_create(*, actor: Any, channel: Channel, data: ArticleInput, kind: str = Kind.ARTICLE) -> Article:
    """Start an article or short video in the channel as a draft, with its revision 1.

    Needs ``publishing.write`` over the channel's unit; uploading a cover, video or poster also
    needs the archive's upload right. Every text is stored cleaned: title, summary and tags as plain
    text, the body through ``sanitize_html``.
    """
    permissions.require_capability(actor, caps.WRITE, channel.unit)
    values = _clean_input(data, kind=kind)
    with transaction.atomic():
        files = _upload_files(actor, channel.unit, data)
        article = Article.objects.create(
            channel=channel, kind=kind, author=actor, revision=1, **values, **files
        )
        _add_revision(article, actor)
        _link_media(article)
        audit_record(
            actor=actor,
            action="publishing.article.create",
            target=article,
            unit_id=channel.unit_id,
            data={"kind": kind},
        )
    return article


def article_update(*, actor: Any, article: Article, data: ArticleInput) -> Article:
    """Change a draft (or a withdrawn item, which becomes a draft again); a changed text adds a revision.

    Only its author, while holding ``publishing.write``; an item in review or published cannot be
    changed (withdraw it first).
    """
    permissions.require_article_visible(actor, article)
    if not permissions.is_author(actor, article):
        raise PermissionDenied
    permissions.require_capability(actor, caps.WRITE, article.channel.unit)
    values = _clean_input(data, kind=article.kind)
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("channel").get(pk=article.pk)
        if not locked.is_editable:
            raise DomainError(
                "publishing.not_editable",
                _("This article is %(status)s and cannot be changed now.")
                % {"status": locked.get_status_display()},
            )
        files = _upload_files(actor, locked.channel.unit, data)
        changed = [field for field, value in values.items() if getattr(locked, field) != value]
        for field, value in {**values, **files}.items():
            setattr(locked, field, value)
        fields = [*values, *files, "updated_at"]
        if locked.status == ArticleStatus.WITHDRAWN:
            locked.status = ArticleStatus.DRAFT
            fields.append("status")
        if changed:
            locked.revision += 1
            fields.append("revision")
        locked.save(update_fields=fields)
        if changed:
            _add_revision(locked, actor)
        _link_media(locked)
        audit_record(
            actor=actor,
            action="publishing.article.update",
            target=locked,
            unit_id=locked.channel.unit_id,
            data={"changed": changed + list(files), "revision": locked.revision},
        )
    return locked


def _holders_of(capability: str, unit: OrgUnit, *, besides: Any = None) -> list[Any]:
    """The active people holding ``capability`` over ``unit`` through a current position."""
    paths = [unit.path[:end] for end in range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)]
    types = [kind.pk for kind in PositionType.objects.all() if capability in (kind.capabilities or [])]
    positions = (
        Position.objects.active()
        .filter(position_type_id__in=types, unit__path__in=paths, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    )
    people = {position.person_id: position.person for position in positions}
    if besides is not None:
        people.pop(besides.pk, None)
    return list(people.values())


def _notify_reviewers(article: Article, level: int) -> None:
    capability = permissions.capability_for_level(level)
    notifications_send(
        recipients=_holders_of(capability, article.channel.unit, besides=article.author),
        kind=REVIEW_WAITING,
        title=gettext_lazy("“%(title)s” waits for your review (level %(level)s)"),
        params={"title": article.title, "level": level},
        url=reverse("publishing:review", args=[article.pk]),
        dedupe_key=f"publishing.review:{article.pk}:r{article.revision}:l{level}",
    )


def article_submit(*, actor: Any, article: Article) -> ReviewTask:
    """The author sends a draft to review level 1; the reviewers of the channel are told.

    Refused when it is not a draft, when an article has no text or a video no file. Only one
    review can be active per article (a partial unique constraint backs the lock).
    """
    permissions.require_article_visible(actor, article)
    if not permissions.is_author(actor, article):
        raise PermissionDenied
    permissions.require_capability(actor, caps.WRITE, article.channel.unit)
    with transaction.atomic():
        locked = (
            Article.objects.select_for_update().select_related("channel__unit", "author").get(pk=article.pk)
        )
        if locked.status != ArticleStatus.DRAFT:
            raise DomainError(
                "publishing.not_a_draft",
                _("Only a draft can be submitted for review; this article is %(status)s.")
                % {"status": locked.get_status_display()},
            )
        if locked.kind == Kind.ARTICLE and not plain_text(locked.body):
            raise DomainError("publishing.empty", _("Write the article's text before submitting it."))
        if locked.kind == Kind.VIDEO and locked.video_id is None:
            raise DomainError("publishing.no_video", _("Upload the video before submitting it."))
        revision = ArticleRevision.objects.get(article=locked, number=locked.revision)
        task = ReviewTask.objects.create(article=locked, revision=revision, level=1)
        locked.status = ArticleStatus.IN_REVIEW
        locked.review_level = 1
        locked.save(update_fields=["status", "review_level", "updated_at"])
        audit_record(
            actor=actor,
            action="publishing.article.submit",
            target=locked,
            unit_id=locked.channel.unit_id,
            data={"revision": locked.revision},
        )
        _notify_reviewers(locked, 1)
    return task


def _decided_this_round(article: Article, actor: Any) -> bool:
    """The actor already decided a level of the article's current submission."""
    return ReviewTask.objects.filter(
        article=article, revision__number=article.revision, decided_by=actor, status=ReviewStatus.APPROVED
    ).exists()


def _publish(article: Article, *, actor: Any, at: datetime) -> None:
    article.status = ArticleStatus.PUBLISHED
    article.published_at = at
    article.save(update_fields=["status", "published_at", "review_level", "publish_at", "updated_at"])
    audit_record(
        actor=actor, action="publishing.article.publish", target=article, unit_id=article.channel.unit_id
    )
    transaction.on_commit(partial(page_cache.channel_changed, article.channel.slug))


def _schedule(article: Article, at: datetime) -> None:
    from publishing.tasks import publish_article

    article.status = ArticleStatus.SCHEDULED
    article.publish_at = at
    article.save(update_fields=["status", "publish_at", "review_level", "updated_at"])
    if publish_article.get_backend().supports_defer:
        transaction.on_commit(partial(publish_article.using(run_after=at).enqueue, article.pk))
    # Without a deferring backend the periodic job (every few minutes) publishes it.


def review_decide(
    *,
    actor: Any,
    article: Article,
    decision: str,
    reason: str = "",
    publish_at: datetime | None = None,
    level: int | None = None,
) -> ReviewTask:
    """Decide the article's active review level: ``approve`` or ``return`` (a reason is required).

    Approving a level before the last sends it to the next level's reviewers. Approving the last
    level (``publishing.approve``) publishes it now, or schedules it for ``publish_at``. Returning
    sends it back to the author as a draft. The author cannot review their own article, and one
    person decides at most one level of a submission. With ``level`` (the level the reviewer saw),
    a decision arriving after someone else already decided that level is refused, not applied to
    the next one.
    """
    reason = (reason or "").strip()
    if decision not in ("approve", "return"):
        raise FieldErrors.single("decision", _("Choose to approve or to return the article."))
    if decision == "return" and not reason:
        raise FieldErrors.single("reason", _("Say why the article is returned, so the author can change it."))
    if len(reason) > REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason", _("The reason can have at most %(count)s characters.") % {"count": REASON_MAX_LENGTH}
        )
    now = timezone.now()
    if publish_at is not None and publish_at <= now:
        publish_at = None  # a time already past means now
    permissions.require_article_visible(actor, article)
    with transaction.atomic():
        locked = (
            Article.objects.select_for_update().select_related("channel__unit", "author").get(pk=article.pk)
        )
        task = (
            ReviewTask.objects.select_for_update().filter(article=locked, status=ReviewStatus.ACTIVE).first()
        )
        if task is None or locked.status != ArticleStatus.IN_REVIEW:
            raise DomainError(
                "publishing.not_in_review", _("This article is not waiting for a review decision.")
            )
        if level is not None and level != task.level:
            raise DomainError(
                "publishing.review_moved",
                _("Someone else decided this review level a moment ago; open the article again."),
            )
        if not permissions.can_decide_level(actor, locked, task.level):
            raise PermissionDenied
        if _decided_this_round(locked, actor):
            raise DomainError(
                "publishing.same_reviewer",
                _(
                    "You already approved an earlier level of this submission; another person decides this one."
                ),
            )
        task.status = ReviewStatus.APPROVED if decision == "approve" else ReviewStatus.RETURNED
        task.decided_by = actor
        task.decided_at = now
        task.reason = reason
        task.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        last_level = task.level >= permissions.review_levels()
        audit_data: dict[str, Any] = {"level": task.level, "decision": decision, "reason": reason}
        if decision == "return":
            locked.status = ArticleStatus.DRAFT
            locked.review_level = 0
            locked.save(update_fields=["status", "review_level", "updated_at"])
            notifications_send(
                recipients=[locked.author],
                kind=ARTICLE_RETURNED,
                title=gettext_lazy("“%(title)s” was returned: %(reason)s"),
                params={"title": locked.title, "reason": reason},
                url=reverse("publishing:article", args=[locked.pk]),
            )
        elif not last_level:
            ReviewTask.objects.create(article=locked, revision=task.revision, level=task.level + 1)
            locked.review_level = task.level + 1
            locked.save(update_fields=["review_level", "updated_at"])
            _notify_reviewers(locked, task.level + 1)
        else:
            locked.review_level = 0
            if publish_at is None:
                _publish(locked, actor=actor, at=now)
            else:
                _schedule(locked, publish_at)
                audit_data["publish_at"] = publish_at.isoformat()
            notifications_send(
                recipients=[locked.author],
                kind=ARTICLE_APPROVED,
                title=gettext_lazy("“%(title)s” was approved"),
                params={"title": locked.title},
                url=reverse("publishing:article", args=[locked.pk]),
            )
        audit_record(
            actor=actor,
            action="publishing.review.decide",
            target=locked,
            unit_id=locked.channel.unit_id,
            data=audit_data,
        )
    return task


def article_publish_if_due(*, article_id: int, now: datetime | None = None) -> bool:
    """Publish a scheduled item whose time has come (the task worker calls this); True if published.

    Safe to call again or too early: anything not scheduled, or not yet due, is left alone.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("channel").filter(pk=article_id).first()
        if article is None or article.status != ArticleStatus.SCHEDULED:
            return False
        if article.publish_at is None or article.publish_at > moment:
            return False
        _publish(article, actor=None, at=article.publish_at)
    return True


def due_articles_publish(*, now: datetime | None = None) -> list[int]:
    """Publish every scheduled item that is due (the periodic safety job); returns their ids."""
    moment = now or timezone.now()
    due = list(
        Article.objects.filter(status=ArticleStatus.SCHEDULED, publish_at__lte=moment)
        .order_by("publish_at")
        .values_list("pk", flat=True)
    )
    return [pk for pk in due if article_publish_if_due(article_id=pk, now=moment)]


def article_withdraw(*, actor: Any, article: Article, reason: str) -> Article:
    """Take a published or scheduled item away from readers, with a reason (an approver of the channel).

    The author is told; the item becomes editable again and must pass review once more.
    """
    permissions.require_article_visible(actor, article)
    permissions.require_capability(actor, caps.APPROVE, article.channel.unit)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Say why the article is withdrawn."))
    if len(reason) > REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason", _("The reason can have at most %(count)s characters.") % {"count": REASON_MAX_LENGTH}
        )
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("channel", "author").get(pk=article.pk)
        if not locked.can_become(ArticleStatus.WITHDRAWN):
            raise DomainError(
                "publishing.not_withdrawable",
                _("Only a published or scheduled article can be withdrawn; this one is %(status)s.")
                % {"status": locked.get_status_display()},
            )
        locked.status = ArticleStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_reason = reason
        locked.is_pinned = False
        locked.publish_at = None
        locked.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_reason",
                "is_pinned",
                "publish_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="publishing.article.withdraw",
            target=locked,
            unit_id=locked.channel.unit_id,
            data={"reason": reason},
        )
        notifications_send(
            recipients=[locked.author],
            kind=ARTICLE_WITHDRAWN,
            title=gettext_lazy("“%(title)s” was withdrawn: %(reason)s"),
            params={"title": locked.title, "reason": reason},
            url=reverse("publishing:article", args=[locked.pk]),
        )
        transaction.on_commit(partial(page_cache.channel_changed, locked.channel.slug))
    return locked
