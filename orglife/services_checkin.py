"""Check-in (签到): members check themselves in with the rotating code; organisers mark people present.

Only invitees check in, from ``CHECK_IN_OPENS_BEFORE`` before the start until the meeting ends
(organisers may still mark people present afterwards, until the meeting is closed). A check-in is
written once: the person's invitation row is locked while their check-in is looked up and
created, and the unique (meeting, person) constraint catches anything that slips past, so a retried
or doubled scan returns the existing check-in instead of a second row or an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from orglife import checkin_codes
from orglife.models import CheckIn, CheckInMethod, Invitation, Meeting, MeetingStatus
from orglife.permissions_record import require_organiser

# When check-in opens before the start (minutes); a setting so a university can change it.
CHECK_IN_OPENS_MINUTES = 30
# How long a QR scan seen by the server stays good while the person logs in first.
SCAN_GRACE = timedelta(minutes=10)
# A meeting-less short code is looked up among at most this many meetings open at once.
MAX_OPEN_MEETINGS = 1000


@dataclass(frozen=True)
class CheckInResult:
    """The person's check-in, and whether this call created it (False: it existed already)."""

    check_in: CheckIn
    created: bool


def opens_before() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ORGLIFE_CHECK_IN_OPENS_MINUTES", CHECK_IN_OPENS_MINUTES)))


def check_in_opens_at(meeting: Meeting) -> datetime:
    return meeting.starts_at - opens_before()


def is_check_in_open(meeting: Meeting, now: datetime) -> bool:
    """Members may check themselves in now: notice published, from the opening until the end."""
    return meeting.status == MeetingStatus.PUBLISHED and check_in_opens_at(meeting) <= now <= meeting.ends_at


def _local_time(moment: datetime) -> str:
    return time_format(timezone.localtime(moment), "H:i")


def _refuse_unless_published(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise DomainError("meeting_closed", _("This meeting is closed: check-in has ended."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("meeting_cancelled", _("This meeting was cancelled."))
    if meeting.status != MeetingStatus.PUBLISHED:
        raise DomainError("meeting_not_published", _("This meeting's notice is not published yet."))


def _refuse_unless_open(meeting: Meeting, now: datetime) -> None:
    _refuse_unless_published(meeting)
    opens = check_in_opens_at(meeting)
    if now < opens:
        raise DomainError(
            "check_in_not_open",
            _("Check-in opens at %(time)s, %(minutes)s minutes before the meeting starts.")
            % {"time": _local_time(opens), "minutes": int(opens_before().total_seconds() // 60)},
        )
    if now > meeting.ends_at:
        raise DomainError(
            "check_in_ended",
            _("Check-in ended when the meeting ended at %(time)s.") % {"time": _local_time(meeting.ends_at)},
        )


def _refuse_code(reason: str) -> DomainError:
    if reason == "expired":
        return DomainError(
            "check_in_code_expired",
            _("This code has expired: codes change every 30 seconds. Scan the code on the screen again."),
        )
    return DomainError(
        "check_in_code_invalid",
        _("This code is not this meeting's check-in code. Check the code on the screen and try again."),
    )


def _refuse_not_invited() -> DomainError:
    return DomainError(
        "check_in_not_invited",
        _("You are not on the list of people invited to this meeting, so you cannot check in to it."),
    )


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def _record(*, meeting: Meeting, person: Any, method: str, recorded_by: Any = None) -> CheckInResult:
    """Create the person's check-in unless it exists; the invitation row serialises their attempts."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if invitation is None:
            raise _refuse_not_invited()
        existing = CheckIn.objects.filter(meeting=meeting, person=person).first()
        if existing is not None:
            return CheckInResult(existing, False)
        try:
            with transaction.atomic():
                check_in = CheckIn.objects.create(
                    meeting=meeting, person=person, method=method, recorded_by=recorded_by
                )
        except IntegrityError:
            # Another attempt of the same person won the race (the lock makes this rare): theirs counts.
            return CheckInResult(CheckIn.objects.get(meeting=meeting, person=person), False)
        # The insert waited for any close of the meeting in progress (on PostgreSQL the foreign key
        # takes a key-share lock on the meeting row); read the status again so that a check-in never
        # lands in a record that was closed meanwhile.
        if not Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.PUBLISHED).exists():
            raise DomainError("meeting_closed", _("This meeting is closed: check-in has ended."))
        audit_record(
            actor=recorded_by or person,
            action="orglife.check_in.record",
            target=check_in,
            unit_id=meeting.unit_id,
            data={"meeting": meeting.pk, "person": person.pk, "method": method},
        )
    return CheckInResult(check_in, True)


def _member_check_in(
    *, actor: Any, meeting: Meeting, method: str, verify: Callable[[], None]
) -> CheckInResult:
    if not Invitation.objects.filter(meeting=meeting, person=actor).exists():
        raise _refuse_not_invited()
    try:
        _refuse_unless_open(meeting, timezone.now())
        verify()
    except DomainError:
        # A retry that arrives after the code expired or the meeting ended is still the same check-in.
        existing = CheckIn.objects.filter(meeting=meeting, person=actor).first()
        if existing is not None:
            return CheckInResult(existing, False)
        raise
    return _record(meeting=meeting, person=actor, method=method)


def check_in_by_token(
    *, actor: Any, meeting_id: int, token: str, scanned_at: datetime | None = None
) -> CheckInResult:
    """Check ``actor`` in with the token of the meeting's QR code; idempotent.

    ``scanned_at`` is when the server first saw the token (kept in the person's session while they
    logged in): the token must have been valid then, and the scan at most ``SCAN_GRACE`` ago.
    """
    meeting = _meeting(meeting_id)

    def verify() -> None:
        now = timezone.now()
        seen = scanned_at or now
        if seen > now or now - seen > SCAN_GRACE:
            raise _refuse_code("expired")
        try:
            checkin_codes.verify_token(meeting.check_in_secret, meeting.pk, token, seen)
        except checkin_codes.CodeRefused as refused:
            raise _refuse_code(refused.reason) from refused

    return _member_check_in(actor=actor, meeting=meeting, method=CheckInMethod.QR, verify=verify)


def _meeting_of_short_code(code: str, now: datetime) -> Meeting:
    """The meeting open for check-in now whose current code is ``code``."""
    opens = now + opens_before()
    candidates = Meeting.objects.select_related("unit").filter(
        status=MeetingStatus.PUBLISHED, starts_at__lte=opens, ends_at__gte=now
    )[:MAX_OPEN_MEETINGS]
    expired = False
    for meeting in candidates:
        try:
            checkin_codes.verify_short_code(meeting.check_in_secret, meeting.pk, code, now)
        except checkin_codes.CodeRefused as refused:
            expired = expired or refused.reason == "expired"
            continue
        return meeting
    if expired:
        raise _refuse_code("expired")
    raise DomainError(
        "check_in_code_unknown",
        _("No meeting open for check-in has this code. Check the code on the screen and try again."),
    )


def check_in_by_code(*, actor: Any, code: str, meeting_id: int | None = None) -> CheckInResult:
    """Check ``actor`` in with the 6-character code shown beside the QR code; idempotent.

    Without ``meeting_id`` the code itself finds the meeting among those open for check-in now.
    """
    code = (code or "").strip()
    if not code:
        raise FieldErrors.single("code", _("Type the 6-character code shown on the screen."))
    if len(checkin_codes.normalise_short_code(code)) != checkin_codes.SHORT_CODE_LENGTH:
        raise FieldErrors.single("code", _("The code has 6 characters."))
    meeting = _meeting_of_short_code(code, timezone.now()) if meeting_id is None else _meeting(meeting_id)

    def verify() -> None:
        try:
            checkin_codes.verify_short_code(meeting.check_in_secret, meeting.pk, code, timezone.now())
        except checkin_codes.CodeRefused as refused:
            raise _refuse_code(refused.reason) from refused

    return _member_check_in(actor=actor, meeting=meeting, method=CheckInMethod.CODE, verify=verify)


def check_in_mark_present(*, actor: Any, meeting_id: int, person_id: int) -> CheckInResult:
    """The organiser marks an invitee present by hand; idempotent.

    Allowed from the opening of check-in until the meeting is closed (after the end as well, for
    a paper sign-in list typed in later).
    """
    meeting = _meeting(meeting_id)
    require_organiser(actor, meeting)
    _refuse_unless_published(meeting)
    opens = check_in_opens_at(meeting)
    if timezone.now() < opens:
        raise DomainError(
            "check_in_not_open",
            _("Check-in opens at %(time)s, %(minutes)s minutes before the meeting starts.")
            % {"time": _local_time(opens), "minutes": int(opens_before().total_seconds() // 60)},
        )
    invitation = (
        Invitation.objects.select_related("person").filter(meeting=meeting, person_id=person_id).first()
    )
    if invitation is None:
        raise FieldErrors.single("person", _("This person is not invited to the meeting."))
    return _record(meeting=meeting, person=invitation.person, method=CheckInMethod.MANUAL, recorded_by=actor)


def screen_codes(*, actor: Any, meeting: Meeting) -> checkin_codes.ScreenCodes:
    """The codes the check-in screen shows now; only for organisers, only while check-in is open."""
    require_organiser(actor, meeting)
    _refuse_unless_open(meeting, timezone.now())
    return checkin_codes.screen_codes(meeting.check_in_secret, meeting.pk, timezone.now())
