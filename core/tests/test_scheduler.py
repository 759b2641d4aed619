from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from core import scheduler
from core.models import ScheduledRun
from core.registrations import DAILY_DIGEST_JOB
from core.scheduler import registered_jobs, schedule_due_jobs
from core.tasks import send_daily_digests
from core.tests.helpers import DIGEST_KIND, make_notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


def test_the_daily_digest_is_a_registered_job():
    assert DAILY_DIGEST_JOB in {job.name for job in registered_jobs()}


def test_the_digest_is_not_due_before_seven_in_shanghai():
    with time_machine.travel(at(27, 6, 59, 59), tick=False):
        assert DAILY_DIGEST_JOB not in schedule_due_jobs()
    assert not ScheduledRun.objects.filter(job=DAILY_DIGEST_JOB).exists()


def test_the_digest_is_enqueued_once_per_day_from_seven(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with time_machine.travel(at(27, 7, 0), tick=False):
            assert DAILY_DIGEST_JOB in schedule_due_jobs()
            assert DAILY_DIGEST_JOB not in schedule_due_jobs()
        with time_machine.travel(at(27, 23, 59), tick=False):
            assert DAILY_DIGEST_JOB not in schedule_due_jobs()
        with time_machine.travel(at(28, 7, 0, 1), tick=False):
            assert DAILY_DIGEST_JOB in schedule_due_jobs()
    runs = ScheduledRun.objects.filter(job=DAILY_DIGEST_JOB).order_by("period")
    assert [run.period for run in runs] == ["2026-11-27", "2026-11-28"]
    enqueued_digests = [c for c in callbacks if getattr(c, "__self__", None) is send_daily_digests]
    assert len(enqueued_digests) == 2


def test_seven_in_shanghai_is_still_the_day_before_in_utc():
    # 07:00 in Shanghai is 23:00 UTC the day before: the period must follow local time.
    with time_machine.travel(datetime(2026, 11, 26, 23, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert DAILY_DIGEST_JOB in schedule_due_jobs()
    assert ScheduledRun.objects.get(job=DAILY_DIGEST_JOB).period == "2026-11-27"


@pytest.mark.usefixtures("registered_kinds")
def test_the_enqueued_job_sends_the_digests(
    personas, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    # Only the digest job, so that other apps' jobs do not run inside this test.
    monkeypatch.setattr(scheduler, "_jobs", {DAILY_DIGEST_JOB: scheduler._jobs[DAILY_DIGEST_JOB]})
    personas.student.email = "student@school.example"
    personas.student.save(update_fields=["email"])
    make_notification(personas.student, kind=DIGEST_KIND, title="Quarterly meeting")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_due_jobs(at(27, 7, 0))
    assert len(mailoutbox) == 1
    assert "Quarterly meeting" in mailoutbox[0].body


def test_run_scheduler_once_enqueues_due_jobs_and_exits():
    out = StringIO()
    with time_machine.travel(at(27, 8, 0), tick=False):
        call_command("run_scheduler", "--once", stdout=out)
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().count(f"enqueued {DAILY_DIGEST_JOB}") == 1
    assert ScheduledRun.objects.filter(job=DAILY_DIGEST_JOB, period="2026-11-27").count() == 1
