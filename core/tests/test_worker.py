"""One test through the real queue: the database backend and the db_worker command."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.models import Notification
from core.services import notifications_send
from core.tests.helpers import IMMEDIATE_KIND


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("registered_kinds")
def test_the_database_worker_sends_the_queued_email(settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    person = get_user_model().objects.create_user(
        "2025000001", None, name="队列测试", email="queue@school.example"
    )
    notifications_send(recipients=[person], kind=IMMEDIATE_KIND, title="Through the worker")
    # Committed (no test transaction here), so the task is waiting in the database.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mailoutbox == []

    call_command("db_worker", "--batch", "--no-startup-delay")

    assert [m.subject for m in mailoutbox] == ["Through the worker"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notification.objects.get().emailed_at is not None
