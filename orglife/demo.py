"""Organisational life of the demo university, so that `make run` shows meetings, records and the calendar.

Every branch of 云湖示范大学 gets the last months of "three meetings and one lesson": a committee
meeting and a theme party day each month, a meeting of each party group each month, a general
meeting each quarter and two party lessons each semester — closed, with invitations, check-ins for
most invitees, approved leave for a few, minutes, a resolution and follow-up tasks. Some branches
fall behind (a month without a committee or group meeting, theme days skipped), so the compliance
calendar shows red and yellow beside green. The persona branch (YH-CS-U2024) also has an upcoming
party lesson whose notice is published, to which the student and activist personas are invited.

Dates are relative to the load day. Rows are inserted in bulk; the timestamps Django fills in on
insert (invited, checked in, created) are then set to the meeting's own days. Registered with
``core.demo`` and run by ``seed_demo``; idempotent (nothing happens once the university has meetings).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.demo import DemoLoader, register_demo_loader
from core.richtext import sanitize_html
from orglife.models import (
    ActivityKind,
    BranchThemeDay,
    CheckIn,
    CheckInMethod,
    FollowUpTask,
    Invitation,
    LeaveStatus,
    Meeting,
    MeetingMinutes,
    MeetingStatus,
    Resolution,
    Response,
)
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit, PartyStatus, Position, UnitKind

SEED = "yunhu-demo-meetings"
MONTHS = 6  # of history, the current one included
PERSONA_BRANCH = f"{UNIVERSITY_CODE}-CS-U2024"
SECRETARY_NUMBER = "2024020003"
MEMBERS = (PartyStatus.FULL, PartyStatus.PROBATIONARY)
DEVELOPING = (PartyStatus.TARGET, PartyStatus.ACTIVIST)
LESSON_MONTHS = (3, 5, 9, 11)  # two party lessons in each semester (February–July, August–January)
THEME_DAY = 20  # the fixed day of the branches that set one, and the day every theme day is held
PLACES = ("信息楼302会议室", "学院党员活动室", "图书馆研讨间A", "学生活动中心201", "腾讯会议（线上）")
LEAVE_REASONS = ("课程冲突，已与任课老师确认", "参加学科竞赛集训", "实验室值班", "因病就医", "实习单位出差")
LESSON_TOPICS = (
    "学习贯彻党的二十大精神",
    "新时代青年的使命与担当",
    "从党史中汲取奋进力量",
    "全面从严治党永远在路上",
)
THEME_TOPICS = (
    "重温入党誓词",
    "走进社区志愿服务",
    "参观校史馆",
    "红色经典诵读",
    "垃圾分类宣传进宿舍",
    "学习身边榜样",
)


@dataclass
class Branch:
    """One branch as the loader sees it: its groups, its people by party status, its committee."""

    unit: OrgUnit
    profile: str
    groups: list[OrgUnit] = field(default_factory=list)
    status_of: dict[int, str] = field(default_factory=dict)
    group_of: dict[int, int | None] = field(default_factory=dict)
    committee: dict[str, int] = field(default_factory=dict)  # position type code -> person id
    leaders: dict[int, int] = field(default_factory=dict)  # group id -> leader id

    def people(self, statuses: tuple[str, ...], group_id: int | None = None) -> list[int]:
        return sorted(
            person
            for person, status in self.status_of.items()
            if status in statuses and (group_id is None or self.group_of.get(person) == group_id)
        )

    @property
    def secretary(self) -> int:
        return self.committee.get("secretary") or next(iter(self.committee.values()))


@dataclass
class Planned:
    """A meeting to insert, with the people it invites and what its record says."""

    meeting: Meeting
    invitees: list[int]
    minutes: str
    resolution: str = ""
    task: tuple[str, int] | None = None  # title, owner


def _month_starts(today: date) -> list[date]:
    """The first day of this month and of the ``MONTHS - 1`` before it, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < MONTHS:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months[::-1]


def _held_at(day: date, hour: int, now: datetime) -> datetime | None:
    """The start of a meeting held on ``day`` at ``hour``, or None while it would not yet be over."""
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    return starts if starts + timedelta(hours=2) <= now else None


def _skips(branch: Branch, kind: str, month: date, months: list[date], group_index: int = 0) -> bool:
    """Whether a branch that falls behind skips this activity (last month's, mostly)."""
    last, current = months[-2], months[-1]
    if branch.profile == "lagging":
        return kind in (ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING) and month in (
            last,
            current,
        )
    if branch.profile == "slack":
        if kind == ActivityKind.THEME_DAY and month in (last, current):
            return True
        # Last quarter's general meeting was never held.
        same_quarter = (month.year, (month.month - 1) // 3) == (current.year, (current.month - 1) // 3)
        return kind == ActivityKind.GENERAL_MEETING and not same_quarter
    if branch.profile == "persona":
        # Its second party group has not met since last month.
        return kind == ActivityKind.GROUP_MEETING and month in (last, current) and group_index == 1
    return False


def _meeting(
    branch: Branch, unit: OrgUnit, kind: str, title: str, starts: datetime, rng: random.Random
) -> Meeting:
    ends = starts + timedelta(minutes=rng.choice((60, 90, 120)))
    published = starts - timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 8))
    place = rng.choice(PLACES)
    return Meeting(
        unit=unit,
        kind=kind,
        title=title,
        agenda=f"1. 学习传达上级精神\n2. {title}\n3. 讨论近期工作安排",
        starts_at=starts,
        ends_at=ends,
        place=place,
        online_url="https://meeting.tencent.com/" if "线上" in place else "",
        status=MeetingStatus.CLOSED,
        organiser_id=branch.leaders.get(unit.pk, branch.secretary),
        published_at=published,
        closed_at=ends + timedelta(hours=rng.randint(2, 30)),
    )


def _minutes(title: str, present: str, points: list[str]) -> str:
    items = "".join(f"<li>{point}</li>" for point in points)
    return sanitize_html(f"<p><strong>{title}</strong></p><p>{present}</p><ol>{items}</ol>")


def _plan_branch(branch: Branch, months: list[date], now: datetime, rng: random.Random) -> list[Planned]:
    members = branch.people(MEMBERS)
    wider = branch.people(MEMBERS + DEVELOPING)
    committee = sorted(set(branch.committee.values()))
    planned: list[Planned] = []

    def add(
        unit: OrgUnit, kind: str, title: str, day: date, hour: int, invitees: list[int], **record: Any
    ) -> None:
        starts = _held_at(day, hour, now)
        if starts is None and branch.profile == "persona" and kind == ActivityKind.COMMITTEE_MEETING:
            # The persona branch has always met this month, whatever the load day.
            starts = max(
                now - timedelta(hours=3), timezone.make_aware(datetime.combine(day.replace(day=1), time.min))
            )
        if starts is None or not invitees:
            return
        meeting = _meeting(branch, unit, kind, title, starts, rng)
        minutes = _minutes(title, f"应到{len(invitees)}人。", record.pop("points"))
        planned.append(Planned(meeting, invitees, minutes, **record))

    for month in months:
        label = f"{month.month}月"
        if not _skips(branch, ActivityKind.COMMITTEE_MEETING, month, months):
            add(
                branch.unit,
                ActivityKind.COMMITTEE_MEETING,
                f"{label}支委会",
                month.replace(day=5),
                19,
                committee,
                points=["研究本月发展党员工作", "安排主题党日活动", "检查党费收缴情况"],
                resolution=f"同意{label}主题党日活动方案，由组织委员牵头落实。",
                task=(
                    "整理本月发展党员材料并报学院党委",
                    branch.committee.get("organisation_member", branch.secretary),
                ),
            )
        for index, group in enumerate(branch.groups):
            if not _skips(branch, ActivityKind.GROUP_MEETING, month, months, index):
                add(
                    group,
                    ActivityKind.GROUP_MEETING,
                    f"{group.name}{label}学习会",
                    month.replace(day=12),
                    20,
                    branch.people(MEMBERS, group.pk),
                    points=["集体学习", "交流学习体会", "开展批评与自我批评"],
                )
        if not _skips(branch, ActivityKind.THEME_DAY, month, months):
            topic = THEME_TOPICS[month.month % len(THEME_TOPICS)]
            add(
                branch.unit,
                ActivityKind.THEME_DAY,
                f"{label}主题党日：{topic}",
                month.replace(day=THEME_DAY),
                14,
                members,
                points=[topic, "党员交流心得体会"],
            )
        if month.month % 3 == 2 and not _skips(branch, ActivityKind.GENERAL_MEETING, month, months):
            add(
                branch.unit,
                ActivityKind.GENERAL_MEETING,
                f"{month.year}年第{(month.month - 1) // 3 + 1}季度党员大会",
                month.replace(day=15),
                19,
                members,
                points=["通报本季度支部工作", "讨论发展对象和预备党员有关事项", "部署下季度工作"],
                resolution="通过本季度支部工作总结，下季度重点做好发展对象培养考察。",
                task=(
                    "将党员大会决议在支部群公示",
                    branch.committee.get("propaganda_member", branch.secretary),
                ),
            )
        if month.month in LESSON_MONTHS:
            topic = LESSON_TOPICS[LESSON_MONTHS.index(month.month)]
            add(
                branch.unit,
                ActivityKind.PARTY_LESSON,
                f"专题党课：{topic}",
                month.replace(day=24),
                15,
                wider,
                points=[f"支部书记讲授专题党课《{topic}》", "入党积极分子、发展对象列席学习"],
            )
    return planned


def _records(
    branch: Branch, planned: list[Planned], now: datetime, rng: random.Random
) -> tuple[list[Invitation], list[CheckIn], list[MeetingMinutes], list[Resolution], list[FollowUpTask]]:
    invitations, check_ins, minutes, resolutions, tasks = [], [], [], [], []
    for item in planned:
        meeting = item.meeting
        published: datetime = meeting.published_at or meeting.starts_at
        on_leave = set(rng.sample(item.invitees, k=min(len(item.invitees) // 8, 2)))
        for person in item.invitees:
            read = published + timedelta(hours=rng.randint(1, 40))
            leave = person in on_leave
            invitations.append(
                Invitation(
                    meeting=meeting,
                    person_id=person,
                    read_at=read,
                    response=Response.LEAVE if leave else Response.ATTEND,
                    responded_at=read,
                    leave_status=LeaveStatus.APPROVED if leave else LeaveStatus.NONE,
                    leave_reason=rng.choice(LEAVE_REASONS) if leave else "",
                    leave_decided_by_id=branch.secretary if leave else None,
                    leave_decided_at=read + timedelta(hours=3) if leave else None,
                )
            )
            if not leave and rng.random() < 0.92:
                manual = rng.random() < 0.1
                check_ins.append(
                    CheckIn(
                        meeting=meeting,
                        person_id=person,
                        method=CheckInMethod.MANUAL
                        if manual
                        else rng.choice((CheckInMethod.QR, CheckInMethod.CODE)),
                        recorded_by_id=branch.secretary if manual else None,
                    )
                )
        minutes.append(MeetingMinutes(meeting=meeting, html=item.minutes, updated_by_id=meeting.organiser_id))
        if item.resolution:
            resolutions.append(
                Resolution(meeting=meeting, text=item.resolution, created_by_id=meeting.organiser_id)
            )
        if item.task:
            due = timezone.localdate(meeting.starts_at) + timedelta(days=14)
            done = due < timezone.localdate(now) and rng.random() < 0.85
            tasks.append(
                FollowUpTask(
                    meeting=meeting,
                    title=item.task[0],
                    owner_id=item.task[1],
                    due_on=due,
                    done=done,
                    done_at=timezone.make_aware(datetime.combine(due - timedelta(days=2), time(21)))
                    if done
                    else None,
                    created_by_id=meeting.organiser_id,
                )
            )
    return invitations, check_ins, minutes, resolutions, tasks


def _branches(root: OrgUnit) -> list[Branch]:
    units = list(
        OrgUnit.objects.filter(
            path__startswith=root.path, kind__in=(UnitKind.BRANCH, UnitKind.PARTY_GROUP)
        ).order_by("path")
    )
    profiles = ("diligent", "lagging", "diligent", "slack")
    branches: dict[str, Branch] = {}
    for unit in units:
        if unit.kind == UnitKind.BRANCH:
            profile = "persona" if unit.code == PERSONA_BRANCH else profiles[len(branches) % len(profiles)]
            branches[unit.path] = Branch(unit, profile)
        elif unit.path[: -OrgUnit.steplen] in branches:
            branches[unit.path[: -OrgUnit.steplen]].groups.append(unit)
    by_id = {branch.unit.pk: branch for branch in branches.values()}
    for person, unit_id, group_id, status in Membership.objects.filter(unit_id__in=by_id).values_list(
        "person_id", "unit_id", "group_id", "party_status"
    ):
        by_id[unit_id].status_of[person] = status
        by_id[unit_id].group_of[person] = group_id
    group_branch = {group.pk: branch for branch in branches.values() for group in branch.groups}
    positions = Position.objects.filter(end_date__isnull=True).values_list(
        "person_id", "unit_id", "position_type__code"
    )
    for person, unit_id, code in positions:
        if unit_id in by_id:
            by_id[unit_id].committee.setdefault(code, person)
        elif unit_id in group_branch and code == "group_leader":
            group_branch[unit_id].leaders[unit_id] = person
    return [branch for branch in branches.values() if branch.committee]


def _insert(planned: list[Planned], records: tuple[list[Any], ...]) -> None:
    Meeting.objects.bulk_create([item.meeting for item in planned], batch_size=500)
    through = Meeting.invited_units.through
    through.objects.bulk_create(
        [through(meeting_id=item.meeting.pk, orgunit_id=item.meeting.unit_id) for item in planned],
        batch_size=500,
    )
    for rows in records:
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=500)
    # Inserting stamps "now" on these; a history has the meeting's own days.
    ids = [item.meeting.pk for item in planned]
    Meeting.objects.filter(pk__in=ids).update(created_at=F("published_at"))
    of_meeting = Meeting.objects.filter(pk=OuterRef("meeting_id"))
    Invitation.objects.filter(meeting_id__in=ids).update(
        invited_at=Subquery(of_meeting.values("published_at")[:1])
    )
    CheckIn.objects.filter(meeting_id__in=ids).update(
        checked_in_at=Subquery(of_meeting.values("starts_at")[:1])
    )
    Resolution.objects.filter(meeting_id__in=ids).update(
        created_at=Subquery(of_meeting.values("ends_at")[:1])
    )
    FollowUpTask.objects.filter(meeting_id__in=ids).update(
        created_at=Subquery(of_meeting.values("ends_at")[:1])
    )


def _upcoming(now: datetime) -> Meeting | None:
    """The persona branch's next party lesson, its notice published, every member of the branch invited.

    Written directly rather than through ``services.meeting_publish``: the demo's inboxes hold only the
    welcome message, so the notice is found on the meetings page, not as a notification.
    """
    branch = OrgUnit.objects.filter(code=PERSONA_BRANCH).first()
    secretary = User.objects.filter(number=SECRETARY_NUMBER).first()
    if branch is None or secretary is None:
        return None
    day = timezone.localdate(now) + timedelta(days=5)
    starts = timezone.make_aware(datetime.combine(day, time(19)))
    meeting = Meeting.objects.create(
        unit=branch,
        kind=ActivityKind.PARTY_LESSON,
        title="专题党课：青年学生如何做到学思用贯通",
        agenda="1. 支部书记讲授党课\n2. 入党申请人、积极分子交流学习体会\n3. 布置学习任务",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        place="信息楼302会议室",
        status=MeetingStatus.PUBLISHED,
        organiser=secretary,
        published_at=now,
    )
    meeting.invited_units.set([branch])
    people = Membership.objects.filter(unit=branch, person__is_active=True).values_list(
        "person_id", flat=True
    )
    Invitation.objects.bulk_create([Invitation(meeting=meeting, person_id=person) for person in people])
    return meeting


def _track_from_last_month(root: OrgUnit, months: list[date]) -> int:
    """Date the demo branches from the start of last month (units made today would not be judged on
    last month at all); a unit already older keeps its date."""
    since = timezone.make_aware(datetime.combine(months[-2], time.min))
    return OrgUnit.objects.filter(path__startswith=root.path, created_at__gt=since).update(created_at=since)


def load_demo_meetings() -> dict[str, int]:
    """Give every branch of the demo university its recent organisational life; nothing when it has meetings."""
    root = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    if root is None or Meeting.objects.filter(unit__path__startswith=root.path).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    now = timezone.now()
    months = _month_starts(timezone.localdate(now))
    with transaction.atomic():
        _track_from_last_month(root, months)
        branches = _branches(root)
        BranchThemeDay.objects.bulk_create(
            [BranchThemeDay(branch=branch.unit, day=THEME_DAY) for branch in branches[::2]],
            ignore_conflicts=True,
        )
        planned: list[Planned] = []
        records: dict[int, list[Any]] = defaultdict(list)
        for branch in branches:
            mine = _plan_branch(branch, months, now, rng)
            planned += mine
            for index, rows in enumerate(_records(branch, mine, now, rng)):
                records[index] += cast("list[Any]", rows)
        _insert(planned, tuple(records[index] for index in range(5)))
        upcoming = _upcoming(now)
        counts = {
            "meetings": len(planned) + (1 if upcoming else 0),
            "invitations": len(records[0]),
            "check-ins": len(records[1]),
            "resolutions": len(records[3]),
            "follow-up tasks": len(records[4]),
        }
        audit_record(actor=None, action="orglife.demo.seed", data=counts)
    return counts


def register() -> None:
    register_demo_loader(DemoLoader(name="orglife.meetings", load=load_demo_meetings, order=20))
