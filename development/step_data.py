"""Validating the data submitted for a step against its field definitions in ``development.steps``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from core.errors import FieldErrors
from development.steps import FieldKind, FieldSpec, StepDefinition


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("a bool is not a number")
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def _as_person(value: object) -> int:
    person_id = getattr(value, "pk", value)
    number = _as_int(person_id)
    if number <= 0:
        raise ValueError("not an id")
    return number


def _clean_value(spec: FieldSpec, value: object) -> Any:
    """The field's value as Python, or a ValueError with the message to show."""
    if spec.kind == FieldKind.DATE:
        try:
            return _as_date(value)
        except (TypeError, ValueError):
            raise ValueError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": spec.label}) from None
    if spec.kind == FieldKind.INT:
        try:
            number = _as_int(value)
        except (TypeError, ValueError):
            raise ValueError(_("%(field)s must be a whole number.") % {"field": spec.label}) from None
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            raise ValueError(
                _("%(field)s must be from %(minimum)s to %(maximum)s.")
                % {"field": spec.label, "minimum": spec.minimum, "maximum": spec.maximum}
            )
        return number
    if spec.kind == FieldKind.PERSON:
        try:
            return _as_person(value)
        except (TypeError, ValueError):
            raise ValueError(_("%(field)s: choose a person.") % {"field": spec.label}) from None
    if spec.kind == FieldKind.PERSONS:
        return _clean_persons(spec, value)
    if spec.kind == FieldKind.CHOICE:
        allowed = [code for code, _label in spec.choices]
        if str(value) not in allowed:
            raise ValueError(_("%(field)s: choose one of the options.") % {"field": spec.label})
        return str(value)
    if spec.kind == FieldKind.BOOL:
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    text = str(value).strip()
    if len(text) > spec.max_length:
        raise ValueError(
            _("%(field)s can have at most %(limit)d characters.")
            % {"field": spec.label, "limit": spec.max_length}
        )
    return text


def _clean_persons(spec: FieldSpec, value: object) -> list[int]:
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    try:
        ids = [_as_person(item) for item in items]
    except (TypeError, ValueError):
        raise ValueError(_("%(field)s: choose people from the list.") % {"field": spec.label}) from None
    if len(set(ids)) != len(ids):
        raise ValueError(_("%(field)s: each person can be chosen only once.") % {"field": spec.label})
    if (spec.minimum is not None and len(ids) < spec.minimum) or (
        spec.maximum is not None and len(ids) > spec.maximum
    ):
        raise ValueError(
            _("%(field)s: choose from %(minimum)s to %(maximum)s people.")
            % {"field": spec.label, "minimum": spec.minimum, "maximum": spec.maximum}
        )
    return ids


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and len(value) == 0)


def clean_step_data(definition: StepDefinition, raw: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Validate a step's submitted data: ``date`` plus the step's fields, as Python values.

    Raises ``FieldErrors`` naming every field that is missing or wrong; unknown fields are refused.
    The step's date may not lie in the future.
    """
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(raw) - definition.field_names - {"date"}
    for name in sorted(unknown):
        problems[name] = [_("This step has no field “%(field)s”.") % {"field": name}]
    date_spec = FieldSpec("date", FieldKind.DATE, definition.date_label)
    for spec in (date_spec, *definition.fields):
        value = raw.get(spec.name)
        if _is_empty(value):
            if spec.required:
                problems[spec.name] = [_("%(field)s is required.") % {"field": spec.label}]
            continue
        try:
            cleaned[spec.name] = _clean_value(spec, value)
        except ValueError as error:
            problems[spec.name] = [str(error)]
    step_date = cleaned.get("date")
    if isinstance(step_date, date) and step_date > today:
        problems["date"] = [_("%(field)s cannot be in the future.") % {"field": definition.date_label}]
    if problems:
        raise FieldErrors(problems, _("Some fields of the step are not valid."))
    return cleaned


def data_as_json(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned data as stored in ``StepRecord.data`` (dates as ISO strings, without ``date``)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in cleaned.items()
        if name != "date"
    }


def person_ids(definition: StepDefinition, cleaned: Mapping[str, Any]) -> list[int]:
    """Every person referenced by the step's data, in field order."""
    ids: list[int] = []
    for spec in definition.fields:
        value = cleaned.get(spec.name)
        if spec.kind == FieldKind.PERSON and value is not None:
            ids.append(value)
        elif spec.kind == FieldKind.PERSONS and value:
            ids.extend(value)
    return ids
