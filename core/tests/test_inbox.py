from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Notification
from core.tests.helpers import make_notification

pytestmark = pytest.mark.django_db

INBOX = reverse("core:inbox")


def open_url(item: Notification) -> str:
    return reverse("core:notification_open", args=[item.pk])


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "persona",
    [
        "student",
        "activist",
        "propaganda",
        "secretary",
        "college_officer",
        "university_admin",
        "system_admin",
        "outsider",
    ],
)
def test_every_logged_in_person_has_an_inbox(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(INBOX).status_code == 200


def test_it_lists_only_the_persons_own_items(client, personas):
    make_notification(personas.student, title="For the student")
    make_notification(personas.outsider, title="For the outsider")
    client.force_login(personas.student)
    content = client.get(INBOX).content.decode()
    assert "For the student" in content
    assert "For the outsider" not in content


def test_nobody_can_open_another_persons_item(client, personas):
    theirs = make_notification(personas.outsider, url="/somewhere/")
    client.force_login(personas.student)
    assert client.post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_needs_a_post(client, personas):
    item = make_notification(personas.student, url="/accounts/me/")
    client.force_login(personas.student)
    assert client.get(open_url(item)).status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


def test_opening_marks_read_and_follows_the_link(client, personas):
    item = make_notification(personas.student, url="/accounts/me/")
    client.force_login(personas.student)
    response = client.post(open_url(item))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_opening_never_redirects_to_another_site(client, personas):
    item = make_notification(personas.student, url="https://evil.example/phish")
    client.force_login(personas.student)
    response = client.post(open_url(item))
    assert response["Location"] == INBOX
    item.refresh_from_db()
    assert item.read_at is not None


def test_unread_items_are_bold_and_labelled_for_screen_readers(client, personas):
    make_notification(personas.student, title="Fresh news", body="Details follow")
    make_notification(personas.student, title="Old news", read=True)
    client.force_login(personas.student)
    content = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="visually-hidden">unread: </span><strong>Fresh news</strong>' in content
    assert "<strong>Old news</strong>" not in content
    assert "Details follow" in content
    assert "<time" in content and 'datetime="' in content


def test_the_unread_filter_hides_read_items(client, personas):
    make_notification(personas.student, title="Fresh news")
    make_notification(personas.student, title="Old news", read=True)
    client.force_login(personas.student)
    content = client.get(INBOX, {"show": "unread"}).content.decode()
    assert "Fresh news" in content
    assert "Old news" not in content


def test_htmx_gets_only_the_results_fragment(client, personas):
    make_notification(personas.student, title="Fresh news")
    client.force_login(personas.student)
    response = client.get(INBOX, {"show": "unread"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "Fresh news" in content
    assert "<html" not in content
    assert 'id="inbox-results"' in content
    assert "HX-Request" in response["Vary"]


def test_mark_all_read_touches_only_the_persons_own_items(client, personas):
    mine = [make_notification(personas.student) for _ in range(3)]
    theirs = make_notification(personas.outsider)
    client.force_login(personas.student)
    response = client.post(reverse("core:inbox_read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[m.pk for m in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_a_post(client, personas):
    make_notification(personas.student)
    client.force_login(personas.student)
    assert client.get(reverse("core:inbox_read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_inbox_is_paginated(client, personas):
    for number in range(25):
        make_notification(personas.student, title=f"Item {number:02d}")
    client.force_login(personas.student)
    first = client.get(INBOX).content.decode()
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert "Item 24" in first and "Item 04" not in first
    assert "Item 04" in second and "Item 24" not in second
    assert 'rel="next"' in first


def test_the_nav_shows_the_unread_count(client, personas):
    for _ in range(4):
        make_notification(personas.student)
    client.force_login(personas.student)
    content = client.get(INBOX).content.decode()
    assert '<span class="badge-count">4' in content


@pytest.mark.parametrize("rows", [1, 45])
def test_the_inbox_query_count_does_not_grow_with_the_items(
    client, personas, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_notification(personas.student)
    client.force_login(personas.student)
    # session, user, grants (nav), unread count (nav), page count, page rows
    with django_assert_num_queries(6):
        assert client.get(INBOX).status_code == 200
