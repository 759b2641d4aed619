from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import EmailMode, Notification
from core.services import notification_preference_set
from core.tasks import send_daily_digests, send_digest_email
from core.tests.helpers import DIGEST_KIND, IMMEDIATE_KIND, QUIET_KIND, make_notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registered_kinds")]


def with_email(person, address):
    person.email = address
    person.save(update_fields=["email"])
    return person


@pytest.fixture
def reader(personas):
    return with_email(personas.student, "student@school.example")


def test_it_sends_one_email_listing_every_digest_item(reader, mailoutbox):
    make_notification(reader, kind=DIGEST_KIND, title="Branch meeting moved", url="/meetings/7/")
    make_notification(reader, kind=DIGEST_KIND, title="New article published")
    send_daily_digests.call()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["student@school.example"]
    assert "2" in message.subject
    assert "Branch meeting moved" in message.body
    assert "New article published" in message.body
    assert "/meetings/7/" in message.body
    assert "/inbox/preferences/" in message.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_running_it_twice_sends_nothing_the_second_time(reader, mailoutbox):
    make_notification(reader, kind=DIGEST_KIND)
    send_daily_digests.call()
    send_daily_digests.call()
    assert len(mailoutbox) == 1


def test_each_person_gets_their_own_email(reader, personas, mailoutbox):
    other = with_email(personas.activist, "activist@school.example")
    make_notification(reader, kind=DIGEST_KIND, title="For the student")
    make_notification(other, kind=DIGEST_KIND, title="For the activist")
    assert send_daily_digests.call() == 2
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert "For the student" in by_address["student@school.example"]
    assert "For the activist" not in by_address["student@school.example"]
    assert "For the activist" in by_address["activist@school.example"]


def test_it_follows_the_persons_choice_over_the_kinds_default(reader, mailoutbox):
    notification_preference_set(user=reader, kind=IMMEDIATE_KIND, email=EmailMode.DIGEST)
    notification_preference_set(user=reader, kind=DIGEST_KIND, email=EmailMode.NONE)
    make_notification(reader, kind=IMMEDIATE_KIND, title="Chosen as digest")
    make_notification(reader, kind=DIGEST_KIND, title="Opted out")
    make_notification(reader, kind=QUIET_KIND, title="Never emailed")
    send_daily_digests.call()
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Chosen as digest" in body
    assert "Opted out" not in body
    assert "Never emailed" not in body


def test_it_leaves_out_old_read_and_already_emailed_items(reader, mailoutbox):
    make_notification(reader, kind=DIGEST_KIND, title="From two days ago", age=timedelta(days=2))
    make_notification(reader, kind=DIGEST_KIND, title="Already read", read=True)
    emailed = make_notification(reader, kind=DIGEST_KIND, title="Already emailed")
    Notification.objects.filter(pk=emailed.pk).update(emailed_at=emailed.created_at)
    make_notification(reader, kind=DIGEST_KIND, title="From this morning", age=timedelta(hours=20))
    send_daily_digests.call()
    [message] = mailoutbox
    assert "From this morning" in message.body
    for title in ("From two days ago", "Already read", "Already emailed"):
        assert title not in message.body


def test_nobody_without_digest_items_gets_an_email(reader, mailoutbox):
    make_notification(reader, kind=IMMEDIATE_KIND)
    assert send_daily_digests.call() == 0
    assert mailoutbox == []


def test_a_person_without_an_address_is_skipped(personas, mailoutbox):
    make_notification(personas.activist, kind=DIGEST_KIND)
    assert send_daily_digests.call() == 0
    assert mailoutbox == []


def test_items_claimed_by_another_worker_are_not_sent_again(reader, mailoutbox):
    item = make_notification(reader, kind=DIGEST_KIND)
    since = (item.created_at - timedelta(hours=1)).isoformat()
    # Another worker's conditional UPDATE won the race between our selection and our claim.
    Notification.objects.filter(pk=item.pk).update(emailed_at=item.created_at)
    assert send_digest_email.call(reader.pk, since) == 0
    assert mailoutbox == []


def test_a_failed_send_releases_the_items_for_the_next_run(reader, mailoutbox, monkeypatch):
    make_notification(reader, kind=DIGEST_KIND)

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("core.tasks.send_mail", broken)
        send_daily_digests.call()  # the per-person task fails inside the immediate backend
    assert Notification.objects.get().emailed_at is None
    send_daily_digests.call()
    assert len(mailoutbox) == 1


def test_the_digest_is_written_in_the_recipients_language(reader, mailoutbox):
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    make_notification(reader, kind=DIGEST_KIND, title="支部大会通知")
    send_daily_digests.call()
    [message] = mailoutbox
    assert "支部大会通知" in message.body
    assert "条新通知" in message.subject
