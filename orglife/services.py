"""Every write of meeting planning: drafts, notices, changes, cancelling, answers, leave, calendar feeds.

Each service re-checks the actor's rights over the meeting's organising unit (pages, API and tasks
all call it): out of scope is 404, in scope without the capability 403. It locks the meeting or
invitation it changes, checks the transition, saves with ``update_fields``, writes an audit event
and sends notifications, all in one transaction. Notifications carry a dedupe key, so a retried
publish or a doubled click never notifies anyone twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.permissions import require
from core.services import notifications_send
from moderation.services import blocked_message, text_check
from orglife import capabilities as caps
from orglife.models import (
    ActivityKind,
    CalendarFeed,
    Invitation,
    LeaveStatus,
    Meeting,
    MeetingStatus,
    Response,
)
from orgs.models import Membership, OrgUnit
from orgs.queries import membership_in_subtree

NOTICE_KIND = register_kind(
    "orglife.meeting_notice",
    gettext_lazy("Meeting notices"),
    description=gettext_lazy("Notices of meetings you are invited to, their changes and cancellations."),
)
LEAVE_KIND = register_kind(
    "orglife.leave",
    gettext_lazy("Leave from meetings"),
    description=gettext_lazy("Leave requests to decide, and the decisions on your own requests."),
)

FEED_TOKEN_PREFIX = "cal_"  # noqa: S105  (marks our feed tokens in logs; not a secret)
MAX_REASON_LENGTH = 300

__all__ = [
    "LEAVE_KIND",
    "NOTICE_KIND",
    "MeetingPlan",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "calendar_feed_use",
    "invitation_answer",
    "invitation_mark_read",
    "leave_decide",
    "meeting_cancel",
    "meeting_create",
    "meeting_publish",
    "meeting_update",
]


@dataclass(frozen=True)
class MeetingPlan:
    """What an organiser writes when planning a meeting.

    ``invited_unit_ids`` and ``person_ids`` are the invitees: whole units (a branch, a party group,
    several branches) and people chosen one by one. ``None`` keeps the current invitees.
    """

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    agenda: str = ""
    place: str = ""
    online_url: str = ""
    invited_unit_ids: Sequence[int] | None = ()
    person_ids: Sequence[int] | None = ()


# --- Checking a plan ------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    # A time typed without a zone is the university's local time (Asia/Shanghai by default).
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_plan(plan: MeetingPlan) -> dict[str, Any]:
    """The plan's fields ready to save, or ``FieldErrors`` naming every wrong field at once."""
    errors: dict[str, list[str]] = {}
    title = plan.title.strip()
    place = plan.place.strip()
    online_url = plan.online_url.strip()
    if plan.kind not in ActivityKind.values:
        errors["kind"] = [_("Choose the type of meeting.")]
    if not title:
        errors["title"] = [_("Give the meeting a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is too long (200 characters at most).")]
    starts_at, ends_at = _aware(plan.starts_at), _aware(plan.ends_at)
    if ends_at < starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    if len(place) > 200:
        errors["place"] = [_("The place is too long (200 characters at most).")]
    if online_url:
        try:
            URLValidator(schemes=["http", "https"])(online_url)
        except ValidationError:
            errors["online_url"] = [_("Give the online link as a full web address (https://…).")]
    if not place and not online_url:
        errors["place"] = [_("Give a place or an online link.")]
    if errors:
        raise FieldErrors(errors, _("Some fields are not valid."))
    return {
        "kind": plan.kind,
        "title": title,
        "agenda": plan.agenda.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_url": online_url,
    }


def _invited_units(unit: OrgUnit, unit_ids: Sequence[int]) -> list[OrgUnit]:
    """The units to invite as a whole; each must lie inside the organising unit's subtree."""
    wanted = set(unit_ids)
    units = list(OrgUnit.objects.filter(pk__in=wanted, path__startswith=unit.path).order_by("path"))
    if len(units) != len(wanted):
        raise FieldErrors.single(
            "invited_units",
            _("Invite only units inside %(unit)s.") % {"unit": unit.display_name},
        )
    return units


def _chosen_people(unit: OrgUnit, person_ids: Sequence[int]) -> list[int]:
    """The people chosen one by one; each must be a member inside the organising unit's subtree."""
    wanted = set(person_ids)
    found = set(
        Membership.objects.filter(membership_in_subtree(unit), person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    if found != wanted:
        raise FieldErrors.single(
            "people", _("Invite only members of %(unit)s.") % {"unit": unit.display_name}
        )
    return sorted(found)


def _set_chosen_people(meeting: Meeting, person_ids: list[int]) -> None:
    """In a draft, the invitation rows are exactly the people chosen one by one."""
    Invitation.objects.filter(meeting=meeting).exclude(person_id__in=person_ids).delete()
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, person_id=person_id) for person_id in person_ids],
        ignore_conflicts=True,
    )


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def _where(meeting: Meeting) -> str:
    return meeting.place or meeting.online_url


def _notify_invitees(meeting: Meeting, *, title: str | Promise, body: str | Promise, dedupe_key: str) -> int:
    recipients = User.objects.filter(
        pk__in=Invitation.objects.filter(meeting=meeting).values("person_id"), is_active=True
    )
    sent = notifications_send(
        recipients=recipients,
        kind=NOTICE_KIND,
        title=title,
        body=body,
        params={
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "when": _when(meeting),
            "where": _where(meeting),
            "reason": meeting.cancelled_reason,
        },
        url=reverse("orglife:meeting", args=[meeting.pk]),
        dedupe_key=dedupe_key,
    )
    return len(sent)


# --- Planning -------------------------------------------------------------------------------------


def meeting_create(*, actor: User, unit: OrgUnit, plan: MeetingPlan) -> Meeting:
    """Plan a meeting of ``unit`` as a draft: invitees see nothing until the notice is published."""
    require(actor, caps.ORGANISE_MEETINGS, unit)
    fields = _clean_plan(plan)
    units = _invited_units(unit, plan.invited_unit_ids or ())
    people = _chosen_people(unit, plan.person_ids or ())
    with transaction.atomic():
        meeting = Meeting.objects.create(unit=unit, organiser=actor, **fields)
        meeting.invited_units.set(units)
        _set_chosen_people(meeting, people)
        audit_record(
            actor=actor,
            action="orglife.meeting.create",
            target=meeting,
            unit_id=unit.pk,
            data={"kind": meeting.kind, "units": [u.pk for u in units], "people": people},
        )
    return meeting


TIME_AND_PLACE = ("starts_at", "ends_at", "place", "online_url")


def meeting_update(*, actor: User, meeting: Meeting, plan: MeetingPlan) -> Meeting:
    """Change a planned meeting. A draft changes freely; once the notice is out the invitees stay,
    and a change of time or place notifies every invitee again. Closed or cancelled meetings are
    not changed here (their record is amended)."""
    require(actor, caps.ORGANISE_MEETINGS, meeting.unit)
    fields = _clean_plan(plan)
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.is_locked:
            raise DomainError(
                "meeting_locked",
                _("This meeting is %(status)s: it can no longer be changed.")
                % {"status": meeting.get_status_display()},
            )
        is_draft = meeting.status == MeetingStatus.DRAFT
        wants_invitees = plan.invited_unit_ids is not None or plan.person_ids is not None
        if wants_invitees and not is_draft:
            raise DomainError(
                "invitees_fixed",
                _("The notice is published: the invited people can no longer be changed."),
            )
        changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
        for name in changed:
            setattr(meeting, name, fields[name])
        moved = not is_draft and any(name in TIME_AND_PLACE for name in changed)
        if moved:
            meeting.sequence += 1
            changed.append("sequence")
        if changed:
            meeting.save(update_fields=changed)
        if is_draft and plan.invited_unit_ids is not None:
            meeting.invited_units.set(_invited_units(meeting.unit, plan.invited_unit_ids))
            changed.append("invited_units")
        if is_draft and plan.person_ids is not None:
            _set_chosen_people(meeting, _chosen_people(meeting.unit, plan.person_ids))
            changed.append("people")
        if not changed:
            return meeting
        audit_record(
            actor=actor,
            action="orglife.meeting.update",
            target=meeting,
            unit_id=meeting.unit_id,
            data={"changed": changed},
        )
        if moved:
            _notify_invitees(
                meeting,
                title=gettext_lazy("Meeting changed: %(title)s"),
                body=gettext_lazy("%(kind)s “%(title)s” now takes place on %(when)s, at %(where)s."),
                dedupe_key=f"orglife.changed:{meeting.pk}:{meeting.sequence}",
            )
    return meeting


def _expand_invitations(meeting: Meeting) -> int:
    """Create the invitation of every member of the invited units (people already invited keep theirs)."""
    units = list(meeting.invited_units.all())
    if units:
        condition = Q()
        for unit in units:
            condition |= membership_in_subtree(unit)
        person_ids = (
            Membership.objects.filter(condition, person__is_active=True)
            .values_list("person_id", flat=True)
            .distinct()
        )
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, person_id=person_id) for person_id in person_ids],
            ignore_conflicts=True,
        )
    return Invitation.objects.filter(meeting=meeting).count()


def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Publish the notice: invite every member of the invited units and notify each invitee once.

    Publishing again is harmless: it invites members who joined the invited units since, and
    notifies only those who have not had the notice.
    """
    require(actor, caps.ORGANISE_MEETINGS, meeting.unit)
    with transaction.atomic():
        meeting = _lock(meeting)
        again = meeting.status == MeetingStatus.PUBLISHED
        if not again and not meeting.can_become(MeetingStatus.PUBLISHED):
            raise DomainError(
                "meeting_not_draft",
                _("This meeting is %(status)s: its notice cannot be published.")
                % {"status": meeting.get_status_display()},
            )
        invited = _expand_invitations(meeting)
        if invited == 0:
            raise DomainError(
                "no_invitees", _("Nobody is invited yet: invite a unit or choose people first.")
            )
        if not again:
            meeting.status = MeetingStatus.PUBLISHED
            meeting.published_at = timezone.now()
            meeting.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action="orglife.meeting.publish",
            target=meeting,
            unit_id=meeting.unit_id,
            data={"invited": invited, "again": again},
        )
        _notify_invitees(
            meeting,
            title=gettext_lazy("Meeting notice: %(title)s"),
            body=gettext_lazy(
                "%(kind)s “%(title)s” on %(when)s, at %(where)s. Open the notice to answer or ask for leave."
            ),
            dedupe_key=f"orglife.notice:{meeting.pk}",
        )
    return meeting


def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a draft or published meeting with a reason; invitees of a published notice are told."""
    require(actor, caps.ORGANISE_MEETINGS, meeting.unit)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", _("Say why the meeting is cancelled."))
    if len(reason) > MAX_REASON_LENGTH:
        raise FieldErrors.single("reason", _("The reason is too long (300 characters at most)."))
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status == MeetingStatus.CANCELLED:
            return meeting
        if not meeting.can_become(MeetingStatus.CANCELLED):
            raise DomainError("meeting_closed", _("This meeting is closed: it can no longer be cancelled."))
        was_published = meeting.status == MeetingStatus.PUBLISHED
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_reason = reason
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
        audit_record(
            actor=actor,
            action="orglife.meeting.cancel",
            target=meeting,
            unit_id=meeting.unit_id,
            data={"reason": reason},
        )
        if was_published:
            _notify_invitees(
                meeting,
                title=gettext_lazy("Meeting cancelled: %(title)s"),
                body=gettext_lazy("%(kind)s “%(title)s” on %(when)s is cancelled: %(reason)s"),
                dedupe_key=f"orglife.cancelled:{meeting.pk}",
            )
    return meeting


# --- Invitees -------------------------------------------------------------------------------------


def invitation_mark_read(*, actor: User, meeting: Meeting) -> bool:
    """Record that the invitee opened the published notice (the first time only); True when recorded."""
    unread = Invitation.objects.filter(meeting_id=meeting.pk, person=actor, read_at__isnull=True).exclude(
        meeting__status=MeetingStatus.DRAFT
    )
    return bool(unread.update(read_at=timezone.now()))


def _clean_text(text: str, field: str, unit: OrgUnit, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FieldErrors.single(field, missing)
    if len(text) > MAX_REASON_LENGTH:
        raise FieldErrors.single(field, _("This text is too long (300 characters at most)."))
    verdict = text_check(text=text, unit=unit)
    if verdict.action == "block":
        raise FieldErrors.single(field, blocked_message(verdict))
    return verdict.masked_text


def invitation_answer(*, actor: User, meeting: Meeting, response: str, reason: str = "") -> Invitation:
    """The invitee answers: they attend, or they ask for leave with a reason (which the organiser decides).

    Answering the same way again changes nothing; a new leave request replaces an earlier decision.
    """
    if response not in (Response.ATTEND, Response.LEAVE):
        raise FieldErrors.single("response", _("Answer that you attend or ask for leave."))
    if response == Response.LEAVE:
        reason = _clean_text(reason, "reason", meeting.unit, _("Give the reason for your leave."))
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("meeting", "meeting__unit")
            .filter(meeting_id=meeting.pk, person=actor)
            .first()
        )
        if invitation is None or invitation.meeting.status == MeetingStatus.DRAFT:
            raise Http404
        meeting = invitation.meeting
        if meeting.status != MeetingStatus.PUBLISHED:
            raise DomainError(
                "meeting_not_open",
                _("This meeting is %(status)s: it no longer takes answers.")
                % {"status": meeting.get_status_display()},
            )
        if meeting.ends_at < timezone.now():
            raise DomainError("meeting_over", _("This meeting is over: it no longer takes answers."))
        unchanged = invitation.response == response and (
            response == Response.ATTEND
            or (invitation.leave_reason == reason and invitation.leave_status != LeaveStatus.REFUSED)
        )
        if unchanged:
            return invitation
        now = timezone.now()
        invitation.response = response
        invitation.responded_at = now
        invitation.read_at = invitation.read_at or now
        invitation.leave_status = LeaveStatus.REQUESTED if response == Response.LEAVE else LeaveStatus.NONE
        invitation.leave_reason = reason if response == Response.LEAVE else ""
        invitation.leave_decided_by = None
        invitation.leave_decided_at = None
        invitation.leave_decision_note = ""
        invitation.save(
            update_fields=[
                "response",
                "responded_at",
                "read_at",
                "leave_status",
                "leave_reason",
                "leave_decided_by",
                "leave_decided_at",
                "leave_decision_note",
            ]
        )
        audit_record(
            actor=actor,
            action="orglife.invitation.answer",
            target=invitation,
            unit_id=meeting.unit_id,
            data={"meeting": meeting.pk, "response": response},
        )
        if response == Response.LEAVE and meeting.organiser.is_active:
            notifications_send(
                recipients=[meeting.organiser],
                kind=LEAVE_KIND,
                title=gettext_lazy("Leave requested: %(person)s, %(title)s"),
                body=gettext_lazy("%(person)s asks for leave from “%(title)s” on %(when)s: %(reason)s"),
                params={
                    "person": actor.name,
                    "title": meeting.title,
                    "when": _when(meeting),
                    "reason": reason,
                },
                url=reverse("orglife:meeting", args=[meeting.pk]),
                dedupe_key=f"orglife.leave_request:{invitation.pk}:{now.timestamp()}",
            )
    return invitation


def leave_decide(*, actor: User, invitation: Invitation, approve: bool, note: str = "") -> Invitation:
    """The organiser approves or refuses a leave request (a refusal says why); the invitee is told.

    Deciding the same way again changes nothing.
    """
    meeting = invitation.meeting
    require(actor, caps.ORGANISE_MEETINGS, meeting.unit)
    target = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    note = (note or "").strip()
    if not approve and not note:
        raise FieldErrors.single("note", _("Say why the leave is refused."))
    if len(note) > MAX_REASON_LENGTH:
        raise FieldErrors.single("note", _("This text is too long (300 characters at most)."))
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("meeting", "person").get(pk=invitation.pk)
        )
        meeting = invitation.meeting
        if invitation.leave_status == target:
            return invitation
        if invitation.leave_status != LeaveStatus.REQUESTED:
            raise DomainError(
                "no_leave_request",
                _("%(person)s has not asked for leave.") % {"person": invitation.person.name},
            )
        if meeting.status != MeetingStatus.PUBLISHED:
            raise DomainError(
                "meeting_not_open",
                _("This meeting is %(status)s: leave can no longer be decided.")
                % {"status": meeting.get_status_display()},
            )
        invitation.leave_status = target
        invitation.leave_decided_by = actor
        invitation.leave_decided_at = timezone.now()
        invitation.leave_decision_note = note
        invitation.save(
            update_fields=["leave_status", "leave_decided_by", "leave_decided_at", "leave_decision_note"]
        )
        audit_record(
            actor=actor,
            action="orglife.leave.approve" if approve else "orglife.leave.refuse",
            target=invitation,
            unit_id=meeting.unit_id,
            data={"meeting": meeting.pk, "person": invitation.person_id, "note": note},
        )
        title = (
            gettext_lazy("Leave approved: %(title)s") if approve else gettext_lazy("Leave refused: %(title)s")
        )
        body = (
            gettext_lazy("Your leave from “%(title)s” on %(when)s is approved. %(note)s")
            if approve
            else gettext_lazy("Your leave from “%(title)s” on %(when)s is refused: %(note)s")
        )
        stamp = invitation.responded_at.timestamp() if invitation.responded_at else 0
        notifications_send(
            recipients=[invitation.person],
            kind=LEAVE_KIND,
            title=title,
            body=body,
            params={"title": meeting.title, "when": _when(meeting), "note": note},
            url=reverse("orglife:meeting", args=[meeting.pk]),
            dedupe_key=f"orglife.leave_decision:{invitation.pk}:{stamp}:{target}",
        )
    return invitation


# --- Calendar feeds -------------------------------------------------------------------------------


def calendar_feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """Make the person's private calendar feed, replacing any earlier one (whose URL stops working).

    Returns the feed and its raw token, which is shown once and never stored.
    """
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(person=actor).delete()[0] > 0
        feed = CalendarFeed.objects.create(person=actor, prefix=raw[:10], digest=CalendarFeed.digest_of(raw))
        audit_record(
            actor=actor, action="orglife.calendar_feed.create", target=feed, data={"replaced": replaced}
        )
    return feed, raw


def calendar_feed_revoke(*, actor: User) -> bool:
    """Stop the person's calendar feed; True when there was one."""
    with transaction.atomic():
        deleted = CalendarFeed.objects.filter(person=actor).delete()[0] > 0
        if deleted:
            audit_record(actor=actor, action="orglife.calendar_feed.revoke", target=None)
    return deleted


def calendar_feed_use(raw: str) -> User | None:
    """The owner of the feed with this raw token (an active person), or None; notes its last use."""
    if not raw.startswith(FEED_TOKEN_PREFIX):
        return None
    feed = CalendarFeed.objects.select_related("person").filter(digest=CalendarFeed.digest_of(raw)).first()
    if feed is None or not feed.person.is_active:
        return None
    now = timezone.now()
    # Calendar apps poll often; remember the last use to the hour without a write per poll.
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.person
