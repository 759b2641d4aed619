"""Writes of the meeting record: minutes, resolutions, follow-up tasks, photos, closing, amendments.

Each write needs ``orglife.organise_meetings`` over the meeting's unit, locks the meeting row (so
that closing and writing never interleave), and is audited. While the notice is published the
record is written freely; ``meeting_close`` locks it (``Meeting.TRANSITIONS``), after which only
amendments are added — and a follow-up task can still be marked done or not done, because doing
the work the meeting decided is not a change of what the meeting decided.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.services import document_create
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.richtext import plain_text, sanitize_html
from core.services import notifications_send
from orglife.models import Meeting, MeetingStatus
from orglife.models_record import Amendment, FollowUpTask, MeetingMinutes, MeetingPhoto, Resolution
from orglife.permissions_record import PHOTO_PURPOSE, can_organise, can_view_meeting, require_organiser
from orgs.models import Membership

TASK_ASSIGNED = "orglife.task_assigned"
MINUTES_MAX_CHARS = 200_000
TEXT_MAX_CHARS = 5_000
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
PHOTO_MAX_BYTES = 20 * 1024 * 1024


def _locked_meeting(actor: Any, meeting: Meeting) -> Meeting:
    """The meeting row, locked for the transaction, after the organiser check."""
    require_organiser(actor, meeting)
    return Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)


def _refuse_unless_writable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise DomainError(
            "record_locked",
            _("The meeting is closed and its record is locked. Write an amendment to correct it."),
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("meeting_cancelled", _("This meeting was cancelled; it has no record."))
    if meeting.status != MeetingStatus.PUBLISHED:
        raise DomainError(
            "meeting_not_published", _("Publish the meeting's notice before writing its record.")
        )


def _clean_text(field: str, raw: str, *, empty: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise FieldErrors.single(field, empty)
    if len(text) > TEXT_MAX_CHARS:
        raise FieldErrors.single(
            field, _("Write at most %(count)s characters.") % {"count": f"{TEXT_MAX_CHARS:,}"}
        )
    return text


def minutes_save(*, actor: Any, meeting: Meeting, html: str) -> MeetingMinutes:
    """Store the minutes (sanitised rich text), replacing the previous text while the record is open."""
    if len(html or "") > MINUTES_MAX_CHARS:
        raise FieldErrors.single("minutes", _("The minutes are too long."))
    cleaned = sanitize_html(html or "")
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _refuse_unless_writable(locked)
        minutes, created = MeetingMinutes.objects.get_or_create(
            meeting=locked, defaults={"html": cleaned, "updated_by": actor}
        )
        if not created:
            if minutes.html == cleaned:
                return minutes  # a retried save changes nothing
            minutes.html = cleaned
            minutes.updated_by = actor
            minutes.save(update_fields=["html", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="orglife.minutes.save",
            target=locked,
            unit_id=locked.unit_id,
            data={"words": len(plain_text(cleaned))},
        )
    return minutes


def resolution_add(*, actor: Any, meeting: Meeting, text: str) -> Resolution:
    """Add a resolution the meeting took."""
    cleaned = _clean_text("text", text, empty=_("Write the resolution."))
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _refuse_unless_writable(locked)
        resolution = Resolution.objects.create(meeting=locked, text=cleaned, created_by=actor)
        audit_record(actor=actor, action="orglife.resolution.add", target=resolution, unit_id=locked.unit_id)
    return resolution


def resolution_remove(*, actor: Any, meeting: Meeting, resolution_id: int) -> None:
    """Remove a resolution recorded by mistake, while the record is open."""
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _refuse_unless_writable(locked)
        resolution = Resolution.objects.filter(meeting=locked, pk=resolution_id).first()
        if resolution is None:
            return  # already removed: a retried request
        audit_record(
            actor=actor,
            action="orglife.resolution.remove",
            target=resolution,
            unit_id=locked.unit_id,
            data={"text": resolution.text[:500]},
        )
        resolution.delete()


def _task_owner(meeting: Meeting, owner_id: int | None) -> Any:
    """The owner must belong to a branch inside the meeting's unit's tree, or be invited to it."""
    if owner_id is None:
        raise FieldErrors.single("owner", _("Choose who does the task."))
    membership = (
        Membership.objects.select_related("person")
        .filter(person_id=owner_id, unit__path__startswith=meeting.unit.path, person__is_active=True)
        .first()
    )
    if membership is not None:
        return membership.person
    invitation = meeting.invitations.select_related("person").filter(person_id=owner_id).first()
    if invitation is None:
        raise FieldErrors.single("owner", _("Choose one of the meeting's invitees or the unit's members."))
    return invitation.person


def task_add(
    *, actor: Any, meeting: Meeting, title: str, owner_id: int | None, due_on: date | None
) -> FollowUpTask:
    """Give someone a follow-up task with a due date; they are told in their inbox."""
    cleaned = _clean_text("title", title, empty=_("Say what is to be done."))[:300]
    if due_on is None:
        raise FieldErrors.single("due_on", _("Give the date the task is due."))
    if due_on < timezone.localdate(meeting.starts_at):
        raise FieldErrors.single("due_on", _("The due date cannot be before the meeting."))
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _refuse_unless_writable(locked)
        owner = _task_owner(locked, owner_id)
        task = FollowUpTask.objects.create(
            meeting=locked, title=cleaned, owner=owner, due_on=due_on, created_by=actor
        )
        audit_record(
            actor=actor,
            action="orglife.task.add",
            target=task,
            unit_id=locked.unit_id,
            data={"owner": owner.pk, "due_on": due_on.isoformat()},
        )
        url = reverse("orglife:record", args=[locked.pk])
        transaction.on_commit(
            partial(
                notifications_send,
                recipients=[owner],
                kind=TASK_ASSIGNED,
                title=gettext_lazy("A task from the meeting “%(meeting)s”"),
                body=gettext_lazy("%(task)s — due on %(due)s."),
                params={"meeting": locked.title, "task": cleaned, "due": date_format(due_on)},
                url=url,
                dedupe_key=f"orglife.task:{task.pk}",
            )
        )
    return task


def task_set_done(*, actor: Any, meeting: Meeting, task_id: int, done: bool) -> FollowUpTask:
    """Mark a follow-up task done or not done; its owner or an organiser may, also after closing."""
    task = FollowUpTask.objects.filter(meeting=meeting, pk=task_id).first()
    if task is None:
        raise FieldErrors.single("task", _("This task does not exist."))
    if task.owner_id != getattr(actor, "pk", None) and not can_organise(actor, meeting):
        if can_view_meeting(actor, meeting):
            raise PermissionDenied
        require_organiser(actor, meeting)
    with transaction.atomic():
        locked = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if locked.done == done:
            return locked
        locked.done = done
        locked.done_at = timezone.now() if done else None
        locked.save(update_fields=["done", "done_at"])
        audit_record(
            actor=actor,
            action="orglife.task.done" if done else "orglife.task.reopen",
            target=locked,
            unit_id=meeting.unit_id,
        )
    return locked


def photo_add(*, actor: Any, meeting: Meeting, title: str, uploaded_file: Any) -> MeetingPhoto:
    """Store a photo of the meeting in the archive (with its thumbnail) and attach it to the record.

    The archive checks the upload (``archive.upload_documents`` over the unit, size, sniffed type);
    only whoever may view the meeting reads the photo (``can_read_meeting_photo``).
    """
    require_organiser(actor, meeting)
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _refuse_unless_writable(locked)
        document = document_create(
            actor=actor,
            unit=locked.unit,
            title=(title or "").strip() or _("Photo of %(meeting)s") % {"meeting": locked.title[:150]},
            uploaded_file=uploaded_file,
            purpose=PHOTO_PURPOSE,
            max_bytes=PHOTO_MAX_BYTES,
            allowed_types=PHOTO_TYPES,
        )
        photo = MeetingPhoto.objects.create(meeting=locked, document=document)
        audit_record(
            actor=actor,
            action="orglife.photo.add",
            target=photo,
            unit_id=locked.unit_id,
            data={"document": str(document.public_id)},
        )
    return photo


def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Close the meeting: its record is locked from now on and corrections become amendments.

    Only a published meeting that has begun can be closed; closing twice changes nothing.
    """
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        if locked.status == MeetingStatus.CLOSED:
            return locked
        if not locked.can_become(MeetingStatus.CLOSED):
            if locked.status == MeetingStatus.CANCELLED:
                raise DomainError("meeting_cancelled", _("This meeting was cancelled; it cannot be closed."))
            raise DomainError(
                "meeting_not_published", _("Only a meeting whose notice was published can be closed.")
            )
        if timezone.now() < locked.starts_at:
            raise DomainError(
                "meeting_not_started", _("The meeting has not begun yet; close it once it has taken place.")
            )
        locked.status = MeetingStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="orglife.meeting.close", target=locked, unit_id=locked.unit_id)
    return locked


def amendment_add(*, actor: Any, meeting: Meeting, text: str) -> Amendment:
    """Append a correction to a closed meeting's record (who and when are kept with it)."""
    cleaned = _clean_text("text", text, empty=_("Write the correction."))
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        if locked.status != MeetingStatus.CLOSED:
            raise DomainError(
                "record_not_locked",
                _("The record is still open: correct it directly. Amendments are for closed meetings."),
            )
        amendment = Amendment.objects.create(meeting=locked, text=cleaned, author=actor)
        audit_record(
            actor=actor,
            action="orglife.amendment.add",
            target=amendment,
            unit_id=locked.unit_id,
            data={"text": cleaned[:500]},
        )
    return amendment
