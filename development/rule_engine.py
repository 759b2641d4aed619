"""The rule engine: the context a rule reads, the violation it returns, and the registry of rules.

The rules themselves are in ``development.rules``; this module holds what they are made of, so
that a rule stays a small pure function of a ``RuleContext``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise

from development.config import DEFAULTS, LocalRules


class Scope(StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class Level(StrEnum):
    ERROR = "error"  # refused unless an exception is recorded (when the rule allows one)
    WARNING = "warning"  # recorded with the step, never refused


# --- Facts the services look up before the rules run --------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the rules need to know about a person named in a step (talker, contact, introducer)."""

    person_id: int
    name: str
    party_status: str  # "" without a branch membership
    on_party_probation: bool = False
    # Position type codes the person holds, on the step's date, in the case's branch.
    positions_in_branch: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NoticeFacts:
    starts_on: date
    ends_on: date
    working_days: int


@dataclass(frozen=True)
class VoteCounts:
    members_with_voting_rights: int
    attended: int
    written_opinions: int
    yes: int
    no: int
    abstain: int


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may read: the case's dates, the step's data, the local rules and facts."""

    step: int
    on: date  # the date of the step (or vote, or approval) being recorded
    data: Mapping[str, Any] = field(default_factory=dict)
    local: LocalRules = DEFAULTS
    step_dates: Mapping[int, date] = field(default_factory=dict)
    step_data: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    person_id: int = 0
    birth_date: date | None = None
    league_member: bool = False
    persons: Mapping[int, PersonFacts] = field(default_factory=dict)
    notices: tuple[NoticeFacts, ...] = ()
    vote: VoteCounts | None = None
    assessments: tuple[date, ...] = ()
    thought_reports: tuple[date, ...] = ()
    activist_on: date | None = None
    probation_start: date | None = None
    probation_end: date | None = None
    extended_once: bool = False
    # The step that may be recorded now (None: order is not checked, e.g. for a history check).
    expected_step: int | None = None


# --- Violations ---------------------------------------------------------------------------------


def _render(value: object) -> object:
    return date_format(value, "Y-m-d") if isinstance(value, date) else value


@dataclass(frozen=True)
class Violation:
    """A broken rule: its code, message and source in the reader's language, and the values involved."""

    code: str
    params: Mapping[str, object]
    level: Level = Level.ERROR

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def message(self) -> str:
        return str(self.rule.message) % {name: _render(value) for name, value in self.params.items()}

    @property
    def source(self) -> str:
        return str(self.rule.source)

    @property
    def dates(self) -> dict[str, date]:
        return {name: value for name, value in self.params.items() if isinstance(value, date)}

    @property
    def waivable(self) -> bool:
        return self.rule.waivable

    def as_dict(self) -> dict[str, Any]:
        """The violation as JSON: what the API answers and what a step record keeps as a warning."""
        return {
            "code": self.code,
            "message": self.message,
            "source": self.source,
            "scope": str(self.rule.scope),
            "level": str(self.level),
            "waivable": self.waivable,
            "params": params_as_json(self.params),
        }


def params_as_json(params: Mapping[str, object]) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in params.items()}


def params_from_json(params: Mapping[str, Any]) -> dict[str, object]:
    """Stored params back as values: ISO dates become dates again."""
    restored: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                restored[name] = date.fromisoformat(value)
                continue
            except ValueError:
                pass
        restored[name] = value
    return restored


# --- The registry -------------------------------------------------------------------------------

Check = Callable[[RuleContext], Violation | None]


@dataclass(frozen=True)
class Rule:
    code: str
    message: Promise
    source: Promise
    scope: Scope
    check: Check
    level: Level = Level.ERROR
    # False for limits that the Party Constitution itself sets: no exception can excuse them.
    waivable: bool = True

    def __call__(self, context: RuleContext) -> Violation | None:
        return self.check(context)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    message: Promise,
    source: Promise,
    scope: Scope = Scope.NATIONAL,
    level: Level = Level.ERROR,
    waivable: bool = True,
) -> Callable[[Check], Rule]:
    def register(check: Check) -> Rule:
        registered = Rule(code, message, source, scope, check, level, waivable)
        RULES[code] = registered
        return registered

    return register


def violation(code: str, **params: object) -> Violation:
    return Violation(code, params, RULES[code].level if code in RULES else Level.ERROR)


def run(codes: Iterable[str], context: RuleContext) -> list[Violation]:
    """Every violation of the rules ``codes`` in ``context``, errors and warnings alike."""
    found = []
    for code in codes:
        result = RULES[code](context)
        if result is not None:
            found.append(result)
    return found
