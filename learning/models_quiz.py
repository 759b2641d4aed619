"""The question bank (题库), topic exams (专题考试) and quiz attempts (答题记录).

A ``Question`` belongs to an org unit: its authors are those holding ``learning.author_questions``
over the unit, and it is drawn for everyone whose branch lies below the unit. An ``Attempt`` holds
the drawn questions in the order shown and with the options shuffled, the answers given so far and
its deadlines; grading happens on the server when it is submitted (or when its time is up), and
the right answers leave the server only then.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import normalize_width

MAX_OPTIONS = 6
OPTION_LETTERS = "ABCDEF"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    FILL_IN = "fill_in", _("Fill in the blank")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


def normalize_answer(text: str) -> str:
    """A typed answer as compared: full-width made ASCII, case folded, every space removed."""
    return "".join(normalize_width(text).casefold().split())


def question_fingerprint(kind: str, stem: str, options: Sequence[str]) -> str:
    """The same question however it is spaced, cased or its options ordered (per unit, unique)."""
    parts = [kind, normalize_answer(stem), *sorted(normalize_answer(option) for option in options)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def is_right(
    kind: str, correct: Sequence[int], accepted: Sequence[str], order: Sequence[int], answer: Any
) -> bool:
    """Whether ``answer`` (positions of the options as shown in ``order``, or typed text) is right."""
    if kind == QuestionKind.FILL_IN:
        if not isinstance(answer, str) or not answer.strip():
            return False
        return normalize_answer(answer) in {normalize_answer(text) for text in accepted}
    if not isinstance(answer, list) or not answer:
        return False
    chosen = {order[index] for index in answer if isinstance(index, int) and 0 <= index < len(order)}
    return chosen == set(correct)


# A lesson's quiz is passed with at least this share of its questions right (exams have no pass mark
# of their own; the share is of the questions of the attempt, so 3 of 5, 6 of 10).
LESSON_QUIZ_PASS_PERCENT = 60


def is_pass(score: int, total: int) -> bool:
    """Whether ``score`` right of ``total`` questions passes a lesson's quiz (``LESSON_QUIZ_PASS_PERCENT``)."""
    return total > 0 and score * 100 >= LESSON_QUIZ_PASS_PERCENT * total


class QuestionStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class Question(models.Model):
    """One question of a unit's bank (试题). Retired, never deleted: attempts keep pointing at it.

    ``options`` are the choices' texts (none for true/false and fill-in), ``correct`` the indexes of
    the right options (true/false: 0 is true, 1 is false), ``accepted`` the accepted fill-in answers.
    ``fingerprint`` identifies the same question however it is spaced or cased, per unit.
    """

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    stem = models.TextField(_("question"), max_length=2000)
    options = models.JSONField(_("options"), default=list, blank=True)
    correct = models.JSONField(_("right options"), default=list, blank=True)
    accepted = models.JSONField(_("accepted answers"), default=list, blank=True)
    # Stored as ",tag1,tag2," so that one tag is found with a portable "contains ,tag," filter.
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=3)
    explanation = models.TextField(_("explanation"), max_length=4000, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("-id",)
        indexes = (models.Index(fields=("unit", "status")),)
        constraints = (
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="learning_question_kind"),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="learning_question_status"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5), name="learning_question_difficulty"
            ),
            models.UniqueConstraint(fields=("unit", "fingerprint"), name="learning_question_once_per_unit"),
        )

    def __str__(self) -> str:
        return self.stem[:60]

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class ExamStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("exam status", "Open")
    CLOSED = "closed", _("Closed")


class Exam(models.Model):
    """A topic exam (专题考试) that an author builds for a unit: chosen questions and/or a random
    draw by tag, a time limit the server enforces, and the number of attempts each person has."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ExamStatus.DRAFT: frozenset({ExamStatus.PUBLISHED}),
        ExamStatus.PUBLISHED: frozenset({ExamStatus.CLOSED}),
        ExamStatus.CLOSED: frozenset({ExamStatus.PUBLISHED}),
    }

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), blank=True, related_name="+")
    draw_tag = models.CharField(_("draw by tag"), max_length=40, blank=True)
    draw_count = models.PositiveSmallIntegerField(_("questions drawn at random"), default=0)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=ExamStatus.choices, default=ExamStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic exam")
        verbose_name_plural = _("topic exams")
        ordering = ("-id",)
        constraints = (
            models.CheckConstraint(condition=Q(status__in=ExamStatus.values), name="learning_exam_status"),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gte=1, time_limit_minutes__lte=600),
                name="learning_exam_time_limit",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1, max_attempts__lte=20), name="learning_exam_attempts"
            ),
            models.CheckConstraint(condition=Q(draw_count__lte=100), name="learning_exam_draw_count"),
        )

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class AttemptKind(models.TextChoices):
    DAILY = "daily", _("Daily quiz")
    WEEKLY = "weekly", _("Weekly quiz")
    EXAM = "exam", _("Topic exam")
    CHALLENGE = "challenge", _("Challenge")


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    SUBMITTED = "submitted", _("Finished")


class AttemptEnd(models.TextChoices):
    NONE = "", _("Not finished")
    SUBMITTED = "submitted", _("Submitted")
    TIME_UP = "time_up", _("Time was up")
    WRONG_ANSWER = "wrong_answer", _("Ended at a wrong answer")
    COMPLETED = "completed", _("Every question answered")


class Attempt(models.Model):
    """One person's go at a quiz (答题): drawn questions, answers, deadlines, and once finished the
    grade. ``slot`` names the daily quiz's day, the weekly quiz's week or the exam's attempt number,
    so a start retried in parallel finds the same attempt instead of drawing a second one.

    ``items`` is ``[{"q": question id, "o": [original option index in the order shown]}]``;
    ``answers`` maps the item's position (as text) to the options chosen (positions shown) or the
    text typed; ``results`` holds, once graded, whether each item was right.
    """

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        AttemptStatus.OPEN: frozenset({AttemptStatus.SUBMITTED}),
        AttemptStatus.SUBMITTED: frozenset(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttemptKind.choices)
    exam = models.ForeignKey(
        Exam, verbose_name=_("topic exam"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slot = models.CharField(max_length=60)
    status = models.CharField(
        _("status"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    ended_by = models.CharField(
        max_length=20, choices=AttemptEnd.choices, default=AttemptEnd.NONE, blank=True
    )
    items = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    question_deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    points = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ("-started_at", "-id")
        indexes = (models.Index(fields=("person", "kind", "status")),)
        constraints = (
            models.UniqueConstraint(fields=("person", "slot"), name="learning_attempt_one_per_slot"),
            models.CheckConstraint(condition=Q(kind__in=AttemptKind.values), name="learning_attempt_kind"),
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values), name="learning_attempt_status"
            ),
            models.CheckConstraint(
                condition=Q(kind=AttemptKind.EXAM) | Q(exam__isnull=True), name="learning_attempt_exam_only"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.slot}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def total(self) -> int:
        return len(self.items)

    def answer_at(self, index: int) -> Any:
        return self.answers.get(str(index))


class QuestionSeen(models.Model):
    """That a person was shown a question (in any attempt), so the daily quiz prefers new ones."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "question"), name="learning_question_seen_once"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.question_id}"


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked")
    APPLIED = "applied", _("Applied")


class QuestionImport(models.Model):
    """A spreadsheet of questions read for a unit's bank: its rows as read and the problems found,
    kept between the preview and the (all-or-nothing) apply."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED)
    created_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="learning_question_import_status"
            ),
        )

    def __str__(self) -> str:
        return self.file_name
