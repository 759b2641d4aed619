"""What ``make bench`` measures. Adding a scenario is one entry in ``SCENARIOS``.

A scenario is one request repeated by wrk at fixed concurrency: a path (with ``{placeholders}`` that
the runner fills from the scale data, see ``bench.run.resolve_places``), who sends it and how. Its
requests per second are read as a ratio to the matching ceiling measured in the same run: reads to
the bare page, writes to the bare write. ``budget`` is the least ratio DESIGN.md accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# DESIGN.md "Budgets": logged-in hot pages ≥ half the bare page, public cached pages ≥ 2× it,
# writes ≥ half the bare write; p99 under 250 ms at 50 connections.
READ, PUBLIC, WRITE, CEILING = "read", "public", "write", "ceiling"
# Measured against the bare page to explain the others, with no budget of its own.
DIAGNOSTIC = "diagnostic"
BUDGETS = {READ: 0.5, PUBLIC: 2.0, WRITE: 0.5}
P99_BUDGET_MS = 250.0
BARE_PAGE, BARE_WRITE = "bare_page", "bare_write"


@dataclass(frozen=True)
class Scenario:
    """One request shape to drive with wrk.

    ``auth``: "none" (anonymous), "session" (the persona's session cookie), "bearer" (an access token
    of the persona) or "login" (POST the login form for the student personas in turn).
    ``kind``: READ, PUBLIC or WRITE, CEILING for the two ceilings themselves, DIAGNOSTIC for a
    measurement that explains the others (ratio shown, no budget).
    ``method``: for POSTs by a logged-in persona the runner adds the CSRF cookie and header.
    ``invariant``: for bursts, run after the scenario (in the runner, Django set up); it returns
    the problems found (something lost or doubled), and any problem fails the whole run.
    """

    name: str
    path: str
    kind: str = READ
    persona: str = ""
    auth: str = "session"
    method: str = "GET"
    body: str = ""
    description: str = ""
    invariant: Callable[[], list[str]] | None = None

    @property
    def ceiling(self) -> str:
        return BARE_WRITE if self.kind == WRITE else BARE_PAGE

    @property
    def budget(self) -> float | None:
        return BUDGETS.get(self.kind)


SCENARIOS = [
    # The ceilings come first: every other figure is read against them.
    Scenario(BARE_PAGE, "/bench/bare/", CEILING, auth="none", description="Bare page, no queries"),
    Scenario(BARE_WRITE, "/bench/write/", CEILING, auth="none", method="POST", description="Bare insert"),
    Scenario(
        "bare_page_session",
        "/bench/bare/",
        DIAGNOSTIC,
        persona="student1",
        description="The bare page, logged in: what a session, the user and the navigation cost",
    ),
    Scenario("login", "/accounts/login/", WRITE, auth="login", method="POST", description="Log in (argon2)"),
    Scenario("home", "/", persona="student1", description="A student's home page"),
    Scenario(
        "branch_members",
        "/org/units/{branch}/members/",
        persona="secretary1",
        description="Members of a branch, as its secretary",
    ),
    Scenario(
        "college_members",
        "/org/units/{college}/members/",
        persona="officer1",
        description="Members of a college, as its organiser",
    ),
    Scenario(
        "member_search",
        "/org/units/{college}/members/?q={surname}",
        persona="officer1",
        description="Search a college's members by name",
    ),
    Scenario("org_tree", "/org/", persona="officer1", description="The org tree of a college"),
    Scenario(
        "org_tree_university",
        "/org/",
        persona="orgdept1",
        description="The org tree of the whole university",
    ),
    Scenario(
        "api_members",
        "/api/v1/units/{college}/members",
        persona="officer1",
        auth="bearer",
        description="API: members of a college (token)",
    ),
    # Membership development (development/): the scale cases come from `seed_scale_cases`.
    Scenario(
        "dev_due",
        "/development/units/{college}/due/",
        persona="officer1",
        description="What is due and overdue in a college, as its organiser",
    ),
    Scenario(
        "dev_cases",
        "/development/units/{college}/cases/",
        persona="officer1",
        description="Open development cases of a college, as its organiser",
    ),
    Scenario(
        "dev_case",
        "/development/cases/{case}/",
        persona="officer1",
        description="A probationary member's case page (the longest timeline)",
    ),
    Scenario(
        "dev_dossier",
        "/development/dossiers/{case}/",
        persona="officer1",
        description="The full dossier of that case (each view is audited)",
    ),
    Scenario(
        "api_cases",
        "/api/v1/cases",
        persona="officer1",
        auth="bearer",
        description="API: development cases in scope (token)",
    ),
    # Publishing (publishing/): public pages, served to anyone from the whole-page cache.
    Scenario(
        "public_channel",
        "/channels/{channel}/",
        PUBLIC,
        auth="none",
        description="A channel's public page (no login, cached)",
    ),
    Scenario(
        "public_article",
        "/channels/{channel}/articles/{article}/",
        PUBLIC,
        auth="none",
        description="A published article's public page (no login, cached; views counted once per visitor)",
    ),
    Scenario(
        "bare_article_bytes",
        "/bench/bytes/public_article/",
        DIAGNOSTIC,
        auth="none",
        description="A bare view returning the public article page's bytes (issue 6's yardstick)",
    ),
    Scenario(
        "bare_channel_bytes",
        "/bench/bytes/public_channel/",
        DIAGNOSTIC,
        auth="none",
        description="A bare view returning the public channel page's bytes (issue 6's yardstick)",
    ),
]


def by_name() -> dict[str, Scenario]:
    return {scenario.name: scenario for scenario in SCENARIOS}
