"""Schemas of the notices API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from engagement.models import Notice, NoticeReceipt
from engagement.queries_notices import Receipts


class NoticeIn(Schema):
    unit_id: int = Field(description="The unit it is sent from; needs `engagement.send_notices` over it.")
    title: str = Field(max_length=500)
    body: str = Field(max_length=40000, description="HTML; sanitised (paragraphs, lists, bold, links kept).")
    whole_subtree: bool = Field(True, description="Also the members of every unit below.")
    party_statuses: list[str] = Field(
        default_factory=list, description="Only these statuses; empty: everyone."
    )
    requires_ack: bool = False
    request_key: str = Field("", max_length=64, description="A retry with the same key sends nothing new.")


class NoticeOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    sender_name: str
    title: str
    body: str
    requires_ack: bool
    recipients: int
    created_at: datetime
    read_at: datetime | None = Field(description="When you opened it (recipients only).")
    acknowledged_at: datetime | None


class ReceiptOut(Schema):
    person_id: int
    name: str
    number: str
    read_at: datetime | None
    acknowledged_at: datetime | None


class ReceiptsOut(Schema):
    notice_id: int
    requires_ack: bool
    last_reminded_on: date | None
    done: list[ReceiptOut] = Field(description="Acknowledged (or read, when no acknowledgement is asked).")
    read_only: list[ReceiptOut] = Field(description="Read but not acknowledged.")
    not_read: list[ReceiptOut]


class RemindedOut(Schema):
    reminded: int


def notice_json(notice: Notice, receipt: NoticeReceipt | None) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "unit_id": notice.unit_id,
        "unit_name": notice.unit.name,
        "sender_name": notice.sender.name,
        "title": notice.title,
        "body": notice.body,
        "requires_ack": notice.requires_ack,
        "recipients": notice.recipients,
        "created_at": notice.created_at,
        "read_at": receipt.read_at if receipt else None,
        "acknowledged_at": receipt.acknowledged_at if receipt else None,
    }


def _row(receipt: NoticeReceipt) -> dict[str, Any]:
    person = receipt.person
    return {
        "person_id": person.pk,
        "name": person.name,
        "number": person.number,
        "read_at": receipt.read_at,
        "acknowledged_at": receipt.acknowledged_at,
    }


def receipts_json(notice: Notice, receipts: Receipts) -> dict[str, Any]:
    return {
        "notice_id": notice.pk,
        "requires_ack": notice.requires_ack,
        "last_reminded_on": notice.last_reminded_on,
        "done": [_row(r) for r in receipts.done],
        "read_only": [_row(r) for r in receipts.read_only],
        "not_read": [_row(r) for r in receipts.not_read],
    }
