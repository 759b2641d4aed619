"""Facts the rules need, looked up before they run (the rules themselves never touch the database)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import FieldErrors
from core.workdays import working_days_between
from development import step_data, steps
from development.models import DevelopmentCase, StepRecord
from development.rule_engine import NoticeFacts, PersonFacts
from orgs.models import Membership, OrgUnit, Position


def person_facts(
    definition: steps.StepDefinition, cleaned: dict[str, object], branch: OrgUnit, on: date
) -> dict[int, PersonFacts]:
    """Facts about every person the step's data names; a FieldErrors when one does not exist."""
    ids = step_data.person_ids(definition, cleaned)
    if not ids:
        return {}
    people = {person.pk: person for person in User.objects.filter(pk__in=ids, is_active=True)}
    missing = [spec for spec in definition.fields if _names_missing(spec, cleaned, people)]
    if missing:
        raise FieldErrors(
            {
                spec.name: [_("%(field)s: choose a person from the list.") % {"field": spec.label}]
                for spec in missing
            }
        )
    memberships = {m.person_id: m for m in Membership.objects.filter(person_id__in=ids)}
    held: dict[int, set[str]] = {}
    for person_id, code in (
        Position.objects.active(on)
        .filter(person_id__in=ids, unit=branch)
        .values_list("person_id", "position_type__code")
    ):
        held.setdefault(person_id, set()).add(code)
    facts = {}
    for person_id, person in people.items():
        membership = memberships.get(person_id)
        facts[person_id] = PersonFacts(
            person_id=person_id,
            name=person.name,
            party_status=membership.party_status if membership else "",
            on_party_probation=membership.on_party_probation if membership else False,
            positions_in_branch=frozenset(held.get(person_id, ())),
        )
    return facts


def _names_missing(spec: steps.FieldSpec, cleaned: dict[str, object], people: dict[int, User]) -> bool:
    value = cleaned.get(spec.name)
    if spec.kind == steps.FieldKind.PERSON and isinstance(value, int):
        return value not in people
    if spec.kind == steps.FieldKind.PERSONS and isinstance(value, list):
        return any(person_id not in people for person_id in value)
    return False


def notice_facts(case: DevelopmentCase) -> tuple[NoticeFacts, ...]:
    """The public notices that named the case as a candidate."""
    return tuple(
        NoticeFacts(starts_on=notice.starts_on, ends_on=notice.ends_on, working_days=notice.working_days)
        for notice in case.notices.all()
    )


def notice_working_days(starts_on: date, ends_on: date) -> int:
    return working_days_between(starts_on, ends_on)


def round_records(case: DevelopmentCase) -> list[StepRecord]:
    """The case's step records that count now: every step once, steps 21–25 of the current round."""
    records = StepRecord.objects.filter(case=case).order_by("step", "probation_round")
    return [
        record
        for record in records
        if record.step not in steps.PROBATION_STEPS or record.probation_round == case.probation_round
    ]


def assessment_dates(case: DevelopmentCase) -> tuple[date, ...]:
    return tuple(case.assessments.order_by("assessed_on").values_list("assessed_on", flat=True))


def thought_report_dates(case: DevelopmentCase) -> tuple[date, ...]:
    return tuple(case.thought_reports.order_by("received_on").values_list("received_on", flat=True))


def dates_of(records: Iterable[StepRecord]) -> dict[int, date]:
    return {record.step: record.date for record in records}
