"""A hall of 200 scanning at once on PostgreSQL: every check-in is kept, none is doubled.

Each person scans twice at the same moment (400 attempts), every attempt in its own thread with
its own database connection. At most ``BURST_CONNECTIONS`` connections are open together, because
the PostgreSQL server of CI and development machines is shared (max_connections is 100 there).
SQLite serialises writers anyway, so the test runs on PostgreSQL only.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from core.models import AuditEvent
from orglife import checkin_codes, services_checkin
from orglife.models import CheckIn, Invitation
from orglife.tests.factories_record import START, make_meeting
from orgs.models import Membership, PartyStatus

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite lets one writer in at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

PEOPLE = 200
BURST_CONNECTIONS = int(os.environ.get("ORGLIFE_BURST_CONNECTIONS", "40"))


def _make_hall(branch, count: int) -> list[User]:
    people = User.objects.bulk_create(
        User(number=f"BURST{index:05d}", name=f"党员{index}", password="!") for index in range(count)
    )
    Membership.objects.bulk_create(
        Membership(person=person, unit=branch, party_status=PartyStatus.FULL) for person in people
    )
    return people


def test_two_hundred_parallel_check_ins_lose_and_double_nothing(tree, personas, time_machine):
    time_machine.move_to(START + timedelta(minutes=1), tick=False)
    people = _make_hall(tree.branch_a1, PEOPLE)
    meeting = make_meeting(tree.branch_a1, personas.secretary, invitees=people)
    assert Invitation.objects.filter(meeting=meeting).count() == PEOPLE
    code = checkin_codes.short_code(
        meeting.check_in_secret, meeting.pk, checkin_codes.window_at(START + timedelta(minutes=1))
    )
    gate = threading.BoundedSemaphore(BURST_CONNECTIONS)
    start = threading.Barrier(PEOPLE * 2)
    created: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def scan(person_id: int) -> None:
        start.wait()
        with gate:
            try:
                person = User.objects.get(pk=person_id)
                result = services_checkin.check_in_by_code(actor=person, code=code, meeting_id=meeting.pk)
                with lock:
                    created.append(result.created)
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=scan, args=(person.pk,)) for person in people for _attempt in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(created) == PEOPLE * 2
    assert created.count(True) == PEOPLE
    assert CheckIn.objects.filter(meeting=meeting).count() == PEOPLE
    assert CheckIn.objects.filter(meeting=meeting).values("person").distinct().count() == PEOPLE
    assert AuditEvent.objects.filter(action="orglife.check_in.record").count() == PEOPLE
