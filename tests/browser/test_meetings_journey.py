"""A meeting on 375-px phones: the secretary plans and publishes it, a student asks for leave, the
secretary sees who has read the notice and approves the leave."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from orgs.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, url: str, number: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_a_secretary_publishes_a_meeting_and_decides_a_students_leave_on_phones(
    live_server, personas, tree, page: Page, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    log_in(page, live_server.url, personas.secretary.number)
    page.goto(f"{live_server.url}/orglife/units/{tree.branch_a1.pk}/meetings/")
    page.get_by_role("link", name="安排会议").click()
    page.get_by_label("类型").select_option("general_meeting")
    page.get_by_label("标题").fill("四季度支部党员大会")
    page.get_by_label("开始时间").fill("2030-12-10T19:00")
    page.get_by_label("结束时间").fill("2030-12-10T21:00")
    page.get_by_label("地点").fill("学院楼 301")
    fits_the_screen(page)
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("四季度支部党员大会")
    page.get_by_role("button", name="发布通知").click()
    expect(page.get_by_text("通知已发布，参会人员已收到通知。")).to_be_visible()
    expect(page.get_by_text(re.compile(r"共邀请 4 人 · 1 人已读"))).to_be_visible()
    fits_the_screen(page)

    student_context = browser.new_context(**browser_context_args)
    phone = student_context.new_page()
    log_in(phone, live_server.url, personas.student.number)
    phone.get_by_role("link", name=re.compile("^会议")).first.click()
    expect(phone.get_by_role("heading", name="我的会议")).to_be_visible()
    phone.get_by_role("link", name="请假").click()
    phone.get_by_label("我要请假").check()
    phone.get_by_label("请假事由").fill("参加学科竞赛")
    fits_the_screen(phone)
    phone.get_by_role("button", name="提交回复").click()
    expect(phone.get_by_text("请假待审批")).to_be_visible()
    student_context.close()

    page.reload()
    expect(page.get_by_text(re.compile(r"共邀请 4 人 · 2 人已读 · 2 人未读"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile(personas.student.name))
    row.get_by_label("批准", exact=True).check()
    row.get_by_role("button", name="审批").click()
    expect(page.get_by_text(f"{personas.student.name} 的请假已审批。")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(personas.student.name))).to_contain_text("请假已批准")
