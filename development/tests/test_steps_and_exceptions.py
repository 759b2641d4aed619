"""Recording steps: order, rules, exceptions that stay, warnings, documents and the application."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from core.errors import DomainError, FieldErrors
from core.models import AuditEvent
from development import queries, services, steps
from development.models import RuleException, StepRecord
from development.services import RuleViolation
from development.step_data import clean_step_data
from development.tests import helpers
from orgs.models import Membership, PartyStatus

pytestmark = pytest.mark.django_db


def codes(error: RuleViolation) -> list[str]:
    return [v.code for v in error.violations]


# --- Definitions ------------------------------------------------------------------------------------


def test_there_are_25_steps_in_order_over_5_stages():
    assert [s.number for s in steps.STEPS] == list(range(1, 26))
    assert [steps.stage_steps(stage) for stage in range(1, 6)] == [
        (1, 2),
        (3, 6),
        (7, 11),
        (12, 18),
        (19, 25),
    ]
    assert {s.number for s in steps.STEPS if s.ongoing} == {6, 21}
    assert {s.number for s in steps.STEPS if s.is_higher_committee_step} == {13, 16, 17, 18, 24, 25}
    assert len({s.code for s in steps.STEPS}) == 25


def test_a_steps_data_is_validated_field_by_field():
    with pytest.raises(FieldErrors) as refused:
        clean_step_data(
            steps.get(9), {"date": "2026-01-01", "introducers": "x", "colour": "red"}, today=date(2026, 6, 1)
        )
    assert set(refused.value.fields) == {"introducers", "colour"}
    with pytest.raises(FieldErrors) as refused:
        clean_step_data(steps.get(2), {"date": "2026-07-01", "talker": 3}, today=date(2026, 6, 1))
    assert set(refused.value.fields) == {"date"}
    cleaned = clean_step_data(
        steps.get(11), {"date": "2026-01-01", "class_hours": "24"}, today=date(2026, 6, 1)
    )
    assert cleaned == {"date": date(2026, 1, 1), "class_hours": 24}


# --- Applying -----------------------------------------------------------------------------------------


def test_a_student_applies_online_on_the_day_and_becomes_an_applicant(tree, personas, clock, applicant):
    clock.set(date(2026, 9, 1))
    case = services.case_apply(actor=applicant)
    assert (case.branch, case.opened_on, case.current_step) == (tree.branch_a1, date(2026, 9, 1), 2)
    assert Membership.objects.get(person=applicant).party_status == PartyStatus.APPLICANT
    assert AuditEvent.objects.filter(action="development.case.apply", object_id=str(case.pk)).exists()


def test_a_17_year_old_cannot_apply_even_with_an_exception(tree, personas, clock):
    clock.set(date(2026, 6, 14))
    young = helpers.make_applicant(tree.branch_a1, birth_date=date(2008, 6, 15))
    with pytest.raises(RuleViolation) as refused:
        services.case_apply(actor=young)
    assert codes(refused.value) == ["application.min_age"]
    with pytest.raises(RuleViolation):
        services.case_apply(
            actor=personas.college_officer,
            person=young,
            received_on=date(2026, 6, 14),
            exception_reason="特殊",
        )
    clock.set(date(2026, 6, 15))
    assert services.case_apply(actor=young).current_step == 2


def test_someone_outside_any_branch_or_with_an_open_case_cannot_apply(tree, personas, clock, applicant):
    with pytest.raises(DomainError) as refused:
        services.case_apply(actor=personas.college_officer)
    assert refused.value.code == "no_branch"
    services.case_apply(actor=applicant)
    with pytest.raises(DomainError) as refused:
        services.case_apply(actor=applicant)
    assert refused.value.code == "case_already_open"
    with pytest.raises(DomainError) as refused:
        services.case_apply(actor=personas.secretary)  # a full member
    assert refused.value.code == "already_member"


def test_a_paper_application_keeps_its_letter(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    letter = helpers.upload(personas.secretary, case)
    record = services.step_add_documents(
        actor=personas.secretary, case=case, step=1, documents=[("application_letter", letter)]
    )
    assert list(record.documents.all()) == [letter]
    timeline = queries.case_timeline(case)
    assert timeline.entries[0].missing_documents == []


# --- Order ----------------------------------------------------------------------------------------------


def test_a_step_out_of_order_is_refused_with_the_step_to_record(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    with pytest.raises(RuleViolation) as refused:
        services.step_record(actor=personas.secretary, case=case, step=3, data=helpers.step_data(personas, 3))
    assert codes(refused.value) == ["steps.order"]
    assert refused.value.violations[0].params == {"expected": 2, "step": 3}
    assert not StepRecord.objects.filter(case=case, step=3).exists()


def test_a_step_cannot_be_recorded_twice(tree, personas, clock, applicant):
    case = helpers.drive(personas, helpers.open_case(personas, applicant), 3)
    with pytest.raises(DomainError) as refused:
        services.step_record(actor=personas.secretary, case=case, step=2, data=helpers.step_data(personas, 2))
    assert refused.value.code == "step_already_recorded"


def test_recording_the_step_after_an_ongoing_one_completes_it(tree, personas, clock, applicant):
    case = helpers.drive(personas, helpers.open_case(personas, applicant), 8)
    education = StepRecord.objects.get(case=case, step=6)
    assert education.date == helpers.DATES[7]
    assert education.data == {"assessments": 2, "thought_reports": 4}


def test_votes_and_the_application_have_their_own_services(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    for step, code in ((1, "step_by_application"), (15, "step_by_vote"), (23, "step_by_vote")):
        with pytest.raises(DomainError) as refused:
            services.step_record(
                actor=personas.secretary, case=case, step=step, data={"date": date(2025, 1, 1)}
            )
        assert refused.value.code == code


# --- Exceptions -------------------------------------------------------------------------------------------


def late_talk(personas, case):
    return {"date": date(2024, 7, 4), "talker": personas.secretary.pk}  # the application came on 3 June


def test_a_late_talk_is_refused_naming_the_rule_its_source_and_dates(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    with pytest.raises(RuleViolation) as refused:
        services.step_record(actor=personas.secretary, case=case, step=2, data=late_talk(personas, case))
    (violation,) = refused.value.violations
    assert violation.code == "application.talk_within_one_month"
    assert violation.dates == {
        "received_on": date(2024, 6, 3),
        "deadline": date(2024, 7, 3),
        "talk_on": date(2024, 7, 4),
    }
    with translation.override("en"):
        assert violation.as_dict()["source"].endswith("article 7")
        assert "2024-07-03" in refused.value.as_dicts()[0]["message"]


def test_a_branch_secretary_may_not_record_an_exception(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    with pytest.raises(PermissionDenied):
        services.step_record(
            actor=personas.secretary,
            case=case,
            step=2,
            data=late_talk(personas, case),
            exception_reason="书记出差",
        )
    assert not RuleException.objects.exists()


def test_a_college_officer_records_the_exception_and_it_stays_in_the_dossier(
    tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    record = services.step_record(
        actor=personas.college_officer,
        case=case,
        step=2,
        data=late_talk(personas, case),
        exception_reason="支部书记外出学习，经学院党委同意延期谈话",
    )
    exception = RuleException.objects.get()
    assert (exception.case, exception.step, exception.step_record) == (case, 2, record)
    assert exception.rule_code == "application.talk_within_one_month"
    assert exception.params == {
        "received_on": "2024-06-03",
        "deadline": "2024-07-03",
        "talk_on": "2024-07-04",
    }
    assert exception.recorded_by == personas.college_officer
    assert exception.authority == "组织员 · 甲学院党委"
    assert exception.position.position_type.code == "college_organiser"
    with pytest.raises(ValueError, match="append-only"):
        exception.delete()
    with pytest.raises(ValueError, match="append-only"):
        exception.save()
    entry = queries.case_timeline(case).entries[1]
    assert entry.record == record and entry.exceptions == [exception]
    event = AuditEvent.objects.get(action="development.step.record", object_id=str(case.pk), data__step=2)
    assert event.data["exceptions"] == ["application.talk_within_one_month"]


def test_an_exception_reason_without_a_broken_rule_writes_no_exception(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    services.step_record(
        actor=personas.college_officer,
        case=case,
        step=2,
        data=helpers.step_data(personas, 2),
        exception_reason="无",
    )
    assert not RuleException.objects.exists()


def test_an_out_of_order_step_with_an_exception_leaves_the_skipped_steps_visible(
    tree, personas, clock, applicant
):
    case = helpers.drive(personas, helpers.open_case(personas, applicant), 4)
    services.step_record(
        actor=personas.college_officer,
        case=case,
        step=5,
        data=helpers.step_data(personas, 5),
        exception_reason="上级党委备案材料补报中",
    )
    case.refresh_from_db()
    assert case.current_step == 6
    states = {entry.definition.number: entry.state for entry in queries.case_timeline(case).entries}
    assert states[4] == "skipped" and states[5] == "done" and states[6] == "current"
    assert RuleException.objects.get().rule_code == "steps.order"


def test_a_step_breaking_a_rule_that_allows_no_exception_is_refused_even_to_an_officer(
    tree, personas, clock, applicant
):
    case = helpers.drive(personas, helpers.open_case(personas, applicant), 15)
    helpers.publish_notice(personas, case)
    with pytest.raises(RuleViolation) as refused:
        services.vote_record(
            actor=personas.college_officer,
            case=case,
            meeting_on=helpers.DATES[15],
            members_with_voting_rights=10,
            attended=5,
            yes=5,
            no=0,
            abstain=0,
            exception_reason="人数不足",
        )
    assert codes(refused.value) == ["vote.quorum"] and not refused.value.waivable


def test_a_warning_is_kept_with_the_step_and_not_refused(tree, personas, clock):
    person = helpers.make_applicant(tree.branch_a1)
    Membership.objects.filter(person=person).update(league_member=True)
    case = helpers.drive(personas, helpers.open_case(personas, person), 4)
    record = StepRecord.objects.get(case=case, step=3)
    assert record.warnings == [{"code": "activist.league_recommendation", "params": {"on": "2024-12-05"}}]
    (entry,) = [e for e in queries.case_timeline(case).entries if e.definition.number == 3]
    assert [w.code for w in entry.warnings] == ["activist.league_recommendation"]


@pytest.mark.parametrize(
    ("introducer", "code"),
    [
        ("probationary", "target.introducer_full_member"),
        ("party_probation", "target.introducer_not_on_party_probation"),
    ],
)
def test_an_introducer_who_is_probationary_or_under_party_probation_is_refused(
    tree, personas, clock, introducer, code
):
    case = helpers.new_case_at(personas, tree.branch_a1, 9)
    if introducer == "probationary":
        other = helpers.make_member(tree.branch_a1, PartyStatus.PROBATIONARY)
    else:
        other = helpers.make_member(tree.branch_a1)
        Membership.objects.filter(person=other).update(on_party_probation=True)
    data = {"date": helpers.DATES[9], "introducers": [personas.secretary.pk, other.pk]}
    with pytest.raises(RuleViolation) as refused:
        services.step_record(actor=personas.secretary, case=case, step=9, data=data)
    assert codes(refused.value) == [code]
    assert refused.value.violations[0].params["person"] == other.name


def test_a_talker_without_a_committee_position_is_refused(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    data = {"date": helpers.DATES[2], "talker": personas.propaganda.pk}
    with pytest.raises(RuleViolation) as refused:
        services.step_record(actor=personas.secretary, case=case, step=2, data=data)
    assert codes(refused.value) == ["application.talker_position"]


def test_a_person_who_does_not_exist_is_a_field_error(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    with pytest.raises(FieldErrors) as refused:
        services.step_record(
            actor=personas.secretary, case=case, step=2, data={"date": helpers.DATES[2], "talker": 999999}
        )
    assert set(refused.value.fields) == {"talker"}


def test_documents_of_another_persons_dossier_are_refused(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 2)
    other = helpers.new_case_at(personas, tree.branch_a1, 2)
    document = helpers.upload(personas.secretary, other)
    with pytest.raises(FieldErrors):
        services.step_record(
            actor=personas.secretary,
            case=case,
            step=2,
            data=helpers.step_data(personas, 2),
            documents=[("talk_record", document)],
        )
