"""A student studies a text lesson on a 375-px phone, in Chinese: the page's heartbeats credit time on
the server, and the points it earned show on "My points"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from learning.models import Course, Lesson, LessonKind, LessonProgress, PointsRule, PublicationStatus
from orgs.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_student_studies_a_lesson_and_sees_the_points_it_earned(
    live_server, personas, tree, page: Page
) -> None:
    # Ten seconds of reading make a point here, so that one heartbeat earns one.
    PointsRule.objects.filter(code="reading_time").update(unit_seconds=10)
    course = Course.objects.create(
        unit=tree.college_a, title="党的二十大精神", status=PublicationStatus.PUBLISHED
    )
    lesson = Lesson.objects.create(
        course=course,
        title="党的二十大精神 第1课",
        kind=LessonKind.TEXT,
        body="<p>为人民服务</p>",
        length_seconds=600,
    )
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(personas.student.number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"{base}/study/")
    page.get_by_role("link", name="党的二十大精神").click()
    page.get_by_role("link", name="开始学习").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1课")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    # The first heartbeat starts the clock; the second, 15 s later, is credited.
    expect(page.locator("[data-study-status]")).to_contain_text("已计学习时长（秒）： 1", timeout=40_000)
    progress = LessonProgress.objects.get(person=personas.student, lesson=lesson)
    assert 10 <= progress.credited_seconds <= 20

    page.goto(f"{base}/study/points/")
    expect(page.locator(".study-total")).not_to_contain_text("累计 0 分")
    expect(page.locator("#results")).to_contain_text("学习《党的二十大精神 第1课》")
