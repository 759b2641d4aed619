"""Local rules of the procedure (**local** in DOMAIN.md §2): the parameters each university sets.

A university keeps its values in one ``DevelopmentConfig`` row for its root unit, as JSON; every
parameter left out takes the default shown in DOMAIN.md. This module is pure: it describes the
parameters, validates a JSON object and turns it into a frozen ``LocalRules``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LocalRules:
    """The local parameters in force for one university (defaults from DOMAIN.md §2)."""

    months_application_to_activist: int = 6
    thought_report_interval_days: int = 92
    political_review_valid_months: int = 12
    public_notice_working_days: int = 5
    transfer_receipt_days: int = 90
    reminder_lead_days: int = 7
    probation_ending_days: int = 30
    activist_batch_months: tuple[int, ...] = (3, 9)
    target_batch_months: tuple[int, ...] = (3, 9)
    admission_batch_months: tuple[int, ...] = (6, 12)
    conversion_batch_months: tuple[int, ...] = (6, 12)
    # Retention of dossier documents (see development.retention): those of admitted members and of
    # open cases are kept permanently (the party-member file); these apply to cases that ended
    # otherwise, counted from the day the case closed.
    retention_years_withdrawn: int = 10
    retention_years_transferred_out: int = 10
    retention_years_thought_reports: int = 0  # 0: the same as the other documents of their case
    # The study track (learning app) whose class hours step 11, the short intensive training, shows.
    intensive_training_track: str = "intensive"


DEFAULTS = LocalRules()
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str | Promise
    minimum: int
    maximum: int
    is_months_list: bool = False
    is_code: bool = False


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "months_application_to_activist", _("Months from the application to becoming an activist"), 0, 24
    ),
    Parameter("thought_report_interval_days", _("Days between two thought reports"), 7, 366),
    Parameter("political_review_valid_months", _("Months a political review conclusion stays valid"), 1, 36),
    Parameter("public_notice_working_days", _("Working days a public notice lasts at least"), 1, 30),
    Parameter("transfer_receipt_days", _("Days to wait for a transfer receipt before flagging it"), 1, 365),
    Parameter("reminder_lead_days", _("Days before a deadline that reminders are sent"), 0, 60),
    Parameter("probation_ending_days", _("Days before the end of probation that it shows as ending"), 1, 120),
    Parameter("activist_batch_months", _("Months in which activists are confirmed"), 1, 12, True),
    Parameter("target_batch_months", _("Months in which development targets are confirmed"), 1, 12, True),
    Parameter("admission_batch_months", _("Months in which admissions are voted"), 1, 12, True),
    Parameter("conversion_batch_months", _("Months in which conversions are voted"), 1, 12, True),
    Parameter(
        "retention_years_withdrawn",
        _("Years the dossier documents of a withdrawn or cancelled case are kept after it closed"),
        1,
        100,
    ),
    Parameter(
        "retention_years_transferred_out",
        _("Years the dossier documents of a case transferred out are kept after it closed"),
        1,
        100,
    ),
    Parameter(
        "retention_years_thought_reports",
        _(
            "Years the thought reports of a case that ended without admission are kept (0: as its other documents)"
        ),
        0,
        100,
    ),
    Parameter(
        "intensive_training_track",
        _("Code of the study track whose class hours step 11 (short intensive training) shows"),
        1,
        50,
        is_code=True,
    ),
)
_BY_NAME = {parameter.name: parameter for parameter in PARAMETERS}
assert set(_BY_NAME) == {f.name for f in fields(LocalRules)}  # noqa: S101  (a definition error, at import)


def _check_number(parameter: Parameter, value: object) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [str(_("%(name)s must be a whole number.") % {"name": parameter.label})]
    if not parameter.minimum <= value <= parameter.maximum:
        return [
            str(
                _("%(name)s must be from %(minimum)d to %(maximum)d.")
                % {"name": parameter.label, "minimum": parameter.minimum, "maximum": parameter.maximum}
            )
        ]
    return []


def _check_months(parameter: Parameter, value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        return [str(_("%(name)s must be a list of months, e.g. [6, 12].") % {"name": parameter.label})]
    problems: list[str] = []
    for item in value:
        problems += _check_number(parameter, item)
    return problems[:1]


def _check_code(parameter: Parameter, value: object) -> list[str]:
    if (
        not isinstance(value, str)
        or not parameter.minimum <= len(value) <= parameter.maximum
        or not CODE_PATTERN.fullmatch(value)
    ):
        return [
            str(
                _("%(name)s must be a code of %(minimum)d to %(maximum)d letters, digits, - or _.")
                % {"name": parameter.label, "minimum": parameter.minimum, "maximum": parameter.maximum}
            )
        ]
    return []


def _check(parameter: Parameter, value: object) -> list[str]:
    if parameter.is_months_list:
        return _check_months(parameter, value)
    if parameter.is_code:
        return _check_code(parameter, value)
    return _check_number(parameter, value)


def parameter_problems(raw: object) -> dict[str, list[str]]:
    """The problems of a parameters object, by parameter name (empty when it is valid)."""
    if not isinstance(raw, Mapping):
        return {"__all__": [str(_("The parameters must be a JSON object."))]}
    problems: dict[str, list[str]] = {}
    for name, value in raw.items():
        parameter = _BY_NAME.get(name)
        if parameter is None:
            known = ", ".join(sorted(_BY_NAME))
            problems[name] = [str(_("Unknown parameter. Known parameters: %(known)s.") % {"known": known})]
            continue
        found = _check(parameter, value)
        if found:
            problems[name] = found
    return problems


def local_rules(raw: Mapping[str, Any] | None) -> LocalRules:
    """The rules given by a parameters object (validated beforehand); missing ones take the defaults."""
    if not raw:
        return DEFAULTS
    values: dict[str, Any] = {}
    for name, value in raw.items():
        parameter = _BY_NAME.get(name)
        if parameter is None:
            continue
        if parameter.is_months_list:
            values[name] = tuple(sorted(set(value)))
        elif parameter.is_code:
            values[name] = str(value)
        else:
            values[name] = int(value)
    return LocalRules(**values)


def defaults_as_json() -> dict[str, Any]:
    """The defaults as a JSON object, to show an administrator what can be set."""
    return {
        f.name: list(getattr(DEFAULTS, f.name))
        if isinstance(getattr(DEFAULTS, f.name), tuple)
        else getattr(DEFAULTS, f.name)
        for f in fields(LocalRules)
    }
