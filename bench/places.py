"""The ``{placeholders}`` of scenario paths, read from the scale data (needs Django set up).

A new placeholder is one function here: ``@place("meeting")`` on a function of the size code that
returns the value to put in the path (already URL-safe).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from accounts.models import User
from development.models import CaseStatus, DevelopmentCase
from orgs.management.scale_plan import persona_numbers
from orgs.models import OrgUnit, Position

Resolver = Callable[[str], str]
PLACES: dict[str, Resolver] = {}


def place(name: str) -> Callable[[Resolver], Resolver]:
    def register(function: Resolver) -> Resolver:
        PLACES[name] = function
        return function

    return register


def persona(size: str, role: str) -> User:
    """The bench persona ``role`` (e.g. ``"secretary1"``) of a size."""
    number = persona_numbers(size)[role]
    try:
        return User.objects.get(number=number)
    except User.DoesNotExist as error:
        raise LookupError(f"No bench persona {number}: run `manage.py seed_scale --size {size}`") from error


def _unit_of(size: str, role: str, position_type: str) -> str:
    position = Position.objects.active().filter(person=persona(size, role), position_type__code=position_type)
    unit_id = position.values_list("unit_id", flat=True).first()
    if unit_id is None:
        raise LookupError(f"The bench persona {role} holds no {position_type} position")
    return str(unit_id)


@place("branch")
def branch(size: str) -> str:
    """The branch whose secretary is the persona secretary1."""
    return _unit_of(size, "secretary1", "secretary")


@place("college")
def college(size: str) -> str:
    """The college whose organiser is the persona officer1."""
    return _unit_of(size, "officer1", "college_organiser")


@place("surname")
def surname(size: str) -> str:
    """The commonest surname: a search that matches many members, as a search for a name does."""
    return quote("王")


@place("case")
def case(size: str) -> str:
    """The open case with the most steps done in the college of officer1: the longest timeline."""
    unit = OrgUnit.objects.get(pk=college(size))
    found = (
        DevelopmentCase.objects.filter(branch__path__startswith=unit.path, status=CaseStatus.OPEN)
        .order_by("-current_step", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise LookupError(
            f"No development case in the bench college: run `manage.py seed_scale_cases --size {size}`"
        )
    return str(found)


def fill(path: str, size: str) -> str:
    """``path`` with every ``{placeholder}`` it names replaced."""
    names = {name for name in PLACES if "{" + name + "}" in path}
    return path.format(**{name: PLACES[name](size) for name in names})
