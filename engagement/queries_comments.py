"""Reads of comments, likes and favourites: targets, the comments a reader may see, my favourites.

Every list is a fixed number of queries whatever its length (the article page with 500 comments
costs the same as with one): top comments of a page with their like counts and the reader's own
likes in one query, their replies in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import FieldErrors
from engagement.models import Comment, CommentLike, CommentStatus, Favourite, ItemLike, TargetKind
from engagement.permissions_comments import can_delete_comment, can_hide_comments, is_active_person
from learning import queries as learning_queries
from orgs.models import OrgUnit
from publishing import queries as publishing_queries

PAGE_SIZE = 50
FAVOURITES_PAGE_SIZE = 50


@dataclass(frozen=True)
class Target:
    """An item that takes comments: an article or video ("article:12") or a lesson ("lesson:7")."""

    kind: str
    id: int
    unit: OrgUnit
    author_id: int | None
    title: str
    url: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def parse_target(value: str) -> tuple[str, int]:
    """``"article:12"`` → ``("article", 12)``; anything else is a field error on ``target``."""
    kind, _sep, number = (value or "").strip().partition(":")
    if kind not in TargetKind.values or not number.isdigit() or not 0 < int(number) < 2**31:
        raise FieldErrors.single("target", _('Name the item as "article:<id>" or "lesson:<id>".'))
    return kind, int(number)


def target_for(user: Any, kind: str, target_id: int) -> Target:
    """The item if ``user`` may read it: a published article or video (anyone), a lesson (those who
    may open its course). 404 when it does not exist or is out of reach, 403 for a lesson in reach
    the user may not open."""
    if kind == TargetKind.ARTICLE:
        article = publishing_queries.published_ref(target_id)
        return Target(kind, article.id, article.unit, article.author_id, article.title, article.url)
    if kind == TargetKind.LESSON:
        lesson = learning_queries.lesson_ref_for(user, target_id)
        title = f"{lesson.course_title} · {lesson.title}"
        return Target(kind, lesson.id, lesson.unit, lesson.author_id, title, lesson.url)
    raise Http404


def target_named(user: Any, value: str) -> Target:
    kind, target_id = parse_target(value)
    return target_for(user, kind, target_id)


# --- Comments -----------------------------------------------------------------------------------


HIDDEN_HERE = Q(status=CommentStatus.HIDDEN, hidden_at__isnull=False)


def _readable(user: Any, hiders: bool = False) -> Q:
    """Comments the user may read: visible ones, and their own still waiting for review; for
    those who may hide comments of the item (``hiders``), also the ones hidden by hand, which
    they may show again."""
    condition = Q(status=CommentStatus.VISIBLE)
    if is_active_person(user):
        condition |= Q(status=CommentStatus.PENDING, author_id=user.pk)
    if hiders:
        condition |= HIDDEN_HERE
    return condition


def _annotated(rows: QuerySet[Comment], user: Any) -> QuerySet[Comment]:
    likes = (
        CommentLike.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(total=Count("id"))
        .values("total")
    )
    rows = rows.select_related("author").annotate(
        like_count=Coalesce(Subquery(likes, output_field=IntegerField()), Value(0))
    )
    if is_active_person(user):
        mine = CommentLike.objects.filter(comment=OuterRef("pk"), person_id=user.pk)
        return rows.annotate(liked=Exists(mine))
    return rows.annotate(liked=Value(False))


def top_comments(user: Any, target: Target, hiders: bool = False) -> QuerySet[Comment]:
    """The target's top comments the user may read, newest first; a deleted or hidden top comment
    stays as a placeholder while it has replies the user may read."""
    readable = _readable(user, hiders)
    replies = Comment.objects.filter(Q(parent=OuterRef("pk")) & readable)
    return _annotated(
        Comment.objects.filter(target_kind=target.kind, target_id=target.id, parent__isnull=True)
        .annotate(has_replies=Exists(replies))
        .filter(readable | Q(has_replies=True))
        .select_related("hidden_by"),
        user,
    ).order_by("-created_at", "-id")


@dataclass
class Thread:
    """One page of a target's comments for one reader, and what that reader may do."""

    target: Target
    page: Page
    comments: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    can_write: bool = False
    can_hide: bool = False
    is_favourite: bool = False
    total: int = 0
    likes: int = 0  # people who like the item itself
    is_liked: bool = False


def thread_for(user: Any, target: Target, page_number: int = 1) -> Thread:
    """The page of top comments (``PAGE_SIZE`` each), their replies oldest first, and the reader's
    rights — a fixed number of queries."""
    hiders = can_hide_comments(user, target)
    paginator = Paginator(top_comments(user, target, hiders), PAGE_SIZE)
    page = paginator.get_page(page_number)
    comments = list(page.object_list)
    replies: dict[int, list[Comment]] = {comment.pk: [] for comment in comments}
    if comments:
        rows = _annotated(
            Comment.objects.filter(Q(parent_id__in=list(replies)) & _readable(user, hiders)).select_related(
                "hidden_by"
            ),
            user,
        ).order_by("created_at", "id")
        for reply in rows:
            replies[reply.parent_id].append(reply)  # type: ignore[index]
    active = is_active_person(user)
    thread = Thread(
        target=target,
        page=page,
        comments=comments,
        replies=replies,
        can_write=active,
        can_hide=hiders,
        is_favourite=active and favourite_exists(user, target),
        total=paginator.count,
    )
    thread.likes, thread.is_liked = item_likes(user, target)
    for comment in comments:
        _mark(comment, user, thread)
        comment.reply_list = replies[comment.pk]  # type: ignore[attr-defined]
        for reply in replies[comment.pk]:
            _mark(reply, user, thread)
    return thread


def _mark(comment: Comment, user: Any, thread: Thread) -> None:
    """What the page shows of a comment and which buttons it offers this reader."""
    readable = comment.status == CommentStatus.VISIBLE or (
        comment.status == CommentStatus.PENDING and comment.author_id == getattr(user, "pk", None)
    )
    hidden_here = thread.can_hide and comment.status == CommentStatus.HIDDEN and comment.hidden_at is not None
    comment.is_hidden_here = hidden_here  # type: ignore[attr-defined]
    comment.is_placeholder = not readable and not hidden_here  # type: ignore[attr-defined]
    comment.is_pending = comment.status == CommentStatus.PENDING  # type: ignore[attr-defined]
    visible = comment.status == CommentStatus.VISIBLE
    comment.may_delete = readable and can_delete_comment(user, comment)  # type: ignore[attr-defined]
    comment.may_hide = visible and thread.can_hide  # type: ignore[attr-defined]
    comment.may_react = visible and thread.can_write  # type: ignore[attr-defined]


def comment_for(user: Any, comment_id: int) -> tuple[Comment, Target]:
    """A comment the user may read, with its target (404 otherwise)."""
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    target = target_for(user, comment.target_kind, comment.target_id)
    readable = Comment.objects.filter(_readable(user), pk=comment.pk).exists()
    if not readable:
        raise Http404
    return comment, target


def target_of_comment(user: Any, comment_id: int) -> Target:
    """The item a comment belongs to, if ``user`` may read it (404 otherwise); says nothing about
    whether the user may see the comment itself."""
    found = Comment.objects.filter(pk=comment_id).values_list("target_kind", "target_id").first()
    if found is None:
        raise Http404
    return target_for(user, *found)


def like_count(comment_id: int) -> int:
    return CommentLike.objects.filter(comment_id=comment_id).count()


# --- Favourites ---------------------------------------------------------------------------------


def item_likes(user: Any, target: Target) -> tuple[int, bool]:
    """How many people like the item, and whether ``user`` is one of them (one query)."""
    found = ItemLike.objects.filter(target_kind=target.kind, target_id=target.id).aggregate(
        total=Count("id"), mine=Count("id", filter=Q(person_id=getattr(user, "pk", None)))
    )
    return found["total"], bool(found["mine"])


def favourite_exists(user: Any, target: Target) -> bool:
    return Favourite.objects.filter(person_id=user.pk, target_kind=target.kind, target_id=target.id).exists()


@dataclass(frozen=True)
class FavouriteItem:
    """A saved item as "My favourites" lists it (``available`` False: withdrawn or no longer open)."""

    kind: str
    id: int
    title: str
    url: str
    saved_at: Any
    available: bool

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def my_favourites(user: Any, page_number: int = 1) -> tuple[Page, list[FavouriteItem]]:
    """The user's saved items, newest first, with titles and links (three queries per page)."""
    rows = Favourite.objects.filter(person_id=user.pk).order_by("-created_at", "-id")
    page = Paginator(rows, FAVOURITES_PAGE_SIZE).get_page(page_number)
    saved = list(page.object_list)
    articles = publishing_queries.published_refs(
        [row.target_id for row in saved if row.target_kind == TargetKind.ARTICLE]
    )
    lessons = learning_queries.lesson_refs_for(
        user, [row.target_id for row in saved if row.target_kind == TargetKind.LESSON]
    )
    items: list[FavouriteItem] = []
    for row in saved:
        ref: Any = (articles if row.target_kind == TargetKind.ARTICLE else lessons).get(row.target_id)
        if ref is None:
            items.append(
                FavouriteItem(
                    row.target_kind, row.target_id, _("No longer available"), "", row.created_at, False
                )
            )
            continue
        title = ref.title if row.target_kind == TargetKind.ARTICLE else f"{ref.course_title} · {ref.title}"
        items.append(FavouriteItem(row.target_kind, row.target_id, title, ref.url, row.created_at, True))
    return page, items
