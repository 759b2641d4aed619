"""One person's whole journey, from the application to the archived dossier, with the clock moving
through the two and a half years it takes: every step on its day, statuses changing as they should."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import AuditEvent
from development import queries, services
from development.models import CaseStatus, RuleException, StepRecord, Vote
from development.tests import helpers
from orgs.models import Membership, PartyStatus, StatusChange

pytestmark = pytest.mark.django_db


def status_of(person) -> tuple[str, date | None]:
    membership = Membership.objects.get(person=person)
    return membership.party_status, membership.status_since


def test_a_student_goes_from_application_to_full_member(tree, personas, clock, applicant):
    clock.set(helpers.DATES[1])
    case = services.case_apply(actor=applicant, written_on=date(2024, 6, 1))
    assert case.current_step == 2 and case.opened_on == helpers.DATES[1]
    assert status_of(applicant) == (PartyStatus.APPLICANT, helpers.DATES[1])

    for step in sorted(helpers.DATES):
        if step == 1:
            continue
        # Assessments and reports are recorded on their own days, before the step that needs them.
        if step == 7:
            for day in sorted(helpers.ACTIVIST_ASSESSMENTS + helpers.ACTIVIST_REPORTS):
                clock.set(day)
                if day in helpers.ACTIVIST_ASSESSMENTS:
                    helpers.assess(personas, case, [day])
                else:
                    helpers.report(personas, case, [day])
        if step == 22:
            for day in sorted(helpers.PROBATION_ASSESSMENTS + helpers.PROBATION_REPORTS):
                clock.set(day)
                if day in helpers.PROBATION_ASSESSMENTS:
                    helpers.assess(personas, case, [day])
                else:
                    helpers.report(personas, case, [day])
        if step == 15:
            clock.set(helpers.NOTICE[0])
            helpers.publish_notice(personas, case)
        clock.set(helpers.DATES[step])
        if step == 15:
            services.vote_record(
                actor=personas.secretary, case=case, meeting_on=helpers.DATES[15], **helpers.VOTE
            )
        elif step == 23:
            services.vote_record(
                actor=personas.secretary,
                case=case,
                meeting_on=helpers.DATES[23],
                proposal="convert",
                **helpers.VOTE,
            )
        elif step in (13, 17, 24):
            services.case_approve(actor=personas.college_officer, case=case, approved_on=helpers.DATES[step])
        else:
            services.step_record(
                actor=helpers.actor_for(personas, step),
                case=case,
                step=step,
                data=helpers.step_data(personas, step),
            )
        case.refresh_from_db()
        if step == 3:
            assert status_of(applicant) == (PartyStatus.ACTIVIST, helpers.DATES[3])
        if step == 7:
            assert status_of(applicant) == (PartyStatus.TARGET, helpers.DATES[7])
        if step == 15:
            # Voted in, but a probationary member only once the higher committee approves.
            assert status_of(applicant)[0] == PartyStatus.TARGET
            assert case.probation_start == helpers.DATES[15]
            assert case.probation_end == date(2027, 3, 20)
        if step == 17:
            # ... and then from the day of the branch meeting, not the day of the approval.
            assert status_of(applicant) == (PartyStatus.PROBATIONARY, helpers.DATES[15])
        if step == 24:
            assert status_of(applicant) == (PartyStatus.FULL, date(2027, 3, 20))
            assert case.converted_on == date(2027, 3, 20)

    assert case.status == CaseStatus.CONVERTED
    assert case.closed_on == helpers.DATES[25]
    assert sorted(StepRecord.objects.filter(case=case).values_list("step", flat=True)) == list(range(1, 26))
    assert not RuleException.objects.exists()
    assert Vote.objects.filter(case=case, result=Vote.Result.PASSED).count() == 2
    changes = list(StatusChange.objects.filter(person=applicant).order_by("changed_on", "id"))
    assert [c.to_status for c in changes] == ["applicant", "activist", "target", "probationary", "full"]
    assert (
        AuditEvent.objects.filter(action="orgs.member.set_status", object_id=str(applicant.pk)).count() == 5
    )
    assert AuditEvent.objects.filter(action__startswith="development.", object_id=str(case.pk)).count() >= 24

    timeline = queries.case_timeline(case)
    assert [entry.definition.number for entry in timeline.entries] == list(range(1, 26))
    assert all(entry.state == "done" for entry in timeline.entries)
    assert timeline.recordable is None and timeline.deadlines == []
