"""The comment burst's client, without a bench server: the sequence each reader sends, the double
tap, and the problems it reports when a retry answers with another comment."""

from __future__ import annotations

from bench.bursts import COMMENT_RETRY_EVERY, COMMENTS_EACH, CommentWriter, Reply


def walk(writer: CommentWriter, ids: list[int], status: int = 201) -> list[tuple[str, str]]:
    """Follow the writer's calls, answering each with the next id; (client key, step) per call."""
    sent = []
    call = writer.call(0)
    answers = iter(ids)
    while call is not None:
        sent.append((call.body["client_key"], call.step))
        assert call.then is not None
        call = call.then(Reply(status, {"id": next(answers)}))
    return sent


def test_a_reader_posts_each_comment_with_its_own_key():
    writer = CommentWriter(1, 501, "token", [11, 12, 13])
    assert walk(writer, [1, 2]) == [("bench-501-0", "post"), ("bench-501-1", "post")]
    assert len({body["client_key"] for body in writer.bodies}) == COMMENTS_EACH
    assert {body["target"] for body in writer.bodies} <= {"article:11", "article:12", "article:13"}
    assert writer.problems == []


def test_every_tenth_reader_double_taps_the_first_comment_and_must_get_the_same_one():
    writer = CommentWriter(COMMENT_RETRY_EVERY, 502, "token", [11])
    assert walk(writer, [7, 7, 8]) == [
        ("bench-502-0", "post"),
        ("bench-502-0", "retry"),
        ("bench-502-1", "post"),
    ]
    assert writer.problems == []
    # The retry pass: the same comments again, or a problem is reported.
    walk(writer, [7, 9, 8], status=200)
    assert writer.problems == ["person 502: key bench-502-0 gave comment 9, not 7"]


def test_some_comments_carry_a_phone_number_for_the_engine_to_mask():
    texts = [body["text"] for number in range(5) for body in CommentWriter(number, number, "t", [1]).bodies]
    assert sum("13812345678" in text for text in texts) == 2
