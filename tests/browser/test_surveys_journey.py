"""A survey on 375-px phones: a student answers it (a conditional question appears when it applies,
a missing answer is named), the secretary reads the results as charts with their tables, and a reader
votes in the poll of a public article."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from engagement import services_surveys as services
from engagement.models.surveys import QuestionKind
from engagement.tests.factories_surveys import add_question, make_survey, opened
from orgs.tests.factories import PASSWORD
from publishing.tests.helpers import make_channel, published

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, url: str, number: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_a_student_answers_on_a_phone_and_the_secretary_reads_the_charts(
    live_server, personas, tree, page: Page, browser: Browser, browser_context_args: dict[str, Any]
) -> None:
    survey, questions = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    log_in(page, live_server.url, personas.student.number)
    page.goto(f"{live_server.url}/engagement/me/surveys/")
    page.get_by_role("link", name=survey.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
    why = page.get_by_role("group", name=re.compile("哪些方面不满意"))
    expect(why).to_be_hidden()
    page.get_by_label("不满意").check()
    expect(why).to_be_visible()
    page.get_by_label("满意", exact=True).check()
    expect(why).to_be_hidden()
    page.get_by_label("不满意").check()
    fits_the_screen(page)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("请回答“哪些方面不满意？”")
    why = page.get_by_role("group", name=re.compile("哪些方面不满意"))
    why.get_by_label("学习安排").check()
    page.get_by_label("一句话建议").fill("多组织讨论")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("谢谢，你的回答已保存。")).to_be_visible()

    secretary_context = browser.new_context(**browser_context_args)
    desk = secretary_context.new_page()
    log_in(desk, live_server.url, personas.secretary.number)
    desk.goto(f"{live_server.url}/engagement/surveys/{survey.pk}/results/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(survey.title)
    first_question = questions["single"]
    expect(desk.locator(f"#chart-{first_question.pk} canvas")).to_be_visible()
    expect(desk.get_by_role("table").first).to_contain_text("不满意")
    expect(desk.get_by_text("多组织讨论")).to_be_visible()
    fits_the_screen(desk)
    secretary_context.close()


def test_a_reader_votes_in_the_poll_of_a_public_article(live_server, personas, tree, page: Page) -> None:
    article = published(personas, make_channel(personas.secretary, tree.branch_a1))
    poll = make_survey(
        personas.secretary,
        tree.branch_a1,
        title="下次去哪里",
        is_poll=True,
        targets=[],
        attached_to=f"article:{article.pk}",
    )
    add_question(
        personas.secretary, poll, QuestionKind.SINGLE, text="选一个地点", options=["红色纪念馆", "博物馆"]
    )
    services.survey_open(actor=personas.secretary, survey=poll)
    log_in(page, live_server.url, personas.student.number)
    page.goto(f"{live_server.url}/channels/{article.channel.slug}/articles/{article.pk}/")
    section = page.locator("section.survey-poll")
    section.get_by_label("博物馆").check()
    section.get_by_role("button", name="投票").click()
    expect(section.get_by_text("感谢参与投票。")).to_be_visible()
    expect(section.get_by_role("row", name=re.compile("博物馆"))).to_contain_text("100%")
    fits_the_screen(page)
