from __future__ import annotations

import pytest
from django.urls import reverse

from core.audit import audit_record
from core.models import ScheduledRun
from core.tests.helpers import make_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.system_admin)
    return client


def test_the_audit_log_can_be_browsed_and_searched(admin_client, personas):
    audit_record(actor=personas.secretary, action="orgs.position.appoint", target=personas.student)
    response = admin_client.get(reverse("admin:core_auditevent_changelist"), {"q": "appoint"})
    assert response.status_code == 200
    assert "orgs.position.appoint" in response.content.decode()


def test_the_audit_log_cannot_be_added_to_changed_or_deleted(admin_client, personas):
    event = audit_record(actor=personas.secretary, action="orgs.position.appoint")
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change = admin_client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert change.status_code == 200  # view only
    assert 'name="_save"' not in change.content.decode()
    assert admin_client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403


def test_scheduled_runs_are_read_only(admin_client):
    run = ScheduledRun.objects.create(job="core.daily_digest", period="2026-11-27")
    assert admin_client.get(reverse("admin:core_scheduledrun_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_scheduledrun_add")).status_code == 403
    assert admin_client.get(reverse("admin:core_scheduledrun_delete", args=[run.pk])).status_code == 403


def test_notifications_and_preferences_are_listed(admin_client, personas):
    make_notification(personas.student, title="Visible in admin")
    response = admin_client.get(reverse("admin:core_notification_changelist"))
    assert response.status_code == 200
    assert "Visible in admin" in response.content.decode()
    assert admin_client.get(reverse("admin:core_notificationpreference_changelist")).status_code == 200


def test_people_without_admin_rights_are_sent_away(client, personas):
    client.force_login(personas.university_admin)
    response = client.get(reverse("admin:core_auditevent_changelist"))
    assert response.status_code == 302
