"""Bursts: many different people doing one thing at once, then a check that nothing was lost or doubled.

A wrk scenario repeats one request of one persona; a burst is what happens in a hall of 300 people
scanning one check-in code, or 1,000 students taking the daily quiz at 8 in the morning: every
request comes from another person, each person may retry, and the invariant is about the rows
afterwards. Each burst prepares its people and their access tokens in this process (against the
bench database), sends every person's request once through ``CONCURRENCY`` persistent HTTP
connections, then **all of them again** (the client retry that must count once), and checks the
database. Python threads drive the load from the same two cores that serve it, so a burst's
requests per second understate the server; its errors and invariants are exact.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

CONCURRENCY = 50


@dataclass
class Call:
    """One HTTP request of one person."""

    method: str
    path: str
    token: str
    body: dict[str, Any] | None = None
    # Filled in at send time (a check-in code changes every 30 s).
    prepare: Callable[[Call], None] | None = None


@dataclass
class BurstResult:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def errors(self) -> int:
        return self.socket_errors + sum(n for status, n in self.statuses.items() if status >= 400)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(0.5), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "errors": self.errors,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
        }


def send_all(port: int, calls: list[Call], concurrency: int = CONCURRENCY) -> BurstResult:
    """Send every call once, ``concurrency`` at a time over keep-alive connections."""
    pending: queue.Queue[Call] = queue.Queue()
    for call in calls:
        pending.put(call)
    result = BurstResult(requests=len(calls))
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                call = pending.get_nowait()
            except queue.Empty:
                break
            if call.prepare:
                call.prepare(call)
            headers = {"Authorization": f"Bearer {call.token}", "Content-Type": "application/json"}
            body = json.dumps(call.body) if call.body is not None else None
            started = time.perf_counter()
            try:
                connection.request(call.method, call.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    result.socket_errors += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.latencies_ms.append(elapsed)
                result.statuses[status] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(min(concurrency, len(calls)))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class Burst:
    """A burst: ``setup`` prepares the people and returns their calls and the invariant check."""

    name: str
    description: str
    setup: Callable[[str], tuple[list[Call], Callable[[], list[str]], Callable[[], None]]]


def bench_tokens(user_ids: list[int], name: str) -> dict[int, str]:
    """A fresh one-day access token for each person (their earlier tokens of this name are revoked)."""
    from django.utils import timezone

    from accounts.models import AccessToken, User
    from accounts.services import access_token_create

    AccessToken.objects.filter(user_id__in=user_ids, name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    expires = timezone.now() + timedelta(days=1)
    return {
        user.pk: access_token_create(user=user, name=name, expires_at=expires)[1]
        for user in User.objects.filter(pk__in=user_ids)
    }


def run(burst: Burst, port: int, size: str) -> dict[str, Any]:
    """Prepare, send every call, send every call again, check, clean up; the figures as a dict."""
    calls, invariant, cleanup = burst.setup(size)
    try:
        first = send_all(port, calls)
        retry = send_all(port, calls)
        problems = invariant()
    finally:
        cleanup()
    return {
        "description": burst.description,
        "people": len(calls),
        "first": first.as_dict(),
        "retry": retry.as_dict(),
        "invariant_problems": problems,
    }


# --- The bursts ---------------------------------------------------------------------------------------

CHECK_IN_PEOPLE = 300


def check_in_setup(size: str) -> tuple[list[Call], Callable[[], list[str]], Callable[[], None]]:
    """A meeting of the largest college with 300 invitees, each checking in by the screen's short code."""
    from django.utils import timezone

    from accounts.models import AccessToken
    from orglife import checkin_codes
    from orglife.models import CheckIn, Invitation, Meeting, MeetingStatus
    from orgs.models import Membership, OrgUnit, Position, UnitKind

    # The first college with enough members: a college-wide party lesson in one hall.
    for college in OrgUnit.objects.filter(kind=UnitKind.COLLEGE_COMMITTEE).order_by("path"):
        people = list(
            Membership.objects.filter(unit__path__startswith=college.path)
            .order_by("person_id")
            .values_list("person_id", flat=True)[:CHECK_IN_PEOPLE]
        )
        if len(people) == CHECK_IN_PEOPLE:
            break
    else:
        raise LookupError(f"no college of the bench data has {CHECK_IN_PEOPLE} members")
    organiser = Position.objects.active().filter(unit=college).values_list("person_id", flat=True).first()
    if organiser is None:
        raise LookupError(f"{college} has no officer to organise the meeting")
    now = timezone.now()
    meeting = Meeting.objects.create(
        unit=college,
        kind="party_lesson",
        title="bench: check-in burst",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        status=MeetingStatus.PUBLISHED,
        published_at=now,
        organiser_id=organiser,
    )
    Invitation.objects.bulk_create([Invitation(meeting=meeting, person_id=pk) for pk in people])
    tokens = bench_tokens(people, "bench-burst")
    secret, meeting_id = meeting.check_in_secret, meeting.pk

    def current_code(call: Call) -> None:
        window = checkin_codes.window_at(timezone.now())
        call.body = {"code": checkin_codes.short_code(secret, meeting_id, window), "meeting_id": meeting_id}

    calls = [Call("POST", "/api/v1/check-ins", tokens[pk], prepare=current_code) for pk in people]

    def invariant() -> list[str]:
        problems = []
        rows = CheckIn.objects.filter(meeting_id=meeting_id)
        counted = rows.count()
        distinct = rows.values("person_id").distinct().count()
        if counted < len(people):
            problems.append(f"{len(people) - counted} check-ins lost ({counted} of {len(people)} stored)")
        if counted != distinct or counted > len(people):
            problems.append(f"check-ins doubled: {counted} rows for {distinct} people")
        return problems

    def cleanup() -> None:
        AccessToken.objects.filter(user_id__in=people, name="bench-burst").update(revoked_at=timezone.now())
        Meeting.objects.filter(pk=meeting_id).delete()

    return calls, invariant, cleanup


BURSTS = [
    Burst(
        "check_in_burst",
        f"{CHECK_IN_PEOPLE} invitees of one meeting check in by the short code (POST /api/v1/check-ins), "
        "then all of them again",
        check_in_setup,
    ),
]
