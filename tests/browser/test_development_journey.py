"""A branch secretary works a development case on a 375-px phone, in Chinese: records a paper
application, is refused a talk held too late, a college officer records it as an exception with a
reason, and the secretary carries on (activist, filing, contacts) with the exception on the timeline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from development.models import DevelopmentCase, RuleException
from orgs.models import PartyStatus
from orgs.tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "申请人参加暑期支教，返校后补谈，经学院党委同意"


def log_in(page: Page, base: str, number: str) -> None:
    page.goto("about:blank")  # stop what the last page still loads (htmx) from setting cookies
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def record_step(page: Page, fields: dict[str, str], *, exception: bool = False) -> None:
    form = page.locator("#next-step form")
    for name, value in fields.items():
        field = form.locator(f"[name='step-{name}']")
        if name == "method":
            field.select_option(value)
        else:
            field.fill(value)
    if exception:
        form.locator("button[name=as_exception]").click()
    else:
        form.locator("button.primary").click()


def test_a_secretary_and_a_college_officer_work_a_case_with_one_refusal_and_one_exception(
    live_server, personas, tree, page: Page
) -> None:
    base = live_server.url
    today = timezone.localdate()
    received = today - timedelta(days=200)  # more than six months ago: an activist may be confirmed today
    applicant = make_person(
        tree.branch_a1, name="陈申请", status=PartyStatus.NONE, birth_date=today.replace(year=today.year - 20)
    )

    # The secretary records the paper application from the phone.
    log_in(page, base, personas.secretary.number)
    page.goto(f"{base}/development/units/{tree.branch_a1.pk}/cases/new/")
    page.locator("#id_paper-number").fill(applicant.number)
    expect(page.locator("#paper-number-found")).to_contain_text("陈申请")
    page.locator("#id_paper-received_on").fill(received.isoformat())
    page.locator("form button.primary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("陈申请")
    case = DevelopmentCase.objects.get(person=applicant)
    case_url = f"{base}/development/cases/{case.pk}/"

    # The talk is held today, long after the month allowed: refused with the rule, its source and dates.
    record_step(
        page, {"date": today.isoformat(), "talker": personas.secretary.number, "summary": "谈话情况良好"}
    )
    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("一个月内谈话")
    expect(refusal).to_contain_text("《中国共产党发展党员工作细则》")
    expect(refusal).to_contain_text(received.isoformat())
    expect(page.locator("#next-step button[name=as_exception]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    # A college officer records the talk as an exception, with the reason.
    log_in(page, base, personas.college_officer.number)
    page.goto(case_url)
    record_step(
        page,
        {
            "date": today.isoformat(),
            "talker": personas.secretary.number,
            "summary": "谈话情况良好",
            "exception_reason": REASON,
        },
        exception=True,
    )
    expect(page.locator(".messages")).to_be_visible()
    assert RuleException.objects.filter(case=case, rule_code="application.talk_within_one_month").exists()

    # The secretary carries on: activist, filing with the higher committee, contacts.
    log_in(page, base, personas.secretary.number)
    page.goto(case_url)
    record_step(page, {"date": today.isoformat(), "method": "party_members"})
    expect(page.locator(".messages")).to_be_visible()
    record_step(page, {"date": today.isoformat(), "reference": "备案〔2026〕1号"})
    expect(page.locator(".messages")).to_be_visible()
    record_step(page, {"date": today.isoformat(), "contacts": personas.propaganda.number})
    expect(page.locator(".messages")).to_be_visible()
    case.refresh_from_db()
    assert case.current_step == 6

    # The timeline, an ordered list, keeps the exception for every later reader; step 6 is current.
    timeline = page.locator("ol.dev-timeline")
    expect(timeline.locator(".dev-exception")).to_contain_text(REASON)
    expect(timeline.locator(".dev-exception")).to_contain_text(personas.college_officer.name)
    expect(timeline.locator("li[aria-current=step]")).to_have_attribute("id", "step-6")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
