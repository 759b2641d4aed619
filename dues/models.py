"""Party dues (党费): each member's monthly amount over time and an append-only payment ledger.

A ``DuesBase`` says from which month a member pays how much and why (their category and, for a
graduate student, the stipend it was computed from). ``DuesPayment`` rows are never edited or
deleted: a mistaken payment is corrected by a reversing row that points at it and gives a reason.
A ``DuesSubmission`` is one recording by an organisation member (one person or a batch); its unique
idempotency key makes a retried submission record nothing twice.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly
from dues.config import parameter_problems
from orgs.models import OrgUnit


class DuesCategory(models.TextChoices):
    UNDERGRADUATE = "undergraduate", _("Undergraduate student")  # 本科生
    GRADUATE_STIPEND = "graduate_stipend", _("Graduate student with a stipend")  # 有助学金的研究生
    OTHER = "other", _("Other (amount entered)")


class DuesBase(models.Model):
    """A member's monthly dues from ``effective_month`` until the next base (党费基数).

    ``monthly_fen`` is fixed when the base is set, with the rules then in force, so a later change
    of the bands never rewrites what a member owed in the past.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=DuesCategory.choices)
    effective_month = models.DateField(_("from month"), help_text=_("The first day of the month."))
    stipend_fen = models.PositiveIntegerField(_("monthly stipend (fen)"), null=True, blank=True)
    monthly_fen = models.PositiveIntegerField(_("monthly dues (fen)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dues amount")
        verbose_name_plural = _("dues amounts")
        ordering: ClassVar = ["person", "effective_month"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "effective_month"], name="dues_one_base_per_month"),
            models.CheckConstraint(
                condition=Q(category__in=DuesCategory.values), name="dues_base_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(category=DuesCategory.GRADUATE_STIPEND) | Q(stipend_fen__isnull=False),
                name="dues_base_graduate_has_stipend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.effective_month:%Y-%m}: {self.monthly_fen}"


class DuesSubmission(models.Model):
    """One recording of payments by an organisation member; the key makes a retry record once."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # A digest of what was asked, so a key reused for a different request is refused, not confused.
    fingerprint = models.CharField(max_length=64)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues submission")
        verbose_name_plural = _("dues submissions")

    def __str__(self) -> str:
        return self.idempotency_key


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Correction (reverses a payment)")


class DuesPayment(AppendOnly):
    """One month of dues paid by one person (缴纳记录), or the reversal of such a row. Append-only."""

    correction_hint = "record a reversal instead"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    # The branch the person belonged to when this was recorded: the ledger stays readable by that
    # branch's committee after the person moves.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month paid for."))
    amount_fen = models.IntegerField(_("amount (fen)"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.PAYMENT
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    paid_on = models.DateField(_("paid on"))
    submission = models.ForeignKey(
        DuesSubmission, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering: ClassVar = ["month", "id"]
        indexes: ClassVar = [models.Index(fields=["person", "month"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(kind__in=PaymentKind.values), name="dues_payment_kind_valid"),
            # A payment is positive and reverses nothing; a reversal is negative, names what it
            # reverses and says why.
            models.CheckConstraint(
                condition=(
                    Q(kind=PaymentKind.PAYMENT, amount_fen__gt=0, reverses__isnull=True)
                    | (Q(kind=PaymentKind.REVERSAL, amount_fen__lt=0, reverses__isnull=False) & ~Q(reason=""))
                ),
                name="dues_payment_reversal_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}: {self.amount_fen}"


class DuesConfig(models.Model):
    """The local dues rules of one university (its root unit), as a JSON object of parameters.

    Parameters left out take the defaults of DOMAIN.md §4 (see ``dues.config``).
    """

    root_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("university"), on_delete=models.CASCADE, related_name="+"
    )
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_(
            'Only what differs from the defaults, e.g. {"undergraduate_fen": 20, "warning_months": 3}.'
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dues rules of a university")
        verbose_name_plural = _("dues rules of universities")

    def __str__(self) -> str:
        return str(self.root_unit)

    def clean(self) -> None:
        if self.root_unit_id is not None and self.root_unit.depth != 1:
            raise ValidationError({"root_unit": _("Choose a university: a unit at the top of the tree.")})
        problems = parameter_problems(self.parameters)
        if problems:
            raise ValidationError(
                {"parameters": [f"{name}: {m}" for name, ms in problems.items() for m in ms]}
            )
