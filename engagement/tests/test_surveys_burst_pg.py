"""Many people answering at once on PostgreSQL, each sending twice (a double tap, a retry): every
person's response is stored exactly once and nobody gets an error. SQLite serialises writers anyway,
so the test runs on PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from engagement import services_surveys as services
from engagement.models.surveys import SurveyAnswer, SurveyParticipation, SurveyResponse
from engagement.tests.factories_surveys import answers, opened
from orgs.models import Membership, PartyStatus

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite lets one writer in at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

PEOPLE = 40
CONNECTIONS = 20


def test_parallel_double_submissions_store_each_response_once(tree, personas):
    people = User.objects.bulk_create(
        User(number=f"SURVEY{index:04d}", name=f"同学{index}", password="!") for index in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(person=person, unit=tree.branch_a1, party_status=PartyStatus.ACTIVIST) for person in people
    )
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    submitted = answers(q, single=["2"], why=["0"], rating=["4"], short=["多组织学习"])
    gate = threading.BoundedSemaphore(CONNECTIONS)
    start = threading.Barrier(PEOPLE * 2)
    created: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit(person_id: int) -> None:
        start.wait()
        with gate:
            try:
                person = User.objects.get(pk=person_id)
                _participation, was_created = services.response_submit(
                    actor=person, survey=survey, answers=submitted
                )
                with lock:
                    created.append(was_created)
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                connection.close()

    threads = [
        threading.Thread(target=submit, args=(person.pk,)) for person in people for _attempt in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert created.count(True) == PEOPLE and len(created) == PEOPLE * 2
    assert SurveyParticipation.objects.filter(survey=survey).count() == PEOPLE
    assert SurveyResponse.objects.filter(survey=survey).count() == PEOPLE
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == PEOPLE * 4
