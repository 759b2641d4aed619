"""Reading a person's points: today per rule, the total, the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet, Sum

from learning.models import PointsDay, PointsEntry, PointsRule
from learning.services_points import local_day


@dataclass(frozen=True)
class RuleToday:
    rule: PointsRule
    earned: int

    @property
    def remaining(self) -> int:
        return max(0, self.rule.daily_cap - self.earned)


def points_today(person: Any, day: date | None = None) -> list[RuleToday]:
    """Each active rule with what ``person`` earned by it on ``day`` (today by default): two queries."""
    day = day or local_day()
    earned = dict(PointsDay.objects.filter(person=person, day=day).values_list("rule_id", "total"))
    return [RuleToday(rule, earned.get(rule.pk, 0)) for rule in PointsRule.objects.filter(active=True)]


def points_total(person: Any) -> int:
    """All the points ``person`` has earned."""
    return PointsEntry.objects.filter(person=person).aggregate(total=Sum("points"))["total"] or 0


def points_history(person: Any) -> QuerySet[PointsEntry]:
    """``person``'s ledger, newest first, with each entry's rule."""
    return PointsEntry.objects.filter(person=person).select_related("rule").order_by("-created_at", "-id")
