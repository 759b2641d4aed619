"""Study (学习): points for study activity, by rules with daily caps, in an append-only ledger.

Courses, lessons, the library, the question bank and quizzes build on this ledger: every kind of
activity earns points only through ``learning.services_points.points_award``, which applies the
rule's daily cap and records one ``PointsEntry`` per idempotency key, so a retried request never
earns twice. Points are encouragement only (DOMAIN.md §5): they never feed an evaluation of a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly


class PointsRule(models.Model):
    """How many points one kind of activity earns, and at most how many a day (积分规则; local)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    points = models.PositiveSmallIntegerField(_("points per unit"), default=1)
    # For time-based rules (reading, video): the seconds of credited study time that make one unit.
    unit_seconds = models.PositiveIntegerField(_("seconds per unit"), null=True, blank=True)
    daily_cap = models.PositiveSmallIntegerField(_("daily cap"))
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ("order", "code")
        constraints = (
            models.CheckConstraint(condition=Q(daily_cap__gte=1), name="learning_points_rule_cap_positive"),
            models.CheckConstraint(condition=Q(points__gte=1), name="learning_points_rule_points_positive"),
        )

    def __str__(self) -> str:
        return self.name


class PointsEntry(AppendOnly):
    """One line of a person's points ledger (积分明细): written once, never changed or deleted.

    ``key`` makes an award idempotent: the same activity (a quiz attempt, a day's login, a lesson's
    two-minute slice) always carries the same key, and the unique constraint keeps it to one row.
    An award beyond the daily cap is still recorded, with the points it actually earned (possibly 0),
    so that a retry finds it and the person can see why nothing was added.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(PointsRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))
    asked = models.PositiveSmallIntegerField(_("points before the daily cap"))
    day = models.DateField(_("day"), help_text=_("The day in the platform's time zone (Asia/Shanghai)."))
    reason = models.CharField(_("reason"), max_length=200)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    key = models.CharField(max_length=150, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("person", "day")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(points__lte=models.F("asked")), name="learning_points_within_asked"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.rule_id} +{self.points}"


class PointsDay(models.Model):
    """A person's running total for one rule on one day: the row locked while an award is decided."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(PointsRule, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "rule", "day"), name="learning_one_points_day"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.rule_id} {self.day}: {self.total}"


# --- Courses and lessons (课程与课时) ----------------------------------------------------------------


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# Which status may follow which: a published course can be taken back to draft to be reworked.
PUBLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    PublicationStatus.DRAFT: frozenset({PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED}),
    PublicationStatus.PUBLISHED: frozenset({PublicationStatus.DRAFT, PublicationStatus.ARCHIVED}),
    PublicationStatus.ARCHIVED: frozenset({PublicationStatus.DRAFT}),
}


class Course(models.Model):
    """A course of lessons (课程) kept by an org unit and open to the members of its whole subtree.

    A micro-lesson (微课) is a course of one short lesson, marked ``is_micro`` so the study home can
    list it apart.
    """

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    is_recommended = models.BooleanField(_("recommended"), default=False)
    is_micro = models.BooleanField(_("micro-lesson"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ("-published_at", "-id")
        indexes = (models.Index(fields=("status", "unit")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values), name="learning_course_status_valid"
            ),
        )

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in PUBLICATION_TRANSITIONS.get(self.status, frozenset())


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    DOCUMENT = "document", _("Document (PDF)")


MEDIA_LESSON_KINDS = (LessonKind.VIDEO, LessonKind.AUDIO, LessonKind.DOCUMENT)
# Study time of these kinds earns "video time" points; text and documents earn "reading time".
WATCHED_LESSON_KINDS = (LessonKind.VIDEO, LessonKind.AUDIO)


class Lesson(models.Model):
    """One lesson of a course (课时): sanitised rich text, or a video, audio or PDF kept in the archive.

    ``length_seconds`` is the content's real length (a video's duration, an estimated reading time):
    study time is never credited beyond it, and a completion needs ``COMPLETION_SHARE`` of it.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=LessonKind.choices, default=LessonKind.TEXT)
    body = models.TextField(_("text"), blank=True, help_text=_("Sanitised HTML."))
    media = models.ForeignKey(
        "archive.Document",
        verbose_name=_("media file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    poster = models.ForeignKey(
        "archive.Document",
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    length_seconds = models.PositiveIntegerField(_("length in seconds"))
    # True when length_seconds was read from the media file itself (then authors cannot change it).
    length_from_file = models.BooleanField(_("length read from the file"), default=False)
    # The short quiz a learner must pass before the lesson counts as completed (a topic exam of the
    # course's unit or a unit above it, so that every learner of the course can take it).
    quiz = models.ForeignKey(
        "learning.Exam",
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ("course", "order", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(kind__in=LessonKind.values), name="learning_lesson_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(length_seconds__gte=1), name="learning_lesson_length_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind=LessonKind.TEXT) | Q(media__isnull=False),
                name="learning_media_lesson_has_file",
            ),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def is_watched(self) -> bool:
        return self.kind in WATCHED_LESSON_KINDS

    @property
    def needed_seconds(self) -> int:
        return needed_seconds(self.length_seconds)


# A lesson or library item counts as studied once this share of its real length was credited.
COMPLETION_SHARE = 0.8


def needed_seconds(length_seconds: int) -> int:
    """The credited seconds that complete content of ``length_seconds`` (80%, rounded up)."""
    return max(1, -(-length_seconds * 8 // 10))


class CourseRequirement(models.Model):
    """Who must take a course and by when (必修): the members of a unit's subtree, of some party statuses,
    or the people of an audience that a higher app registered in ``core.audiences`` (e.g. a
    development batch), stored as its kind's code and id because study cannot import that app.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    audience_kind = models.CharField(_("audience kind"), max_length=60, blank=True)
    audience_id = models.PositiveIntegerField(_("audience"), null=True, blank=True)
    party_statuses = models.JSONField(
        _("party statuses"), default=list, blank=True, help_text=_("Empty: every member of the unit.")
    )
    due_on = models.DateField(_("due by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course requirement")
        verbose_name_plural = _("course requirements")
        ordering = ("due_on", "id")
        constraints = (
            models.UniqueConstraint(fields=("course", "unit"), name="learning_one_requirement_per_unit"),
            models.UniqueConstraint(
                fields=("course", "audience_kind", "audience_id"),
                condition=Q(audience_id__isnull=False),
                name="learning_one_requirement_per_audience",
            ),
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, audience_kind="", audience_id__isnull=True)
                    | (Q(unit__isnull=True, audience_id__isnull=False) & ~Q(audience_kind=""))
                ),
                name="learning_requirement_unit_or_audience",
            ),
        )

    def __str__(self) -> str:
        if self.unit_id is None:
            return f"{self.course_id} @ {self.audience_kind}:{self.audience_id}"
        return f"{self.course_id} @ {self.unit_id}"


class Enrolment(models.Model):
    """A person's taking of a course: started on first study, completed when every lesson is."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    last_lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("person", "course"), name="learning_one_enrolment"),)

    def __str__(self) -> str:
        return f"{self.person_id} in {self.course_id}"


class LessonProgress(models.Model):
    """A person's progress in one lesson: credited study time, where to resume, completion."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    credited_seconds = models.PositiveIntegerField(default=0)
    # Seconds into the media, or for text and documents the share read (0–1000 per mille).
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "lesson"), name="learning_one_lesson_progress"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.lesson_id}: {self.credited_seconds}s"


class StudyClock(models.Model):
    """A person's study clock: which tab holds it and when it last credited time (one row a person).

    Locked for every heartbeat, so two tabs or two devices can never be credited for the same period.
    """

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tab = models.CharField(max_length=64, blank=True)
    last_beat_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id} {self.tab}"


# --- The online library (网上书库) -----------------------------------------------------------------


class LibraryItem(models.Model):
    """A book or document of the online library, kept in the archive and shown in the page."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        DOCUMENT = "document", _("Document")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BOOK)
    category = models.CharField(_("category"), max_length=60)
    # Stored as ",tag one,tag two," so one tag is found with a plain substring match on any database.
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    document = models.ForeignKey("archive.Document", on_delete=models.PROTECT, related_name="+")
    length_seconds = models.PositiveIntegerField(_("reading time in seconds"))
    status = models.CharField(
        _("status"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ("category", "title", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values), name="learning_library_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(length_seconds__gte=1), name="learning_library_length_positive"
            ),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class LibraryProgress(models.Model):
    """A person's reading of one library item: credited time, position, favourite."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="progress")
    credited_seconds = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    is_favourite = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("person", "item"), name="learning_one_library_progress"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id}"


# --- Rankings and training tracks --------------------------------------------------------------------


class RankingSetting(models.Model):
    """Whether a unit shows a points ranking to its members (opt-in; encouragement only)."""

    unit = models.OneToOneField("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("rankings on"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.enabled}"


class Track(models.Model):
    """A training track (培训班): a set of courses with class hours, and a certificate on completion."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    required_hours = models.PositiveSmallIntegerField(_("class hours needed"))
    courses = models.ManyToManyField(Course, through="TrackCourse", related_name="tracks")

    class Meta:
        verbose_name = _("training track")
        verbose_name_plural = _("training tracks")
        ordering = ("name", "id")
        constraints = (
            models.CheckConstraint(condition=Q(required_hours__gte=1), name="learning_track_hours_positive"),
        )

    def __str__(self) -> str:
        return self.name


class TrackCourse(models.Model):
    """A course of a track and the class hours (学时) its completion counts."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="track_courses")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    class_hours = models.PositiveSmallIntegerField(_("class hours"))

    class Meta:
        ordering = ("track", "id")
        constraints = (
            models.UniqueConstraint(fields=("track", "course"), name="learning_track_course_once"),
        )

    def __str__(self) -> str:
        return f"{self.track_id}: {self.course_id} ({self.class_hours})"


class Certificate(models.Model):
    """The certificate (结业证书) of a completed track: issued once, with the class hours it records."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="certificates")
    class_hours = models.PositiveSmallIntegerField(_("class hours"))
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("person", "track"), name="learning_one_certificate"),)

    def __str__(self) -> str:
        return f"{self.track_id} {self.person_id}"


from learning.models_quiz import Attempt, Exam, Question, QuestionImport, QuestionSeen  # noqa: E402, F401
