"""Reply deadlines in working days (weekends and the Holiday table count), the reminders before and
after them, and the escalation to the handler's superior — each notice once."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Holiday, Notification
from core.scheduler import registered_jobs, schedule_due_jobs
from engagement import services_suggestions as services
from engagement.tests.factories_suggestions import local, send
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

NAME = "欧阳匿名"


def notices(person, key: str) -> int:
    return Notification.objects.filter(recipient=person, dedupe_key__endswith=key).count()


@pytest.fixture
def college_secretary(tree):
    person = make_person(None, name="吴书记", status=PartyStatus.FULL)
    appoint(person, tree.college_a, "committee_secretary")
    return person


def test_a_friday_item_is_due_after_the_weekend_and_a_holiday(tree, personas, time_machine):
    Holiday.objects.create(day=date(2026, 12, 1), name="校庆")  # Tuesday off
    time_machine.move_to(local(date(2026, 11, 27), 16), tick=False)  # Friday
    item = send(personas.student, tree.branch_a1)
    assert item.due_on == date(2026, 12, 3)  # Mon 30, (Tue 1 off), Wed 2, Thu 3


def test_reminders_then_escalation_each_once(tree, personas, college_secretary, time_machine, settings):
    settings.SUGGESTION_ESCALATE_DAYS = 2
    Holiday.objects.create(day=date(2026, 12, 7), name="调休")  # Monday off
    time_machine.move_to(local(date(2026, 11, 30), 9), tick=False)  # Monday
    student = make_person(tree.branch_a1, name=NAME, status=PartyStatus.ACTIVIST)
    item = send(student, tree.branch_a1, hide_name=True)
    assert item.due_on == date(2026, 12, 3)  # Thursday

    time_machine.move_to(local(date(2026, 12, 1), 8), tick=False)
    services.suggestion_deadlines_notify()
    assert notices(personas.secretary, "due-soon") == 0  # two working days left

    time_machine.move_to(local(date(2026, 12, 2), 8), tick=False)
    services.suggestion_deadlines_notify()
    services.suggestion_deadlines_notify()  # the job may run again: nothing doubles
    assert notices(personas.secretary, "due-soon") == 1

    time_machine.move_to(local(date(2026, 12, 4), 8), tick=False)  # Friday: overdue, 1 working day late
    services.suggestion_deadlines_notify()
    assert notices(personas.secretary, "overdue") == 1
    assert notices(college_secretary, "escalated") == 0

    time_machine.move_to(local(date(2026, 12, 5), 8), tick=False)  # Saturday: nobody is told anything
    assert services.suggestion_deadlines_notify() == 0

    time_machine.move_to(local(date(2026, 12, 7), 8), tick=False)  # Monday is a holiday: still 1 day late
    assert services.suggestion_deadlines_notify() == 0
    assert notices(college_secretary, "escalated") == 0

    time_machine.move_to(local(date(2026, 12, 8), 8), tick=False)  # Tuesday: 2 working days late
    services.suggestion_deadlines_notify()
    services.suggestion_deadlines_notify()
    assert notices(personas.secretary, "overdue") == 1
    assert notices(college_secretary, "escalated") == 1
    escalation = Notification.objects.get(recipient=college_secretary)
    assert NAME not in escalation.title + escalation.body
    assert student.number not in escalation.title + escalation.body


def test_an_answered_item_is_not_reminded(tree, personas, time_machine):
    time_machine.move_to(local(date(2026, 11, 30), 9), tick=False)
    item = send(personas.student, tree.branch_a1)
    services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="好")
    time_machine.move_to(local(date(2026, 12, 10), 9), tick=False)
    assert services.suggestion_deadlines_notify() == 0


def test_the_superior_of_a_college_item_is_the_university_mailbox(tree, personas, time_machine):
    time_machine.move_to(local(date(2026, 11, 30), 9), tick=False)
    item = send(personas.student, tree.college_a)
    services.suggestion_assign(
        actor=personas.college_officer, suggestion_id=item.pk, handler_id=personas.college_officer.pk
    )
    time_machine.move_to(local(date(2026, 12, 10), 9), tick=False)
    services.suggestion_deadlines_notify()
    assert notices(personas.university_admin, "escalated") == 1


def test_the_daily_job_is_scheduled_and_runs_its_task(
    tree, personas, time_machine, django_capture_on_commit_callbacks
):
    assert "engagement.suggestion_deadlines" in {job.name for job in registered_jobs()}
    time_machine.move_to(local(date(2026, 11, 30), 9), tick=False)
    send(personas.student, tree.branch_a1)
    time_machine.move_to(local(date(2026, 12, 3), 8), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert "engagement.suggestion_deadlines" in schedule_due_jobs()
    assert notices(personas.secretary, "due-soon") == 1
