"""Daily deadline reminders (never twice for one deadline), the local rules, and the admin pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Notification
from core.scheduler import registered_jobs
from development import queries, services
from development.config import LocalRules
from development.models import DevelopmentCase, DevelopmentConfig
from development.services_reminders import deadline_reminders_send, dedupe_key
from development.tasks import REMINDERS_JOB, send_deadline_reminders
from development.tests import helpers

pytestmark = pytest.mark.django_db


def test_a_deadline_within_the_lead_days_reaches_the_branch_committee_and_the_person_once(tree, personas):
    case = helpers.case_row(tree.branch_a1, 2, date(2026, 5, 5))  # the talk is due on 5 June
    helpers.case_row(tree.branch_a1, 2, date(2026, 5, 20))  # due on 20 June: not yet
    helpers.case_row(tree.branch_a1, 2, date(2026, 4, 1))  # overdue since 1 May: the overdue list shows it
    assert deadline_reminders_send(today=date(2026, 6, 1)) == 2
    notes = Notification.objects.filter(kind="development.deadline")
    assert {n.recipient for n in notes} == {personas.secretary, case.person}
    assert {n.dedupe_key for n in notes} == {dedupe_key(case.pk, "talk", date(2026, 6, 5))}
    assert {n.dedupe_key for n in notes} == {f"development.deadline:{case.pk}:talk:2026-06-05"}
    assert deadline_reminders_send(today=date(2026, 6, 1)) == 0
    assert deadline_reminders_send(today=date(2026, 6, 2)) == 0
    assert notes.count() == 2


def test_reminders_speak_each_recipients_language(tree, personas):
    case = helpers.case_row(tree.branch_a1, 2, date(2026, 5, 5))
    personas.secretary.language = "en"
    personas.secretary.save(update_fields=["language"])
    deadline_reminders_send(today=date(2026, 6, 1))
    english = Notification.objects.get(recipient=personas.secretary)
    chinese = Notification.objects.get(recipient=case.person)
    assert english.title.startswith("Talk with the applicant due on 2026-06-05")
    assert chinese.title.startswith("与申请人谈话")


def test_reminders_link_the_committee_to_the_case_and_the_person_to_their_timeline(tree, personas):
    from django.urls import reverse

    case = helpers.case_row(tree.branch_a1, 2, date(2026, 5, 5))
    deadline_reminders_send(today=date(2026, 6, 1))
    assert Notification.objects.get(recipient=personas.secretary).url == reverse(
        "development:case", args=[case.pk]
    )
    assert Notification.objects.get(recipient=case.person).url == reverse("development:my_case")


def test_the_lead_days_are_a_local_rule(tree, personas):
    helpers.case_row(tree.branch_a1, 2, date(2026, 5, 15))  # due on 15 June
    assert deadline_reminders_send(today=date(2026, 6, 1)) == 0
    DevelopmentConfig.objects.create(root_unit=tree.university, parameters={"reminder_lead_days": 14})
    assert deadline_reminders_send(today=date(2026, 6, 1)) == 2


def test_the_reminder_task_runs_daily_from_the_scheduler(tree, personas, time_machine):
    assert REMINDERS_JOB in {job.name for job in registered_jobs()}
    helpers.case_row(tree.branch_a1, 2, date(2026, 5, 5))
    time_machine.move_to(helpers.at(date(2026, 6, 1)), tick=False)
    result = send_deadline_reminders.enqueue()
    assert result.return_value == 2


def test_a_university_sets_its_own_local_rules(tree, personas, clock):
    assert queries.local_rules_for(tree.branch_a1) == LocalRules()
    DevelopmentConfig.objects.create(
        root_unit=tree.university, parameters={"months_application_to_activist": 3}
    )
    assert queries.local_rules_for(tree.branch_a1).months_application_to_activist == 3
    case = helpers.drive(personas, helpers.open_case(personas, helpers.make_applicant(tree.branch_a1)), 3)
    services.step_record(
        actor=personas.secretary, case=case, step=3, data={"date": date(2024, 9, 3), "method": "league"}
    )
    assert DevelopmentCase.objects.get(pk=case.pk).current_step == 4


@pytest.mark.parametrize(
    "parameters",
    [
        {"months_application_to_activist": -1},
        {"months_application_to_activist": "6"},
        {"public_notice_working_days": True},
        {"colour": 3},
        {"admission_batch_months": [13]},
        {"admission_batch_months": []},
        ["not", "an", "object"],
    ],
)
def test_invalid_local_rules_are_refused(tree, parameters):
    config = DevelopmentConfig(root_unit=tree.university, parameters=parameters)
    with pytest.raises(ValidationError):
        config.full_clean()


def test_local_rules_belong_to_a_university(tree):
    with pytest.raises(ValidationError):
        DevelopmentConfig(root_unit=tree.college_a, parameters={}).full_clean()
    DevelopmentConfig(root_unit=tree.university, parameters={"admission_batch_months": [6, 12]}).full_clean()


def test_the_admin_shows_every_model_and_edits_only_batches_and_rules(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 4)
    client.force_login(personas.system_admin)
    for model in (
        "developmentcase",
        "steprecord",
        "stepdocument",
        "ruleexception",
        "vote",
        "assessment",
        "thoughtreport",
        "casereturn",
        "publicnotice",
        "batch",
        "developmentconfig",
    ):
        assert client.get(reverse(f"admin:development_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:development_developmentcase_change", args=[case.pk])).status_code == 200
    assert client.get(reverse("admin:development_steprecord_add")).status_code == 403
    assert client.get(reverse("admin:development_developmentconfig_add")).status_code == 200
