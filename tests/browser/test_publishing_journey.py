"""An article from the author's editor to the public page, on a 375-px phone, in Chinese.

The propaganda member of branch A1 writes it in the rich-text editor (typing a heading and a
paragraph like a person), submits it; the secretary (level 1) returns it with a reason; the author
reads the reason, edits and resubmits; the secretary approves; the college officer (the last level)
schedules it a little ahead, with the time zone shown. The public pages do not show it before its
time; then the real database worker (``db_worker --batch``, as in production) publishes it, and the
channel page lists it and its page renders the text and the QR code.

Time: the form takes minutes, so the publication is set two to three minutes ahead.
Rather than waiting, the clock moves to just after that minute with time-machine (``tick=True``); it
patches the clock process-wide, so the live server's thread and the worker both see the new time.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from orgs.tests.factories import PASSWORD
from publishing.models import Article, ArticleStatus, ReviewStatus, ReviewTask
from publishing.tests.helpers import make_channel

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "学习贯彻全会精神主题党日"
HEADING = "一、活动概况"
PARAGRAPH = "支部全体党员集中学习全会公报，并结合专业实际开展讨论。"
REASON = "请补充参加人数和讨论的主要观点"
ADDED = "本次活动应到党员12人，实到11人，大家围绕科技自立自强展开讨论。"


def log_in(page: Page, base: str, number: str) -> None:
    page.goto("about:blank")  # stop what the last page still loads (htmx) from setting cookies
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def decide(
    page: Page, base: str, article: Article, decision: str, reason: str = "", publish_at: str = ""
) -> None:
    page.goto(f"{base}/publishing/reviews/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"审核《{TITLE}》")
    page.locator(f"input[name=decision][value={decision}]").check()
    if reason:
        page.locator("#id_reason").fill(reason)
    if publish_at:
        page.locator("#id_publish_at").fill(publish_at)
    page.get_by_role("button", name="记录决定").click()
    expect(page).to_have_url(re.compile(r"/publishing/reviews/$"))


def test_an_article_goes_from_the_editor_through_a_return_and_two_reviews_to_the_public_page_at_its_time(
    live_server, personas, tree, page: Page, settings, time_machine
) -> None:
    # The real queue: tasks wait in the database until a worker runs them at their time.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()
    channel = make_channel(personas.secretary, tree.branch_a1)
    base = live_server.url

    # The author writes in the editor: a heading and a paragraph, typed.
    log_in(page, base, personas.propaganda.number)
    page.goto(f"{base}/publishing/channels/{channel.pk}/articles/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("支部主题党日活动纪实")
    page.locator("#id_category").select_option("current_affairs")
    page.locator("#id_tags").fill("主题党日, 全会精神")
    editor = page.get_by_role("textbox", name="正文")
    editor.click()
    page.locator(".pell-actionbar button[title='标题']").click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPH)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    article = Article.objects.get(title=TITLE)
    assert f"<h2>{HEADING}</h2>" in article.body
    assert f"<p>{PARAGRAPH}</p>" in article.body
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".badge")).to_contain_text("审核中")

    # Level 1: the secretary returns it with a reason.
    log_in(page, base, personas.secretary.number)
    decide(page, base, article, "return", reason=REASON)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT

    # The author sees the reason, adds a paragraph at the end of the text and resubmits.
    log_in(page, base, personas.propaganda.number)
    page.goto(f"{base}/publishing/articles/{article.pk}/")
    expect(page.locator("main")).to_contain_text(REASON)
    page.get_by_role("link", name="编辑", exact=True).click()
    editor = page.get_by_role("textbox", name="正文")
    expect(editor).to_contain_text(PARAGRAPH)
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(ADDED)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".badge")).to_contain_text("审核中")
    article.refresh_from_db()
    assert (article.revision, article.status) == (2, ArticleStatus.IN_REVIEW)
    assert f"<p>{ADDED}</p>" in article.body

    # Level 1 again: the secretary sees what changed since the returned revision, and approves.
    log_in(page, base, personas.secretary.number)
    page.goto(f"{base}/publishing/articles/{article.pk}/review/")
    expect(page.locator("#diff-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text(ADDED)
    decide(page, base, article, "approve")

    # Level 2: the college officer schedules it two to three minutes ahead (whole minute), in
    # Shanghai time, which the form says.
    log_in(page, base, personas.college_officer.number)
    page.goto(f"{base}/publishing/articles/{article.pk}/review/")
    expect(page.locator("label[for=id_publish_at]")).to_contain_text("Asia/Shanghai")
    local_now = timezone.localtime()
    publish_at = (local_now + timedelta(minutes=3)).replace(second=0, microsecond=0)
    decide(page, base, article, "approve", publish_at=publish_at.strftime("%Y-%m-%dT%H:%M"))
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (ArticleStatus.SCHEDULED, publish_at)
    assert ReviewTask.objects.filter(article=article, status=ReviewStatus.RETURNED).count() == 1
    page.goto(f"{base}/publishing/articles/{article.pk}/")
    expect(page.locator("main")).to_contain_text(f"{publish_at:%Y-%m-%d %H:%M} (Asia/Shanghai)")

    # Before its time: not on the channel page, no public page; the worker leaves it waiting.
    channel_url = f"{base}/channels/{channel.slug}/"
    page.context.clear_cookies()
    page.goto(channel_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(channel.name)
    expect(page.locator("main")).not_to_contain_text(TITLE)
    response = page.goto(f"{base}/channels/{channel.slug}/articles/{article.pk}/")
    assert response is not None and response.status == 404
    call_command("db_worker", "--batch", "--no-startup-delay")
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED

    # At its time the worker publishes it; a reader sees it on the channel and opens it.
    time_machine.move_to(publish_at + timedelta(seconds=5), tick=True)
    call_command("db_worker", "--batch", "--no-startup-delay")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (ArticleStatus.PUBLISHED, publish_at)
    page.goto(channel_url)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = page.locator(".pub-body")
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body).to_contain_text(PARAGRAPH)
    expect(body).to_contain_text(ADDED)
    expect(page.get_by_role("heading", name="用手机扫码阅读")).to_be_visible()
    expect(page.locator(".pub-share .qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
