"""Through the real queue: a held answer of an anonymous survey reaches the review queue from the
database worker, without an author and without the request's address."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.models import AuditEvent
from engagement import services_surveys as services
from engagement.models.surveys import SurveyAnswer
from engagement.tests.factories_surveys import answers, opened
from moderation import queries as moderation_queries
from moderation import services_lexicon


@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_a_held_anonymous_answer_without_its_author(settings, tree, personas):
    services_lexicon.lexicon_entry_create(
        actor=personas.university_admin, term="罢课", category="other", action="hold", unit=None
    )
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], long=["有人说要罢课"])
    )
    answer = SurveyAnswer.objects.get(question=q["long"])
    subject = f"{services.SUBJECT_PREFIX}{answer.pk}"
    assert answer.is_held
    assert moderation_queries.status_of(subject) is None  # not yet: the worker does it
    assert DBTaskResult.objects.filter(status="READY").exists()

    call_command("db_worker", "--batch", "--no-startup-delay")

    assert moderation_queries.status_of(subject) == "pending"
    held = AuditEvent.objects.get(action="moderation.item.hold", data__subject=subject)
    assert held.actor_id is None and held.ip_address is None
    assert not AuditEvent.objects.filter(action="engagement.survey.respond").exists()
