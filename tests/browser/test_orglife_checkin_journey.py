"""Check-in at a meeting, in Chinese: the secretary projects the check-in screen on a desktop, a member
types the short code on a 375-px phone, and the screen's live list shows them within seconds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from orglife.models import CheckIn, CheckInMethod
from orglife.tests.factories_record import make_meeting
from orgs.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_member_checks_in_by_typed_code_and_the_screen_shows_them(
    live_server, personas, tree, page: Page, browser: Browser
) -> None:
    base = live_server.url
    meeting = make_meeting(
        tree.branch_a1,
        personas.secretary,
        invitees=(personas.student, personas.activist, personas.secretary),
        starts_at=timezone.now() - timedelta(minutes=5),
        title="十一月主题党日",
    )

    desktop = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    screen = desktop.new_page()
    log_in(screen, base, personas.secretary.number)
    screen.goto(f"{base}/orglife/meetings/{meeting.pk}/checkin/screen/")
    expect(screen.locator(".checkin-qr svg")).to_be_visible()
    expect(screen.locator(".checkin-summary")).to_contain_text("已到 0 人")
    code = screen.locator(".checkin-short-code").inner_text().replace(" ", "")
    assert len(code) == 6

    log_in(page, base, personas.student.number)
    page.goto(f"{base}/orglife/checkin/")
    expect(page.get_by_role("link", name="十一月主题党日")).to_be_visible()
    page.get_by_label("签到码").fill(code.lower())
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".checkin-done")).to_contain_text("您已签到")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    # The screen polls every 5 seconds: the member appears without a reload.
    expect(screen.locator(".checkin-names")).to_contain_text(personas.student.name, timeout=12_000)
    expect(screen.locator(".checkin-summary")).to_contain_text("已到 1 人")
    assert CheckIn.objects.get(meeting=meeting, person=personas.student).method == CheckInMethod.CODE
    desktop.close()
