"""A whole development case in the browser, from the written application to the archived dossier.

The branch secretary records the paper application and every branch step on a 375-px phone, in
Chinese; a college officer records the higher committee's steps (pre-review, talk, approval, filing,
conversion approval, archive). One talk entered too late is refused with the rule's name and
corrected; the admission approval, held after the winter break past the three-month deadline, is
recorded by the college officer as an exception with a reason that stays on the timeline. The public
notice goes through the batch page. The journey ends with the dossier's PDF downloaded and opened.
All dates are in the past and typed into the forms: no clock is moved.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from development.models import CaseStatus, DevelopmentCase, RuleException
from orgs.models import Membership, PartyStatus
from orgs.tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "暑假及国庆假期学院党委未能召开会议，开学后经学院党委会议研究审批"
CHOICE_FIELDS = frozenset({"method", "conclusion", "proposal"})
VOTE = {
    "members_with_voting_rights": "8",
    "attended": "8",
    "yes": "8",
    "no": "0",
    "abstain": "0",
}


def log_in(page: Page, base: str, number: str) -> None:
    page.goto("about:blank")  # stop what the last page still loads (htmx) from setting cookies
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def record_step(page: Page, number: int, fields: dict[str, str], *, exception: bool = False) -> None:
    """Fill the next step's form (which must be step ``number``) and submit it."""
    form = page.locator("#next-step form")
    expect(form.locator("input[name=step_number]")).to_have_value(str(number))
    for name, value in fields.items():
        field = form.locator(f"[name='step-{name}']")
        if name in CHOICE_FIELDS:
            field.select_option(value)
        else:
            field.fill(value)
    if exception:
        form.locator("button[name=as_exception]").click()
    else:
        form.locator("button.primary").click()


def recorded(page: Page, number: int) -> None:
    """The step was recorded: the page says so and the timeline has its date."""
    expect(page.locator(".messages")).to_contain_text(f"{number}")
    expect(page.locator("#refusal")).to_have_count(0)


def open_details(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def record_assessment(page: Page, on: date, period: str, assessor: str) -> None:
    open_details(page)
    form = page.locator("form[action$='/assessments/']")
    form.locator("[name='assessment-assessed_on']").fill(on.isoformat())
    form.locator("[name='assessment-period']").fill(period)
    form.locator("[name='assessment-assessor']").fill(assessor)
    form.locator("[name='assessment-result']").select_option("good")
    form.locator("[name='assessment-text']").fill("思想上积极要求进步，学习成绩优良")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


def record_thought_report(page: Page, on: date) -> None:
    open_details(page)
    form = page.locator("form[action$='/thought-reports/']")
    form.locator("[name='report-received_on']").fill(on.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


def test_a_case_goes_from_the_application_to_conversion_and_its_dossier_pdf_opens(
    live_server, personas, tree, page: Page, tmp_path
) -> None:
    base = live_server.url
    branch = tree.branch_a1
    applicant = make_person(branch, name="林志远", status=PartyStatus.NONE, birth_date=date(2004, 5, 10))
    Membership.objects.filter(person=applicant).update(league_member=True)
    contact_1 = make_person(branch, name="周培养", status=PartyStatus.FULL)
    contact_2 = make_person(branch, name="吴联系", status=PartyStatus.FULL)
    introducer_1 = make_person(branch, name="郑介绍", status=PartyStatus.FULL)
    introducer_2 = make_person(branch, name="王引荐", status=PartyStatus.FULL)
    secretary = personas.secretary.number
    officer = personas.college_officer.number

    # 1. The secretary records the paper application received at the start of the autumn semester.
    log_in(page, base, secretary)
    page.goto(f"{base}/development/units/{branch.pk}/cases/new/")
    page.locator("#id_paper-number").fill(applicant.number)
    expect(page.locator("#paper-number-found")).to_contain_text("林志远")
    page.locator("#id_paper-received_on").fill("2023-09-11")
    page.locator("form button.primary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("林志远")
    case = DevelopmentCase.objects.get(person=applicant)
    case_url = f"{base}/development/cases/{case.pk}/"

    # 2. A talk entered after the month allowed is refused, with the rule's name and dates...
    talk = {"talker": secretary, "summary": "了解入党动机，介绍党的基本知识"}
    record_step(page, 2, {"date": "2023-10-20", **talk})
    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("一个月内谈话")
    expect(refusal.locator(".dev-rule-name")).to_contain_text("一个月内谈话")
    expect(refusal).to_contain_text("《中国共产党发展党员工作细则》")
    expect(refusal).to_contain_text("2023-09-11")
    expect(refusal).to_contain_text("2023-10-11")
    expect(page.locator("#next-step button[name=as_exception]")).to_have_count(0)
    assert case.records.count() == 1
    # ... the secretary checks the minutes and corrects the date: the talk was on 25 September.
    record_step(page, 2, {"date": "2023-09-25", **talk})
    recorded(page, 2)

    # Stage 2: activist (six months after the application), filing, contacts.
    record_step(page, 3, {"date": "2024-03-15", "method": "league", "participants": "30", "in_favour": "28"})
    recorded(page, 3)
    record_step(page, 4, {"date": "2024-03-22", "reference": "积备〔2024〕7号"})
    recorded(page, 4)
    record_step(page, 5, {"date": "2024-03-22", "contacts": f"{contact_1.number} {contact_2.number}"})
    recorded(page, 5)
    # Education and assessment (step 6): an assessment every six months, quarterly thought reports.
    for on in (date(2024, 6, 10), date(2024, 9, 6), date(2024, 12, 2), date(2025, 2, 28)):
        record_thought_report(page, on)
    record_assessment(page, date(2024, 9, 10), "2024年春季学期", contact_1.number)
    record_assessment(page, date(2025, 3, 5), "2024年秋季学期", contact_1.number)

    # Stage 3: development target, a year after becoming an activist.
    record_step(page, 7, {"date": "2025-03-20", "opinions_heard": "党员、团支部和群众意见一致同意"})
    recorded(page, 7)
    record_step(page, 8, {"date": "2025-03-28", "reference": "发备〔2025〕3号"})
    recorded(page, 8)
    record_step(
        page, 9, {"date": "2025-04-07", "introducers": f"{introducer_1.number},{introducer_2.number}"}
    )
    recorded(page, 9)
    record_step(page, 10, {"date": "2025-05-12", "conclusion": "passed", "summary": "政治审查合格"})
    recorded(page, 10)
    record_step(page, 11, {"date": "2025-05-23", "class_hours": "32", "days": "4"})
    recorded(page, 11)
    record_step(page, 12, {"date": "2025-06-03", "opinion": "支部委员会审查同意，报学院党委预审"})
    recorded(page, 12)

    # 13. The college officer pre-reviews.
    log_in(page, base, officer)
    page.goto(case_url)
    record_step(page, 13, {"date": "2025-06-10", "opinion": "预审合格，同意发放入党志愿书"})
    recorded(page, 13)

    # 14. Back at the branch: the application form, then the public notice through a batch.
    log_in(page, base, secretary)
    page.goto(case_url)
    record_step(page, 14, {"date": "2025-06-16", "form_number": "0012345"})
    recorded(page, 14)
    page.goto(f"{base}/development/units/{branch.pk}/batches/")
    page.locator("[name='batch-name']").fill("2025年春季接收预备党员")
    page.locator("[name='batch-kind']").select_option("admission")
    page.locator("[name='batch-semester']").fill("2025年春季")
    page.locator("[name='batch-opened_on']").fill("2025-06-16")
    page.locator("form button.primary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025年春季接收预备党员")
    open_details(page)
    page.locator("form[action$='/cases/'] input[type=checkbox]").first.check()
    page.locator("form[action$='/cases/'] button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    open_details(page)
    notice = page.locator("form[action$='/notice/']")
    notice.locator("[name='notice-starts_on']").fill("2025-06-17")
    notice.locator("[name='notice-ends_on']").fill("2025-06-24")
    notice.locator("button.primary").click()
    expect(page.locator(".messages")).to_be_visible()

    # 15. The branch general meeting: 8 full members with voting rights, all present, 8 yes.
    page.goto(case_url)
    record_step(page, 15, {"date": "2025-06-27", **VOTE})
    recorded(page, 15)

    # 16-18. The college officer talks with the candidate; the approval comes after the summer
    # break, past the three-month deadline: refused, then recorded as an exception with the reason.
    log_in(page, base, officer)
    page.goto(case_url)
    record_step(page, 16, {"date": "2025-07-08", "talker": officer, "summary": "谈话了解入党动机，情况良好"})
    recorded(page, 16)
    approval = {"date": "2025-10-15", "opinion": "同意接收为中共预备党员"}
    record_step(page, 17, approval)
    refusal = page.locator("#refusal")
    expect(refusal.locator(".dev-rule-name")).to_contain_text("三个月内审批")
    expect(refusal).to_contain_text("2025-06-27")
    expect(refusal).to_contain_text("2025-09-27")
    assert not case.records.filter(step=17).exists()
    record_step(page, 17, {**approval, "exception_reason": REASON}, exception=True)
    recorded(page, 17)
    assert RuleException.objects.filter(case=case, rule_code="approval.within_three_months").exists()
    record_step(page, 18, {"date": "2025-10-20", "reference": "组备〔2025〕21号"})
    recorded(page, 18)

    # Stage 5 at the branch: placement, oath, probation with assessments, the conversion.
    log_in(page, base, secretary)
    page.goto(case_url)
    record_step(page, 19, {"date": "2025-10-24", "group": "第一党小组"})
    recorded(page, 19)
    record_step(page, 20, {"date": "2025-10-28", "place": "学院报告厅"})
    recorded(page, 20)
    for on in (date(2025, 9, 20), date(2025, 12, 15), date(2026, 3, 12), date(2026, 6, 5)):
        record_thought_report(page, on)
    record_assessment(page, date(2025, 12, 20), "2025年秋季学期", introducer_1.number)
    record_assessment(page, date(2026, 6, 10), "2026年春季学期", introducer_1.number)
    record_step(page, 22, {"date": "2026-06-15"})
    recorded(page, 22)
    record_step(page, 23, {"date": "2026-07-03", "proposal": "convert", **VOTE})
    recorded(page, 23)

    # 24-25. The college officer approves the conversion and archives the dossier.
    log_in(page, base, officer)
    page.goto(case_url)
    record_step(page, 24, {"date": "2026-07-20", "opinion": "同意按期转为中共正式党员"})
    recorded(page, 24)
    record_step(page, 25, {"date": "2026-07-25", "location": "学院党委档案室"})
    recorded(page, 25)

    case.refresh_from_db()
    assert case.status == CaseStatus.CONVERTED
    assert set(case.records.values_list("step", flat=True)) >= set(range(1, 26)) - {6, 21}
    assert case.assessments.count() == 4
    assert case.thought_reports.count() == 8
    # Every date kept to the rules: no warning stays with any step, one exception and only one.
    assert [record.step for record in case.records.all() if record.warnings] == []
    assert RuleException.objects.filter(case=case).count() == 1
    assert case.converted_on is not None
    # The timeline keeps the exception, its reason and who recorded it, for every later reader.
    exception = page.locator("ol.dev-timeline .dev-exception")
    expect(exception).to_contain_text(REASON)
    expect(exception).to_contain_text(personas.college_officer.name)

    # The dossier page, then its PDF downloaded and opened.
    page.get_by_role("link", name=re.compile("档案|dossier", re.I)).first.click()
    expect(page).to_have_url(re.compile(rf"/development/dossiers/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text("林志远")
    expect(page.locator("main")).to_contain_text(REASON)
    with page.expect_download() as info:
        page.locator(f"a[href$='/dossiers/{case.pk}/pdf/']").click()
    pdf = tmp_path / "dossier.pdf"
    info.value.save_as(pdf)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(content) > 5_000
    assert b"%%EOF" in content[-64:]
    assert info.value.suggested_filename.endswith(".pdf")
