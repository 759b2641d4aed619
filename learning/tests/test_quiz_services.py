"""Quiz attempts: drawing, resuming, grading, deadlines, challenge mode, exams and points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404

from core.errors import DomainError, FieldErrors
from learning.models import PointsEntry
from learning.models_quiz import (
    Attempt,
    AttemptEnd,
    AttemptKind,
    AttemptStatus,
    QuestionKind,
    QuestionSeen,
    QuestionStatus,
    is_right,
)
from learning.services_quiz import (
    CHALLENGE_SECONDS,
    attempt_answer,
    attempt_refresh,
    attempt_start,
    attempt_submit,
)
from learning.tests.factories_quiz import make_exam, make_question, make_questions, right_answer, wrong_answer

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, a Friday


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def bank(tree):
    """Questions on the way from the university to branch A1, and some of branch B1's."""
    return {
        "mine": make_questions(tree.university, 4)
        + make_questions(tree.college_a, 4)
        + make_questions(tree.branch_a1, 4),
        "other": make_questions(tree.branch_b1, 6),
    }


def answer(person, attempt, index, **given):
    return attempt_answer(actor=person, attempt_id=attempt.pk, index=index, **given)


# --- Drawing and resuming -------------------------------------------------------------------------


def test_the_daily_quiz_draws_five_questions_of_the_units_above_the_person(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    mine = {question.pk for question in bank["mine"]}
    assert attempt.total == 5
    assert {item["q"] for item in attempt.items} <= mine
    assert attempt.slot == "daily:2026-11-27"


def test_starting_the_daily_quiz_again_the_same_day_resumes_the_same_attempt(personas, bank, clock):
    first = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    answer(personas.student, first, 0, **right_answer(first, 0))
    again = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    assert again.pk == first.pk
    assert again.items == first.items
    assert again.answers == {"0": right_answer(first, 0)["choices"]}


def test_the_next_day_brings_a_new_daily_quiz(personas, bank, clock):
    first = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    clock.move_to(NOON + timedelta(days=1), tick=False)
    second = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    assert second.pk != first.pk
    assert Attempt.objects.get(pk=first.pk).status == AttemptStatus.SUBMITTED  # its day ended: graded


def test_the_daily_quiz_prefers_questions_the_person_has_not_seen(personas, bank, clock):
    seen_before = bank["mine"][:7]
    QuestionSeen.objects.bulk_create([QuestionSeen(person=personas.student, question=q) for q in seen_before])
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    unseen = {question.pk for question in bank["mine"][7:]}
    assert {item["q"] for item in attempt.items} == unseen  # exactly the 5 never shown


def test_when_too_few_are_new_the_daily_quiz_tops_up_with_seen_ones(personas, bank, clock):
    QuestionSeen.objects.bulk_create(
        [QuestionSeen(person=personas.student, question=q) for q in bank["mine"][:10]]
    )
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    drawn = {item["q"] for item in attempt.items}
    assert {question.pk for question in bank["mine"][10:]} <= drawn
    assert len(drawn) == 5
    assert QuestionSeen.objects.filter(person=personas.student).count() == 12


def test_retired_questions_are_never_drawn(personas, tree, clock):
    make_questions(tree.branch_a1, 5, status=QuestionStatus.RETIRED)
    keep = make_question(tree.branch_a1)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    assert [item["q"] for item in attempt.items] == [keep.pk]


def test_an_empty_bank_is_refused_with_a_clear_message(personas, tree, clock):
    with pytest.raises(DomainError) as refused:
        attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    assert refused.value.code == "no_questions"


def test_options_are_shuffled_per_attempt_and_remembered(personas, tree, clock):
    make_question(tree.branch_a1, options=[f"o{n}" for n in range(6)])
    orders = set()
    for day in range(12):
        clock.move_to(NOON + timedelta(days=day), tick=False)
        attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
        assert sorted(attempt.items[0]["o"]) == list(range(6))
        orders.add(tuple(attempt.items[0]["o"]))
    assert len(orders) > 1


def test_the_weekly_quiz_is_one_per_iso_week(personas, bank, clock):
    first = attempt_start(actor=personas.student, kind=AttemptKind.WEEKLY)
    assert first.total == 10
    assert first.slot == "weekly:2026-W48"
    clock.move_to(NOON + timedelta(days=2), tick=False)  # Sunday: same week
    assert attempt_start(actor=personas.student, kind=AttemptKind.WEEKLY).pk == first.pk
    clock.move_to(NOON + timedelta(days=3), tick=False)  # Monday
    assert attempt_start(actor=personas.student, kind=AttemptKind.WEEKLY).pk != first.pk


# --- Grading -----------------------------------------------------------------------------------------


def test_grading_of_each_kind_of_question():
    assert is_right(QuestionKind.SINGLE, [2], [], [2, 0, 1], [0])
    assert not is_right(QuestionKind.SINGLE, [2], [], [2, 0, 1], [1])
    assert is_right(QuestionKind.MULTIPLE, [0, 2], [], [2, 1, 0], [0, 2])
    assert not is_right(QuestionKind.MULTIPLE, [0, 2], [], [2, 1, 0], [0])
    assert not is_right(QuestionKind.MULTIPLE, [0, 2], [], [2, 1, 0], [0, 1, 2])
    assert is_right(QuestionKind.TRUE_FALSE, [1], [], [0, 1], [1])
    assert not is_right(QuestionKind.TRUE_FALSE, [1], [], [0, 1], None)


def test_fill_in_answers_ignore_width_case_and_spaces():
    accepted = ["Marxism Leninism", "马克思列宁主义"]
    assert is_right(QuestionKind.FILL_IN, [], accepted, [], "  marxismleninism ")
    assert is_right(QuestionKind.FILL_IN, [], accepted, [], "ＭＡＲＸＩＳＭ　ＬＥＮＩＮＩＳＭ")
    assert is_right(QuestionKind.FILL_IN, [], accepted, [], "马克思 列宁主义")
    assert not is_right(QuestionKind.FILL_IN, [], accepted, [], "Marxism")
    assert not is_right(QuestionKind.FILL_IN, [], accepted, [], "")


def test_submitting_grades_on_the_server_and_awards_the_number_right(personas, tree, clock):
    make_question(tree.branch_a1, kind=QuestionKind.SINGLE)
    make_question(tree.branch_a1, kind=QuestionKind.MULTIPLE)
    make_question(tree.branch_a1, kind=QuestionKind.TRUE_FALSE)
    make_question(tree.branch_a1, kind=QuestionKind.FILL_IN)
    make_question(tree.branch_a1, kind=QuestionKind.SINGLE)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    for index in range(4):
        answer(personas.student, attempt, index, **right_answer(attempt, index))
    answer(personas.student, attempt, 4, **wrong_answer(attempt, 4))
    done = attempt_submit(actor=personas.student, attempt_id=attempt.pk)
    assert (done.score, done.points, done.ended_by) == (4, 4, AttemptEnd.SUBMITTED)
    assert done.results == [True, True, True, True, False]
    entry = PointsEntry.objects.get(key=f"quiz:{attempt.pk}")
    assert (entry.points, entry.rule.code) == (4, "daily_quiz")


def test_a_retried_submission_counts_once(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    for index in range(5):
        answer(personas.student, attempt, index, **right_answer(attempt, index))
    first = attempt_submit(actor=personas.student, attempt_id=attempt.pk)
    again = attempt_submit(actor=personas.student, attempt_id=attempt.pk)
    assert (first.score, again.score, again.points) == (5, 5, 5)
    assert PointsEntry.objects.filter(person=personas.student).count() == 1


def test_an_answer_can_change_until_submission_but_not_after(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    answer(personas.student, attempt, 0, **wrong_answer(attempt, 0))
    answer(personas.student, attempt, 0, **right_answer(attempt, 0))
    done = attempt_submit(actor=personas.student, attempt_id=attempt.pk)
    assert done.results[0] is True
    with pytest.raises(DomainError) as refused:
        answer(personas.student, attempt, 1, **right_answer(attempt, 1))
    assert refused.value.code == "attempt_finished"


def test_bad_answers_are_refused_naming_the_field(personas, tree, clock):
    make_question(tree.branch_a1, kind=QuestionKind.SINGLE)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    for given, field in (
        ({"choices": []}, "choices"),
        ({"choices": [0, 1]}, "choices"),
        ({"choices": [9]}, "choices"),
    ):
        with pytest.raises(FieldErrors) as refused:
            answer(personas.student, attempt, 0, **given)
        assert field in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        answer(personas.student, attempt, 5, choices=[0])
    assert "index" in refused.value.fields


def test_nobody_else_can_answer_or_submit_an_attempt(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.DAILY)
    with pytest.raises(Http404):
        answer(personas.secretary, attempt, 0, choices=[0])
    with pytest.raises(Http404):
        attempt_submit(actor=personas.secretary, attempt_id=attempt.pk)


def test_points_of_quizzes_stop_at_the_rules_daily_cap(personas, tree, clock):
    make_questions(tree.branch_a1, 10)
    weekly = attempt_start(actor=personas.student, kind=AttemptKind.WEEKLY)
    for index in range(10):
        answer(personas.student, weekly, index, **right_answer(weekly, index))
    done = attempt_submit(actor=personas.student, attempt_id=weekly.pk)
    assert (done.score, done.points) == (10, 5)


# --- Deadlines ---------------------------------------------------------------------------------------


def test_an_exam_answer_after_the_time_limit_is_refused_and_the_exam_graded(personas, tree, clock):
    questions = make_questions(tree.college_a, 3)
    exam = make_exam(tree.college_a, questions, time_limit_minutes=10)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    assert attempt.deadline == NOON + timedelta(minutes=10)
    answer(personas.student, attempt, 0, **right_answer(attempt, 0))
    clock.move_to(NOON + timedelta(minutes=10, seconds=1), tick=False)  # within the grace: accepted
    answer(personas.student, attempt, 1, **right_answer(attempt, 1))
    clock.move_to(NOON + timedelta(minutes=10, seconds=3), tick=False)
    with pytest.raises(DomainError) as refused:
        answer(personas.student, attempt, 2, **right_answer(attempt, 2))
    assert refused.value.code == "time_up"
    graded = Attempt.objects.get(pk=attempt.pk)
    assert (graded.status, graded.ended_by, graded.score) == (AttemptStatus.SUBMITTED, AttemptEnd.TIME_UP, 2)
    assert PointsEntry.objects.get(key=f"quiz:{attempt.pk}").points == 2


def test_the_client_cannot_extend_an_exam_by_resuming_or_submitting_late(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), time_limit_minutes=5)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    clock.move_to(NOON + timedelta(hours=1), tick=False)
    with pytest.raises(DomainError) as refused:  # its one attempt is graded, never reopened
        attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    assert refused.value.code == "no_attempts_left"
    old = Attempt.objects.get(pk=attempt.pk)
    assert (old.status, old.ended_by) == (AttemptStatus.SUBMITTED, AttemptEnd.TIME_UP)
    assert old.deadline == NOON + timedelta(minutes=5)


def test_reading_an_attempt_after_its_deadline_grades_it(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), time_limit_minutes=5)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    clock.move_to(NOON + timedelta(minutes=6), tick=False)
    refreshed = attempt_refresh(actor=personas.student, attempt=attempt)
    assert refreshed.ended_by == AttemptEnd.TIME_UP


def test_an_exam_allows_only_its_number_of_attempts(personas, tree, clock):
    exam = make_exam(tree.college_a, make_questions(tree.college_a, 2), max_attempts=2)
    for _ in range(2):
        attempt = attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
        assert attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam).pk == attempt.pk
        attempt_submit(actor=personas.student, attempt_id=attempt.pk)
    with pytest.raises(DomainError) as refused:
        attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    assert refused.value.code == "no_attempts_left"


def test_an_exam_of_another_college_or_a_draft_cannot_be_taken(personas, tree, clock):
    other = make_exam(tree.college_b, make_questions(tree.college_b, 2))
    draft = make_exam(tree.college_a, make_questions(tree.college_a, 2), status="draft")
    for exam in (other, draft):
        with pytest.raises(Http404):
            attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)


def test_an_exam_draws_by_tag_from_the_banks_above_its_unit(personas, tree, clock):
    tagged = make_questions(tree.university, 3, tags=["党章"])
    make_questions(tree.university, 3, tags=["党史"])
    make_questions(tree.branch_b1, 3, tags=["党章"])
    fixed = make_question(tree.college_a)
    exam = make_exam(tree.college_a, [fixed], draw_tag="党章", draw_count=2)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.EXAM, exam=exam)
    drawn = {item["q"] for item in attempt.items}
    assert fixed.pk in drawn
    assert len(drawn) == 3
    assert drawn - {fixed.pk} <= {question.pk for question in tagged}


# --- Challenge ---------------------------------------------------------------------------------------


def test_a_challenge_goes_on_while_right_and_ends_at_the_first_wrong_answer(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    assert attempt.question_deadline == NOON + timedelta(seconds=CHALLENGE_SECONDS)
    for index in range(3):
        outcome = answer(personas.student, attempt, index, **right_answer(attempt, index))
        assert outcome.right is True and outcome.attempt.is_open
    outcome = answer(personas.student, attempt, 3, **wrong_answer(attempt, 3))
    assert outcome.right is False
    done = Attempt.objects.get(pk=attempt.pk)
    assert (done.status, done.ended_by, done.score, done.points) == (
        AttemptStatus.SUBMITTED,
        AttemptEnd.WRONG_ANSWER,
        3,
        3,
    )


def test_a_challenge_answers_only_its_current_question(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    with pytest.raises(DomainError) as refused:
        answer(personas.student, attempt, 1, **right_answer(attempt, 1))
    assert refused.value.code == "not_current_question"


def test_a_challenge_question_answered_after_45_seconds_ends_it(personas, bank, clock):
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    clock.move_to(NOON + timedelta(seconds=30), tick=False)
    answer(personas.student, attempt, 0, **right_answer(attempt, 0))  # next question's 45 s start now
    clock.move_to(NOON + timedelta(seconds=30 + CHALLENGE_SECONDS + 3), tick=False)
    with pytest.raises(DomainError) as refused:
        answer(personas.student, attempt, 1, **right_answer(attempt, 1))
    assert refused.value.code == "time_up"
    done = Attempt.objects.get(pk=attempt.pk)
    assert (done.ended_by, done.score) == (AttemptEnd.TIME_UP, 1)


def test_a_challenge_answered_right_to_the_end_is_completed(personas, tree, clock):
    make_questions(tree.branch_a1, 2)
    attempt = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    answer(personas.student, attempt, 0, **right_answer(attempt, 0))
    outcome = answer(personas.student, attempt, 1, **right_answer(attempt, 1))
    assert (outcome.attempt.ended_by, outcome.attempt.score) == (AttemptEnd.COMPLETED, 2)


def test_a_new_challenge_can_start_once_the_last_ended(personas, bank, clock):
    first = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    assert attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE).pk == first.pk
    answer(personas.student, first, 0, **wrong_answer(first, 0))
    second = attempt_start(actor=personas.student, kind=AttemptKind.CHALLENGE)
    assert second.pk != first.pk and second.is_open
