"""Pages of the shared kernel: the notification inbox, email preferences and the error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core import services
from core.errors import FieldErrors
from core.models import EmailMode, Notification, NotificationPreference
from core.notifications import kinds

INBOX_PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first, optionally only the unread ones."""
    user: Any = request.user
    unread_only = request.GET.get("show") == "unread"
    items = Notification.objects.filter(recipient=user).only(
        "id", "title", "body", "url", "created_at", "read_at"
    )
    if unread_only:
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "filter_query": "show=unread&" if unread_only else "",
    }
    template = "core/inbox.html#results" if getattr(request, "htmx", False) else "core/inbox.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the item read and follow its link; someone else's item is not found (404)."""
    item = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=item.pk)
    if item.url and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(item.url)
    return redirect("core:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = services.notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", changed)
            % {"count": changed},
        )
    return redirect("core:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """For each kind of notification: no email, an email each time, or one email a day."""
    user: Any = request.user
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        for kind in kinds():
            value = request.POST.get(f"kind-{kind.code}")
            if value is None or value == chosen.get(kind.code, kind.default_email):
                continue
            try:
                services.notification_preference_set(user=user, kind=kind.code, email=value)
            except FieldErrors as error:
                errors.update(error.fields)
            else:
                chosen[kind.code] = value
        if not errors:
            messages.success(request, _("Your email preferences are saved."))
            return redirect("core:notification_preferences")
    rows = [
        {
            "kind": kind,
            "field": f"kind-{kind.code}",
            "value": request.POST.get(f"kind-{kind.code}", "")
            if kind.code in errors
            else chosen.get(kind.code, kind.default_email),
            "errors": errors.get(kind.code, []),
        }
        for kind in kinds()
    ]
    return render(
        request,
        "core/notification_preferences.html",
        {"rows": rows, "modes": EmailMode.choices, "has_errors": bool(errors)},
        status=400 if errors else 200,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # API clients get the API's one error shape even for paths no router knows.
        body = {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
