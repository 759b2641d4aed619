"""The daily warning to a person and their branch: behind in dues, or no organisational life.

Six consecutive months without paying dues or attending organisational life is treated as leaving
the party (DOMAIN.md §4); the branch is warned at three months (the university's
``warning_months``). Each warning is sent once per person and month: the notification's dedupe key
names the kind, the person and the month, so a second run that day (or a retried one) adds nothing.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.notifications import register_kind
from core.services import notifications_send
from dues import capabilities as caps
from dues.months import add_months, month_label, month_of
from dues.queries import (
    PAYING_STATUSES,
    last_organisational_life,
    rules_by_root,
    rules_for_path,
    standings_of,
)
from orgs.models import Membership, Position

WARNING_KIND = register_kind(
    "dues.warning",
    _("Dues and organisational life warnings"),
    description=_(
        "A member who is months behind in dues, or has had no organisational life for months, and their branch."
    ),
)


def months_before(day: date, count: int) -> date:
    """The same day ``count`` months earlier (the month's last day when it has no such day)."""
    month = add_months(month_of(day), -count)
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(day.day, last_day))


def dedupe_key(reason: str, person_id: int, month: date) -> str:
    return f"dues.{reason}:{person_id}:{month_label(month)}"


def _branch_officers(branch_ids: set[int], on: date) -> dict[int, list[User]]:
    """People whose position in each branch lets them see its dues (one query)."""
    found: dict[int, list[User]] = defaultdict(list)
    positions = (
        Position.objects.active(on)
        .filter(unit_id__in=branch_ids, person__is_active=True)
        .select_related("person", "position_type")
    )
    for position in positions:
        if caps.VIEW_DUES in (position.position_type.capabilities or []):
            found[position.unit_id].append(position.person)
    return found


def dues_warnings_send(*, today: date) -> int:
    """Warn everyone at or past the threshold, and their branch; returns the notifications sent."""
    paying = Membership.objects.filter(party_status__in=PAYING_STATUSES, person__is_active=True)
    memberships = list(paying.select_related("person", "unit"))
    among = paying.values("person_id")
    standings = standings_of([m.person_id for m in memberships], today, among=among)
    last_life = last_organisational_life(among)
    by_root = rules_by_root()
    due: list[tuple[Membership, str, dict[str, object]]] = []
    for membership in memberships:
        rules = rules_for_path(by_root, membership.unit.path)
        standing = standings[membership.person_id]
        if standing.months_in_arrears >= rules.warning_months:
            due.append((membership, "arrears", {"months": standing.months_in_arrears}))
        # Without any recorded meeting, the months count from joining the branch (if known).
        since = last_life.get(membership.person_id) or membership.joined_unit_on or membership.status_since
        if since is not None and since <= months_before(today, rules.warning_months):
            due.append((membership, "no_life", {"since": since.isoformat()}))
    officers = _branch_officers({membership.unit_id for membership, _r, _p in due}, today)
    month = month_of(today)
    sent = 0
    for membership, reason, params in due:
        person = membership.person
        values = {"person": person.name, **params}
        if reason == "arrears":
            own_title = _("Your party dues are %(months)s months behind")
            own_body = _(
                "You have not paid party dues for %(months)s months. Six months without paying, without "
                "good reason, is treated as leaving the party. Please pay your branch's organisation member."
            )
            branch_title = _("%(person)s is %(months)s months behind in party dues")
        else:
            own_title = _("No organisational life recorded since %(since)s")
            own_body = _(
                "No meeting or activity you attended has been recorded since %(since)s. Six months without "
                "organisational life, without good reason, is treated as leaving the party."
            )
            branch_title = _("%(person)s: no organisational life recorded since %(since)s")
        key = dedupe_key(reason, person.pk, month)
        sent += len(
            notifications_send(
                recipients=[person],
                kind=WARNING_KIND,
                title=own_title,
                body=own_body,
                params=values,
                url=reverse("dues:mine"),
                dedupe_key=key,
            )
        )
        committee = [officer for officer in officers.get(membership.unit_id, []) if officer.pk != person.pk]
        sent += len(
            notifications_send(
                recipients=committee,
                kind=WARNING_KIND,
                title=branch_title,
                body=branch_title,
                params=values,
                url=reverse("dues:member", args=[membership.unit_id, person.pk]),
                dedupe_key=key,
            )
        )
    return sent
