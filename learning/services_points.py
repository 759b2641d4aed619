"""Awarding points: the only way points enter the ledger.

``points_award`` is idempotent per key and applies the rule's daily cap under a row lock on the
person's total for that rule and day, so parallel awards (two tabs, a retried quiz submission, a
burst of heartbeats) can neither double an award nor pass the cap. The day is the platform's local
day (Asia/Shanghai by default): the cap starts afresh at local midnight, not at UTC midnight.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError
from learning.models import PointsDay, PointsEntry, PointsRule


def local_day(at: datetime | None = None) -> date:
    """The platform's local date of ``at`` (now when None)."""
    return timezone.localdate(at or timezone.now())


def points_award(
    *,
    person: Any,
    rule_code: str,
    key: str,
    reason: str,
    units: int = 1,
    subject: str = "",
    at: datetime | None = None,
) -> PointsEntry:
    """Award ``units`` of ``rule_code`` to ``person`` once per ``key``, within the daily cap.

    Returns the ledger entry: the new one, or the one an earlier call with the same key wrote.
    The entry's ``points`` is what was actually earned (0 once the cap is reached) and ``asked``
    what the activity was worth before the cap.
    """
    if units < 0:
        raise ValueError("units must not be negative")
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    rule = PointsRule.objects.filter(code=rule_code).first()
    if rule is None or not rule.active:
        raise DomainError("points_rule_inactive", _("This activity earns no points at the moment."))
    day = local_day(at)
    try:
        with transaction.atomic():
            # The day's counter, made if missing without an error to recover from (ON CONFLICT DO NOTHING).
            PointsDay.objects.bulk_create(
                [PointsDay(person=person, rule=rule, day=day)], ignore_conflicts=True
            )
            counter = PointsDay.objects.select_for_update().get(person=person, rule=rule, day=day)
            # Under the lock, a parallel call with the same key has either committed or not started.
            existing = PointsEntry.objects.filter(key=key).first()
            if existing is not None:
                return existing
            asked = min(rule.points * units, 32767)
            earned = max(0, min(asked, rule.daily_cap - counter.total))
            entry = PointsEntry.objects.create(
                person=person,
                rule=rule,
                points=earned,
                asked=asked,
                day=day,
                reason=reason[:200],
                subject=subject[:100],
                key=key,
            )
            if earned:
                counter.total += earned
                counter.save(update_fields=["total"])
            audit_record(
                actor=person,
                action="learning.points.award",
                target=entry,
                data={"rule": rule.code, "points": earned, "asked": asked, "day": day.isoformat()},
            )
            return entry
    except IntegrityError:
        # The same key from a call that committed between our check and our insert (another person's
        # lock, or SQLite without row locks): the ledger already holds the award.
        return PointsEntry.objects.get(key=key)
