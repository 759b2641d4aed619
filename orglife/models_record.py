"""The record of a meeting (会议记录): minutes, photos, resolutions, follow-up tasks and amendments.

Everything here belongs to one ``Meeting`` and is written only through ``orglife.services_record``.
While the meeting is open the organiser edits the record freely; once the meeting is closed the
record is locked and a correction is an ``Amendment``, which is only ever added, never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from archive.models import Document

__all__ = ["Amendment", "FollowUpTask", "MeetingMinutes", "MeetingPhoto", "Resolution"]


class MeetingMinutes(models.Model):
    """The minutes of a meeting (会议纪要): sanitised rich text, one per meeting."""

    meeting = models.OneToOneField("orglife.Meeting", on_delete=models.CASCADE, related_name="minutes")
    html = models.TextField(_("minutes"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting_id}"


class Resolution(models.Model):
    """A decision the meeting took (决议), in the order it was recorded."""

    meeting = models.ForeignKey("orglife.Meeting", on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ("meeting", "id")

    def __str__(self) -> str:
        return self.text[:60]


class FollowUpTask(models.Model):
    """Work the meeting gave someone (会后任务): an owner, a due date, done or not yet."""

    meeting = models.ForeignKey("orglife.Meeting", on_delete=models.CASCADE, related_name="follow_up_tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ("meeting", "due_on", "id")
        indexes = (models.Index(fields=("owner", "done", "due_on")),)
        constraints = (
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False), name="orglife_task_done_has_date"
            ),
        )

    def __str__(self) -> str:
        return self.title


class MeetingPhoto(models.Model):
    """A photo of the meeting, kept in the archive (purpose ``meeting_photo``) with its thumbnail."""

    meeting = models.ForeignKey("orglife.Meeting", on_delete=models.CASCADE, related_name="photos")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting photo")
        verbose_name_plural = _("meeting photos")
        ordering = ("meeting", "id")

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.document_id}"


class Amendment(models.Model):
    """A correction of a closed meeting's record (更正): text, who and when; append-only."""

    meeting = models.ForeignKey("orglife.Meeting", on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("amendment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ("meeting", "created_at", "id")

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.pk}"
