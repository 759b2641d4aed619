"""Comments of the demo university, so that `make run` shows articles and lessons being discussed.

Readers of the demo university comment on the first published articles and on the first lessons
open to them, reply to each other, like, and save favourites — all through the services, so the
moderation engine masks the phone number in one comment and holds another for review.
Registered with ``core.demo`` after publishing and study; idempotent.
"""

from __future__ import annotations

from typing import Any

from core.demo import DemoLoader, register_demo_loader
from engagement import services_comments
from engagement.models import Comment
from engagement.queries_comments import target_for
from learning import queries as learning_queries
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit
from publishing import queries as publishing_queries

TOPS = (
    "学习了！文章把精神讲得很透彻，我们支部下周组织专题讨论。",
    "联系自己的专业想了想，科技自立自强离不开每一个人的努力。",
    "希望多发一些基层党员的故事，读起来更有感触。",
    "有问题想请教，可以打我电话13812345678，欢迎交流。",  # masked
    "想要资料的加微信领取。",  # held for review
)
REPLIES = ("同感，我们班也在讨论这个话题。", "说得好，一起加油！")


def load_demo_comments() -> dict[str, int]:
    university = OrgUnit.objects.filter(code=UNIVERSITY_CODE).first()
    if university is None or Comment.objects.exists():
        return {}
    readers = [
        membership.person
        for membership in Membership.objects.filter(unit__path__startswith=university.path)
        .select_related("person", "unit")
        .order_by("person_id")[:12]
    ]
    if len(readers) < 4:
        return {}
    targets: list[Any] = []
    for channel in publishing_queries.public_channels()[:3]:
        targets += [
            target_for(None, "article", article.pk)
            for article in publishing_queries.published_items(channel)[:2]
        ]
    course = learning_queries.visible_courses(readers[0]).order_by("id").first()
    if course is not None:
        targets += [
            target_for(readers[0], "lesson", lesson.pk) for lesson in course.lessons.order_by("order")[:2]
        ]
    created = {"comments": 0, "likes": 0, "favourites": 0}
    for number, target in enumerate(targets):
        writer = readers[number % len(readers)]
        top = services_comments.comment_post(
            actor=writer,
            target=target,
            text=TOPS[number % len(TOPS)],
            client_key=f"demo-{number}",
            rate_limited=False,
        ).comment
        created["comments"] += 1
        if top.status != "visible":
            continue
        for offset, text in enumerate(REPLIES):
            replier = readers[(number + offset + 1) % len(readers)]
            if target.kind == "lesson" and replier is not readers[0]:
                continue  # only the first reader is sure to open this course
            services_comments.comment_post(
                actor=replier,
                target=target,
                text=text,
                parent_id=top.pk,
                client_key=f"demo-{number}-{offset}",
                rate_limited=False,
            )
            created["comments"] += 1
        for liker in readers[: 2 + number % 3]:
            if target.kind == "article":
                services_comments.comment_like_set(actor=liker, comment_id=top.pk, liked=True)
                created["likes"] += 1
        services_comments.favourite_set(actor=readers[0], target=target, saved=True)
        created["favourites"] += 1
    return created


def register() -> None:
    register_demo_loader(DemoLoader(name="engagement.comments", load=load_demo_comments, order=60))
