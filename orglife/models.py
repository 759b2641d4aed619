"""Organisational life (组织生活): meetings and activities, who is invited, leave, and check-in.

"Three meetings and one lesson" (三会一课), theme party days and the other activities of
DOMAIN.md §3 are all a ``Meeting`` of some ``ActivityKind``. Every change goes through
``orglife.services``; an ``Invitation`` is the one row per invited person that carries their read
receipt, answer and leave request, and a ``CheckIn`` is unique per person and meeting, so that a
retried or doubled scan can only ever count once.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orgs.models import OrgUnit


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("Branch general meeting")  # 支部党员大会
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")  # 支委会
    GROUP_MEETING = "group_meeting", _("Party group meeting")  # 党小组会
    PARTY_LESSON = "party_lesson", _("Party lesson")  # 党课
    THEME_DAY = "theme_day", _("Theme party day")  # 主题党日
    LIFE_MEETING = "life_meeting", _("Organisational life meeting")  # 组织生活会
    OTHER = "other", _("Other activity")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being planned; invitees see nothing yet
    PUBLISHED = "published", _("Notice published")  # invitees are notified and answer
    CLOSED = "closed", _("Closed")  # the record is locked; corrections are amendments
    CANCELLED = "cancelled", _("Cancelled")


def new_check_in_secret() -> str:
    return secrets.token_urlsafe(32)


class Meeting(models.Model):
    """A meeting or activity of an org unit (会议/活动): its notice, invitees, check-in and record."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        MeetingStatus.DRAFT: {MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED},
        MeetingStatus.PUBLISHED: {MeetingStatus.CLOSED, MeetingStatus.CANCELLED},
        MeetingStatus.CLOSED: set(),
        MeetingStatus.CANCELLED: set(),
    }

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    # Units whose members were invited as a whole (a branch, a party group, several branches);
    # people chosen one by one have an Invitation only.
    invited_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("invited units"), blank=True, related_name="+"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    # Signs the rotating check-in codes; never leaves the server.
    check_in_secret = models.CharField(max_length=64, default=new_check_in_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Raised each time the published time or place changes, so calendar apps replace the event
    # (the iCalendar SEQUENCE) and the notice of the change is a new notification.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("-starts_at", "-id")
        indexes = (models.Index(fields=("unit", "kind", "starts_at")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="orglife_meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="orglife_meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="orglife_meeting_ends_after_start"
            ),
        )

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_locked(self) -> bool:
        """A closed or cancelled meeting's record changes only by amendment."""
        return self.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED)


class Response(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ATTEND = "attend", _("Will attend")
    LEAVE = "leave", _("Asks for leave")


class LeaveStatus(models.TextChoices):
    NONE = "none", _("No leave asked")
    REQUESTED = "requested", _("Leave requested")
    APPROVED = "approved", _("Leave approved")
    REFUSED = "refused", _("Leave refused")


class Invitation(models.Model):
    """One invited person of a meeting (参会人员): read receipt, answer and leave request (请假)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    leave_status = models.CharField(
        _("leave"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.NONE
    )
    leave_reason = models.CharField(_("reason for leave"), max_length=300, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leave_decided_at = models.DateTimeField(null=True, blank=True)
    leave_decision_note = models.CharField(_("note on the leave"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = (
            models.UniqueConstraint(fields=("meeting", "person"), name="orglife_one_invitation_per_person"),
            models.CheckConstraint(condition=Q(response__in=Response.values), name="orglife_response_valid"),
            models.CheckConstraint(
                condition=Q(leave_status__in=LeaveStatus.values), name="orglife_leave_status_valid"
            ),
        )
        indexes = (models.Index(fields=("person", "meeting")),)

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"


class CheckInMethod(models.TextChoices):
    QR = "qr", _("Scanned the QR code")
    CODE = "code", _("Typed the short code")
    MANUAL = "manual", _("Marked present by the organiser")


class CheckIn(models.Model):
    """A person's presence at a meeting (签到): at most one per person and meeting, never edited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="check_ins")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    method = models.CharField(_("how"), max_length=10, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ("checked_in_at", "id")
        constraints = (
            models.UniqueConstraint(fields=("meeting", "person"), name="orglife_one_check_in_per_person"),
            models.CheckConstraint(
                condition=Q(method__in=CheckInMethod.values), name="orglife_check_in_method_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription (日历订阅): only the SHA-256 digest of its token is kept.

    Whoever holds the URL reads the person's meetings, so the person can revoke it or replace it
    with a new one at any time; the raw token is shown once, when it is made.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.prefix}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


from orglife.models_compliance import BranchThemeDay, ComplianceConfig  # noqa: E402, F401
from orglife.models_evaluation import (  # noqa: E402, F401
    Ballot,
    BallotCast,
    EvaluationCampaign,
    EvaluationParticipant,
    Talk,
)
from orglife.models_record import Amendment, FollowUpTask, MeetingMinutes, MeetingPhoto, Resolution  # noqa: E402, F401
