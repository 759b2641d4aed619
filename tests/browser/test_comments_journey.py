"""A reader comments on a published article from a 375-px phone, in Chinese.

The article's public page is cached whole and carries no CSRF token; the comments panel loads the
thread with htmx. Anonymous, the reader sees the comments and "登录后发表评论"; logged in, the
same cached page loads a thread with a form. The reader posts a comment (it appears without a page
load, announced in the status line), replies to a classmate, likes the classmate's comment, saves
the article to favourites and finds it under "我的收藏". A comment with a phone number is shown
masked; one with a held word is marked as waiting for review for its author only.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.models import Comment, CommentLike, Favourite
from engagement.queries_comments import target_for
from engagement.services_comments import comment_post
from orgs.tests.factories import PASSWORD
from publishing.models import Article, ArticleStatus
from publishing.tests.helpers import make_channel

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, number: str) -> None:
    # Leave the page first: a thread still loading through htmx would set its CSRF cookie after the
    # cookies are cleared, and the login form's token would then not match it (a 403).
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_reader_comments_replies_likes_and_saves_on_a_phone(
    live_server, personas, tree, page: Page
) -> None:
    cache.clear()
    channel = make_channel(personas.secretary, tree.branch_a1)
    article = Article.objects.create(
        channel=channel,
        author=personas.activist,
        title="青年学子谈理想信念",
        body="<p>正文</p>",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    target = target_for(None, "article", article.pk)
    classmate = comment_post(
        actor=personas.activist, target=target, text="我们班组织了专题讨论，收获很大。"
    ).comment
    base = live_server.url
    url = f"{base}/channels/{channel.slug}/articles/{article.pk}/"

    # Not logged in: the cached page loads the comments, with a way to log in.
    page.goto(url)
    panel = page.locator("section.comments-panel")
    expect(panel.get_by_role("heading", name="评论")).to_be_visible()
    expect(panel).to_contain_text("我们班组织了专题讨论")
    expect(panel.get_by_role("link", name="登录后发表评论")).to_be_visible()

    # Logged in: the same cached page, the thread now has a form with its own CSRF token.
    log_in(page, base, personas.student.number)
    page.goto(url)
    box = panel.get_by_label("你的评论")
    expect(box).to_be_visible()
    box.fill("学习了，理想信念是青年成长的“总开关”。")
    panel.get_by_role("button", name="发表评论").click()
    expect(panel.locator(".comments-status")).to_have_text("评论已发表。")
    expect(panel).to_contain_text("理想信念是青年成长的“总开关”")
    assert page.url == url  # no page load: htmx swapped the thread

    # A reply to the classmate, a like, and the article saved.
    top = panel.locator(f"#comment-{classmate.pk}")
    top.get_by_text("回复", exact=True).click()
    top.get_by_label("回复 李积极").fill("同感！")
    top.get_by_role("button", name="发表回复").click()
    expect(panel.locator(".comments-status")).to_have_text("评论已发表。")
    top = panel.locator(f"#comment-{classmate.pk}")
    expect(top.locator(".comment-replies")).to_contain_text("同感！")
    top.get_by_role("button", name=re.compile("^赞")).first.click()
    expect(panel.locator(".comments-status")).to_have_text("你赞了这条评论。")
    expect(panel.locator(f"#comment-{classmate.pk} .like-count").first).to_have_text("1")
    panel.get_by_role("button", name=re.compile("收藏")).click()
    expect(panel.locator(".comments-status")).to_have_text("已加入你的收藏。")

    # Masked and held text.
    box = panel.get_by_label("你的评论")
    box.fill("有问题可以打我电话13812345678")
    panel.get_by_role("button", name="发表评论").click()
    expect(panel).to_contain_text("138****5678")
    box = panel.get_by_label("你的评论")
    box.fill("想要资料的加微信")
    panel.get_by_role("button", name="发表评论").click()
    expect(panel.locator(".comments-status")).to_contain_text("等待审核")
    expect(panel.locator(".comment-pending")).to_contain_text("想要资料的加微信")

    # My favourites lists the article with its link.
    page.goto(f"{base}/engagement/favourites/")
    page.get_by_role("link", name="青年学子谈理想信念").click()
    expect(page).to_have_url(url)

    # The classmate does not see the held comment; the masked one shows masked.
    log_in(page, base, personas.activist.number)
    page.goto(url)
    expect(panel).to_contain_text("138****5678")
    expect(panel).not_to_contain_text("想要资料的加微信")
    expect(panel).not_to_contain_text("13812345678")

    assert Comment.objects.filter(target_id=article.pk).count() == 5
    assert CommentLike.objects.filter(comment=classmate, person=personas.student).count() == 1
    assert Favourite.objects.filter(person=personas.student, target_id=article.pk).exists()
