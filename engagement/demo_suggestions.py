"""The demo university's suggestion box: a few real-sounding messages per branch, some answered
and rated, some waiting, one overdue, some with the sender's name hidden. Written through the
services (so moderation, handlers, events and audit lines are those of a real message) without inbox
items: demo history is old news, and a demo person's inbox shows only the welcome."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.demo import DemoLoader, register_demo_loader
from core.workdays import add_working_days
from engagement import queries_suggestions as queries
from engagement import services_suggestions as services
from engagement.models import Suggestion, SuggestionKind
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import Membership, OrgUnit, UnitKind

SEED = "yunhu-demo-suggestions"
BRANCHES = 6

MESSAGES = [
    (
        SuggestionKind.SUGGESTION,
        "支部学习时间安排",
        "希望把每周的集中学习调整到周四晚上，周三很多同学有实验课，总是缺席。",
    ),
    (
        SuggestionKind.QUESTION,
        "入党积极分子培训报名",
        "请问本学期入党积极分子培训什么时候报名？需要准备哪些材料？",
    ),
    (
        SuggestionKind.SUGGESTION,
        "主题党日活动形式",
        "建议主题党日多组织一些走进社区、参观红色教育基地的实践活动，不要只开会。",
    ),
    (SuggestionKind.QUESTION, "党费交纳方式", "研究生的党费按什么标准交？可以线上交吗？"),
    (SuggestionKind.SUGGESTION, "学习资料共享", "希望支部把学习资料整理到平台上，方便大家随时查看。"),
    (SuggestionKind.QUESTION, "思想汇报提交", "思想汇报是每季度交一次吗？可以通过平台提交电子版吗？"),
]
REPLIES = [
    "感谢你的建议！支委会已经讨论，下周起集中学习改到周四晚上七点。",
    "培训报名通知会在下周一发布，需要准备入党申请书复印件和一寸照片。",
    "建议很好，本月主题党日我们将组织参观校史馆和红色教育基地。",
]


def load_demo_suggestions() -> dict[str, int]:
    """Give the first branches of the demo university a suggestion box with history; nothing when any exists."""
    root = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    if root is None or Suggestion.objects.filter(unit__path__startswith=root.path).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    branches = OrgUnit.objects.filter(path__startswith=root.path, kind=UnitKind.BRANCH).order_by("path")
    counts = {"suggestions": 0, "replies": 0, "ratings": 0}
    with transaction.atomic():
        for branch in branches:
            if counts["suggestions"] >= BRANCHES * 3:
                break
            handler = queries.default_handler(branch)
            senders = list(
                Membership.objects.filter(unit=branch)
                .exclude(person_id=getattr(handler, "pk", None))
                .select_related("person")
                .order_by("person__number")[:3]
            )
            if handler is None or not senders:
                continue
            for index, membership in enumerate(senders):
                kind, subject, text = MESSAGES[(counts["suggestions"] + index) % len(MESSAGES)]
                item = services.suggestion_send(
                    actor=membership.person,
                    unit_id=branch.pk,
                    kind=kind,
                    subject=subject,
                    text=text,
                    hide_name=rng.random() < 0.4,
                    request_key=f"demo-{branch.pk}-{index}",
                    notify=False,
                )
                counts["suggestions"] += 1
                if index == 0:
                    services.suggestion_reply(
                        actor=handler, suggestion_id=item.pk, text=rng.choice(REPLIES), notify=False
                    )
                    services.suggestion_rate(
                        actor=membership.person,
                        suggestion_id=item.pk,
                        rating=rng.choice((4, 5)),
                        comment="答复很及时",
                    )
                    counts["replies"] += 1
                    counts["ratings"] += 1
                elif index == 2:  # an older one, now overdue, so the box shows what late looks like
                    opened = timezone.localdate() - timedelta(days=9)
                    Suggestion.objects.filter(pk=item.pk).update(
                        opened_on=opened,
                        due_on=add_working_days(opened, services.reply_days()),
                        created_at=timezone.now() - timedelta(days=9),
                    )
    return counts


def register() -> None:
    register_demo_loader(DemoLoader(name="engagement.suggestions", load=load_demo_suggestions, order=60))
