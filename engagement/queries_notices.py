"""Reads of notices: recipients of a target, my notices, one notice's receipts, a unit's notices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import is_system_admin, scope_q
from engagement import capabilities_notices as caps
from engagement.models import Notice, NoticeReceipt
from orgs.models import Membership, OrgUnit, UnitKind
from orgs.queries import membership_in_subtree


def recipients_of(unit: OrgUnit, *, whole_subtree: bool, statuses: list[str]) -> QuerySet[Membership]:
    """Memberships the notice reaches: the unit's own members (a branch's, a party group's) or its
    whole subtree's, only of the given party statuses when some are given."""
    if whole_subtree:
        rows = Membership.objects.filter(membership_in_subtree(unit))
    elif unit.kind == UnitKind.PARTY_GROUP:
        rows = Membership.objects.filter(group=unit)
    else:
        rows = Membership.objects.filter(unit=unit)
    if statuses:
        rows = rows.filter(party_status__in=statuses)
    return rows.filter(person__is_active=True)


def sending_units(user: Any) -> list[OrgUnit]:
    """Units the user may send notices from (party groups excluded), in tree order (one query)."""
    rows = OrgUnit.objects.exclude(kind=UnitKind.PARTY_GROUP)
    if not is_system_admin(user):
        rows = rows.filter(scope_q(user, caps.SEND_NOTICES))
    return list(rows.order_by("path")[:500])


def notice_get(notice_id: int) -> Notice:
    return get_object_or_404(Notice.objects.select_related("unit", "sender"), pk=notice_id)


def receipt_of(user: Any, notice: Notice) -> NoticeReceipt | None:
    if not user.is_authenticated:
        return None
    return NoticeReceipt.objects.filter(notice=notice, person_id=user.pk).first()


def mine(user: Any) -> QuerySet[NoticeReceipt]:
    """The person's notices, newest first, with their read and acknowledged state (one query)."""
    return (
        NoticeReceipt.objects.filter(person_id=user.pk)
        .select_related("notice", "notice__unit", "notice__sender")
        .order_by("-notice__created_at", "-notice_id")
    )


def sent_in_scope(user: Any) -> QuerySet[Notice]:
    """Notices sent from the units where the user sends notices (and below them), newest first, with
    their read and acknowledged counts (one query)."""
    return (
        Notice.objects.filter(scope_q(user, caps.SEND_NOTICES, path_field="unit__path"))
        .select_related("unit", "sender")
        .annotate(
            read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
            acknowledged=Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class Receipts:
    """A notice's recipients split by what they have done."""

    done: list[NoticeReceipt]  # acknowledged (or read, when no acknowledgement is asked)
    read_only: list[NoticeReceipt]  # read but not acknowledged (only when asked)
    not_read: list[NoticeReceipt]

    @property
    def total(self) -> int:
        return len(self.done) + len(self.read_only) + len(self.not_read)

    @property
    def waiting(self) -> list[NoticeReceipt]:
        """Those a reminder goes to."""
        return self.read_only + self.not_read


def receipts_of(notice: Notice) -> Receipts:
    """Who has read and acknowledged the notice and who has not (one query)."""
    rows = list(notice.receipts.select_related("person").order_by("person__number"))
    done, read_only, not_read = [], [], []
    for row in rows:
        if row.acknowledged_at is not None or (not notice.requires_ack and row.read_at is not None):
            done.append(row)
        elif row.read_at is not None:
            read_only.append(row)
        else:
            not_read.append(row)
    return Receipts(done, read_only, not_read)
