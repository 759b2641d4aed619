"""Study (学习): points for study activity, by rules with daily caps, in an append-only ledger.

Courses, lessons, the library, the question bank and quizzes build on this ledger: every kind of
activity earns points only through ``learning.services_points.points_award``, which applies the
rule's daily cap and records one ``PointsEntry`` per idempotency key, so a retried request never
earns twice. Points are encouragement only (DOMAIN.md §5): they never feed an evaluation of a person.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointsRule(models.Model):
    """How many points one kind of activity earns, and at most how many a day (积分规则; local)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    points = models.PositiveSmallIntegerField(_("points per unit"), default=1)
    # For time-based rules (reading, video): the seconds of credited study time that make one unit.
    unit_seconds = models.PositiveIntegerField(_("seconds per unit"), null=True, blank=True)
    daily_cap = models.PositiveSmallIntegerField(_("daily cap"))
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ("order", "code")
        constraints = (
            models.CheckConstraint(condition=Q(daily_cap__gte=1), name="learning_points_rule_cap_positive"),
            models.CheckConstraint(condition=Q(points__gte=1), name="learning_points_rule_points_positive"),
        )

    def __str__(self) -> str:
        return self.name


class PointsEntry(models.Model):
    """One line of a person's points ledger (积分明细): written once, never changed or deleted.

    ``key`` makes an award idempotent: the same activity (a quiz attempt, a day's login, a lesson's
    two-minute slice) always carries the same key, and the unique constraint keeps it to one row.
    An award beyond the daily cap is still recorded, with the points it actually earned (possibly 0),
    so that a retry finds it and the person can see why nothing was added.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(PointsRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))
    asked = models.PositiveSmallIntegerField(_("points before the daily cap"))
    day = models.DateField(_("day"), help_text=_("The day in the platform's time zone (Asia/Shanghai)."))
    reason = models.CharField(_("reason"), max_length=200)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    key = models.CharField(max_length=150, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("person", "day")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(points__lte=models.F("asked")), name="learning_points_within_asked"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.rule_id} +{self.points}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Points entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Points entries are append-only")


class PointsDay(models.Model):
    """A person's running total for one rule on one day: the row locked while an award is decided."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(PointsRule, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "rule", "day"), name="learning_one_points_day"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.rule_id} {self.day}: {self.total}"


from learning.models_quiz import Attempt, Exam, Question, QuestionImport, QuestionSeen  # noqa: E402, F401
