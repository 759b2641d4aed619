"""Immediate emails go through the real django_tasks ImmediateBackend (set in conftest.py)."""

from __future__ import annotations

import pytest

from core.models import EmailMode, Notification
from core.services import notification_preference_set, notifications_send
from core.tasks import send_notification_email
from core.tests.helpers import DIGEST_KIND, IMMEDIATE_KIND, QUIET_KIND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registered_kinds")]


@pytest.fixture
def reader(personas):
    student = personas.student
    student.email = "student@school.example"
    student.save(update_fields=["email"])
    return student


def send(django_capture_on_commit_callbacks, recipient, kind=IMMEDIATE_KIND, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return notifications_send(recipients=[recipient], kind=kind, title="Meeting on Friday", **extra)


def test_an_immediate_kind_is_emailed_once_the_transaction_commits(
    reader, mailoutbox, django_capture_on_commit_callbacks
):
    [item] = send(django_capture_on_commit_callbacks, reader, body="Room 101", url="/accounts/me/")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["student@school.example"]
    assert message.subject == "Meeting on Friday"
    assert "Room 101" in message.body
    assert "/accounts/me/" in message.body
    assert "/inbox/preferences/" in message.body
    item.refresh_from_db()
    assert item.emailed_at is not None


def test_nothing_is_emailed_before_the_commit(reader, mailoutbox):
    notifications_send(recipients=[reader], kind=IMMEDIATE_KIND, title="Not yet")
    assert mailoutbox == []


@pytest.mark.parametrize("kind", [DIGEST_KIND, QUIET_KIND])
def test_digest_and_quiet_kinds_are_not_emailed_at_once(
    reader, mailoutbox, django_capture_on_commit_callbacks, kind
):
    send(django_capture_on_commit_callbacks, reader, kind=kind)
    assert mailoutbox == []
    assert Notification.objects.get().emailed_at is None


def test_a_person_who_chose_no_email_gets_none(reader, mailoutbox, django_capture_on_commit_callbacks):
    notification_preference_set(user=reader, kind=IMMEDIATE_KIND, email=EmailMode.NONE)
    send(django_capture_on_commit_callbacks, reader)
    assert mailoutbox == []


def test_a_person_who_chose_immediate_for_a_quiet_kind_gets_it(
    reader, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preference_set(user=reader, kind=QUIET_KIND, email=EmailMode.IMMEDIATE)
    send(django_capture_on_commit_callbacks, reader, kind=QUIET_KIND)
    assert len(mailoutbox) == 1


def test_a_person_without_an_address_gets_only_the_inbox_item(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, personas.activist)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=personas.activist).count() == 1


def test_the_email_task_sends_each_item_once(reader, mailoutbox):
    [item] = notifications_send(recipients=[reader], kind=IMMEDIATE_KIND, title="Once")
    assert send_notification_email.call(item.pk) is True
    assert send_notification_email.call(item.pk) is False
    assert len(mailoutbox) == 1


def test_a_failed_send_releases_the_claim_for_a_retry(reader, mailoutbox, monkeypatch):
    [item] = notifications_send(recipients=[reader], kind=IMMEDIATE_KIND, title="Flaky")

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    with monkeypatch.context() as patched, pytest.raises(ConnectionError):
        patched.setattr("core.tasks.send_mail", broken)
        send_notification_email.call(item.pk)
    item.refresh_from_db()
    assert item.emailed_at is None
    assert send_notification_email.call(item.pk) is True
    assert len(mailoutbox) == 1


def test_a_retried_send_with_a_dedupe_key_adds_nothing(
    reader, mailoutbox, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, reader, dedupe_key="meeting-7")
    send(django_capture_on_commit_callbacks, reader, dedupe_key="meeting-7")
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_item_is_written_in_the_recipients_language(reader, django_capture_on_commit_callbacks):
    from django.utils.translation import gettext_lazy

    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    [item] = notifications_send(recipients=[reader], kind=IMMEDIATE_KIND, title=gettext_lazy("Inbox"))
    assert item.title == "消息中心"
