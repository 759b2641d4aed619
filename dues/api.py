"""API of party dues: my dues, a unit's dues status, monthly amounts, payments and corrections.

Out of the caller's scope is 404, in scope without the right 403, exactly as on the pages (the
services decide). Recording payments is idempotent: send the same `idempotency_key` again and
the answer is what was recorded the first time (`replayed: true`), never a second recording.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.responses import Status

from accounts.api import error_openapi, error_responses
from accounts.api_auth import api_auth
from accounts.http import AuthedRequest
from accounts.models import User
from dues import queries, services
from dues.models import DuesPayment
from dues.schemas import (
    BaseIn,
    BaseOut,
    MemberDuesOut,
    MyDuesOut,
    PaymentOut,
    PaymentsIn,
    RecordedOut,
    ReversalIn,
    base_json,
    member_json,
    my_dues_json,
    payment_json,
)
from orgs import queries as org_queries

router = Router(tags=["dues"], auth=api_auth)

RIGHT_NOTE = {403: "Needs `dues.record_payments` over the person's branch."}


@router.get(
    "/me/dues",
    operation_id="get_my_dues",
    response={200: MyDuesOut, **error_responses(401)},
    openapi_extra=error_openapi(401),
    summary="My dues: amount, paid up to, arrears and ledger",
)
def get_my_dues(request: AuthedRequest) -> dict[str, object]:
    """Your category and monthly amount, the month you are paid up to, the months in arrears and
    the amount owed, and every row of your ledger (corrections included)."""
    user = request.user
    return my_dues_json(queries.standing_of(user), queries.ledger_of(user))


@router.get(
    "/units/{unit_id}/dues",
    operation_id="list_unit_dues",
    response={200: list[MemberDuesOut], **error_responses(401, 403, 404)},
    openapi_extra=error_openapi(401, 403, 404, notes={403: "Needs `dues.view_dues` over the unit."}),
    summary="The dues of a unit's members, arrears first",
)
def list_unit_dues(request: AuthedRequest, unit_id: int) -> list[dict[str, object]]:
    """Every probationary and full member of the unit's subtree: monthly amount, paid up to, months
    in arrears and amount owed; most months in arrears first. A fixed number of queries."""
    unit = org_queries.unit_get(unit_id)
    return [member_json(row) for row in queries.unit_status(request.user, unit)]


@router.post(
    "/dues/bases",
    operation_id="set_dues_base",
    response={200: BaseOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(400, 401, 403, 404, 409, notes=RIGHT_NOTE),
    summary="Set a member's monthly dues from a month on",
)
def set_dues_base(request: AuthedRequest, payload: BaseIn) -> dict[str, object]:
    """Undergraduates pay the university's fixed amount; graduate students with a stipend a share of
    it by the university's bands (rounded half up to the fen); others the `amount_fen` given.
    Setting the same month again replaces that month's amount."""
    person = get_object_or_404(User, pk=payload.person_id)
    base = services.dues_base_set(
        actor=request.user,
        person=person,
        category=payload.category,
        effective_month=payload.month(),
        stipend_fen=payload.stipend_fen,
        amount_fen=payload.amount_fen,
        note=payload.note,
    )
    return base_json(base)


@router.post(
    "/units/{unit_id}/dues/payments",
    operation_id="record_dues_payments",
    response={200: RecordedOut, 201: RecordedOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400,
        401,
        403,
        404,
        409,
        notes={
            403: "Needs `dues.record_payments` over the unit.",
            409: "`idempotency_key_reused`: the key was used before for a different request.",
        },
    ),
    summary="Record dues payments for one person or a batch",
)
def record_dues_payments(request: AuthedRequest, unit_id: int, payload: PaymentsIn) -> Status:
    """Each entry pays `months` months for a member of the unit's subtree, from their first unpaid
    month on, at the amount in force in each month. Answers 201 with the rows recorded, or 200 with
    `replayed: true` and the rows of the first recording when the key was already used."""
    unit = org_queries.unit_get(unit_id)
    recorded = services.payments_record(
        actor=request.user,
        unit=unit,
        entries=[services.PaymentEntry(entry.person_id, entry.months) for entry in payload.entries],
        idempotency_key=payload.idempotency_key,
        paid_on=payload.paid_on,
    )
    body = {"replayed": recorded.replayed, "payments": [payment_json(p) for p in recorded.payments]}
    return Status(200 if recorded.replayed else 201, body)


@router.post(
    "/dues/payments/{payment_id}/reversal",
    operation_id="reverse_dues_payment",
    response={201: PaymentOut, **error_responses(400, 401, 403, 404, 409)},
    openapi_extra=error_openapi(
        400, 401, 403, 404, 409, notes={409: "`already_reversed` or `not_a_payment`.", **RIGHT_NOTE}
    ),
    summary="Correct a payment with a reversing row",
)
def reverse_dues_payment(request: AuthedRequest, payment_id: int, payload: ReversalIn) -> Status:
    """The payment stays in the ledger; a row of the opposite amount that names it and gives the
    reason is added, and the month counts as unpaid again."""
    payment = get_object_or_404(DuesPayment.objects.select_related("unit"), pk=payment_id)
    reversal = services.payment_reverse(actor=request.user, payment=payment, reason=payload.reason)
    return Status(201, payment_json(reversal))
