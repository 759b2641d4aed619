"""Small builders for suggestion-box tests."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from engagement import services_suggestions as services
from engagement.models import Suggestion
from moderation import queries as moderation_queries
from moderation import services as moderation_services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def send(
    person: Any,
    unit: Any,
    *,
    subject: str = "食堂晚餐时间",
    text: str = "希望食堂晚餐延长到七点半。",
    **kwargs: Any,
) -> Suggestion:
    return services.suggestion_send(actor=person, unit_id=unit.pk, subject=subject, text=text, **kwargs)


def decide(actor: Any, unit: Any, subject: str, decision: str = "approve") -> None:
    item = moderation_queries.review_queue(unit).get(subject=subject)
    moderation_services.item_decide(actor=actor, item=item, decision=decision, reason="依规处理")


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def make_bystander(unit: Any) -> Any:
    """Someone in ``unit``'s scope who may only see the unit: in scope, without engagement's rights."""
    from orgs.models import PositionType
    from orgs.tests.factories import appoint, make_person

    observer, _created = PositionType.objects.get_or_create(
        code="observer", defaults={"name": "观察员", "capabilities": ["orgs.view_unit"]}
    )
    person = make_person(None, name="观察员")
    appoint(person, unit, observer.code)
    return person
