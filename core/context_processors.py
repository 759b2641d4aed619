"""Navigation shown on every page: the sections open to the person, with the unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Notification
from core.permissions import grants, is_system_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # While the two-factor code is pending every link would bounce back to the code page
    # (the session key is accounts.middleware.SECOND_STEP_PENDING; core cannot import accounts).
    if request.session.get("accounts.second_step_pending"):
        return {}
    items: list[dict[str, Any]] = [{"url": reverse("home"), "label": _("Home")}]
    if is_system_admin(user) or any(g.capability == "orgs.view_unit" for g in grants(user)):
        items.append({"url": reverse("orgs:tree"), "label": _("Organisation")})
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    items.append({"url": reverse("core:inbox"), "label": _("Inbox"), "count": unread})
    items.append({"url": reverse("accounts:me"), "label": _("My account")})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Admin")})
    for item in items:
        item["current"] = request.path == item["url"] or (
            item["url"] != "/" and request.path.startswith(str(item["url"]))
        )
    return {"nav_items": items}
