"""Pages of notices: my notices, send one, a notice (read and acknowledge), its receipts (remind)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from engagement import permissions_notices as perms
from engagement import queries_notices as queries
from engagement import services_notices as services
from engagement.forms_notices import NoticeForm
from engagement.forms_suggestions import add_field_errors


@login_required
def my_notices(request: AuthedRequest) -> HttpResponse:
    """The notices sent to me, newest first, and the latest sent from the units where I send notices."""
    sends = perms.sends_somewhere(request.user)
    return render(
        request,
        "engagement/notices/mine.html",
        {
            "receipts": list(queries.mine(request.user)[:200]),
            "sent": list(queries.sent_in_scope(request.user)[:100]) if sends else [],
            "may_send": sends,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: AuthedRequest, unit_id: int | None = None) -> HttpResponse:
    """Write and send a notice from one of the units where the user sends notices (``unit_id``:
    the one chosen first, from the unit's card)."""
    units = queries.sending_units(request.user)
    if not units:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = NoticeForm(request.POST or None, units=units, initial={"unit": unit_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_send(
                actor=request.user,
                unit_id=data["unit"],
                title=data["title"],
                body=data["body"],
                whole_subtree=data["whole_subtree"],
                party_statuses=data["party_statuses"],
                requires_ack=data["requires_ack"],
                request_key=data["request_key"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The notice was sent to %(count)d people.") % {"count": notice.recipients}
            )
            return redirect("engagement:notice_receipts", notice.pk)
    return render(
        request,
        "engagement/notices/new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def notice_detail(request: AuthedRequest, notice_id: int) -> HttpResponse:
    """The notice; opening it records that the recipient has read it."""
    notice = queries.notice_get(notice_id)
    receipt = queries.receipt_of(request.user, notice)
    perms.require_visible(request.user, notice, is_recipient=receipt is not None)
    services.notice_open(actor=request.user, notice=notice)
    return render(
        request,
        "engagement/notices/notice.html",
        {"notice": notice, "receipt": receipt, "sees_receipts": perms.can_see_receipts(request.user, notice)},
    )


@login_required
@require_POST
def notice_acknowledge(request: AuthedRequest, notice_id: int) -> HttpResponse:
    try:
        services.notice_acknowledge(actor=request.user, notice_id=notice_id)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you: your acknowledgement was recorded."))
    return redirect("engagement:notice", notice_id)


@login_required
def notice_receipts(request: AuthedRequest, notice_id: int) -> HttpResponse:
    """Who has read and acknowledged the notice, who has not, and the reminder button."""
    notice = queries.notice_get(notice_id)
    perms.require_receipts(
        request.user, notice, is_recipient=queries.receipt_of(request.user, notice) is not None
    )
    return render(
        request,
        "engagement/notices/receipts.html",
        {"notice": notice, "receipts": queries.receipts_of(notice)},
    )


@login_required
@require_POST
def notice_remind(request: AuthedRequest, notice_id: int) -> HttpResponse:
    try:
        count = services.notice_remind(actor=request.user, notice_id=notice_id)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(count)d people were reminded.") % {"count": count})
    return redirect("engagement:notice_receipts", notice_id)
