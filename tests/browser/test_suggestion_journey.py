"""The suggestion box end to end: a student writes to the branch secretary on a 375-px phone with
their name hidden, the secretary replies on a desktop, and the student rates the reply."""

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


def test_a_student_writes_on_a_phone_the_secretary_replies_on_a_desktop_and_the_student_rates_it(
    live_server, personas, tree, page: Page, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    log_in(page, live_server.url, personas.student.number)
    page.goto(f"{live_server.url}/engagement/suggestions/")
    page.get_by_role("link", name="给书记写信").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("给书记写信")
    page.get_by_label(tree.branch_a1.name).check()
    page.get_by_label("咨询问题").check()
    page.get_by_label("主题").fill("自习室开放时间")
    page.get_by_label("留言内容").fill("期末复习期间，学院自习室能否开放到晚上十一点？")
    page.get_by_label("隐藏我的姓名").check()
    fits_the_screen(page)
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_text("已发送。收到答复时会通知你。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("自习室开放时间")
    fits_the_screen(page)

    desktop = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 1280, "height": 900}, "has_touch": False}
    )
    secretary = desktop.new_page()
    log_in(secretary, live_server.url, personas.secretary.number)
    secretary.goto(f"{live_server.url}/engagement/suggestions/")
    expect(secretary.get_by_role("heading", name=re.compile("等待你答复"))).to_be_visible()
    secretary.get_by_role("link", name="自习室开放时间").click()
    expect(secretary.get_by_text(personas.student.name)).to_be_visible()  # the handler sees the hidden name
    secretary.get_by_role("textbox", name="答复").fill("已与学院沟通，考试周自习室开放到23:00。")
    secretary.get_by_role("button", name="发送答复").click()
    expect(secretary.get_by_text("答复已发送。")).to_be_visible()
    desktop.close()

    page.goto(f"{live_server.url}/engagement/suggestions/")
    expect(page.get_by_text("已答复")).to_be_visible()
    page.get_by_role("link", name="自习室开放时间").click()
    expect(page.get_by_text("已与学院沟通，考试周自习室开放到23:00。")).to_be_visible()
    page.get_by_label("5", exact=True).check()
    page.get_by_label("评价（可选）").fill("答复很及时")
    fits_the_screen(page)
    page.get_by_role("button", name="评价", exact=True).click()
    expect(page.get_by_text("感谢你的评价。")).to_be_visible()
    expect(page.get_by_text("5/5 · 答复很及时")).to_be_visible()
    expect(page.get_by_text("已办结")).to_be_visible()
