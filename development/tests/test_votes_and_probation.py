"""Votes, approvals, the probation and its three outcomes, returns, cancellation and transfers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.errors import DomainError, FieldErrors
from core.models import Holiday
from development import queries, services, services_batches
from development.models import BatchKind, CaseReturn, CaseStatus, RuleException, StepRecord, Vote
from development.services import CandidateVote, RuleViolation
from development.tests import helpers
from orgs.models import Membership, PartyStatus
from orgs.tests.factories import appoint

pytestmark = pytest.mark.django_db


def codes(error: RuleViolation) -> list[str]:
    return [v.code for v in error.violations]


def vote(personas, case, *, yes, members=10, attended=8, written=0, on=None, **extra):
    return services.vote_record(
        actor=personas.secretary,
        case=case,
        meeting_on=on or helpers.DATES[15],
        members_with_voting_rights=members,
        attended=attended,
        written_opinions=written,
        yes=yes,
        no=0,
        abstain=0,
        **extra,
    )


@pytest.fixture
def at_meeting(tree, personas, clock):
    """A case at step 15 whose candidate was publicly announced."""
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    return case


# --- The admission meeting -----------------------------------------------------------------------------


def test_exactly_half_yes_fails_the_vote_which_stays_in_the_dossier(personas, at_meeting):
    failed = vote(personas, at_meeting, yes=5)
    at_meeting.refresh_from_db()
    assert failed.result == Vote.Result.FAILED
    assert at_meeting.current_step == 15 and at_meeting.probation_start is None
    assert not StepRecord.objects.filter(case=at_meeting, step=15).exists()
    assert queries.case_timeline(at_meeting).failed_votes == [failed]
    passed = vote(personas, at_meeting, yes=6, on=date(2026, 4, 3))
    at_meeting.refresh_from_db()
    assert passed.result == Vote.Result.PASSED
    assert (at_meeting.current_step, at_meeting.probation_start) == (16, date(2026, 4, 3))
    record = StepRecord.objects.get(case=at_meeting, step=15)
    assert record.data["vote_id"] == passed.pk and record.data["yes"] == 6


def test_written_opinions_of_absentees_carry_a_vote(personas, at_meeting):
    # Seven present of twelve; two absentees sent a written yes: 7 yes in all, more than 6.
    result = vote(personas, at_meeting, yes=7, members=12, attended=7, written=2)
    assert result.result == Vote.Result.PASSED


def test_a_meeting_of_exactly_half_has_no_quorum_and_nothing_is_recorded(personas, at_meeting):
    with pytest.raises(RuleViolation) as refused:
        vote(personas, at_meeting, yes=5, attended=5)
    assert codes(refused.value) == ["vote.quorum"]
    assert not Vote.objects.exists()


def test_counts_that_do_not_add_up_are_field_errors(personas, at_meeting):
    with pytest.raises(FieldErrors) as refused:
        vote(personas, at_meeting, yes=9, attended=8)
    assert set(refused.value.fields) == {"yes"}
    with pytest.raises(FieldErrors) as refused:
        vote(personas, at_meeting, yes=5, attended=11)
    assert set(refused.value.fields) == {"attended"}
    with pytest.raises(FieldErrors) as refused:
        vote(personas, at_meeting, yes=5, attended=8, written=3)
    assert set(refused.value.fields) == {"written_opinions"}


def test_a_meeting_without_a_public_notice_is_refused(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    with pytest.raises(RuleViolation) as refused:
        vote(personas, case, yes=8)
    assert codes(refused.value) == ["admission.public_notice"]


def test_a_holiday_in_the_notice_makes_it_one_working_day_short(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    Holiday.objects.create(day=date(2026, 3, 11), name="测试假日")
    notice = helpers.publish_notice(personas, case)
    assert notice.working_days == 4
    with pytest.raises(RuleViolation) as refused:
        vote(personas, case, yes=8)
    assert codes(refused.value) == ["admission.public_notice"]
    # A Saturday worked instead (调休) makes up for it.
    Holiday.objects.create(day=date(2026, 3, 14), is_working_day=True, name="调休")
    helpers.publish_notice(personas, case, date(2026, 3, 9), date(2026, 3, 14))
    assert vote(personas, case, yes=8).passed


def test_an_expired_political_review_is_refused_at_the_meeting(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    services_batches.public_notice_publish(
        actor=personas.secretary, cases=[case], starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 8)
    )
    with pytest.raises(RuleViolation) as refused:
        vote(personas, case, yes=8, on=date(2027, 1, 11))  # the review of 9 January 2026 lapsed
    assert codes(refused.value) == ["admission.political_review_valid"]


# --- Approval ------------------------------------------------------------------------------------------


def test_approval_past_three_months_needs_an_exception_and_past_six_is_refused(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 17)  # meeting of 20 March 2026
    with pytest.raises(RuleViolation) as refused:
        services.case_approve(actor=personas.college_officer, case=case, approved_on=date(2026, 6, 21))
    assert codes(refused.value) == ["approval.within_three_months"]
    with pytest.raises(RuleViolation) as refused:
        services.case_approve(
            actor=personas.college_officer,
            case=case,
            approved_on=date(2026, 9, 21),
            exception_reason="延期审批",
        )
    assert "approval.within_six_months" in codes(refused.value)
    services.case_approve(
        actor=personas.college_officer,
        case=case,
        approved_on=date(2026, 6, 21),
        exception_reason="党委会议延期",
    )
    assert RuleException.objects.get().rule_code == "approval.within_three_months"
    membership = Membership.objects.get(person=case.person)
    assert (membership.party_status, membership.status_since) == (PartyStatus.PROBATIONARY, date(2026, 3, 20))


def test_a_returned_case_waits_for_the_branch_to_resubmit(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 13)
    with pytest.raises(FieldErrors):
        services.case_return(actor=personas.college_officer, case=case, reason="  ")
    services.case_return(
        actor=personas.college_officer, case=case, reason="政审材料缺少签章", returned_on=date(2026, 3, 2)
    )
    with pytest.raises(DomainError) as refused:
        services.case_approve(actor=personas.college_officer, case=case, approved_on=helpers.DATES[13])
    assert refused.value.code == "case_returned"
    services.case_resubmit(actor=personas.secretary, case=case, note="已补签章")
    services.case_approve(actor=personas.college_officer, case=case, approved_on=helpers.DATES[13])
    returned = CaseReturn.objects.get()
    assert (returned.step, returned.resubmitted_by, returned.resubmit_note) == (
        13,
        personas.secretary,
        "已补签章",
    )
    assert queries.case_timeline(case).returns == [returned]


def test_only_the_higher_committees_steps_are_approved_or_returned(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 12)
    with pytest.raises(DomainError) as refused:
        services.case_approve(actor=personas.college_officer, case=case, approved_on=helpers.DATES[12])
    assert refused.value.code == "not_awaiting_approval"
    with pytest.raises(DomainError) as refused:
        services.case_return(actor=personas.college_officer, case=case, reason="不是上级党委的步骤")
    assert refused.value.code == "not_at_higher_committee"


# --- Probation outcomes --------------------------------------------------------------------------------


def conversion_vote(personas, case, proposal, months=None, on=helpers.DATES[23]):
    return vote(personas, case, yes=8, on=on, proposal=proposal, extension_months=months)


def test_the_conversion_meeting_waits_for_the_end_of_probation(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 23)
    with pytest.raises(RuleViolation) as refused:
        conversion_vote(personas, case, "convert", on=date(2027, 3, 19))
    assert codes(refused.value) == ["probation.conversion_not_before_end"]
    assert conversion_vote(personas, case, "convert", on=date(2027, 3, 20)).passed


@pytest.mark.parametrize(("months", "allowed"), [(5, False), (6, True), (12, True), (13, False)])
def test_an_extension_of_5_or_13_months_is_refused(tree, personas, clock, months, allowed):
    case = helpers.new_case_at(personas, tree.branch_a1, 23)
    if allowed:
        assert conversion_vote(personas, case, "extend", months).passed
    else:
        with pytest.raises(RuleViolation) as refused:
            conversion_vote(personas, case, "extend", months)
        assert codes(refused.value) == ["probation.extension_months"]


def test_an_extension_repeats_the_probation_steps_once_and_a_second_is_refused(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 23)
    conversion_vote(personas, case, "extend", 6, on=date(2027, 3, 20))
    services.case_extend_probation(actor=personas.college_officer, case=case, approved_on=date(2027, 4, 1))
    case.refresh_from_db()
    assert (case.current_step, case.probation_round, case.extended_once, case.extension_months) == (
        21,
        2,
        True,
        6,
    )
    assert case.probation_end == date(2027, 9, 20)
    assert Membership.objects.get(person=case.person).party_status == PartyStatus.PROBATIONARY
    helpers.assess(personas, case, [date(2027, 8, 1)])
    helpers.report(personas, case, [date(2027, 5, 20), date(2027, 8, 10)])
    services.step_record(actor=personas.secretary, case=case, step=22, data={"date": date(2027, 9, 1)})
    with pytest.raises(RuleViolation) as refused:
        conversion_vote(personas, case, "extend", 6, on=date(2027, 9, 20))
    assert codes(refused.value) == ["probation.extension_once"]
    with pytest.raises(RuleViolation):
        conversion_vote(personas, case, "convert", on=date(2027, 9, 19))
    conversion_vote(personas, case, "convert", on=date(2027, 9, 20))
    services.case_approve(actor=personas.college_officer, case=case, approved_on=date(2027, 10, 8))
    membership = Membership.objects.get(person=case.person)
    assert (membership.party_status, membership.status_since) == (PartyStatus.FULL, date(2027, 9, 20))
    rounds = sorted(StepRecord.objects.filter(case=case, step__gte=21).values_list("step", "probation_round"))
    assert rounds == [(21, 1), (21, 2), (22, 1), (22, 2), (23, 1), (23, 2), (24, 1), (24, 2)]
    timeline = queries.case_timeline(case)
    assert [(e.definition.number, e.probation_round, e.state) for e in timeline.entries][-9:] == [
        (21, 1, "done"),
        (22, 1, "done"),
        (23, 1, "done"),
        (24, 1, "done"),
        (21, 2, "done"),
        (22, 2, "done"),
        (23, 2, "done"),
        (24, 2, "done"),
        (25, 2, "current"),
    ]


def test_extending_needs_a_resolution_to_extend(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 24)
    with pytest.raises(DomainError) as refused:
        services.case_extend_probation(
            actor=personas.college_officer, case=case, approved_on=helpers.DATES[24]
        )
    assert refused.value.code == "no_extension_resolved"


def test_a_probation_is_cancelled_by_a_vote_at_any_time_and_the_case_closes(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 22)
    with pytest.raises(RuleViolation) as refused:
        services.case_cancel(actor=personas.secretary, case=case, reason="不合格")
    assert codes(refused.value) == ["probation.cancel_by_vote"]
    conversion_vote(personas, case, "cancel", on=date(2027, 1, 15))
    services.case_approve(actor=personas.college_officer, case=case, approved_on=date(2027, 2, 1))
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.CANCELLED, date(2027, 2, 1))
    assert Membership.objects.get(person=case.person).party_status == PartyStatus.NONE
    with pytest.raises(DomainError) as refused:
        services.step_record(
            actor=personas.college_officer, case=case, step=25, data={"date": date(2027, 2, 2)}
        )
    assert refused.value.code == "case_closed"


# --- Ending and moving cases ---------------------------------------------------------------------------


def test_an_applicant_withdraws_and_may_apply_again(tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    services.case_cancel(actor=applicant, case=case, reason="个人原因", withdrawn=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert Membership.objects.get(person=applicant).party_status == PartyStatus.NONE
    assert services.case_apply(actor=applicant).status == CaseStatus.OPEN


def test_a_transfer_out_closes_the_case_with_its_destination(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 9)
    with pytest.raises(FieldErrors):
        services.case_transfer_out(actor=personas.secretary, case=case, destination=" ")
    services.case_transfer_out(
        actor=personas.secretary, case=case, destination="某某大学化学学院党委", on=date(2026, 1, 1)
    )
    case.refresh_from_db()
    assert (case.status, case.destination, case.closed_on) == (
        CaseStatus.TRANSFERRED_OUT,
        "某某大学化学学院党委",
        date(2026, 1, 1),
    )
    assert Membership.objects.get(person=case.person).party_status == PartyStatus.TARGET


def test_a_transfer_out_waits_until_dues_are_paid_up_to_its_month(tree, personas, clock):
    from dues.models import DuesCategory
    from dues.services import PaymentEntry, dues_base_set, payments_record

    case = helpers.new_case_at(personas, tree.branch_a1, 9)
    dues_base_set(
        actor=personas.secretary,
        person=case.person,
        category=DuesCategory.UNDERGRADUATE,
        effective_month=date(2028, 3, 1),
    )
    with pytest.raises(DomainError) as refused:
        services.case_transfer_out(actor=personas.secretary, case=case, destination="某某大学党委")
    assert refused.value.code == "dues_not_paid"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    # March to May paid is not enough for a transfer in June; March to June is.
    payments_record(
        actor=personas.secretary,
        unit=tree.branch_a1,
        entries=[PaymentEntry(person_id=case.person_id, months=3)],
        idempotency_key="transfer-test-1",
    )
    with pytest.raises(DomainError):
        services.case_transfer_out(actor=personas.secretary, case=case, destination="某某大学党委")
    payments_record(
        actor=personas.secretary,
        unit=tree.branch_a1,
        entries=[PaymentEntry(person_id=case.person_id, months=1)],
        idempotency_key="transfer-test-2",
    )
    services.case_transfer_out(actor=personas.secretary, case=case, destination="某某大学党委")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED_OUT


def test_a_transferred_in_case_continues_from_its_history(tree, personas, clock):
    person = helpers.make_applicant(tree.branch_a1)
    history = {
        1: date(2024, 3, 1),
        2: date(2024, 3, 20),
        3: date(2024, 9, 10),
        4: date(2024, 9, 20),
        5: date(2024, 9, 20),
    }
    with pytest.raises(FieldErrors):
        services.case_transfer_in(
            actor=personas.secretary,
            person=person,
            history={2: date(2024, 1, 1)},
            transferred_in_from="x",
            letter_number="转字〔2025〕1号",
            received_on=date(2025, 2, 1),
        )
    with pytest.raises(FieldErrors):
        services.case_transfer_in(
            actor=personas.secretary,
            person=person,
            history={1: date(2024, 3, 1), 2: date(2024, 2, 1)},
            transferred_in_from="x",
            letter_number="转字〔2025〕1号",
            received_on=date(2025, 2, 1),
        )
    case = services.case_transfer_in(
        actor=personas.secretary,
        person=person,
        history=history,
        transferred_in_from="某大学数学学院第二党支部",
        letter_number="转字〔2025〕1号",
        received_on=date(2025, 2, 1),
    )
    assert (case.current_step, case.activist_on, case.transferred_in_from) == (
        6,
        date(2024, 9, 10),
        "某大学数学学院第二党支部",
    )
    assert StepRecord.objects.filter(case=case, transferred_in=True).count() == 5
    membership = Membership.objects.get(person=person)
    assert (membership.party_status, membership.status_since) == (PartyStatus.ACTIVIST, date(2024, 9, 10))
    timeline = queries.case_timeline(case)
    assert timeline.recordable.number == 7


# --- A batch meeting -----------------------------------------------------------------------------------


def test_a_batch_meeting_votes_each_candidate_separately_in_one_sitting(tree, personas, clock):
    first = helpers.new_case_at(personas, tree.branch_a1, 15)
    second = helpers.new_case_at(personas, tree.branch_a1, 15)
    batch = services_batches.batch_open(
        actor=personas.college_officer,
        unit=tree.college_a,
        name="2026年春季接收预备党员",
        kind=BatchKind.ADMISSION,
        semester="2026 春",
    )
    services_batches.batch_add_cases(actor=personas.college_officer, batch=batch, cases=[first, second])
    notice = services_batches.public_notice_publish(
        actor=personas.college_officer,
        batch=batch,
        cases=[first, second],
        starts_on=helpers.NOTICE[0],
        ends_on=helpers.NOTICE[1],
    )
    assert first.person.name in notice.text and notice.working_days == 5
    votes = services.batch_record_meeting(
        actor=personas.secretary,
        batch=batch,
        meeting_on=helpers.DATES[15],
        members_with_voting_rights=10,
        attended=8,
        candidates=[
            CandidateVote(first, yes=6, no=2, abstain=0),
            CandidateVote(second, yes=5, no=3, abstain=0),
        ],
    )
    assert [v.result for v in votes] == [Vote.Result.PASSED, Vote.Result.FAILED]
    assert all(v.batch == batch for v in votes)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_step, second.current_step) == (16, 15)


def test_a_batch_meeting_is_all_or_nothing(tree, personas, clock):
    first = helpers.new_case_at(personas, tree.branch_a1, 15)
    second = helpers.new_case_at(personas, tree.branch_a1, 15)
    batch = services_batches.batch_open(
        actor=personas.secretary,
        unit=tree.branch_a1,
        name="2026年春季接收",
        kind=BatchKind.ADMISSION,
        semester="2026 春",
    )
    services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[first, second])
    helpers.publish_notice(personas, first)  # the second candidate was never announced
    with pytest.raises(RuleViolation) as refused:
        services.batch_record_meeting(
            actor=personas.secretary,
            batch=batch,
            meeting_on=helpers.DATES[15],
            members_with_voting_rights=10,
            attended=8,
            candidates=[
                CandidateVote(first, yes=8, no=0, abstain=0),
                CandidateVote(second, yes=8, no=0, abstain=0),
            ],
        )
    assert [(v.code, v.params["case_id"]) for v in refused.value.violations] == [
        ("admission.public_notice", second.pk)
    ]
    assert not Vote.objects.exists()
    first.refresh_from_db()
    assert first.current_step == 15


def test_a_batch_takes_only_cases_of_its_unit_at_its_steps(tree, personas, clock):
    batch = services_batches.batch_open(
        actor=personas.secretary,
        unit=tree.branch_a1,
        name="2026年秋季发展对象",
        kind=BatchKind.TARGETS,
        semester="2026 秋",
    )
    too_early = helpers.new_case_at(personas, tree.branch_a1, 3)
    with pytest.raises(FieldErrors):
        services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[too_early])
    a2_secretary = helpers.make_member(tree.branch_a2)
    appoint(a2_secretary, tree.branch_a2, "secretary")
    elsewhere = helpers.new_case_at(replace(personas, secretary=a2_secretary), tree.branch_a2, 7)
    with pytest.raises(FieldErrors):
        services_batches.batch_add_cases(actor=personas.college_officer, batch=batch, cases=[elsewhere])
    ready = helpers.new_case_at(personas, tree.branch_a1, 7)
    services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[ready])
    services_batches.batch_close(actor=personas.secretary, batch=batch)
    with pytest.raises(DomainError):
        services_batches.batch_add_cases(actor=personas.secretary, batch=batch, cases=[ready])
    assert list(queries.cases_for(personas.secretary, batch_id=batch.pk)) == [ready]
