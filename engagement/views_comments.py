"""Pages of comments: the thread under an article, video or lesson (an htmx fragment the item's
page loads, and a full page for readers without JavaScript), the actions on a comment, and
"My favourites".

The public article page is cached whole for every reader, so it only carries a placeholder
(``panels_comments``); everything personal comes from these views, which are never cached.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from engagement import queries_comments, services_comments
from engagement.models import TargetKind
from engagement.queries_comments import Target


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _target(request: HttpRequest, kind: str, target_id: int) -> Target:
    if kind not in TargetKind.values:
        raise Http404
    return queries_comments.target_for(request.user, kind, target_id)


def _thread_response(
    request: HttpRequest,
    target: Target,
    *,
    page: int = 1,
    status: int = 200,
    notice: str = "",
    errors: dict[str, list[str]] | None = None,
    text: str = "",
    parent_id: str = "",
    action_for: int | None = None,
    action: str = "",
) -> HttpResponse:
    """The thread: the fragment for htmx (always 200, so htmx swaps in the messages), else the page."""
    context: dict[str, Any] = {
        "thread": queries_comments.thread_for(request.user, target, page),
        "notice": notice,
        "errors": errors or {},
        "text": text,
        "parent_id": parent_id,
        "action_for": action_for,
        "action": action,
        # A new key for each form shown: sending the same form twice stores one comment.
        "form_key": secrets.token_urlsafe(16),
        "login_url": f"{reverse('accounts:login')}?next={reverse('engagement:comments', args=[target.kind, target.id])}",
    }
    if getattr(request, "htmx", False):
        return render(request, "engagement/comments/page.html#thread", context)
    return render(request, "engagement/comments/page.html", context, status=status)


def _after_action(request: HttpRequest, target: Target, notice: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return _thread_response(request, target, notice=notice)
    if notice:
        messages.success(request, notice)
    return redirect("engagement:comments", target.kind, target.id)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@never_cache
def comments(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """The comments of an item (GET: the thread; POST: write a comment or a reply)."""
    target = _target(request, kind, target_id)
    if request.method != "POST":
        return _thread_response(request, target, page=_page_number(request))
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("engagement:comments", args=[kind, target_id]))
    text = request.POST.get("text", "")
    raw_parent = request.POST.get("parent_id", "")
    try:
        result = services_comments.comment_post(
            actor=request.user,
            target=target,
            text=text,
            parent_id=int(raw_parent) if raw_parent.isdigit() else None,
            client_key=request.POST.get("client_key", ""),
        )
    except FieldErrors as invalid:
        return _thread_response(
            request, target, status=400, errors=invalid.fields, text=text, parent_id=raw_parent
        )
    except services_comments.RateLimited as limited:
        return _thread_response(
            request,
            target,
            status=429,
            errors={"text": [str(limited.message)]},
            text=text,
            parent_id=raw_parent,
        )
    if result.comment.status == "pending":
        notice = _("Your comment is waiting for review: readers will see it once a moderator approves it.")
    else:
        notice = _("Your comment is posted.")
    return _after_action(request, target, notice)


def _comment_action(request: AuthedRequest, comment_id: int, action: str, act: Any) -> HttpResponse:
    """Run one action on a comment and show the thread again, with its message or its error."""
    comment, target = queries_comments.comment_for(request.user, comment_id)
    try:
        notice = act(comment)
    except FieldErrors as invalid:
        return _thread_response(
            request, target, status=400, errors=invalid.fields, action_for=comment_id, action=action
        )
    except DomainError as refused:
        if request.htmx:
            return _thread_response(request, target, notice=str(refused.message))
        messages.error(request, str(refused.message))
        return redirect("engagement:comments", target.kind, target.id)
    return _after_action(request, target, notice)


@login_required
@require_POST
def comment_like(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Like a comment, or take the like back (``liked`` = 1 or 0)."""

    def act(comment: Any) -> str:
        liked = request.POST.get("liked") == "1"
        services_comments.comment_like_set(actor=request.user, comment_id=comment.pk, liked=liked)
        return _("You like this comment.") if liked else _("You no longer like this comment.")

    return _comment_action(request, comment_id, "like", act)


@login_required
@require_POST
def comment_delete(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Delete one's own comment."""

    def act(comment: Any) -> str:
        services_comments.comment_delete(actor=request.user, comment_id=comment.pk)
        return _("Your comment is deleted.")

    return _comment_action(request, comment_id, "delete", act)


@login_required
@require_POST
def comment_hide(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Hide a comment, with a reason (the item's author and the unit's moderators)."""

    def act(comment: Any) -> str:
        services_comments.comment_hide(
            actor=request.user, comment_id=comment.pk, reason=request.POST.get("reason", "")
        )
        return _("The comment is hidden; its author has been told why.")

    return _comment_action(request, comment_id, "hide", act)


@login_required
@require_POST
def comment_restore(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Show again a comment hidden on the page (the item's author and the unit's moderators)."""
    target = queries_comments.target_of_comment(request.user, comment_id)
    try:
        services_comments.comment_restore(actor=request.user, comment_id=comment_id)
    except DomainError as refused:
        if request.htmx:
            return _thread_response(request, target, notice=str(refused.message))
        messages.error(request, str(refused.message))
        return redirect("engagement:comments", target.kind, target.id)
    return _after_action(request, target, _("The comment is shown again."))


@login_required
@require_POST
def comment_report(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Report a comment to the moderators."""

    def act(comment: Any) -> str:
        services_comments.comment_report(
            actor=request.user, comment_id=comment.pk, reason=request.POST.get("reason", "")
        )
        return _("Thank you: the moderators will look at this comment.")

    return _comment_action(request, comment_id, "report", act)


@login_required
@require_POST
def favourite_toggle(request: AuthedRequest, kind: str, target_id: int) -> HttpResponse:
    """Save an item to "My favourites", or take it out (``saved`` = 1 or 0)."""
    target = _target(request, kind, target_id)
    saved = request.POST.get("saved") == "1"
    services_comments.favourite_set(actor=request.user, target=target, saved=saved)
    notice = _("Saved to your favourites.") if saved else _("Taken out of your favourites.")
    if request.POST.get("next") == "favourites":
        messages.success(request, notice)
        return redirect("engagement:favourites")
    return _after_action(request, target, notice)


@login_required
@require_POST
def item_like(request: AuthedRequest, kind: str, target_id: int) -> HttpResponse:
    """Like the article, video or lesson, or take the like back (``liked`` = 1 or 0)."""
    target = _target(request, kind, target_id)
    liked = request.POST.get("liked") == "1"
    services_comments.item_like_set(actor=request.user, target=target, liked=liked)
    return _after_action(request, target, _("You like this.") if liked else _("Your like is taken back."))


@login_required
@require_http_methods(["GET", "HEAD"])
def favourites(request: AuthedRequest) -> HttpResponse:
    """My favourites: the articles, videos and lessons I saved, newest first."""
    page, items = queries_comments.my_favourites(request.user, _page_number(request))
    return render(request, "engagement/comments/favourites.html", {"page": page, "items": items})
