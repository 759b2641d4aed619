"""The case page and the person's own page: recording every step through the forms, refusals with
every broken rule in the reader's language, exceptions that stay on the timeline, applying online."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from archive.tests import files
from development import steps
from development.models import CaseStatus, DevelopmentCase, RuleException, StepRecord
from development.tests import helpers
from orgs.models import Membership, PartyStatus

pytestmark = pytest.mark.django_db


def as_form(
    personas, case: DevelopmentCase, step: int, on: date | None = None, **extra: Any
) -> dict[str, Any]:
    """The POST of the case page's step form for ``step`` of the standard story."""
    data = helpers.step_data(personas, step, on)
    if step == 15:
        data = {**data, **helpers.VOTE}
    if step == 23:
        data = {**data, **helpers.VOTE, "proposal": "convert"}
    numbers = {
        person.pk: person.number
        for person in (personas.secretary, personas.propaganda, personas.college_officer)
    }
    posted: dict[str, Any] = {"step_number": str(step)}
    for name, value in {**data, **extra}.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif name in ("talker",):
            value = numbers[value]
        elif isinstance(value, list):
            value = " ".join(numbers[v] for v in value)
        posted[f"step-{name}"] = value
    return posted


def case_url(case: DevelopmentCase) -> str:
    return reverse("development:case", args=[case.pk])


def test_a_case_goes_through_all_25_steps_on_the_case_page(client, tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    for step in sorted(helpers.DATES):
        if step == 1:
            continue
        actor = helpers.actor_for(personas, step)
        client.force_login(personas.secretary)
        if step in (7, 22):
            assessments = helpers.ACTIVIST_ASSESSMENTS if step == 7 else helpers.PROBATION_ASSESSMENTS
            reports = helpers.ACTIVIST_REPORTS if step == 7 else helpers.PROBATION_REPORTS
            for day in assessments:
                response = client.post(
                    reverse("development:case_assessment", args=[case.pk]),
                    {
                        "assessment-assessed_on": day.isoformat(),
                        "assessment-period": f"{day.year}-{day.month}",
                        "assessment-assessor": personas.propaganda.number,
                        "assessment-result": "good",
                    },
                )
                assert response.status_code == 302, response.content.decode()
            for index, day in enumerate(reports):
                upload = {"report-file": files.upload(files.pdf(), "思想汇报.pdf")} if index == 0 else {}
                response = client.post(
                    reverse("development:case_thought_report", args=[case.pk]),
                    {"report-received_on": day.isoformat(), **upload},
                )
                assert response.status_code == 302, response.content.decode()
        if step == 15:
            helpers.publish_notice(personas, case)
        client.force_login(actor)
        page = client.get(case_url(case))
        assert page.context["definition"].number == step
        assert "step_form" in page.context
        posted = as_form(personas, case, step)
        if step == 14:
            posted["step-document_application_form"] = files.upload(files.pdf(), "志愿书.pdf")
        response = client.post(case_url(case), posted)
        assert response.status_code == 302, (step, response.context and response.context.get("violations"))
        case.refresh_from_db()
    assert case.status == CaseStatus.CONVERTED
    assert StepRecord.objects.filter(case=case).count() == 25
    assert StepRecord.objects.get(case=case, step=14).attachments.get().kind == "application_form"
    client.force_login(personas.secretary)
    html = client.get(case_url(case)).content.decode()
    assert "aria-current" not in html.split("dev-timeline")[1].split("</ol>")[0]


def test_a_refused_step_lists_the_rule_its_source_and_dates_in_english(
    client, tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    personas.secretary.language = "en"
    personas.secretary.save(update_fields=["language"])
    client.force_login(personas.secretary)
    response = client.post(case_url(case), as_form(personas, case, 2, on=date(2024, 7, 20)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Talk within one month" in html
    assert "Detailed Rules on Developing Party Members (2014), article 7" in html
    for day in ("2024-06-03", "2024-07-03", "2024-07-20"):
        assert day in html
    assert "Application received" in html and "Deadline" in html
    # The secretary holds no right to record exceptions: the form offers none.
    assert 'name="as_exception"' not in html
    case.refresh_from_db()
    assert case.current_step == 2


def test_a_refused_step_lists_the_rule_its_source_and_dates_in_chinese(
    client, tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    personas.secretary.language = "zh-hans"
    personas.secretary.save(update_fields=["language"])
    client.force_login(personas.secretary)
    response = client.post(case_url(case), as_form(personas, case, 2, on=date(2024, 7, 20)))
    html = response.content.decode()
    assert "一个月内谈话" in html
    assert "《中国共产党发展党员工作细则》" in html
    assert "2024-07-03" in html and "2024-07-20" in html
    assert "Talk within one month" not in html


def test_every_broken_rule_is_listed_not_only_the_first(client, tree, personas, clock, applicant):
    case = helpers.open_case(personas, applicant)
    client.force_login(personas.secretary)
    # Too late, and held by the propaganda member, who may not hold the talk.
    posted = as_form(personas, case, 2, on=date(2024, 7, 20))
    posted["step-talker"] = personas.propaganda.number
    response = client.post(case_url(case), posted)
    codes = [violation["code"] for violation in response.context["violations"]]
    assert codes == ["application.talk_within_one_month", "application.talker_position"]


def test_a_college_officer_records_a_refused_step_as_an_exception_that_every_later_reader_sees(
    client, tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    client.force_login(personas.college_officer)
    page = client.get(case_url(case))
    # The officer records branch steps only as exceptions: the reason is asked for at once.
    assert page.context["exception_mode"] == "required"
    posted = as_form(personas, case, 2, on=date(2024, 7, 20))
    missing_reason = client.post(case_url(case), {**posted, "as_exception": "1"})
    assert missing_reason.context["step_form"].errors["exception_reason"]
    response = client.post(
        case_url(case),
        {**posted, "as_exception": "1", "step-exception_reason": "申请人暑期社会实践，返校后补谈"},
    )
    assert response.status_code == 302
    exception = RuleException.objects.get(case=case)
    assert exception.rule_code == "application.talk_within_one_month"
    assert exception.recorded_by == personas.college_officer

    for reader in (personas.propaganda, personas.secretary, applicant):
        client.force_login(reader)
        url = reverse("development:my_case") if reader == applicant else case_url(case)
        html = client.get(url).content.decode()
        assert "申请人暑期社会实践，返校后补谈" in html, reader
        assert personas.college_officer.name in html


def test_a_secretary_holding_the_right_is_offered_the_exception_after_a_refusal(
    client, tree, personas, clock, applicant
):
    from orgs.models import PositionType

    secretary_type = PositionType.objects.get(code="secretary")
    secretary_type.capabilities = [*secretary_type.capabilities, "development.record_exception"]
    secretary_type.save(update_fields=["capabilities"])
    case = helpers.open_case(personas, applicant)
    client.force_login(personas.secretary)
    posted = as_form(personas, case, 2, on=date(2024, 7, 20))
    refused = client.post(case_url(case), posted)
    html = refused.content.decode()
    assert refused.context["exception_mode"] == "offered" and refused.context["waivable"]
    assert 'name="as_exception"' in html
    recorded = client.post(case_url(case), {**posted, "as_exception": "1", "step-exception_reason": "补谈"})
    assert recorded.status_code == 302
    case.refresh_from_db()
    assert case.current_step == 3


def test_an_unknown_number_in_a_person_field_is_an_error_on_that_field(
    client, tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    client.force_login(personas.secretary)
    posted = as_form(personas, case, 2)
    posted["step-talker"] = personas.outsider.number
    response = client.post(case_url(case), posted)
    form = response.context["step_form"]
    assert list(form.errors) == ["talker"]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and f'href="#{form["talker"].id_for_label}"' in html


def test_a_stale_form_for_a_step_already_passed_is_not_recorded_again(
    client, tree, personas, clock, applicant
):
    case = helpers.open_case(personas, applicant)
    helpers.drive(personas, case, 3)
    client.force_login(personas.secretary)
    response = client.post(case_url(case), as_form(personas, case, 2))
    assert response.status_code == 302
    assert StepRecord.objects.filter(case=case, step=2).count() == 1


def test_a_failed_vote_is_kept_and_the_step_waits(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    client.force_login(personas.secretary)
    posted = as_form(personas, case, 15)
    posted["step-yes"] = "5"
    posted["step-no"] = "3"
    response = client.post(case_url(case), posted, follow=True)
    case.refresh_from_db()
    assert case.current_step == 15
    html = response.content.decode()
    assert "Votes that did not pass" in html or "未通过的表决" in html


def test_the_higher_committee_returns_a_case_with_a_reason_and_the_branch_resubmits(
    client, tree, personas, clock
):
    case = helpers.new_case_at(personas, tree.branch_a1, 13)
    client.force_login(personas.college_officer)
    url = reverse("development:case_return", args=[case.pk])
    assert client.post(url, {"return-reason": ""}).context["return_form"].errors["reason"]
    assert client.post(url, {"return-reason": "政审材料不全"}).status_code == 302
    case.refresh_from_db()
    assert case.is_returned
    page = client.get(case_url(case))
    assert "step_form" not in page.context and "政审材料不全" in page.content.decode()
    client.force_login(personas.propaganda)
    assert client.post(reverse("development:case_resubmit", args=[case.pk]), {}).status_code == 403
    client.force_login(personas.secretary)
    assert (
        client.post(
            reverse("development:case_resubmit", args=[case.pk]), {"resubmit-note": "已补齐"}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert not case.is_returned


def test_a_case_is_transferred_out_with_its_destination(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 5)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("development:case_transfer_out", args=[case.pk]),
        {"transfer-destination": "某大学研究生党支部", "transfer-on": "2028-05-20"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.destination) == (CaseStatus.TRANSFERRED_OUT, "某大学研究生党支部")


def test_a_case_is_stopped_before_probation_with_a_reason(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 5)
    client.force_login(personas.secretary)
    url = reverse("development:case_cancel", args=[case.pk])
    assert client.post(url, {"cancel-on": "2028-05-20", "cancel-reason": ""}).context["cancel_form"].errors
    assert client.post(url, {"cancel-on": "2028-05-20", "cancel-reason": "本人撤回申请"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED


def test_a_missing_document_is_attached_to_a_recorded_step(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 3)
    client.force_login(personas.secretary)
    page = client.get(case_url(case))
    assert [(item["row"]["number"], item["spec"].kind) for item in page.context["document_forms"]] == [
        (1, "application_letter")
    ]
    response = client.post(
        reverse("development:case_document", args=[case.pk, 1, "application_letter"]),
        {"document-1-application_letter-file": files.upload(files.pdf(), "申请书.pdf")},
    )
    assert response.status_code == 302
    assert StepRecord.objects.get(case=case, step=1).attachments.count() == 1


# --- Applying -------------------------------------------------------------------------------------------


def test_an_adult_applies_online_and_sees_the_timeline(client, tree, personas, clock, applicant):
    client.force_login(applicant)
    page = client.get(reverse("development:my_case"))
    assert page.context["apply_form"] is not None
    response = client.post(reverse("development:my_case"), {"apply-pledge": "on"})
    assert response.status_code == 302
    case = DevelopmentCase.objects.get(person=applicant)
    assert (case.current_step, case.opened_on) == (2, date(2028, 6, 1))
    assert Membership.objects.get(person=applicant).party_status == PartyStatus.APPLICANT
    page = client.get(reverse("development:my_case"))
    html = page.content.decode()
    assert page.context["apply_form"] is None
    assert 'aria-current="step"' in html
    assert "2028-07-01" in html  # the talk is due within one month


def test_a_17_year_old_is_refused_with_the_rule_in_their_language(client, tree, personas, clock):
    young = helpers.make_applicant(tree.branch_a1, birth_date=date(2010, 6, 2))
    young.language = "en"
    young.save(update_fields=["language"])
    client.force_login(young)
    response = client.post(reverse("development:my_case"), {"apply-pledge": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Applicant at least 18" in html
    assert "2028-06-02" in html  # turns 18 tomorrow
    assert not DevelopmentCase.objects.filter(person=young).exists()


def test_applying_needs_the_pledge_and_no_open_case(client, tree, personas, clock, applicant):
    client.force_login(applicant)
    response = client.post(reverse("development:my_case"), {})
    assert response.context["apply_form"].errors["pledge"]
    helpers.open_case(personas, applicant)
    assert client.get(reverse("development:my_case")).context["apply_form"] is None


def test_a_person_hands_in_a_thought_report_on_their_own_case(client, tree, personas, clock, applicant):
    def posted() -> dict[str, Any]:
        return {
            "report-received_on": "2028-05-01",
            "report-period": "2028 第二季度",
            "report-file": files.upload(files.pdf(), "思想汇报.pdf"),
        }

    client.force_login(helpers.make_applicant(tree.branch_a1))
    assert client.post(reverse("development:my_thought_report"), posted()).status_code == 404
    own = helpers.open_case(personas, applicant)
    client.force_login(applicant)
    response = client.post(reverse("development:my_thought_report"), posted())
    assert response.status_code == 302
    assert own.thought_reports.count() == 1


def test_the_branch_records_a_paper_application_with_its_letter(client, tree, personas, clock, applicant):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("development:case_new", args=[tree.branch_a1.pk]),
        {
            "paper-number": applicant.number,
            "paper-received_on": "2028-05-10",
            "paper-letter": files.upload(files.pdf(), "申请书.pdf"),
        },
    )
    case = DevelopmentCase.objects.get(person=applicant)
    assert response.url == case_url(case)
    assert StepRecord.objects.get(case=case, step=steps.APPLICATION).attachments.count() == 1


def test_a_paper_application_of_a_person_outside_the_unit_is_refused(client, tree, personas, clock):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("development:case_new", args=[tree.branch_a1.pk]),
        {"paper-number": personas.outsider.number, "paper-received_on": "2028-05-10"},
    )
    assert response.context["form"].errors["number"]
    assert not DevelopmentCase.objects.exists()


def test_a_rule_no_exception_can_excuse_is_refused_even_with_a_reason(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 15)
    helpers.publish_notice(personas, case)
    client.force_login(personas.college_officer)
    posted = {**as_form(personas, case, 15), "step-attended": "5", "step-yes": "5"}
    response = client.post(
        case_url(case), {**posted, "as_exception": "1", "step-exception_reason": "人数不足"}
    )
    assert response.status_code == 200
    assert [v["code"] for v in response.context["violations"]] == ["vote.quorum"]
    assert not response.context["waivable"]
    case.refresh_from_db()
    assert case.current_step == 15 and not RuleException.objects.exists()


def test_nothing_more_is_recorded_on_a_closed_case(client, tree, personas, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, 3)
    client.force_login(personas.secretary)
    client.post(
        reverse("development:case_cancel", args=[case.pk]),
        {"cancel-on": "2028-05-20", "cancel-reason": "本人撤回申请"},
    )
    response = client.post(case_url(case), as_form(personas, case, 3))
    assert response.status_code == 302
    assert not StepRecord.objects.filter(case=case, step=3).exists()
    client.force_login(personas.propaganda)
    assert client.post(case_url(case), as_form(personas, case, 3)).status_code == 403
