"""The burst driver's sequences and the daily-quiz burst's client, without a bench server.

The sequence tests drive a tiny HTTP server in a thread; the quiz tests grade the bench client's
answers with learning's own services on the test database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import report
from bench.bursts import (
    QUIZ_BANK_SIZE,
    Call,
    QuizTaker,
    Reply,
    answer_body,
    ensure_quiz_bank,
    quiz_bank,
    send_all,
)
from learning import services_quiz
from learning.api_quiz import attempt_json
from learning.models_quiz import Question


class Echo(BaseHTTPRequestHandler):
    """Answers every POST with its path and body as JSON; ``/broken`` answers text."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/broken":
            payload = b"not json"
        else:
            payload = json.dumps({"path": self.path, **(json.loads(body) if body else {})}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def three_steps(person: int) -> Call:
    def after_second(reply: Reply) -> Call:
        assert reply.data == {"path": "/second", "n": person}
        return Call("POST", "/third", "t", step="third")

    def after_first(reply: Reply) -> Call:
        assert reply.status == 200
        return Call("POST", "/second", "t", {"n": person}, then=after_second, step="second")

    return Call("POST", "/first", "t", then=after_first, step="first")


def test_a_persons_sequence_is_sent_request_by_request_and_timed_per_step(port):
    result = send_all(port, [three_steps(person) for person in range(20)], concurrency=4)
    figures = result.as_dict()
    assert figures["people"] == 20
    assert figures["requests"] == 60
    assert figures["statuses"] == {"200": 60}
    assert figures["errors"] == 0
    assert {step: steps["requests"] for step, steps in figures["steps"].items()} == {
        "first": 20,
        "second": 20,
        "third": 20,
    }
    assert len(result.sequences_ms) == 20
    assert figures["person_p99_ms"] >= figures["steps"]["third"]["p99_ms"]


def test_single_calls_keep_the_figures_of_one_request_per_person(port):
    figures = send_all(port, [Call("POST", "/only", "t") for _ in range(5)]).as_dict()
    assert figures["requests"] == 5
    assert "steps" not in figures


def test_a_reply_the_next_step_cannot_read_ends_that_sequence_as_an_error(port):
    def read(reply: Reply) -> Call:
        return Call("POST", "/after", "t", step=reply.data["path"])  # not JSON: data is None

    result = send_all(port, [Call("POST", "/broken", "t", then=read), three_steps(1)])
    assert result.requests == 4
    assert result.client_errors == 1
    assert result.errors == 1


def test_the_burst_line_names_each_steps_p99_and_both_passes():
    figures = {
        "people": 2,
        "requests": 14,
        "seconds": 1.5,
        "rps": 9.3,
        "p50_ms": 10.0,
        "p99_ms": 40.0,
        "errors": 0,
        "statuses": {"200": 14},
        "steps": {"start": {"requests": 2, "p50_ms": 20.0, "p99_ms": 30.0}},
        "person_p50_ms": 80.0,
        "person_p99_ms": 90.0,
    }
    line = report.burst_line({"people": 2, "first": figures, "retry": figures, "invariant_problems": []})
    assert "14 requests in 1.5 s" in line
    assert "start 30" in line
    assert line.endswith("none lost, none doubled")


def open_attempt(attempt_id: int, answered: bool = False) -> Reply:
    questions = [
        {"index": 0, "kind": "fill_in", "stem": "基准题 1：1 加 1 等于几？", "options": [], "answer": None},
        {"index": 1, "kind": "single", "stem": "not in the bank", "options": ["a", "b"], "answer": None},
    ]
    if answered:
        questions[0]["answer"] = "2"
    return Reply(200, {"id": attempt_id, "status": "open", "questions": questions})


def test_the_quiz_taker_submits_the_answers_of_what_is_open_with_the_submission():
    taker = QuizTaker(1, "t", {question.stem: question for question in quiz_bank()})
    call = taker.first_call()
    assert (call.path, call.body, call.step) == ("/api/v1/quiz-attempts", {"kind": "daily"}, "start")
    call = taker.started(open_attempt(7, answered=True))
    assert call is not None
    assert (call.path, call.step) == ("/api/v1/quiz-attempts/7/submit", "submit")
    assert call.body == {"answers": [{"index": 1, "choices": [0]}]}  # the answered one is not sent again
    taker.submitted(Reply(200, {"score": 1, "points": 1}))
    assert taker.problems == []


def test_the_quiz_taker_reports_a_retry_that_gives_another_attempt_or_other_points():
    taker = QuizTaker(1, "t", {})
    taker.started(open_attempt(7))
    taker.submitted(Reply(200, {"score": 1, "points": 1}))
    retried = taker.started(Reply(200, {"id": 7, "status": "submitted", "questions": []}))
    assert retried is not None
    assert retried.path == "/api/v1/quiz-attempts/7/submit"  # nothing answered again
    taker.submitted(Reply(200, {"score": 1, "points": 2}))
    assert taker.started(Reply(200, {"id": 8, "status": "open", "questions": []})) is None
    assert len(taker.problems) == 2


@pytest.mark.django_db
def test_the_bench_bank_is_added_once(tree):
    assert ensure_quiz_bank(tree.university.pk) == QUIZ_BANK_SIZE
    assert ensure_quiz_bank(tree.university.pk) == QUIZ_BANK_SIZE
    assert Question.objects.count() == QUIZ_BANK_SIZE
    assert {question.kind for question in quiz_bank()} == {"single", "multiple", "true_false", "fill_in"}


@pytest.mark.django_db
def test_the_bench_client_answers_every_daily_question_right(tree, personas):
    ensure_quiz_bank(tree.university.pk)
    bank = {question.stem: question for question in quiz_bank()}
    for _day in range(6):  # many shuffles: every kind, options in every order
        attempt = services_quiz.attempt_start(actor=personas.student, kind="daily")
        for question in attempt_json(attempt)["questions"]:
            body = answer_body(question, bank)
            services_quiz.attempt_answer(
                actor=personas.student,
                attempt_id=attempt.pk,
                index=body["index"],
                choices=body.get("choices"),
                text=body.get("text", ""),
            )
        graded = services_quiz.attempt_submit(actor=personas.student, attempt_id=attempt.pk)
        assert (graded.score, graded.total) == (5, 5)
        attempt.delete()
