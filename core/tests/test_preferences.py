from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import FieldErrors
from core.models import AuditEvent, EmailMode, NotificationPreference
from core.services import email_mode, notification_preference_set
from core.tests.helpers import DIGEST_KIND, IMMEDIATE_KIND, QUIET_KIND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registered_kinds")]

PAGE = reverse("core:notification_preferences")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    assert client.get(PAGE).status_code == 302


@pytest.mark.parametrize("persona", ["student", "secretary", "college_officer", "system_admin", "outsider"])
def test_every_logged_in_person_can_choose(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(PAGE).status_code == 200


def test_it_shows_a_radio_group_per_kind_with_the_current_choice(client, personas):
    notification_preference_set(user=personas.student, kind=IMMEDIATE_KIND, email=EmailMode.NONE)
    client.force_login(personas.student)
    content = client.get(PAGE).content.decode()
    assert content.count("<fieldset") >= 3
    assert f'name="kind-{IMMEDIATE_KIND}" value="none" checked' in content
    assert f'name="kind-{DIGEST_KIND}" value="digest" checked' in content
    assert f'name="kind-{QUIET_KIND}" value="none" checked' in content


def test_saving_stores_only_the_changed_choices_and_audits_them(client, personas):
    client.force_login(personas.student)
    response = client.post(
        PAGE,
        {
            f"kind-{IMMEDIATE_KIND}": "digest",
            f"kind-{DIGEST_KIND}": "digest",  # unchanged from the default
            f"kind-{QUIET_KIND}": "immediate",
        },
    )
    assert response.status_code == 302
    stored = dict(NotificationPreference.objects.filter(user=personas.student).values_list("kind", "email"))
    assert stored == {IMMEDIATE_KIND: "digest", QUIET_KIND: "immediate"}
    events = AuditEvent.objects.filter(action="core.notification_preference.set", actor=personas.student)
    assert sorted(e.data["kind"] for e in events) == [IMMEDIATE_KIND, QUIET_KIND]
    assert email_mode(personas.student, IMMEDIATE_KIND) == EmailMode.DIGEST


def test_an_unknown_choice_is_refused_with_a_message(client, personas):
    client.force_login(personas.student)
    response = client.post(PAGE, {f"kind-{IMMEDIATE_KIND}": "carrier-pigeon"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose one of the email options." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_saving_the_same_choice_twice_audits_once(personas):
    notification_preference_set(user=personas.student, kind=QUIET_KIND, email=EmailMode.DIGEST)
    notification_preference_set(user=personas.student, kind=QUIET_KIND, email=EmailMode.DIGEST)
    assert AuditEvent.objects.filter(action="core.notification_preference.set").count() == 1


def test_the_service_refuses_an_unregistered_kind(personas):
    with pytest.raises(FieldErrors):
        notification_preference_set(user=personas.student, kind="no.such.kind", email=EmailMode.NONE)


def test_the_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.student)
    # session, user, grants (nav), unread count (nav), the person's preferences
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200
