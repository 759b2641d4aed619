"""The bar: a name-hidden sender is revealed to no one but the current handler — not on any page,
API response, admin view, notification, audit line or log message, not to the superior when it is
escalated, and not to a handler the item was reassigned away from."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from django.urls import reverse

from core.models import AuditEvent, Notification
from engagement import services_suggestions as services
from engagement.models import Suggestion
from engagement.tests.factories_suggestions import client_for, local, send
from moderation import queries as moderation_queries
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

NAME = "欧阳匿名者"
NUMBER = "S2026990017"


@pytest.fixture
def story(tree, personas, time_machine, caplog):
    """A hidden-name item that went through everything: a held follow-up, replies, a rating, a
    reassignment, and an escalation to the college's secretary."""
    caplog.set_level(logging.DEBUG)
    time_machine.move_to(local(date(2026, 11, 23), 10), tick=False)
    sender = make_person(tree.branch_a1, name=NAME, number=NUMBER, status=PartyStatus.ACTIVIST)
    college_secretary = make_person(None, name="吴书记", status=PartyStatus.FULL)
    appoint(college_secretary, tree.college_a, "committee_secretary")
    item = send(sender, tree.branch_a1, subject="关于评优", text="评优过程不透明。", hide_name=True)
    services.suggestion_reply(actor=personas.secretary, suggestion_id=item.pk, text="会公开名单。")
    services.suggestion_rate(actor=sender, suggestion_id=item.pk, rating=2, comment="还不够")
    services.suggestion_follow_up(actor=sender, suggestion_id=item.pk, text="什么时候公开？")
    held = send(sender, tree.branch_a1, subject="第二条", text="这规定真 sb", hide_name=True, request_key="h")
    time_machine.move_to(local(date(2026, 12, 4), 9), tick=False)
    services.suggestion_deadlines_notify()  # overdue: the college secretary is told
    assert Notification.objects.filter(recipient=college_secretary, dedupe_key__endswith="escalated").exists()
    return {"sender": sender, "item": item, "held": held, "college_secretary": college_secretary}


def urls(tree, story) -> list[str]:
    item, held = story["item"], story["held"]
    moderation_item = moderation_queries.review_queue(tree.branch_a1).get(subject=held.moderation_subject)
    return [
        reverse("engagement:suggestion", args=[item.pk]),
        reverse("engagement:my_suggestions"),
        reverse("engagement:unit_suggestions", args=[tree.branch_a1.pk]),
        reverse("engagement:unit_suggestions", args=[tree.branch_a1.pk]) + "?status=all",
        reverse("engagement:unit_suggestions", args=[tree.college_a.pk]),
        reverse("engagement:unit_suggestions", args=[tree.university.pk]),
        f"/api/v1/suggestions/{item.pk}",
        f"/api/v1/suggestions/{held.pk}",
        f"/api/v1/units/{tree.branch_a1.pk}/suggestions?status=all",
        f"/api/v1/units/{tree.college_a.pk}/suggestions",
        "/api/v1/suggestions/handling",
        "/api/v1/suggestions/mine",
        reverse("core:inbox"),
        reverse("moderation:queue", args=[tree.branch_a1.pk]),
        reverse("moderation:item", args=[moderation_item.pk]),
        reverse("admin:engagement_suggestion_changelist"),
        reverse("admin:engagement_suggestion_change", args=[item.pk]),
        reverse("admin:engagement_suggestion_change", args=[held.pk]),
        reverse("admin:engagement_suggestion_history", args=[item.pk]),
        reverse("admin:core_auditevent_changelist") + "?q=engagement",
        *[reverse("admin:core_auditevent_change", args=[event.pk]) for event in AuditEvent.objects.all()],
        reverse("admin:core_notification_changelist") + "?q=评优",
    ]


def assert_hidden(client, addresses: list[str], who: str) -> None:
    for url in addresses:
        response = client.get(url)
        body = response.content.decode()
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.dumps(response.json(), ensure_ascii=False)  # "\u6b27…" would hide the name
        assert NAME not in body, f"{who} sees the name at {url}"
        assert NUMBER not in body, f"{who} sees the number at {url}"


def test_no_one_but_the_handler_learns_who_sent_it(tree, personas, story, caplog):
    addresses = urls(tree, story)
    admin = client_for(personas.system_admin)
    assert {url: admin.get(url).status_code for url in addresses} == dict.fromkeys(
        addresses, 200
    )  # seen, not 404
    everyone = [
        "student",
        "activist",
        "propaganda",
        "college_officer",
        "university_admin",
        "system_admin",
        "outsider",
    ]
    for persona in everyone:
        assert_hidden(client_for(getattr(personas, persona)), addresses, persona)
    assert_hidden(client_for(story["college_secretary"]), addresses, "the superior")
    for event in AuditEvent.objects.all():
        assert NAME not in f"{event.actor_label} {event.object_repr} {event.data}"
    for notice in Notification.objects.exclude(recipient=story["sender"]):
        assert NAME not in f"{notice.title} {notice.body}"
    assert NAME not in caplog.text and NUMBER not in caplog.text


def test_the_handler_sees_the_name_until_the_item_is_reassigned_away(tree, personas, story):
    item = story["item"]
    page = reverse("engagement:suggestion", args=[item.pk])
    secretary = client_for(personas.secretary)
    assert NAME in secretary.get(page).content.decode()
    assert (
        client_for(personas.secretary).get(f"/api/v1/suggestions/{item.pk}").json()["sender"]["name"] == NAME
    )
    for reassigned in (item, story["held"]):
        services.suggestion_assign(
            actor=personas.college_officer,
            suggestion_id=reassigned.pk,
            handler_id=personas.university_admin.pk,
        )
    assert_hidden(secretary, urls(tree, story), "the former handler")
    assert NAME in client_for(personas.university_admin).get(page).content.decode()
    assert_hidden(client_for(personas.college_officer), urls(tree, story), "the officer who reassigned it")


def test_the_sender_sees_their_own_item_and_a_name_shown_item_names_its_sender(tree, personas, story):
    assert (
        NAME
        in client_for(story["sender"])
        .get(reverse("engagement:suggestion", args=[story["item"].pk]))
        .content.decode()
    )
    open_item = send(story["sender"], tree.branch_a1, subject="公开署名", text="署名建议", request_key="open")
    assert (
        NAME
        in client_for(personas.college_officer)
        .get(reverse("engagement:suggestion", args=[open_item.pk]))
        .content.decode()
    )
    assert Suggestion.objects.filter(hide_name=True).count() == 2
