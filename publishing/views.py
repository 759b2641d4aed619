"""Pages of the editors: my items, writing, review, withdrawal, channels, revisions and WeChat export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.richtext import plain_text
from moderation.services import text_check
from orgs.models import OrgUnit
from publishing import capabilities as caps
from publishing import permissions, queries, services, services_channels
from publishing.forms import ArticleForm, ChannelForm, DecisionForm, VideoForm, WithdrawForm
from publishing.models import Article, ArticleStatus, Channel, Kind
from publishing.services import ArticleInput
from publishing.wechat import wechat_html

PAGE_SIZE = 25


def _add_errors(form: Any, exc: FieldErrors | DomainError) -> None:
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_safe
def index(request: AuthedRequest) -> HttpResponse:
    """The person's own items, the reviews waiting for them and the channels they work on."""
    if not permissions.can_open_publishing(request.user):
        raise Http404
    page = Paginator(queries.my_articles(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "channels": list(queries.writable_channels(request.user)),
        "managed_units": list(queries.managed_units(request.user)),
        "waiting": queries.review_queue(request.user).count(),
    }
    return render(request, "publishing/index.html", context)


@login_required
@require_safe
def reviews(request: AuthedRequest) -> HttpResponse:
    """The active reviews the person may decide, oldest first."""
    if not permissions.can_open_publishing(request.user):
        raise Http404
    page = Paginator(queries.review_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publishing/reviews.html", {"page": page})


def _input_of(form: ArticleForm) -> ArticleInput:
    data = form.cleaned_data
    return ArticleInput(
        title=data["title"],
        summary=data["summary"],
        category=data["category"],
        tags=data["tags"],
        body=data["body"],
        cover_file=data.get("cover_file"),
        video_file=data.get("video_file"),
        poster_file=data.get("poster_file"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_new(request: AuthedRequest, channel_id: int) -> HttpResponse:
    """Write a new article (``?kind=video`` for a short video) in a channel."""
    channel = get_object_or_404(Channel.objects.select_related("unit"), pk=channel_id)
    permissions.require_or_refuse(request.user, permissions.can_write(request.user, channel), channel.unit)
    kind = Kind.VIDEO if request.GET.get("kind") == Kind.VIDEO else Kind.ARTICLE
    form_class = VideoForm if kind == Kind.VIDEO else ArticleForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user, channel=channel, data=_input_of(form), kind=kind
            )
        except (FieldErrors, DomainError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("publishing:article", article_id=article.pk)
    context = {"form": form, "channel": channel, "kind": kind}
    return render(request, "publishing/article_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def article_edit(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Change a draft (or a withdrawn item) of one's own."""
    article = queries.article_get(request.user, article_id)
    permissions.require_or_refuse(
        request.user, permissions.can_edit_article(request.user, article), article.channel.unit
    )
    form_class = VideoForm if article.kind == Kind.VIDEO else ArticleForm
    initial = {
        "title": article.title,
        "summary": article.summary,
        "category": article.category,
        "tags": ", ".join(article.tags),
        "body": article.body,
    }
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(actor=request.user, article=article, data=_input_of(form))
        except (FieldErrors, DomainError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("publishing:article", article_id=article.pk)
    context = {"form": form, "channel": article.channel, "kind": article.kind, "article": article}
    return render(request, "publishing/article_form.html", context, status=400 if form.errors else 200)


def _article_context(request: AuthedRequest, article: Article) -> dict[str, Any]:
    user = request.user
    revisions = queries.revisions(article)
    return {
        "article": article,
        "history": queries.review_history(article),
        "revisions": revisions,
        "views": queries.total_views(article),
        "can_edit": permissions.can_edit_article(user, article),
        "can_submit": permissions.is_author(user, article) and article.status == ArticleStatus.DRAFT,
        "can_withdraw": permissions.can_withdraw(user, article)
        and article.can_become(ArticleStatus.WITHDRAWN),
        "can_review": article.status == ArticleStatus.IN_REVIEW
        and permissions.can_decide_level(user, article, article.review_level),
        "can_pin": article.is_published and permissions.can_manage_channel(user, article.channel.unit),
        "can_export": article.status in (ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED),
        "withdraw_form": WithdrawForm(),
    }


@login_required
@require_safe
def article(request: AuthedRequest, article_id: int) -> HttpResponse:
    """An item's workspace: its state, text, review record, revisions and what the person may do."""
    item = queries.article_get(request.user, article_id)
    return render(request, "publishing/article.html", _article_context(request, item))


def _back_with(
    request: AuthedRequest, article_id: int, exc: FieldErrors | DomainError | None, notice: str
) -> HttpResponse:
    if exc is None:
        messages.success(request, notice)
    elif isinstance(exc, DomainError):
        messages.error(request, str(exc.message))
    else:
        for errors in exc.fields.values():
            for error in errors:
                messages.error(request, error)
    return redirect("publishing:article", article_id=article_id)


@login_required
@require_POST
def article_submit(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Send one's draft to review."""
    item = queries.article_get(request.user, article_id)
    try:
        services.article_submit(actor=request.user, article=item)
    except (FieldErrors, DomainError) as exc:
        return _back_with(request, item.pk, exc, "")
    return _back_with(request, item.pk, None, _("The article is sent to review."))


@login_required
@require_POST
def article_withdraw(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Withdraw a published or scheduled item, with a reason."""
    item = queries.article_get(request.user, article_id)
    permissions.require_or_refuse(
        request.user, permissions.can_withdraw(request.user, item), item.channel.unit
    )
    try:
        services.article_withdraw(actor=request.user, article=item, reason=request.POST.get("reason", ""))
    except (FieldErrors, DomainError) as exc:
        return _back_with(request, item.pk, exc, "")
    return _back_with(request, item.pk, None, _("The article is withdrawn."))


@login_required
@require_POST
def article_pin(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Pin a published item to the top of its channel, or unpin it."""
    item = queries.article_get(request.user, article_id)
    permissions.require_or_refuse(
        request.user, permissions.can_manage_channel(request.user, item.channel.unit), item.channel.unit
    )
    pinned = request.POST.get("pinned") == "1"
    services_channels.article_pin(actor=request.user, article=item, pinned=pinned)
    return _back_with(request, item.pk, None, _("Pinned.") if pinned else _("Unpinned."))


def highlight(text: str, hits: list[dict[str, Any]]) -> SafeString:
    """The text, escaped, with every lexicon hit wrapped in ``<mark>``."""
    parts: list[str] = []
    position = 0
    for hit in sorted(hits, key=lambda hit: (hit["start"], hit["end"])):
        start, end = max(position, int(hit["start"])), int(hit["end"])
        if start >= end:
            continue
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308  (every piece above is escaped)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Decide the active review level of an item: its text with the lexicon's hits highlighted,
    the change since the last reviewed revision, and approve / return (with a reason)."""
    item = queries.article_get(request.user, article_id)
    if item.status != ArticleStatus.IN_REVIEW:
        messages.info(request, _("This article is not waiting for a review decision."))
        return redirect("publishing:article", article_id=item.pk)
    permissions.require_or_refuse(
        request.user, permissions.can_decide_level(request.user, item, item.review_level), item.channel.unit
    )
    form = DecisionForm(request.POST or None, initial={"level": item.review_level})
    last_level = item.review_level >= permissions.review_levels()
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                actor=request.user,
                article=item,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                publish_at=form.cleaned_data["publish_at"] if last_level else None,
                level=form.cleaned_data["level"],
            )
        except (FieldErrors, DomainError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("publishing:reviews")
    source = "\n".join(filter(None, [item.title, item.summary, " ".join(item.tags), plain_text(item.body)]))
    checked = text_check(text=source, unit=item.channel.unit)
    history = queries.review_history(item)
    reviewed = [task.revision.number for task in history if task.revision.number < item.revision]
    diff = queries.revision_diff(item, reviewed[-1], item.revision) if reviewed else []
    context = {
        "article": item,
        "form": form,
        "last_level": last_level,
        "levels": permissions.review_levels(),
        "highlighted": highlight(source, [hit.as_dict() for hit in checked.hits]),
        "hits": checked.hits,
        "history": history,
        "diff": diff,
        "diff_from": reviewed[-1] if reviewed else None,
    }
    return render(request, "publishing/review.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def revision_compare(request: AuthedRequest, article_id: int) -> HttpResponse:
    """Two revisions of an item side by side, as a difference of their plain text."""
    item = queries.article_get(request.user, article_id)
    try:
        first, second = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        first, second = max(1, item.revision - 1), item.revision
    diff = queries.revision_diff(item, first, second)
    context = {
        "article": item,
        "diff": diff,
        "first": first,
        "second": second,
        "revisions": queries.revisions(item),
    }
    return render(request, "publishing/compare.html", context)


@login_required
@require_safe
def wechat_export(request: AuthedRequest, article_id: int) -> HttpResponse:
    """The approved item as WeChat-ready HTML, to copy (or ``?download=1`` to download)."""
    item = queries.article_get(request.user, article_id)
    if item.status not in (ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED):
        raise Http404
    html = wechat_html(item, base_url=request.build_absolute_uri("/"))
    if request.GET.get("download"):
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="article-{item.pk}-wechat.html"'
        return response
    return render(request, "publishing/wechat.html", {"article": item, "html": html})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def channel_edit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Create or edit a unit's channel (name, web address, colours, logo, introduction)."""
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    permissions.require_or_refuse(request.user, permissions.can_manage_channel(request.user, unit), unit)
    channel = queries.channel_of_unit(unit)
    initial = (
        {
            "name": channel.name,
            "slug": channel.slug,
            "introduction": channel.introduction,
            "primary_colour": channel.primary_colour,
            "accent_colour": channel.accent_colour,
        }
        if channel
        else {"name": unit.name, "slug": f"unit-{unit.pk}"}
    )
    form = ChannelForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            channel = services_channels.channel_save(
                actor=request.user,
                unit=unit,
                name=data["name"],
                slug=data["slug"],
                introduction=data["introduction"],
                primary_colour=data["primary_colour"],
                accent_colour=data["accent_colour"],
                logo_file=data.get("logo_file"),
            )
        except (FieldErrors, DomainError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The channel is saved."))
            return redirect("publishing:channel_edit", unit_id=unit.pk)
    articles = list(queries.channel_articles(request.user, channel)[:50]) if channel else []
    context = {"unit": unit, "channel": channel, "form": form, "articles": articles}
    return render(request, "publishing/channel_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def media_upload(request: AuthedRequest, channel_id: int) -> JsonResponse:
    """Store an image that the editor inserts into an article's text; answers its address as JSON."""
    channel = get_object_or_404(Channel.objects.select_related("unit"), pk=channel_id)
    permissions.require_over_unit(request.user, channel.unit, [caps.WRITE])
    try:
        document = services_channels.media_upload(
            actor=request.user, unit=channel.unit, uploaded_file=request.FILES.get("file")
        )
    except FieldErrors as exc:
        return JsonResponse({"error": " ".join(m for ms in exc.fields.values() for m in ms)}, status=400)
    return JsonResponse({"url": reverse("channels:media", args=[document.public_id])}, status=201)
