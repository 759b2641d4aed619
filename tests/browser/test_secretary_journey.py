"""A branch secretary on a 375-px phone: log in, find a member, switch language, log out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orgs.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_secretary_finds_a_member_on_a_phone_switches_language_and_logs_out(
    live_server, personas, tree, page: Page
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.locator("#id_username").fill(personas.secretary.number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Home shows the secretary's standing in Chinese.
    expect(page.get_by_role("heading", level=1)).to_contain_text(personas.secretary.name)
    expect(page.get_by_text("支部书记").first).to_be_visible()

    # Organisation → branch A1 → its members, then search by name.
    page.get_by_role("navigation", name=re.compile("主")).get_by_role("link", name="组织").click()
    page.get_by_role("link", name=tree.branch_a1.name).click()
    page.get_by_role("link", name=re.compile("成员")).first.click()
    search = page.get_by_role("searchbox").or_(page.locator("input[name=q]")).first
    search.fill("张学生")
    search.press("Enter")
    row_link = page.get_by_role("link", name="张学生")
    expect(row_link).to_be_visible()
    # Nobody else matched: the list shrank to the one person searched for.
    expect(page.get_by_role("link", name="李积极")).to_have_count(0)

    # The page fits a phone screen: nothing wider than the viewport.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1

    row_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张学生")

    # Switch to English; the same page comes back in English.
    page.locator("#language-switch").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
