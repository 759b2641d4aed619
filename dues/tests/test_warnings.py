"""The daily warnings: three months behind in dues, or three months without organisational life,
warn the person and their branch once per person and month (the university may change the three)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.models import Notification
from core.scheduler import registered_jobs, schedule_due_jobs
from dues.models import DuesConfig
from dues.services_warnings import dues_warnings_send, months_before
from dues.tasks import WARNINGS_JOB
from dues.tests.helpers import at, make_member, pay, set_base
from orglife.models import ActivityKind, CheckIn, CheckInMethod, Meeting, MeetingStatus
from orgs.models import Membership, PartyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Notifications are written in the recipient's language; these people chose none, so English."""
    settings.LANGUAGE_CODE = "en"


def warnings_of(person, reason: str = "") -> list[Notification]:
    rows = Notification.objects.filter(recipient=person, kind="dues.warning")
    if reason:
        rows = rows.filter(dedupe_key__startswith=f"dues.{reason}:")
    return list(rows)


@pytest.fixture
def recent_life(tree, personas):
    """Gives a person a meeting they attended on a day, so only dues are in question."""

    def attend(person, day: date) -> CheckIn:
        start = at(day, 14)
        meeting = Meeting.objects.create(
            unit=tree.branch_a1,
            kind=ActivityKind.THEME_DAY,
            title="主题党日",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            organiser=personas.secretary,
            status=MeetingStatus.CLOSED,
        )
        return CheckIn.objects.create(meeting=meeting, person=person, method=CheckInMethod.MANUAL)

    return attend


def test_three_months_behind_warns_the_person_and_the_branch_on_the_first_day(
    member, personas, tree, clock, recent_life
):
    pay(personas.secretary, tree.branch_a1, member, months=8)  # paid to August 2026
    recent_life(member, date(2026, 11, 20))
    clock.set(date(2026, 11, 30))
    assert dues_warnings_send(today=date(2026, 11, 30)) == 0  # September and October: two months
    clock.set(date(2026, 12, 1))
    sent = dues_warnings_send(today=date(2026, 12, 1))
    assert [n.title for n in warnings_of(member, "arrears")] == ["Your party dues are 3 months behind"]
    branch = warnings_of(personas.secretary, "arrears")
    assert [n.title for n in branch] == ["钱党员 is 3 months behind in party dues"]
    assert branch[0].url == f"/dues/units/{tree.branch_a1.pk}/people/{member.pk}/"
    # Neither the propaganda member nor another branch hears of it.
    assert not warnings_of(personas.propaganda) and not warnings_of(personas.outsider)
    assert sent == 2


def test_a_warning_is_sent_once_per_person_and_month(member, personas, tree, clock, recent_life):
    recent_life(member, date(2026, 11, 10))
    assert dues_warnings_send(today=date(2026, 11, 15)) == 2
    assert dues_warnings_send(today=date(2026, 11, 16)) == 0
    clock.set(date(2026, 12, 1))
    assert dues_warnings_send(today=date(2026, 12, 1)) == 2  # a new month, a new warning
    assert len(warnings_of(member, "arrears")) == 2


def test_a_member_paid_up_is_not_warned(member, personas, tree, clock, recent_life):
    pay(personas.secretary, tree.branch_a1, member, months=10)
    recent_life(member, date(2026, 11, 1))
    assert dues_warnings_send(today=date(2026, 11, 15)) == 0


def test_the_university_may_warn_earlier(member, personas, tree, clock, recent_life):
    DuesConfig.objects.create(root_unit=tree.university, parameters={"warning_months": 2})
    pay(personas.secretary, tree.branch_a1, member, months=8)  # September and October unpaid
    recent_life(member, date(2026, 11, 1))
    assert dues_warnings_send(today=date(2026, 11, 15)) == 2


def test_three_months_without_organisational_life_warns_at_the_threshold(
    member, personas, tree, clock, recent_life
):
    pay(personas.secretary, tree.branch_a1, member, months=11)
    recent_life(member, date(2026, 8, 15))
    assert dues_warnings_send(today=date(2026, 11, 14)) == 0
    assert dues_warnings_send(today=date(2026, 11, 15)) == 2
    assert [n.title for n in warnings_of(member, "no_life")] == [
        "No organisational life recorded since 2026-08-15"
    ]
    assert len(warnings_of(personas.secretary, "no_life")) == 1


def test_a_cancelled_meeting_is_no_organisational_life(member, personas, tree, clock, recent_life):
    pay(personas.secretary, tree.branch_a1, member, months=11)
    recent_life(member, date(2026, 6, 1))
    check_in = recent_life(member, date(2026, 11, 1))
    Meeting.objects.filter(pk=check_in.meeting_id).update(status=MeetingStatus.CANCELLED)
    assert dues_warnings_send(today=date(2026, 11, 15)) == 2
    assert warnings_of(member, "no_life")


def test_without_any_meeting_the_months_count_from_joining_the_branch(tree, personas, clock):
    person = make_member(tree.branch_a1)
    Membership.objects.filter(person=person).update(joined_unit_on=date(2026, 9, 1))
    assert dues_warnings_send(today=date(2026, 11, 30)) == 0
    assert dues_warnings_send(today=date(2026, 12, 1)) == 2
    assert warnings_of(person, "no_life")


def test_people_who_pay_no_dues_are_not_warned(tree, personas, clock):
    applicant = make_member(tree.branch_a1, status=PartyStatus.APPLICANT)
    Membership.objects.filter(person=applicant).update(joined_unit_on=date(2020, 1, 1))
    set_base(personas.secretary, applicant, date(2020, 1, 1))
    assert dues_warnings_send(today=date(2026, 11, 15)) == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 15), date(2026, 8, 15)),
        (date(2026, 5, 31), date(2026, 2, 28)),
        (date(2027, 1, 31), date(2026, 10, 31)),
    ],
)
def test_three_months_before_a_day_keeps_the_day_or_ends_the_month(day, expected):
    assert months_before(day, 3) == expected


def test_the_warnings_run_daily_through_the_scheduler(
    member, personas, tree, clock, recent_life, django_capture_on_commit_callbacks
):
    recent_life(member, date(2026, 11, 10))
    assert WARNINGS_JOB in {job.name for job in registered_jobs()}
    shanghai = ZoneInfo("Asia/Shanghai")
    assert WARNINGS_JOB not in schedule_due_jobs(datetime(2026, 11, 15, 7, 59, tzinfo=shanghai))
    # The test settings run tasks at once: the job sends the warnings when it is enqueued on commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert WARNINGS_JOB in schedule_due_jobs(datetime(2026, 11, 15, 8, 0, tzinfo=shanghai))
    assert warnings_of(member, "arrears")


def test_a_warning_is_written_in_the_recipient_s_language(
    member, personas, tree, clock, recent_life, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    recent_life(member, date(2026, 11, 10))
    dues_warnings_send(today=date(2026, 11, 15))
    assert [n.title for n in warnings_of(member, "arrears")] == ["你的党费已欠缴 10 个月"]
