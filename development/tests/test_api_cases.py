"""The development API for cases: listing, timelines, my case, recording steps, approving, returning."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from accounts import services as account_services
from core.models import AuditEvent
from development import services
from development.models import DevelopmentCase, RuleException, StepRecord, Vote
from development.tests import helpers

pytestmark = pytest.mark.django_db

PERSONAS = [
    "outsider",
    "student",
    "propaganda",
    "secretary",
    "college_officer",
    "university_admin",
    "system_admin",
]


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **headers)


@pytest.fixture
def case(tree, personas, clock, applicant):
    """An applicant's case in branch A1, at step 2 (the talk)."""
    return helpers.open_case(personas, applicant)


def talk(personas, on: date = helpers.DATES[2]) -> dict:
    return {"step": 2, "data": {"date": on.isoformat(), "talker": personas.secretary.pk}}


# --- Listing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "listed"),
    [
        ("outsider", False),
        ("student", False),
        ("propaganda", True),
        ("secretary", True),
        ("college_officer", True),
        ("university_admin", True),
        ("system_admin", True),
    ],
)
def test_the_case_list_shows_only_the_cases_in_the_readers_scope(personas, case, persona, listed):
    response = client_for(getattr(personas, persona)).get("/api/v1/cases")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["items"]]
    assert ids == ([case.pk] if listed else [])


def test_a_case_row_says_where_the_case_stands(personas, case):
    [row] = client_for(personas.secretary).get("/api/v1/cases").json()["items"]
    assert row["person"] == {"id": case.person.pk, "number": case.person.number, "name": case.person.name}
    assert row["branch"]["id"] == case.branch_id
    assert (row["status"], row["stage"], row["current_step"], row["current_step_code"]) == (
        "open",
        1,
        2,
        "talk",
    )
    assert row["opened_on"] == helpers.DATES[1].isoformat()
    assert row["batch"] is None


def test_the_case_list_filters_by_stage_step_grade_unit_and_status(tree, personas, clock):
    early = helpers.new_case_at(personas, tree.branch_a1, 2)
    later = helpers.case_row(tree.branch_a2, 5, helpers.DATES[1], activist_on=helpers.DATES[3])
    later.person.grade = 2022
    later.person.save()
    client = client_for(personas.college_officer)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/cases?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    assert ids("") == [early.pk, later.pk]
    assert ids("stage=1") == [early.pk]
    assert ids("stage=2") == [later.pk]
    assert ids("step=5") == [later.pk]
    assert ids("grade=2022") == [later.pk]
    assert ids(f"unit={tree.branch_a1.pk}") == [early.pk]
    assert ids(f"unit={tree.branch_b1.pk}") == []
    assert ids("status=withdrawn") == []
    services.case_cancel(actor=personas.secretary, case=early, reason="不再申请", withdrawn=False)
    assert ids("") == [later.pk]
    assert ids("status=any") == [early.pk, later.pk]
    assert ids("status=closed_cancelled") == [early.pk]


def test_the_case_list_refuses_an_unknown_filter_value(personas, case):
    response = client_for(personas.secretary).get("/api/v1/cases?stage=6")
    assert response.status_code == 400
    assert "stage" in response.json()["error"]["fields"]


def test_the_case_list_costs_the_same_queries_whatever_its_length(
    tree, personas, clock, django_assert_num_queries
):
    client = client_for(personas.college_officer)
    helpers.new_case_at(personas, tree.branch_a1, 3)
    client.get("/api/v1/cases")  # warm the session
    with django_assert_num_queries(5) as one:
        assert client.get("/api/v1/cases").json()["count"] == 1
    for branch in (tree.branch_a1, tree.branch_a2, tree.branch_a2, tree.branch_a1):
        helpers.case_row(branch, 6, helpers.DATES[1])
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/cases").json()["count"] == 5


# --- One case ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 200),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_a_case_is_open_to_its_branch_and_the_committees_above(personas, case, persona, status):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"


def test_a_case_in_scope_without_the_right_to_see_cases_is_forbidden(tree, personas, case):
    from orgs.models import PositionType
    from orgs.tests.factories import appoint, make_person

    kind = PositionType.objects.create(code="viewer", name="只看组织", capabilities=["orgs.view_unit"])
    person = make_person(tree.branch_a1)
    appoint(person, tree.branch_a1, kind.code)
    response = client_for(person).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_an_unknown_case_is_not_found(personas, case):
    assert client_for(personas.system_admin).get("/api/v1/cases/999999").status_code == 404


def test_a_timeline_shows_the_steps_done_the_next_step_and_what_is_due(personas, case):
    body = client_for(personas.secretary).get(f"/api/v1/cases/{case.pk}").json()
    done = [step for step in body["steps"] if step["state"] == "done"]
    assert [(s["number"], s["date"], s["recorded_by"]["id"]) for s in done] == [
        (1, helpers.DATES[1].isoformat(), personas.secretary.pk)
    ]
    assert [s["state"] for s in body["steps"][:3]] == ["done", "current", "upcoming"]
    assert len(body["steps"]) == 25
    assert body["next_step"]["number"] == 2
    assert {field["name"] for field in body["next_step"]["fields"]} == {"talker", "summary"}
    assert body["next_due"] == {
        "code": "talk",
        "label": "Talk with the applicant",
        "due_on": "2024-07-03",
        "overdue": True,
    }
    assert {"kind": "document", "step": 1, "label": "Written application for party membership"} in body[
        "missing"
    ]
    assert {"kind": "field", "step": 2, "label": "Talked with by"} in body["missing"]


def test_the_full_dossier_is_shown_and_audited_only_for_its_readers(personas, case, clock):
    services.step_record(
        actor=personas.secretary,
        case=case,
        step=2,
        data=helpers.step_data(personas, 2) | {"summary": "谈话顺利"},
    )
    secretary = client_for(personas.secretary).get(f"/api/v1/cases/{case.pk}").json()
    talk_step = secretary["steps"][1]
    assert secretary["full_dossier"] is True
    assert talk_step["data"] == {"talker": personas.secretary.pk, "summary": "谈话顺利"}
    readings = AuditEvent.objects.filter(object_id=str(case.pk), data__kind="api")
    assert [event.actor for event in readings] == [personas.secretary]
    propaganda = client_for(personas.propaganda).get(f"/api/v1/cases/{case.pk}").json()
    assert propaganda["full_dossier"] is False
    assert propaganda["steps"][1]["data"] is None
    assert propaganda["steps"][1]["date"] == helpers.DATES[2].isoformat()
    assert readings.count() == 1


# --- My case ----------------------------------------------------------------------------------------


def test_my_case_is_my_own_timeline_without_the_dossier(personas, case):
    response = client_for(case.person).get("/api/v1/me/case")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["full_dossier"], body["current_step"]) == (case.pk, False, 2)
    assert all(step["data"] is None for step in body["steps"])
    assert client_for(case.person).get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_my_case_is_not_found_without_a_case(personas, case):
    response = client_for(personas.student).get("/api/v1/me/case")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_student_applies_online_and_sees_the_new_case(personas, clock, applicant):
    response = post(client_for(applicant), "/api/v1/me/case", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person"]["id"], body["current_step"], body["opened_on"]) == (applicant.pk, 2, "2028-06-01")
    assert [step["state"] for step in body["steps"][:2]] == ["done", "current"]
    again = post(client_for(applicant), "/api/v1/me/case", {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "case_already_open"


def test_an_applicant_under_18_is_refused_with_the_rule_and_its_dates(tree, personas, clock):
    young = helpers.make_applicant(tree.branch_a1, birth_date=date(2010, 6, 2))
    response = post(client_for(young), "/api/v1/me/case", {})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "rule_violation"
    [item] = error["violations"]
    assert item["code"] == "application.min_age"
    assert item["dates"] == {"applied_on": "2028-06-01", "adult_on": "2028-06-02"}
    assert (item["level"], item["scope"], item["waivable"]) == ("error", "national", False)
    assert "article 5" in item["source"]
    assert "2028-06-02" in item["message"]
    assert not DevelopmentCase.objects.filter(person=young).exists()


def test_someone_outside_any_branch_cannot_apply(personas, clock):
    response = post(client_for(personas.college_officer), "/api/v1/me/case", {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_branch"


# --- Recording a step -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 201),
        ("college_officer", 403),
        ("university_admin", 403),
        ("system_admin", 201),
    ],
)
def test_a_branch_step_is_recorded_by_those_who_record_the_branchs_steps(personas, case, persona, status):
    response = post(client_for(getattr(personas, persona)), f"/api/v1/cases/{case.pk}/steps", talk(personas))
    assert response.status_code == status, response.content
    assert StepRecord.objects.filter(case=case, step=2).exists() is (status == 201)


def test_the_person_cannot_record_steps_of_their_own_case(personas, case):
    response = post(client_for(case.person), f"/api/v1/cases/{case.pk}/steps", talk(personas))
    assert response.status_code == 403


def test_a_recorded_step_answers_with_the_record_and_the_case(personas, case):
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", talk(personas))
    body = response.json()
    assert body["recorded"] is True
    assert body["record"] == {
        "step": 2,
        "code": "talk",
        "name": "Talk with the applicant",
        "date": helpers.DATES[2].isoformat(),
        "probation_round": 1,
        "data": {"talker": personas.secretary.pk},
    }
    assert (body["case"]["current_step"], body["vote"], body["exceptions"]) == (3, None, [])


def test_a_refused_step_answers_409_with_each_rule_and_its_dates(personas, case):
    late = talk(personas, date(2024, 7, 5))  # the application was received on 3 June
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", late)
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["fields"]) == ("rule_violation", {})
    [item] = error["violations"]
    assert item["code"] == "application.talk_within_one_month"
    assert item["dates"] == {"received_on": "2024-06-03", "deadline": "2024-07-03", "talk_on": "2024-07-05"}
    assert item["params"] == item["dates"]
    assert (item["level"], item["waivable"], item["case_id"]) == ("error", True, None)
    assert "article 7" in item["source"]
    assert item["message"] in error["message"]
    assert not StepRecord.objects.filter(case=case, step=2).exists()


def test_a_refusal_speaks_the_callers_language(personas, case):
    late = talk(personas, date(2024, 7, 5))
    response = post(
        client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", late, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    [item] = response.json()["error"]["violations"]
    assert item["code"] == "application.talk_within_one_month"
    assert "2024-07-03" in item["message"]
    assert any("\u4e00" <= char <= "\u9fff" for char in item["message"])


def test_steps_unlock_in_order(personas, case):
    body = {"step": 4, "data": {"date": helpers.DATES[4].isoformat()}}
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", body)
    assert response.status_code == 409
    codes = [item["code"] for item in response.json()["error"]["violations"]]
    assert "steps.order" in codes


def test_a_college_officer_records_an_exception_that_stays_in_the_dossier(personas, case):
    late = talk(personas, date(2024, 7, 5)) | {"exception_reason": "申请人暑期实习，返校后谈话"}
    response = post(client_for(personas.college_officer), f"/api/v1/cases/{case.pk}/steps", late)
    assert response.status_code == 201, response.content
    [exception] = response.json()["exceptions"]
    assert exception["rule_code"] == "application.talk_within_one_month"
    assert exception["reason"] == "申请人暑期实习，返校后谈话"
    assert exception["recorded_by"]["id"] == personas.college_officer.pk
    assert exception["params"]["deadline"] == "2024-07-03"
    timeline = client_for(personas.propaganda).get(f"/api/v1/cases/{case.pk}").json()
    assert [item["rule_code"] for item in timeline["exceptions"]] == ["application.talk_within_one_month"]
    assert timeline["steps"][1]["exceptions"][0]["reason"] == "申请人暑期实习，返校后谈话"


def test_only_a_holder_of_the_exception_right_may_give_a_reason(personas, case):
    late = talk(personas, date(2024, 7, 5)) | {"exception_reason": "理由"}
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", late)
    assert response.status_code == 403
    assert not RuleException.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2024-06-20"}, "talker"),
        ({"date": "not a date", "talker": 1}, "date"),
        ({"date": "2024-06-20", "talker": 1, "colour": "red"}, "colour"),
    ],
)
def test_invalid_step_data_answers_400_naming_the_field(personas, case, data, field):
    response = post(
        client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", {"step": 2, "data": data}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_an_outsider_learns_nothing_from_invalid_data(personas, case):
    body = {"step": 15, "data": {"date": "garbage"}}
    response = post(client_for(personas.outsider), f"/api/v1/cases/{case.pk}/steps", body)
    assert response.status_code == 404


# --- Votes through the step endpoint ----------------------------------------------------------------


def vote_body(yes: int) -> dict:
    return {
        "step": 15,
        "data": {
            "date": helpers.DATES[15].isoformat(),
            "members_with_voting_rights": 10,
            "attended": 8,
            "yes": yes,
            "no": 8 - yes,
            "abstain": 0,
        },
    }


def test_a_passed_vote_records_step_15(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", vote_body(6))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["recorded"], body["vote"]["result"], body["vote"]["yes"]) == (True, "passed", 6)
    assert body["record"]["step"] == 15
    assert (body["case"]["current_step"], body["case"]["probation_start"]) == (
        16,
        helpers.DATES[15].isoformat(),
    )


def test_a_failed_vote_stays_but_the_step_waits(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", vote_body(5))
    assert response.status_code == 201
    body = response.json()
    assert (body["recorded"], body["record"], body["vote"]["result"]) == (False, None, "failed")
    assert body["case"]["current_step"] == 15
    assert Vote.objects.filter(case=case).count() == 1


def test_a_vote_without_quorum_is_refused(tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    body = vote_body(5)
    body["data"] |= {"attended": 5, "yes": 5, "no": 0}
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", body)
    assert response.status_code == 409
    [item] = response.json()["error"]["violations"]
    assert (item["code"], item["params"]["members"], item["params"]["attended"]) == ("vote.quorum", 10, 5)
    assert item["dates"] == {"meeting_on": helpers.DATES[15].isoformat()}


def test_a_conversion_vote_cannot_be_recorded_before_admission(personas, case):
    body = vote_body(8) | {"step": 23}
    response = post(client_for(personas.secretary), f"/api/v1/cases/{case.pk}/steps", body)
    assert response.status_code == 409
    assert response.json()["error"]["violations"][0]["code"] == "steps.order"


# --- Approving and returning ------------------------------------------------------------------------


@pytest.fixture
def at_pre_review(tree, personas, clock):
    return helpers.new_case_at(personas, tree.branch_a1, 13)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 403),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_higher_committee_approves_at_its_steps(personas, at_pre_review, persona, status):
    body = {"approved_on": helpers.DATES[13].isoformat(), "opinion": "同意"}
    response = post(client_for(getattr(personas, persona)), f"/api/v1/cases/{at_pre_review.pk}/approve", body)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["record"]["step"] == 13
        assert response.json()["case"]["current_step"] == 14


def test_a_case_not_awaiting_approval_cannot_be_approved(personas, case):
    body = {"approved_on": helpers.DATES[2].isoformat()}
    response = post(client_for(personas.college_officer), f"/api/v1/cases/{case.pk}/approve", body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_awaiting_approval"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 403),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_higher_committee_returns_a_case_to_the_branch(personas, at_pre_review, persona, status):
    body = {"reason": "政审材料不全"}
    response = post(client_for(getattr(personas, persona)), f"/api/v1/cases/{at_pre_review.pk}/return", body)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["is_returned"] is True
        timeline = client_for(personas.secretary).get(f"/api/v1/cases/{at_pre_review.pk}").json()
        assert timeline["returns"][0]["reason"] == "政审材料不全"


def test_a_return_needs_a_reason(personas, at_pre_review):
    response = post(
        client_for(personas.college_officer), f"/api/v1/cases/{at_pre_review.pk}/return", {"reason": ""}
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_a_returned_case_waits_for_the_branch(personas, at_pre_review):
    client = client_for(personas.college_officer)
    post(client, f"/api/v1/cases/{at_pre_review.pk}/return", {"reason": "补充材料"})
    again = post(client, f"/api/v1/cases/{at_pre_review.pk}/return", {"reason": "补充材料"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_returned"
    approve = post(
        client, f"/api/v1/cases/{at_pre_review.pk}/approve", {"approved_on": helpers.DATES[13].isoformat()}
    )
    assert approve.status_code == 409
    assert approve.json()["error"]["code"] == "case_returned"


# --- Authentication ---------------------------------------------------------------------------------


def test_the_api_takes_an_access_token(personas, case):
    _token, raw = account_services.access_token_create(user=personas.secretary, name="手机")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/cases/{case.pk}", **auth).status_code == 200
    response = post(client, f"/api/v1/cases/{case.pk}/steps", talk(personas), **auth)
    assert response.status_code == 201


def test_the_api_refuses_a_wrong_token_and_no_credentials(personas, case):
    client = Client()
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer sb_wrong").status_code == 401
    response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert post(client, "/api/v1/me/case", {}).status_code == 401


def test_a_session_post_needs_the_csrf_token(personas, case):
    client = client_for(personas.secretary, csrf=True)
    refused = post(client, f"/api/v1/cases/{case.pk}/steps", talk(personas))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    client.get("/accounts/me/")
    token = client.cookies["csrftoken"].value
    accepted = post(client, f"/api/v1/cases/{case.pk}/steps", talk(personas), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
