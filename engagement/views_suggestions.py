"""Pages of the suggestion box: write, my messages, one item (reply, assign, follow up, rate) and a
unit's box with its reply times. A hidden sender's name reaches only the item's handler."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from engagement import permissions_suggestions as perms
from engagement import queries_suggestions as queries
from engagement import services_suggestions as services
from engagement.forms_suggestions import (
    PERIOD_CHOICES,
    AssignForm,
    FollowUpForm,
    RatingForm,
    ReplyForm,
    SuggestionForm,
    add_field_errors,
)
from engagement.models import Suggestion, SuggestionStatus
from orgs import queries as org_queries

BOX_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_new(request: AuthedRequest) -> HttpResponse:
    """Write to the secretary: choose the unit, write, optionally hide the name, send."""
    destinations = queries.destinations_for(request.user)
    form = SuggestionForm(request.POST or None, destinations=destinations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.suggestion_send(
                actor=request.user,
                unit_id=data["unit"],
                kind=data["kind"],
                subject=data["subject"],
                text=data["text"],
                hide_name=data["hide_name"],
                request_key=data["request_key"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            if item.status == SuggestionStatus.REVIEW:
                messages.info(request, _("Sent. Your message waits for review before it is passed on."))
            else:
                messages.success(request, _("Sent. You will be told when there is a reply."))
            return redirect("engagement:suggestion", item.pk)
    return render(
        request,
        "engagement/suggestions/new.html",
        {"form": form, "destinations": destinations},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_suggestions(request: AuthedRequest) -> HttpResponse:
    """The person's messages with their state, what waits for their reply, and the boxes they oversee."""
    return render(
        request,
        "engagement/suggestions/mine.html",
        {
            "items": list(queries.mine(request.user)[:200]),
            "handling": list(queries.handling(request.user)[:200]),
            "managed": queries.managed_units(request.user),
            "may_write": bool(queries.destinations_for(request.user)),
            "today": timezone.localdate(),
        },
    )


def _detail(request: AuthedRequest, item: Suggestion, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    sender = perms.is_sender(user, item)
    handler = perms.is_handler(user, item)
    manager = perms.can_manage_unit(user, item.unit)
    thread = queries.thread_of(item, for_sender=sender)
    context: dict[str, Any] = {
        "item": item,
        "thread": thread,
        "is_sender": sender,
        "is_handler": handler,
        "shows_sender": perms.sees_sender(user, item),
        "sender_name": item.sender.name if perms.sees_sender(user, item) else "",
        "sender_number": item.sender.number if perms.sees_sender(user, item) else "",
        "overdue": queries.is_overdue(item),
    }
    if handler and item.status in (SuggestionStatus.OPEN, SuggestionStatus.ANSWERED):
        context["reply_form"] = forms.get("reply_form") or ReplyForm()
    if manager and item.status != SuggestionStatus.REJECTED:
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            people=queries.handler_choices(item.unit), initial={"handler": item.handler_id}
        )
    if sender and item.status in (SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED):
        context["follow_up_form"] = forms.get("follow_up_form") or FollowUpForm()
    if sender and item.status == SuggestionStatus.ANSWERED:
        context["rating_form"] = forms.get("rating_form") or RatingForm()
    return render(request, "engagement/suggestions/item.html", context, status=status)


def _visible(request: AuthedRequest, suggestion_id: int) -> Suggestion:
    item = queries.suggestion_get(suggestion_id)
    perms.require_view(request.user, item)
    return item


@login_required
def suggestion_detail(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    """One item: the message, the thread, and what the reader may do next."""
    return _detail(request, _visible(request, suggestion_id))


def _post(
    request: AuthedRequest, suggestion_id: int, form: Any, name: str, action: Any, done: str
) -> HttpResponse:
    item = _visible(request, suggestion_id)
    if form.is_valid():
        try:
            action(item, form.cleaned_data)
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, done)
            return redirect("engagement:suggestion", item.pk)
    return _detail(request, queries.suggestion_get(item.pk), 400, **{name: form})


@login_required
@require_POST
def suggestion_reply(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    def act(item: Suggestion, data: dict[str, Any]) -> None:
        services.suggestion_reply(
            actor=request.user, suggestion_id=item.pk, text=data["text"], request_key=data["request_key"]
        )

    return _post(
        request, suggestion_id, ReplyForm(request.POST), "reply_form", act, _("Your reply was sent.")
    )


@login_required
@require_POST
def suggestion_follow_up(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    def act(item: Suggestion, data: dict[str, Any]) -> None:
        services.suggestion_follow_up(
            actor=request.user, suggestion_id=item.pk, text=data["text"], request_key=data["request_key"]
        )

    return _post(
        request,
        suggestion_id,
        FollowUpForm(request.POST),
        "follow_up_form",
        act,
        _("Your follow-up was sent."),
    )


@login_required
@require_POST
def suggestion_rate(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    def act(item: Suggestion, data: dict[str, Any]) -> None:
        services.suggestion_rate(
            actor=request.user, suggestion_id=item.pk, rating=data["rating"], comment=data["comment"]
        )

    return _post(
        request, suggestion_id, RatingForm(request.POST), "rating_form", act, _("Thank you for your rating.")
    )


@login_required
@require_POST
def suggestion_assign(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    item = _visible(request, suggestion_id)
    if not perms.can_manage_unit(request.user, item.unit):
        raise PermissionDenied
    form = AssignForm(request.POST, people=queries.handler_choices(item.unit))

    def act(item: Suggestion, data: dict[str, Any]) -> None:
        services.suggestion_assign(
            actor=request.user, suggestion_id=item.pk, handler_id=data["handler"], note=data["note"]
        )

    return _post(request, suggestion_id, form, "assign_form", act, _("The handler was changed."))


def _period(raw: str | None) -> int:
    try:
        days = int(raw or queries.FIGURE_PERIOD_DAYS)
    except ValueError:
        return queries.FIGURE_PERIOD_DAYS
    return days if days in PERIOD_CHOICES else queries.FIGURE_PERIOD_DAYS


@login_required
def unit_suggestions(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """A unit's box (open items overdue first), its reply times, and its sub-units' figures."""
    unit = org_queries.unit_get(unit_id)
    perms.require_manage_unit(request.user, unit)
    status = request.GET.get("status", "open")
    if status not in queries.BOX_FILTERS:
        status = "open"
    days = _period(request.GET.get("days"))
    page = Paginator(queries.box_of(unit, status), BOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "item": item,
            "overdue": queries.is_overdue(item),
            "sender": item.sender.name if perms.sees_sender(request.user, item) else "",
        }
        for item in page.object_list
    ]
    return render(
        request,
        "engagement/suggestions/box.html",
        {
            "unit": unit,
            "status": status,
            "filters": queries.BOX_FILTERS,
            "days": days,
            "periods": PERIOD_CHOICES,
            "page": page,
            "rows": rows,
            "query": f"status={status}&days={days}",
            "figures": queries.unit_figures(unit, days=days),
            "sub_figures": queries.sub_unit_figures(unit, days=days),
        },
    )
