"""The permission matrix of every service: out of scope 404, in scope without the right 403, the
rightful person allowed. One case per persona and service."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from archive.permissions import can_read_document
from core.models import AuditEvent
from development import permissions, queries, services, services_batches
from development.models import BatchKind, DevelopmentCase
from development.tests import helpers
from orgs.models import PositionType

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return FORBIDDEN
    return OK


def case_at(personas, tree, step: int) -> DevelopmentCase:
    return helpers.new_case_at(personas, tree.branch_a1, step)


# Each service: the step its case must be at, the call, and the expected outcome per persona.
SERVICES = {
    "case_apply for another": (
        None,
        lambda p, t, case: services.case_apply(
            actor=p.actor, person=helpers.make_applicant(t.branch_a1), received_on=date(2026, 1, 5)
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "college_officer": FORBIDDEN, "secretary": OK},
    ),
    "step_record of the branch": (
        2,
        lambda p, t, case: services.step_record(
            actor=p.actor, case=case, step=2, data=helpers.step_data(p, 2)
        ),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "college_officer": FORBIDDEN,
            "secretary": OK,
            "system_admin": OK,
        },
    ),
    "case_approve (pre-review)": (
        13,
        lambda p, t, case: services.case_approve(actor=p.actor, case=case, approved_on=helpers.DATES[13]),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "secretary": FORBIDDEN,
            "college_officer": OK,
            "university_admin": OK,
        },
    ),
    "vote_record": (
        15,
        lambda p, t, case: (
            helpers.publish_notice(p, case),
            services.vote_record(actor=p.actor, case=case, meeting_on=helpers.DATES[15], **helpers.VOTE),
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "college_officer": FORBIDDEN, "secretary": OK},
    ),
    "assessment_record": (
        6,
        lambda p, t, case: services.assessment_record(
            actor=p.actor,
            case=case,
            assessed_on=date(2025, 3, 1),
            period="2025 春",
            assessor=p.propaganda,
            result="good",
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "college_officer": FORBIDDEN, "secretary": OK},
    ),
    "thought_report_record": (
        6,
        lambda p, t, case: services.thought_report_record(
            actor=p.actor, case=case, received_on=date(2025, 3, 1)
        ),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "college_officer": FORBIDDEN,
            "secretary": OK,
            "owner": OK,
        },
    ),
    "case_return": (
        13,
        lambda p, t, case: services.case_return(actor=p.actor, case=case, reason="材料不全"),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "secretary": FORBIDDEN, "college_officer": OK},
    ),
    "case_cancel": (
        3,
        lambda p, t, case: services.case_cancel(actor=p.actor, case=case, reason="本人表现不符合要求"),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "owner": FORBIDDEN,
            "secretary": OK,
            "college_officer": OK,
        },
    ),
    "case_cancel as a withdrawal": (
        3,
        lambda p, t, case: services.case_cancel(
            actor=p.actor, case=case, reason="本人申请撤回", withdrawn=True
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "owner": OK, "secretary": OK},
    ),
    "case_transfer_out": (
        3,
        lambda p, t, case: services.case_transfer_out(actor=p.actor, case=case, destination="某大学党委"),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "college_officer": FORBIDDEN, "secretary": OK},
    ),
    "case_transfer_in": (
        None,
        lambda p, t, case: services.case_transfer_in(
            actor=p.actor,
            person=helpers.make_applicant(t.branch_a1),
            history={1: date(2025, 1, 5), 2: date(2025, 1, 20)},
            transferred_in_from="某大学某支部",
            letter_number="转字〔2025〕1号",
            received_on=date(2025, 2, 1),
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "college_officer": FORBIDDEN, "secretary": OK},
    ),
    "dossier_record_view": (
        2,
        lambda p, t, case: services.dossier_record_view(actor=p.actor, case=case),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "owner": OK,
            "secretary": OK,
            "university_admin": OK,
        },
    ),
    "case_document_upload": (
        2,
        lambda p, t, case: helpers.upload(p.actor, case),
        {
            "outsider": NOT_FOUND,
            "propaganda": FORBIDDEN,
            "owner": FORBIDDEN,
            "secretary": OK,
            "college_officer": OK,
        },
    ),
    "batch_open": (
        None,
        lambda p, t, case: services_batches.batch_open(
            actor=p.actor,
            unit=t.branch_a1,
            name="2026年秋季发展对象",
            kind=BatchKind.TARGETS,
            semester="2026 秋",
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "secretary": OK, "college_officer": OK},
    ),
    "public_notice_publish": (
        14,
        lambda p, t, case: services_batches.public_notice_publish(
            actor=p.actor, cases=[case], starts_on=helpers.NOTICE[0], ends_on=helpers.NOTICE[1]
        ),
        {"outsider": NOT_FOUND, "propaganda": FORBIDDEN, "secretary": OK, "college_officer": OK},
    ),
}


def matrix():
    for name, (_step, _call, expected) in SERVICES.items():
        for persona, result in expected.items():
            yield pytest.param(name, persona, result, id=f"{name}-{persona}")


@pytest.mark.parametrize(("service", "persona", "expected"), list(matrix()))
def test_each_service_answers_each_persona(tree, personas, clock, service, persona, expected):
    step, call, _expected = SERVICES[service]
    case = case_at(personas, tree, step) if step else None
    personas.actor = case.person if persona == "owner" else getattr(personas, persona)
    assert outcome(lambda: call(personas, tree, case)) == expected


def test_a_person_always_sees_their_own_case_and_no_one_elses(tree, personas, clock):
    case = case_at(personas, tree, 2)
    other = case_at(personas, tree, 2)
    assert list(queries.cases_visible_to(case.person)) == [case]
    assert queries.case_for(case.person, case.pk) == case
    with pytest.raises(Http404):
        queries.case_for(case.person, other.pk)
    assert queries.my_case(case.person) == case


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("outsider", NOT_FOUND),
        ("student", NOT_FOUND),
        ("activist", NOT_FOUND),
        ("propaganda", OK),
        ("secretary", OK),
        ("college_officer", OK),
        ("university_admin", OK),
        ("system_admin", OK),
    ],
)
def test_a_case_is_seen_by_its_branch_committee_and_the_committees_above(
    tree, personas, clock, persona, expected
):
    case = case_at(personas, tree, 2)
    assert outcome(lambda: queries.case_for(getattr(personas, persona), case.pk)) == expected


def test_a_case_in_scope_without_the_right_to_see_cases_is_forbidden(tree, personas, clock):
    case = case_at(personas, tree, 2)
    propaganda = PositionType.objects.get(code="propaganda_member")
    propaganda.capabilities = [c for c in propaganda.capabilities if c != "development.view_cases"]
    propaganda.save()
    personas.propaganda.refresh_from_db()
    assert outcome(lambda: queries.case_for(personas.propaganda, case.pk)) == FORBIDDEN


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("outsider", False),
        ("propaganda", False),
        ("secretary", True),
        ("college_officer", True),
        ("university_admin", True),
    ],
)
def test_the_dossier_is_open_to_the_secretary_and_the_committees_above(
    tree, personas, clock, persona, allowed
):
    case = case_at(personas, tree, 2)
    assert permissions.can_view_dossier(getattr(personas, persona), case) is allowed
    assert permissions.can_view_dossier(case.person, case) is False


def test_every_opening_of_a_dossier_is_audited(tree, personas, clock):
    case = case_at(personas, tree, 2)
    services.dossier_record_view(actor=personas.college_officer, case=case, kind="pdf")
    event = AuditEvent.objects.get(action="development.dossier.read")
    assert (event.actor, event.object_id, event.unit_id, event.data) == (
        personas.college_officer,
        str(case.pk),
        tree.branch_a1.pk,
        {"kind": "pdf"},
    )


def test_dossier_documents_are_read_by_dossier_readers_and_the_uploader(tree, personas, clock):
    case = case_at(personas, tree, 2)
    document = helpers.upload(personas.secretary, case, "政审结论")
    assert can_read_document(personas.secretary, document)
    assert can_read_document(personas.college_officer, document)
    assert not can_read_document(personas.propaganda, document)
    assert not can_read_document(personas.outsider, document)
    # The person reads what they handed in themselves, not what others wrote about them.
    assert not can_read_document(case.person, document)
    assert document.retain_until == date(9999, 12, 31)


def test_the_standard_position_types_hold_the_development_capabilities(db):
    def caps(code: str) -> set[str]:
        return {c for c in PositionType.objects.get(code=code).capabilities if c.startswith("development.")}

    assert caps("secretary") == {
        "development.view_cases",
        "development.record_steps",
        "development.view_dossier",
    }
    assert caps("deputy_secretary") == {"development.view_cases", "development.record_steps"}
    assert caps("organisation_member") == {
        "development.view_cases",
        "development.record_steps",
        "development.view_dossier",
    }
    assert caps("propaganda_member") == {"development.view_cases"}
    officer = {
        "development.view_cases",
        "development.approve",
        "development.record_exception",
        "development.view_dossier",
    }
    for code in ("college_organiser", "committee_secretary", "committee_deputy", "org_department_admin"):
        assert caps(code) == officer
    assert caps("group_leader") == set()
