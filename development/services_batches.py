"""Semester batches and public notices (批次与公示): opening a batch, adding cases, closing it,
and publishing the notice of a batch's (or one case's) candidates.

The batch meeting itself is ``development.services.batch_record_meeting``. Opening and filling a
batch is the work of a branch (``development.record_steps``) or of a college (``development.approve``)
over the batch's unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import can, in_scope
from development import capabilities as caps
from development import steps
from development.engine import today
from development.facts import notice_working_days
from development.models import Batch, BatchKind, CaseStatus, DevelopmentCase, PublicNotice
from orgs.models import OrgUnit

ORGANISERS = (caps.RECORD_STEPS, caps.APPROVE)

# The steps a case may be at when it joins a batch of each kind (the step the batch will record).
BATCH_STEPS = {
    BatchKind.ACTIVISTS: range(steps.TALK, steps.ACTIVIST_CONFIRMATION + 1),
    BatchKind.TARGETS: range(steps.ACTIVIST_EDUCATION, steps.TARGET_CONFIRMATION + 1),
    BatchKind.ADMISSION: range(steps.INTRODUCERS, steps.ADMISSION_MEETING + 1),
    BatchKind.CONVERSION: range(steps.PROBATION_EDUCATION, steps.CONVERSION_MEETING + 1),
}


def _require_organiser(actor: User, unit: OrgUnit) -> None:
    if not in_scope(actor, unit):
        raise Http404
    if not any(can(actor, capability, unit) for capability in ORGANISERS):
        raise PermissionDenied


def batch_open(
    *, actor: User, unit: OrgUnit, name: str, kind: str, semester: str, opened_on: date | None = None
) -> Batch:
    """Open a batch in ``unit`` (a branch or a college), e.g. "2026 autumn development targets"."""
    _require_organiser(actor, unit)
    problems: dict[str, list[str]] = {}
    name = (name or "").strip()
    semester = (semester or "").strip()
    if not name or len(name) > 100:
        problems["name"] = [_("Name the batch (at most 100 characters).")]
    if kind not in BatchKind.values:
        problems["kind"] = [_("Kind: choose one of the options.")]
    if not semester or len(semester) > 20:
        problems["semester"] = [_("Name the semester, e.g. 2026 autumn (at most 20 characters).")]
    day = opened_on or today()
    if day > today():
        problems["opened_on"] = [_("The opening date cannot be in the future.")]
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    with transaction.atomic():
        batch = Batch.objects.create(
            unit=unit, name=name, kind=kind, semester=semester, opened_on=day, created_by=actor
        )
        audit_record(
            actor=actor,
            action="development.batch.open",
            target=batch,
            unit_id=unit.pk,
            data={"kind": kind, "semester": semester},
        )
    return batch


def batch_add_cases(*, actor: User, batch: Batch, cases: Sequence[DevelopmentCase]) -> list[DevelopmentCase]:
    """Put open cases of the batch's unit in the batch; each must be at a step the batch records."""
    _require_organiser(actor, batch.unit)
    if not cases:
        raise FieldErrors.single("cases", _("Choose at least one case."))
    with transaction.atomic():
        locked_batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if not locked_batch.is_open:
            raise DomainError("batch_closed", _("This batch is closed."))
        locked = list(
            DevelopmentCase.objects.select_for_update()
            .filter(pk__in=[case.pk for case in cases])
            .select_related("person", "branch")
        )
        if len(locked) != len({case.pk for case in cases}):
            raise Http404
        allowed = BATCH_STEPS[BatchKind(locked_batch.kind)]
        for case in locked:
            if not case.branch.path.startswith(locked_batch.unit.path):
                raise FieldErrors.single(
                    "cases",
                    _("%(person)s is not in %(unit)s.") % {"person": case.person, "unit": locked_batch.unit},
                )
            if case.status != CaseStatus.OPEN or case.current_step not in allowed:
                raise FieldErrors.single(
                    "cases",
                    _("%(person)s is not at a step this batch records.") % {"person": case.person},
                )
        for case in locked:
            case.batch = locked_batch
            case.save(update_fields=["batch"])
        audit_record(
            actor=actor,
            action="development.batch.add_cases",
            target=locked_batch,
            unit_id=locked_batch.unit_id,
            data={"cases": sorted(case.pk for case in locked)},
        )
    for case in cases:
        case.batch = batch
    return locked


def batch_close(*, actor: User, batch: Batch, closed_on: date | None = None) -> Batch:
    """Close a batch: no more cases join it. Its cases keep their place in it."""
    _require_organiser(actor, batch.unit)
    day = closed_on or today()
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if not locked.is_open:
            return locked
        if day < locked.opened_on:
            raise FieldErrors.single("closed_on", _("A batch cannot close before it opened."))
        locked.closed_on = day
        locked.save(update_fields=["closed_on"])
        audit_record(actor=actor, action="development.batch.close", target=locked, unit_id=locked.unit_id)
    batch.closed_on = day
    return locked


def _notice_text(cases: Sequence[DevelopmentCase], starts_on: date, ends_on: date) -> str:
    names = "、".join(case.person.name for case in cases)
    return _(
        "The following candidates are publicly announced from %(start)s to %(end)s: %(names)s. "
        "Opinions may be given to the branch or the higher committee during this period."
    ) % {"start": date_format(starts_on, "Y-m-d"), "end": date_format(ends_on, "Y-m-d"), "names": names}


def public_notice_publish(
    *,
    actor: User,
    cases: Sequence[DevelopmentCase],
    starts_on: date,
    ends_on: date,
    batch: Batch | None = None,
    unit: OrgUnit | None = None,
    text: str = "",
) -> PublicNotice:
    """Publish a public notice (公示) of candidates for a period; its working days are counted now.

    Given a batch, the notice is the batch's (its cases, its unit); otherwise it is published in
    ``unit`` (by default the branch of the single case). The text is generated when none is given.
    """
    if not cases:
        raise FieldErrors.single("cases", _("Choose at least one candidate."))
    where = batch.unit if batch is not None else unit or cases[0].branch
    _require_organiser(actor, where)
    if ends_on < starts_on:
        raise FieldErrors.single("ends_on", _("A notice cannot end before it starts."))
    chosen: list[Any] = list(
        DevelopmentCase.objects.filter(pk__in=[case.pk for case in cases]).select_related("person", "branch")
    )
    for case in chosen:
        if not case.branch.path.startswith(where.path) or case.status != CaseStatus.OPEN:
            raise FieldErrors.single(
                "cases",
                _("%(person)s is not a candidate of %(unit)s.") % {"person": case.person, "unit": where},
            )
        if batch is not None and case.batch_id != batch.pk:
            raise FieldErrors.single("cases", _("%(person)s is not in this batch.") % {"person": case.person})
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            unit=where,
            batch=batch,
            starts_on=starts_on,
            ends_on=ends_on,
            working_days=notice_working_days(starts_on, ends_on),
            text=(text or "").strip() or _notice_text(chosen, starts_on, ends_on),
            published_by=actor,
        )
        notice.candidates.set(chosen)
        audit_record(
            actor=actor,
            action="development.notice.publish",
            target=notice,
            unit_id=where.pk,
            data={
                "cases": sorted(case.pk for case in chosen),
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "working_days": notice.working_days,
            },
        )
    return notice
