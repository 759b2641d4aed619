"""The audience kind "development.batch": the persons of a batch's cases, for apps below development.

Study requires a course of a batch (e.g. "2026 autumn development targets") through
``core.audiences``, without importing development. A batch's people are the persons of its cases that
were not cancelled, withdrawn or transferred out; an author may target the batches opened in units
where they may see development cases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.audiences import AudienceKind, register_audience_kind
from development.models import Batch, CaseStatus, DevelopmentCase
from development.queries import batches_for

CODE = "development.batch"
LEFT = (CaseStatus.CANCELLED, CaseStatus.TRANSFERRED_OUT, CaseStatus.WITHDRAWN)
MAX_CHOICES = 200


def _cases() -> QuerySet[DevelopmentCase]:
    return DevelopmentCase.objects.exclude(status__in=LEFT)


def batch_people(batch_id: int) -> QuerySet[Any]:
    """The ids of the persons of the batch's cases still in the procedure (or converted)."""
    return _cases().filter(batch_id=batch_id).values_list("person_id", flat=True)


def batches_of(person_id: int) -> QuerySet[Any]:
    """The ids of the batches that hold one of the person's cases."""
    return _cases().filter(person_id=person_id, batch__isnull=False).values_list("batch_id", flat=True)


def batch_choices(user: Any) -> list[tuple[int, str]]:
    """The batches ``user`` may target: those of units where they may see cases, newest first."""
    rows = batches_for(user).order_by("-opened_on", "-id")[:MAX_CHOICES]
    return [(batch.pk, f"{batch.name} · {batch.unit.name}") for batch in rows]


def batch_label(batch_id: int) -> str:
    batch = Batch.objects.select_related("unit").filter(pk=batch_id).first()
    if batch is None:
        return gettext("A batch that no longer exists")
    return f"{batch.name} · {batch.unit.name}"


def register() -> None:
    register_audience_kind(
        AudienceKind(
            code=CODE,
            label=_("Development batch"),
            people=batch_people,
            audiences_of=batches_of,
            choices_for=batch_choices,
            label_of=batch_label,
        )
    )
