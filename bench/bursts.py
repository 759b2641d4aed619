"""Bursts: many different people doing one thing at once, then a check that nothing was lost or doubled.

A wrk scenario repeats one request of one persona; a burst is what happens in a hall of 300 people
scanning one check-in code, or 1,000 students taking the daily quiz at 8 in the morning: every
request comes from another person, each person may retry, and the invariant is about the rows
afterwards. Each burst prepares its people and their access tokens in this process (against the
bench database), sends every person's work once through ``CONCURRENCY`` persistent HTTP
connections, then **all of it again** (the client retry that must count once), and checks the
database. A person's work is one request (a check-in) or a short sequence decided reply by reply
(the daily quiz: start, answer each question, submit): a ``Call`` names its follow-up with
``then``, every request's latency is measured on its own and by step, and the retry pass starts
each sequence again from its first request. Python threads drive the load from the same two cores
that serve it, so a burst's requests per second understate the server; its errors and invariants
are exact.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

CONCURRENCY = 50


@dataclass(frozen=True)
class Reply:
    """What a request got back: its status and its body read as JSON (None when it is not JSON)."""

    status: int
    data: Any


@dataclass
class Call:
    """One HTTP request of one person, and what that person sends next.

    ``then`` receives the reply and returns the person's next request, or None when the person is
    done: a sequence (start → submit) is a chain of calls. ``step`` labels the request in
    the per-step latencies ("start", "answer", "submit"); a burst of single calls leaves it empty.
    """

    method: str
    path: str
    token: str
    body: dict[str, Any] | None = None
    # Filled in at send time (a check-in code changes every 30 s).
    prepare: Callable[[Call], None] | None = None
    then: Callable[[Reply], Call | None] | None = None
    step: str = ""


@dataclass
class BurstResult:
    people: int = 0
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    # Each request's latency under its call's step, and each person's whole sequence, first to last.
    steps: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sequences_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    # A reply the person's next step could not read (the sequence stops there).
    client_errors: int = 0

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies_ms if values is None else values)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def errors(self) -> int:
        failed = sum(n for status, n in self.statuses.items() if status >= 400)
        return self.socket_errors + self.client_errors + failed

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "people": self.people,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(0.5), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "errors": self.errors,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
        }
        if self.client_errors:
            figures["client_errors"] = self.client_errors
        if self.requests > self.people:  # sequences: how long each step and each person took
            figures["steps"] = {
                step: {
                    "requests": len(values),
                    "p50_ms": round(self.percentile(0.5, values), 1),
                    "p99_ms": round(self.percentile(0.99, values), 1),
                }
                for step, values in self.steps.items()
            }
            figures["person_p50_ms"] = round(self.percentile(0.5, self.sequences_ms), 1)
            figures["person_p99_ms"] = round(self.percentile(0.99, self.sequences_ms), 1)
        return figures


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def send_all(port: int, calls: list[Call], concurrency: int = CONCURRENCY) -> BurstResult:
    """Send every person's work once, ``concurrency`` people at a time over keep-alive connections.

    ``calls`` holds each person's first request; a call's ``then`` chains the next one. A socket
    error or an unreadable reply ends that person's sequence (the retry pass starts it again).
    """
    pending: queue.Queue[Call] = queue.Queue()
    for call in calls:
        pending.put(call)
    result = BurstResult(people=len(calls))
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                call: Call | None = pending.get_nowait()
            except queue.Empty:
                break
            person_started = time.perf_counter()
            while call is not None:
                if call.prepare:
                    call.prepare(call)
                headers = {"Authorization": f"Bearer {call.token}", "Content-Type": "application/json"}
                body = json.dumps(call.body) if call.body is not None else None
                started = time.perf_counter()
                try:
                    connection.request(call.method, call.path, body=body, headers=headers)
                    response = connection.getresponse()
                    content = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        result.requests += 1
                        result.socket_errors += 1
                    break
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.requests += 1
                    result.latencies_ms.append(elapsed)
                    result.steps[call.step].append(elapsed)
                    result.statuses[status] += 1
                if call.then is None:
                    call = None
                    continue
                try:
                    call = call.then(Reply(status, _decode(content)))
                except (KeyError, IndexError, TypeError, ValueError):
                    with lock:
                        result.client_errors += 1
                    break
            with lock:
                result.sequences_ms.append((time.perf_counter() - person_started) * 1000)
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


# --- The daily-quiz burst -------------------------------------------------------------------------------

QUIZ_PEOPLE = 1_000
QUIZ_BANK_SIZE = 60
QUIZ_TAG = "bench"
QUIZ_CLIENT = "bench-quiz"  # the name of the access tokens it makes
QUIZ_RULE = "daily_quiz"


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bench bank, with what the bench client answers (always the right answer)."""

    kind: str
    stem: str
    options: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    accepted: tuple[str, ...] = ()


def quiz_bank() -> list[BankQuestion]:
    """The bench bank: ``QUIZ_BANK_SIZE`` questions of every kind, the same ones every run."""
    bank = []
    for n in range(1, QUIZ_BANK_SIZE + 1):
        if n % 6 == 0:
            bank.append(
                BankQuestion(
                    "true_false", f"基准题 {n}：{n} 能被 4 整除。", correct=(0 if n % 4 == 0 else 1,)
                )
            )
        elif n % 6 == 1:
            bank.append(BankQuestion("fill_in", f"基准题 {n}：{n} 加 1 等于几？", accepted=(str(n + 1),)))
        elif n % 6 == 2:
            options = (str(n - 2), str(n - 1), str(n + 1), str(n + 2))
            bank.append(BankQuestion("multiple", f"基准题 {n}：哪些数大于 {n}？", options, correct=(2, 3)))
        else:
            options = (str(n - 1), str(n + 1), str(n + 2), str(n + 10))
            bank.append(BankQuestion("single", f"基准题 {n}：{n} 的下一个数是？", options, correct=(1,)))
    return bank


def ensure_quiz_bank(unit_id: int) -> int:
    """Put the bench bank at ``unit_id`` (the bench university's root) unless it is there; its size."""
    from learning.models_quiz import Question, question_fingerprint

    rows = [
        Question(
            unit_id=unit_id,
            kind=question.kind,
            stem=question.stem,
            options=list(question.options),
            correct=list(question.correct),
            accepted=list(question.accepted),
            tags=f",{QUIZ_TAG},",
            explanation="bench",
            fingerprint=question_fingerprint(question.kind, question.stem, question.options),
        )
        for question in quiz_bank()
    ]
    # The (unit, fingerprint) constraint makes a second run add nothing.
    Question.objects.bulk_create(rows, ignore_conflicts=True)
    return Question.objects.filter(unit_id=unit_id, tags__contains=f",{QUIZ_TAG},", status="active").count()


def answer_body(question: dict[str, Any], bank: dict[str, BankQuestion]) -> dict[str, Any]:
    """The right answer to an open question as the API shows it (options by their shown position).

    A question from outside the bench bank gets the first option (or "?"): it still counts as answered.
    """
    known = bank.get(question["stem"])
    index = question["index"]
    if question["kind"] == "fill_in":
        return {"index": index, "text": known.accepted[0] if known else "?"}
    if known is None:
        return {"index": index, "choices": [0]}
    if known.kind == "true_false":  # shown as True, False: 0 is true
        return {"index": index, "choices": [known.correct[0]]}
    right = {known.options[position] for position in known.correct}
    return {
        "index": index,
        "choices": [shown for shown, text in enumerate(question["options"]) if text in right],
    }


class QuizTaker:
    """One student's daily quiz over the API, as the phone client takes it: start, then submit
    with the answers (two requests).

    The retry pass sends the same first call again: the start must return the attempt of the
    first pass (already submitted, so nothing is answered again) and the submission the same
    result with the same points. What differs is written to ``problems``.
    """

    def __init__(self, person_id: int, token: str, bank: dict[str, BankQuestion]) -> None:
        self.person_id = person_id
        self.token = token
        self.bank = bank
        self.attempt_id: int | None = None
        self.result: tuple[int, int] | None = None  # (score, points) of the first submission seen
        self.pending: list[dict[str, Any]] = []
        self.problems: list[str] = []

    def first_call(self) -> Call:
        return Call(
            "POST", "/api/v1/quiz-attempts", self.token, {"kind": "daily"}, then=self.started, step="start"
        )

    def started(self, reply: Reply) -> Call | None:
        if reply.status != 200:
            return None
        attempt = reply.data
        if self.attempt_id is None:
            self.attempt_id = attempt["id"]
        elif attempt["id"] != self.attempt_id:
            self.problems.append(
                f"person {self.person_id}: a retried start gave attempt {attempt['id']}, not {self.attempt_id}"
            )
            return None
        # A finished attempt (the retry pass) is submitted again without answering anything.
        self.pending = [
            answer_body(question, self.bank)
            for question in attempt["questions"]
            if attempt["status"] == "open" and question["answer"] is None
        ]
        return self.next_call()

    def next_call(self) -> Call:
        url = f"/api/v1/quiz-attempts/{self.attempt_id}/submit"
        body = {"answers": self.pending}
        return Call("POST", url, self.token, body, then=self.submitted, step="submit")

    def submitted(self, reply: Reply) -> None:
        if reply.status != 200:
            return
        result = (reply.data["score"], reply.data["points"])
        if self.result is None:
            self.result = result
        elif result != self.result:
            self.problems.append(
                f"person {self.person_id}: a retried submit gave score and points {result}, not {self.result}"
            )


def daily_quiz_setup(size: str) -> tuple[list[Call], Callable[[], list[str]], Callable[[], None]]:
    """1,000 students of the bench university, each taking today's daily quiz from the bench bank."""
    from django.utils import timezone

    from accounts.models import AccessToken
    from learning.models import PointsDay, PointsEntry
    from learning.models_quiz import Attempt, AttemptStatus, QuestionSeen
    from learning.queries_quiz import day_slot
    from orgs.management.scale_plan import SIZES, root_code
    from orgs.models import Membership, OrgUnit

    root = OrgUnit.objects.filter(code=root_code(SIZES[size.upper()], 0)).first()
    if root is None:
        raise LookupError(f"no bench university of size {size}: run `manage.py seed_scale --size {size}`")
    if ensure_quiz_bank(root.pk) < 50:
        raise LookupError("the bench question bank holds fewer than 50 questions in use")
    members = list(
        Membership.objects.filter(unit__path__startswith=root.path, person__is_active=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    if len(members) < QUIZ_PEOPLE:
        raise LookupError(f"the bench university has {len(members)} members, fewer than {QUIZ_PEOPLE}")
    # Spread over the whole university (every college, every grade), the same people every run.
    people = members[:: len(members) // QUIZ_PEOPLE][:QUIZ_PEOPLE]
    day = timezone.localdate()
    slot = day_slot(day)

    def clear() -> None:
        """Remove today's daily quizzes of these people, their points and what they were shown."""
        attempts = Attempt.objects.filter(person_id__in=people, slot=slot)
        keys = [f"quiz:{pk}" for pk in attempts.values_list("pk", flat=True)]
        # The ledger is append-only for the application (PointsEntry.delete refuses); the bench
        # database removes its own rows with a queryset delete, which does not call it.
        PointsEntry.objects.filter(key__in=keys).delete()
        PointsDay.objects.filter(person_id__in=people, rule__code=QUIZ_RULE, day=day).delete()
        QuestionSeen.objects.filter(person_id__in=people, question__unit=root).delete()
        attempts.delete()

    clear()  # what an interrupted run of today left
    tokens = bench_tokens(people, QUIZ_CLIENT)
    bank = {question.stem: question for question in quiz_bank()}
    takers = [QuizTaker(pk, tokens[pk], bank) for pk in people]
    calls = [taker.first_call() for taker in takers]

    def invariant() -> list[str]:
        seen = [problem for taker in takers for problem in taker.problems]
        problems = seen[:10] + ([f"… and {len(seen) - 10} more like these"] if len(seen) > 10 else [])
        attempts = list(
            Attempt.objects.filter(person_id__in=people, slot=slot).values(
                "pk", "person_id", "status", "items", "answers", "points"
            )
        )
        per_person = Counter(row["person_id"] for row in attempts)
        if len(per_person) < len(people):
            problems.append(f"{len(people) - len(per_person)} of {len(people)} people have no daily quiz")
        doubled = sum(1 for count in per_person.values() if count > 1)
        if doubled:
            problems.append(f"{doubled} people have more than one daily quiz today")
        open_left = sum(1 for row in attempts if row["status"] != AttemptStatus.SUBMITTED)
        if open_left:
            problems.append(f"{open_left} attempts were not submitted")
        unanswered = sum(1 for row in attempts if len(row["answers"]) < len(row["items"]))
        if unanswered:
            problems.append(f"{unanswered} attempts lost answers")
        entries = list(
            PointsEntry.objects.filter(person_id__in=people, rule__code=QUIZ_RULE, day=day).values(
                "key", "person_id", "points"
            )
        )
        by_key = Counter(entry["key"] for entry in entries)
        expected = {f"quiz:{row['pk']}": row["points"] for row in attempts}
        missing = [key for key in expected if key not in by_key]
        if missing:
            problems.append(f"{len(missing)} submitted attempts have no points entry (e.g. {missing[0]})")
        extra = [key for key, count in by_key.items() if key not in expected or count > 1]
        if extra:
            problems.append(f"points doubled: {len(extra)} daily_quiz entries beyond one per attempt")
        wrong = [e["key"] for e in entries if e["key"] in expected and e["points"] != expected[e["key"]]]
        if wrong:
            problems.append(f"{len(wrong)} points entries differ from their attempt's points")
        earned = Counter[int]()
        for entry in entries:
            earned[entry["person_id"]] += entry["points"]
        totals = PointsDay.objects.filter(person_id__in=people, rule__code=QUIZ_RULE, day=day)
        off = sum(
            1 for person_id, total in totals.values_list("person_id", "total") if total != earned[person_id]
        )
        if off:
            problems.append(f"{off} people's daily_quiz total differs from their ledger")
        return problems

    def cleanup() -> None:
        AccessToken.objects.filter(user_id__in=people, name=QUIZ_CLIENT).update(revoked_at=timezone.now())
        clear()  # the bank stays at the root for the next run

    return calls, invariant, cleanup


# --- The comment burst ----------------------------------------------------------------------------------

COMMENT_PEOPLE = 500
COMMENT_ARTICLES = 20
COMMENTS_EACH = 2
COMMENT_CLIENT = "bench-comments"  # the name of the access tokens it makes
COMMENT_CHANNEL = "bench-comments"
COMMENT_RETRY_EVERY = 10  # every tenth person sends their first comment twice in a row


class CommentWriter:
    """One reader posting ``COMMENTS_EACH`` comments on articles of the bench channel, each with its
    own client key; some send their first comment again at once (a double tap), and the retry pass
    sends everything again. Every repeat must answer 200 with the comment of the first 201."""

    def __init__(self, number: int, person_id: int, token: str, article_ids: list[int]) -> None:
        self.person_id = person_id
        self.token = token
        self.keys = [f"bench-{person_id}-{n}" for n in range(COMMENTS_EACH)]
        self.bodies = [
            {
                "target": f"article:{article_ids[(number + n * 7) % len(article_ids)]}",
                # Every fifth comment carries a phone number: the moderation engine masks it.
                "text": f"学习心得第{n + 1}条：理论联系实际，{number}号读者"
                + ("，联系电话13812345678" if (number + n) % 5 == 0 else ""),
                "client_key": key,
            }
            for n, key in enumerate(self.keys)
        ]
        self.double_tap = number % COMMENT_RETRY_EVERY == 0
        self.first_ids: dict[str, int] = {}
        self.problems: list[str] = []

    def call(self, n: int, repeat: bool = False) -> Call:
        def then(reply: Reply) -> Call | None:
            if reply.status in (200, 201):
                key = self.keys[n]
                seen = self.first_ids.setdefault(key, reply.data["id"])
                if seen != reply.data["id"]:
                    self.problems.append(
                        f"person {self.person_id}: key {key} gave comment {reply.data['id']}, not {seen}"
                    )
            if n == 0 and self.double_tap and not repeat:
                return self.call(0, repeat=True)
            return self.call(n + 1) if n + 1 < COMMENTS_EACH else None

        return Call(
            "POST",
            "/api/v1/comments",
            self.token,
            self.bodies[n],
            then=then,
            step="retry" if repeat else "post",
        )


def comment_setup(size: str) -> tuple[list[Call], Callable[[], list[str]], Callable[[], None]]:
    """500 readers of the bench university each post 2 comments on 20 published articles."""
    from django.utils import timezone

    from accounts.models import AccessToken
    from engagement.models import Comment
    from engagement.services_comments import comment_rate_forget
    from orgs.management.scale_plan import SIZES, root_code
    from orgs.models import Membership, OrgUnit
    from publishing.models import Article, ArticleStatus, Channel

    root = OrgUnit.objects.filter(code=root_code(SIZES[size.upper()], 0)).first()
    if root is None:
        raise LookupError(f"no bench university of size {size}: run `manage.py seed_scale --size {size}`")
    members = list(
        Membership.objects.filter(unit__path__startswith=root.path, person__is_active=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    if len(members) < COMMENT_PEOPLE:
        raise LookupError(f"the bench university has {len(members)} members, fewer than {COMMENT_PEOPLE}")
    people = members[:: len(members) // COMMENT_PEOPLE][:COMMENT_PEOPLE]
    channel = Channel.objects.filter(unit=root).first()
    own_channel = channel is None
    if channel is None:
        channel = Channel.objects.create(unit=root, slug=COMMENT_CHANNEL, name="基准评论频道")
    now = timezone.now()
    articles = Article.objects.bulk_create(
        [
            Article(
                channel=channel,
                author_id=people[0],
                title=f"bench: 评论文章 {n + 1}",
                body="<p>基准测试正文</p>",
                status=ArticleStatus.PUBLISHED,
                published_at=now,
            )
            for n in range(COMMENT_ARTICLES)
        ]
    )
    article_ids = [article.pk for article in articles]
    comment_rate_forget(person_ids=people)  # an earlier run within the hour must not count
    tokens = bench_tokens(people, COMMENT_CLIENT)
    writers = [CommentWriter(number, pk, tokens[pk], article_ids) for number, pk in enumerate(people)]
    calls = [writer.call(0) for writer in writers]

    def invariant() -> list[str]:
        seen = [problem for writer in writers for problem in writer.problems]
        problems = seen[:10] + ([f"… and {len(seen) - 10} more like these"] if len(seen) > 10 else [])
        keys = {key for writer in writers for key in writer.keys}
        rows = list(
            Comment.objects.filter(target_kind="article", target_id__in=article_ids).values_list(
                "author_id", "client_key", "shown_text"
            )
        )
        stored = Counter((author, key) for author, key, _text in rows)
        if len(rows) != len(keys):
            problems.append(f"{len(rows)} comments stored for {len(keys)} distinct client keys")
        doubled = sum(1 for count in stored.values() if count > 1)
        if doubled:
            problems.append(f"{doubled} client keys stored more than once")
        missing = len(keys - {key for _author, key in stored})
        if missing:
            problems.append(f"{missing} comments lost")
        unmasked = sum(1 for _author, _key, text in rows if "13812345678" in text)
        if unmasked:
            problems.append(f"{unmasked} comments show a phone number unmasked")
        return problems

    def cleanup() -> None:
        AccessToken.objects.filter(user_id__in=people, name=COMMENT_CLIENT).update(revoked_at=timezone.now())
        Comment.objects.filter(target_kind="article", target_id__in=article_ids).delete()
        Article.objects.filter(pk__in=article_ids).delete()
        if own_channel:
            channel.delete()
        comment_rate_forget(person_ids=people)

    return calls, invariant, cleanup


BURSTS = [
    Burst(
        "check_in_burst",
        f"{CHECK_IN_PEOPLE} invitees of one meeting check in by the short code (POST /api/v1/check-ins), "
        "then all of them again",
        check_in_setup,
    ),
    Burst(
        "daily_quiz_burst",
        f"{QUIZ_PEOPLE} students take today's daily quiz (start, answer its 5 questions, submit through "
        "/api/v1/quiz-attempts), then all of them again",
        daily_quiz_setup,
    ),
    Burst(
        "comment_burst",
        f"{COMMENT_PEOPLE} readers post {COMMENTS_EACH} comments each on {COMMENT_ARTICLES} articles "
        "(POST /api/v1/comments with a client key; every tenth sends its first twice), then all of it again",
        comment_setup,
    ),
]
