"""The demo university's notices: each of the first branches sends one asking to be acknowledged and
one for information; some members have read and acknowledged them. Written through the services,
without inbox items (a demo person's inbox shows only the welcome; the notices are under My notices)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.demo import DemoLoader, register_demo_loader
from engagement import queries_notices as queries
from engagement import services_notices as services
from engagement.models import Notice, NoticeReceipt
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import OrgUnit, Position, UnitKind

BRANCHES = 6
NOTICES = [
    (
        "关于提交第四季度思想汇报的通知",
        "<p>各位入党积极分子、发展对象：</p><p>请于<strong>12月20日前</strong>通过平台提交第四季度思想汇报，"
        "字数不少于1500字，内容应结合近期学习和工作实际。</p><p>收到请确认。</p>",
        True,
    ),
    (
        "本月主题党日活动安排",
        "<p>本月主题党日活动定于周六上午9:00在学院楼301举行，主题为“学习党的创新理论”。</p>"
        "<ul><li>集体学习（40分钟）</li><li>交流研讨（30分钟）</li></ul>",
        False,
    ),
]


def load_demo_notices() -> dict[str, int]:
    """Notices for the first branches of the demo university; nothing when any exists."""
    root = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    if root is None or Notice.objects.filter(unit__path__startswith=root.path).exists():
        return {}
    counts = {"notices": 0, "acknowledgements": 0}
    secretaries = dict(
        Position.objects.active()
        .filter(unit__path__startswith=root.path, unit__kind=UnitKind.BRANCH, position_type__code="secretary")
        .values_list("unit_id", "person")
    )
    with transaction.atomic():
        for branch in OrgUnit.objects.filter(pk__in=secretaries).order_by("path")[:BRANCHES]:
            secretary = User.objects.get(pk=secretaries[branch.pk])
            for index, (title, body, ack) in enumerate(NOTICES):
                if not queries.recipients_of(branch, whole_subtree=True, statuses=[]).exists():
                    break
                notice = services.notice_send(
                    actor=secretary,
                    unit_id=branch.pk,
                    title=title,
                    body=body,
                    requires_ack=ack,
                    request_key=f"demo-notice-{branch.pk}-{index}",
                    notify=False,
                )
                counts["notices"] += 1
                receipts = list(
                    NoticeReceipt.objects.filter(notice=notice).select_related("person").order_by("id")
                )
                for receipt in receipts[: len(receipts) * 2 // 3]:
                    services.notice_open(actor=receipt.person, notice=notice)
                    if ack:
                        services.notice_acknowledge(actor=receipt.person, notice_id=notice.pk)
                        counts["acknowledgements"] += 1
    return counts


def register() -> None:
    register_demo_loader(DemoLoader(name="engagement.notices", load=load_demo_notices, order=61))
