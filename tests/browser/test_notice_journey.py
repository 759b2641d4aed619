"""A notice that asks to be acknowledged: the secretary sends it on a desktop, a student opens it
from My notices on a phone and acknowledges it, and the secretary sees who has and reminds the rest."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_suggestion_journey import fits_the_screen, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_secretary_sends_a_notice_and_a_student_acknowledges_it(
    live_server, personas, tree, page: Page, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    desktop = browser.new_context(**{**browser_context_args, "viewport": {"width": 1280, "height": 900}})
    secretary = desktop.new_page()
    log_in(secretary, live_server.url, personas.secretary.number)
    secretary.goto(f"{live_server.url}/engagement/notices/new/")
    secretary.get_by_label("标题").fill("关于提交思想汇报的通知")
    secretary.get_by_label("正文").fill("<p>请于周五前提交第四季度思想汇报。</p>")
    secretary.get_by_label("要求每位接收人确认收到").check()
    secretary.get_by_role("button", name="发送").click()
    expect(secretary.get_by_text("通知已发送给 4 人。")).to_be_visible()

    log_in(page, live_server.url, personas.student.number)
    page.goto(f"{live_server.url}/engagement/notices/")
    expect(page.get_by_text("请确认")).to_be_visible()
    page.get_by_role("link", name="关于提交思想汇报的通知").click()
    expect(page.get_by_text("请于周五前提交第四季度思想汇报。")).to_be_visible()
    fits_the_screen(page)
    page.get_by_role("button", name="我已阅读并确认").click()
    expect(page.get_by_text("谢谢，已记录你的确认。")).to_be_visible()
    expect(page.get_by_role("button", name="我已阅读并确认")).to_have_count(0)

    secretary.reload()
    expect(
        secretary.get_by_text(re.compile(r"4 人中 1 人已确认 · 0 人已读未确认 · 3 人未读"))
    ).to_be_visible()
    secretary.get_by_role("button", name="提醒尚未完成的人").click()
    expect(secretary.get_by_text("已提醒 3 人。")).to_be_visible()
    desktop.close()
