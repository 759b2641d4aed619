"""Reads of the compliance calendar: what each branch of a subtree did, per rule, in a fixed number of
queries whatever the number of branches (the counting is aggregated in the database; the rules are
applied by the pure ``orglife.compliance``).

What counts as done (docs/orglife-compliance.md): a meeting of the kind that is CLOSED, or PUBLISHED
and already started (held, its record not yet closed: shown as "awaiting the record"); DRAFT and
CANCELLED meetings never count. A meeting counts for its organising unit and for every unit it
invited as a whole, so a joint party lesson counts for each invited branch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from orglife import compliance
from orglife.compliance import MEETING_KINDS, Per, Rule, State, Status
from orglife.models import Meeting, MeetingStatus
from orglife.models_compliance import BranchThemeDay, ComplianceConfig
from orglife.models_evaluation import CampaignStatus, EvaluationCampaign, Talk
from orgs.models import Membership, OrgUnit, PartyStatus, UnitKind

MEMBER_STATUSES = (PartyStatus.FULL, PartyStatus.PROBATIONARY)


# --- Rules ----------------------------------------------------------------------------------------


def _root_path(path: str) -> str:
    return path[: OrgUnit.steplen]


def rules_for(unit: OrgUnit) -> tuple[Rule, ...]:
    """The rules in force in the university ``unit`` belongs to (one query)."""
    parameters = (
        ComplianceConfig.objects.filter(root_unit__path=_root_path(unit.path))
        .values_list("parameters", flat=True)
        .first()
    )
    return compliance.rules_from(parameters)


def theme_day_of(branch: OrgUnit) -> int | None:
    """The branch's fixed theme party day, if set (one query)."""
    return BranchThemeDay.objects.filter(branch=branch).values_list("day", flat=True).first()


# --- Compliance of branches -----------------------------------------------------------------------


@dataclass
class BranchCompliance:
    """Every rule's status for one branch on one day."""

    branch: OrgUnit
    statuses: list[Status]
    theme_day: int | None = None
    awaiting_record: int = 0  # meetings held whose record is not closed yet
    groups: int = 0

    @property
    def state(self) -> State:
        return compliance.worst(self.statuses)

    @property
    def overdue(self) -> int:
        return sum(1 for status in self.statuses if status.state == State.OVERDUE)

    @property
    def due_soon(self) -> int:
        return sum(1 for status in self.statuses if status.state == State.DUE_SOON)

    def sort_key(self) -> tuple[int, int, int, str]:
        return (compliance.SEVERITY[self.state], -self.overdue, -self.due_soon, self.branch.path)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_period(prefix: str, kind: str, start: date, end: date) -> Q:
    return Q(
        **{
            f"{prefix}kind": kind,
            f"{prefix}starts_at__gte": _aware(start),
            f"{prefix}starts_at__lt": _aware(end + timedelta(days=1)),
        }
    )


def _meeting_counts(
    subtree: OrgUnit, rules: dict[str, Rule], today: date, now: datetime
) -> dict[int, dict[str, int]]:
    """Per unit of the subtree: meetings of each required kind held now and before (two queries)."""
    aggregates: dict[str, Any] = {}
    window_start = today
    for kind in MEETING_KINDS:
        rule = rules[kind]
        now_start, now_end = compliance.period_of(today, rule.period)
        before_start, before_end = compliance.previous_period(today, rule.period)
        window_start = min(window_start, before_start)
        for prefix in ("", "meeting__"):
            aggregates[f"{prefix}{kind}:now"] = Count(
                "pk", filter=_in_period(prefix, kind, now_start, now_end)
            )
            aggregates[f"{prefix}{kind}:before"] = Count(
                "pk", filter=_in_period(prefix, kind, before_start, before_end)
            )
    held = Q(status=MeetingStatus.CLOSED) | Q(status=MeetingStatus.PUBLISHED)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    organised = (
        Meeting.objects.filter(held, unit__path__startswith=subtree.path, kind__in=MEETING_KINDS)
        .filter(starts_at__gte=_aware(window_start), starts_at__lte=now)
        .values("unit_id")
        .annotate(
            awaiting=Count("pk", filter=Q(status=MeetingStatus.PUBLISHED)),
            **{name: value for name, value in aggregates.items() if not name.startswith("meeting__")},
        )
    )
    through = Meeting.invited_units.through
    invited = (
        through.objects.filter(
            Q(meeting__status=MeetingStatus.CLOSED) | Q(meeting__status=MeetingStatus.PUBLISHED),
            orgunit__path__startswith=subtree.path,
            meeting__kind__in=MEETING_KINDS,
            meeting__starts_at__gte=_aware(window_start),
            meeting__starts_at__lte=now,
        )
        .exclude(meeting__unit_id=F("orgunit_id"))
        .values("orgunit_id")
        .annotate(
            awaiting=Count("pk", filter=Q(meeting__status=MeetingStatus.PUBLISHED)),
            **{
                name.removeprefix("meeting__"): value
                for name, value in aggregates.items()
                if name.startswith("meeting__")
            },
        )
    )
    for row in organised:
        _add(counts[row["unit_id"]], row, "unit_id")
    for row in invited:
        _add(counts[row["orgunit_id"]], row, "orgunit_id")
    return counts


def _add(into: dict[str, int], row: Mapping[str, Any], key: str) -> None:
    for name, value in row.items():
        if name != key:
            into[name] += int(value)


def _evaluation_days(subtree: OrgUnit, rule: Rule, today: date) -> dict[int, list[date]]:
    """Per branch, the day each closed evaluation counts on (one query).

    With a yearly rule a campaign counts for its own year, even when its meeting was in January of
    the next; otherwise it counts on the day of the branch meeting that recorded the grades.
    """
    first = compliance.previous_period(today, rule.period)[0]
    rows = EvaluationCampaign.objects.filter(
        branch__path__startswith=subtree.path, status=CampaignStatus.CLOSED, year__gte=first.year - 1
    ).values_list("branch_id", "year", "meeting_on")
    days: dict[int, list[date]] = defaultdict(list)
    for branch_id, year, meeting_on in rows:
        if rule.period == compliance.Period.YEAR or meeting_on is None:
            days[branch_id].append(today if year == today.year else date(year, 12, 31))
        else:
            days[branch_id].append(meeting_on)
    return days


def _talk_counts(subtree: OrgUnit, rule: Rule, today: date) -> dict[int, dict[str, int]]:
    """Per branch: full and probationary members, and how many had a talk now and before (one query)."""
    now_start, _now_end = compliance.period_of(today, rule.period)
    before_start, before_end = compliance.previous_period(today, rule.period)
    talked_now = Talk.objects.filter(talked_on__gte=now_start, talked_on__lte=today).values("person_id")
    talked_before = Talk.objects.filter(talked_on__gte=before_start, talked_on__lte=before_end).values(
        "person_id"
    )
    there_before = Q(joined_unit_on__isnull=True) | Q(joined_unit_on__lte=before_end)
    rows = (
        Membership.objects.filter(unit__path__startswith=subtree.path, party_status__in=MEMBER_STATUSES)
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            talked_now=Count("pk", filter=Q(person_id__in=talked_now)),
            eligible_before=Count("pk", filter=there_before),
            talked_before=Count("pk", filter=there_before & Q(person_id__in=talked_before)),
        )
    )
    return {
        row["unit_id"]: {
            "total": row["total"],
            "talked_now": row["talked_now"],
            "eligible_before": row["eligible_before"],
            "talked_before": row["talked_before"],
        }
        for row in rows
    }


def _ones(done: int, total: int) -> list[int]:
    return [1] * done + [0] * max(total - done, 0)


def _branch_statuses(
    branch: OrgUnit,
    rules: tuple[Rule, ...],
    today: date,
    *,
    meetings: dict[int, dict[str, int]],
    group_ids: list[int],
    evaluations: list[date],
    talks: dict[str, int] | None,
    theme_day: int | None,
) -> list[Status]:
    created = timezone.localdate(branch.created_at) if branch.created_at else None
    statuses = []
    for rule in rules:
        tracked = created is None or created <= compliance.previous_period(today, rule.period)[1]
        if rule.key == compliance.EVALUATION:
            statuses.append(compliance.assess_days(rule, today, [evaluations], tracked_since=created))
            continue
        if rule.per == Per.MEMBER:
            row = talks or {"total": 0, "talked_now": 0, "eligible_before": 0, "talked_before": 0}
            now = _ones(row["talked_now"], row["total"])
            before = _ones(row["talked_before"], row["eligible_before"])
        elif rule.per == Per.GROUP:
            now = [meetings.get(group, {}).get(f"{rule.key}:now", 0) for group in group_ids]
            before = [meetings.get(group, {}).get(f"{rule.key}:before", 0) for group in group_ids]
        else:
            counted = meetings.get(branch.pk, {})
            now, before = [counted.get(f"{rule.key}:now", 0)], [counted.get(f"{rule.key}:before", 0)]
        statuses.append(compliance.assess(rule, today, now, before if tracked else None, theme_day=theme_day))
    return statuses


def _owner(path: str, branch_by_path: dict[str, OrgUnit]) -> OrgUnit | None:
    """The branch whose subtree holds the unit at ``path`` (its nearest branch ancestor)."""
    for end in range(len(path) - OrgUnit.steplen, 0, -OrgUnit.steplen):
        branch = branch_by_path.get(path[:end])
        if branch is not None:
            return branch
    return None


def subtree_compliance(unit: OrgUnit, today: date | None = None) -> list[BranchCompliance]:
    """Every active branch in ``unit``'s subtree with its statuses, worst first (seven queries).

    The caller checks that the user may see compliance over ``unit``.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    rules = rules_for(unit)
    by_key = {rule.key: rule for rule in rules}
    units = list(
        OrgUnit.objects.filter(
            path__startswith=unit.path, kind__in=(UnitKind.BRANCH, UnitKind.PARTY_GROUP), is_active=True
        ).order_by("path")
    )
    branches = [u for u in units if u.kind == UnitKind.BRANCH]
    branch_by_path = {branch.path: branch for branch in branches}
    groups_of: dict[int, list[int]] = defaultdict(list)
    for group in (u for u in units if u.kind == UnitKind.PARTY_GROUP):
        owner = _owner(group.path, branch_by_path)
        if owner is not None:
            groups_of[owner.pk].append(group.pk)
    theme_days = dict(
        BranchThemeDay.objects.filter(branch__path__startswith=unit.path).values_list("branch_id", "day")
    )
    meetings = _meeting_counts(unit, by_key, today, now)
    evaluations = _evaluation_days(unit, by_key[compliance.EVALUATION], today)
    talks = _talk_counts(unit, by_key[compliance.TALKS], today)
    rows = []
    for branch in branches:
        group_ids = groups_of.get(branch.pk, [])
        statuses = _branch_statuses(
            branch,
            rules,
            today,
            meetings=meetings,
            group_ids=group_ids,
            evaluations=evaluations.get(branch.pk, []),
            talks=talks.get(branch.pk),
            theme_day=theme_days.get(branch.pk),
        )
        awaiting = sum(meetings.get(u, {}).get("awaiting", 0) for u in [branch.pk, *group_ids])
        rows.append(
            BranchCompliance(branch, statuses, theme_days.get(branch.pk), awaiting, groups=len(group_ids))
        )
    rows.sort(key=BranchCompliance.sort_key)
    return rows


def branch_compliance(branch: OrgUnit, today: date | None = None) -> BranchCompliance:
    """One branch's calendar (the subtree read, restricted to the branch)."""
    rows = subtree_compliance(branch, today)
    if rows:
        return rows[0]
    return BranchCompliance(branch, [])


def state_counts(rows: Iterable[BranchCompliance]) -> dict[str, int]:
    """How many branches are in each state (worst state of each branch)."""
    counts = dict.fromkeys((state.value for state in State), 0)
    for row in rows:
        counts[row.state.value] += 1
    return counts


def filter_by_state(rows: list[BranchCompliance], state: str) -> list[BranchCompliance]:
    """Only the branches whose worst state is ``state`` (all when empty or unknown)."""
    if state not in State.__members__.values():
        return rows
    return [row for row in rows if row.state == state]
