"""Settings of the compliance calendar: each university's rules and each branch's theme party day."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orglife.compliance import parameter_problems
from orgs.models import OrgUnit


class ComplianceConfig(models.Model):
    """The compliance rules of one university (its root unit), as JSON; left out means the default.

    The defaults are DOMAIN.md §3 (see ``orglife.compliance.DEFAULT_RULES``).
    """

    root_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("university"), on_delete=models.CASCADE, related_name="+"
    )
    parameters = models.JSONField(
        _("rules"),
        default=dict,
        blank=True,
        help_text=_('Only the rules that differ from the defaults, e.g. {"party_lesson": {"count": 3}}.'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisational life rules of a university")
        verbose_name_plural = _("organisational life rules of universities")

    def __str__(self) -> str:
        return str(self.root_unit)

    def clean(self) -> None:
        if self.root_unit_id is not None and self.root_unit.depth != 1:
            raise ValidationError({"root_unit": _("Choose a university: a unit at the top of the tree.")})
        problems = parameter_problems(self.parameters)
        if problems:
            raise ValidationError(
                {"parameters": [f"{name}: {'; '.join(msgs)}" for name, msgs in problems.items()]}
            )


class BranchThemeDay(models.Model):
    """The fixed day of the month on which a branch holds its theme party day (主题党日)."""

    branch = models.OneToOneField(
        OrgUnit, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.PositiveSmallIntegerField(
        _("day of the month"), help_text=_("1 to 31; in a shorter month, its last day.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme party day of a branch")
        verbose_name_plural = _("theme party days of branches")
        constraints = (
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=31), name="orglife_theme_day_in_month"),
        )

    def __str__(self) -> str:
        return f"{self.branch}: {self.day}"
