"""Writes of the organisation: appointing people to positions, ending terms, changing members.

Every function here re-checks the actor's rights (pages, API and tasks all call it), locks what a
concurrent change could break, writes an audit event in the same transaction, and refuses bad input
with a message that names the field in the actor's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import User
from core import crypto
from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.notifications import register_kind
from core.permissions import forget_grants, require
from core.services import notifications_send
from core.text import (
    is_valid_mobile,
    national_id_birth_date,
    national_id_problem,
    normalize_national_id,
    normalize_phone,
    normalize_width,
)
from orgs import capabilities as caps
from orgs import permissions, queries
from orgs.models import Membership, OrgUnit, PartyStatus, Position, PositionType, StatusChange, UnitKind

POSITION_APPOINTED = register_kind("orgs.position_appointed", gettext_lazy("Appointed to a position"))

NOTE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 200


# --- Positions --------------------------------------------------------------------------------


def _overlaps(position: Position, start: date, end: date | None) -> bool:
    """True when the position's term shares at least one day with [start, end] (None: open)."""
    starts_before_end = end is None or position.start_date <= end
    ends_after_start = position.end_date is None or position.end_date >= start
    return starts_before_end and ends_after_start


def _most_holders_at_once(terms: list[Position], start: date, end: date | None) -> int:
    """The largest number of these terms running on one same day within [start, end] (None: open)."""
    events: list[tuple[date, int]] = []
    for term in terms:
        first = max(term.start_date, start)
        ends = [day for day in (term.end_date, end) if day is not None]
        events.append((first, 1))
        if ends:
            events.append((min(ends) + timedelta(days=1), -1))
    # Sorted by day, and on one day the terms that have ended (-1) leave before new ones (+1) come.
    running = most = 0
    for _day, change in sorted(events):
        running += change
        most = max(most, running)
    return most


def _check_term_dates(start_date: date, end_date: date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise FieldErrors.single(
            "end_date",
            _("The term end date cannot be before its start date (%(start)s).") % {"start": start_date},
        )


def _notify_appointee(position: Position) -> None:
    """Tell the appointee, once per position, even if this runs again for the same term."""
    grants_view = caps.VIEW_UNIT in position.position_type.capabilities
    url = reverse("orgs:unit", args=[position.unit_id]) if grants_view else reverse("home")
    notifications_send(
        recipients=[position.person],
        kind=POSITION_APPOINTED,
        title=gettext_lazy("You have been appointed %(position)s of %(unit)s"),
        body=gettext_lazy("Your term starts on %(start)s."),
        # Model instances render in the recipient's language (their __str__ follows the active one).
        params={"position": position.position_type, "unit": position.unit, "start": position.start_date},
        url=url,
        dedupe_key=f"orgs.position_appointed:{position.pk}",
    )


def position_appoint(
    *,
    actor: User,
    person: User,
    unit: OrgUnit,
    position_type: PositionType,
    start_date: date,
    end_date: date | None = None,
    note: str = "",
) -> Position:
    """Appoint ``person`` to ``position_type`` in ``unit`` for a term, and tell them.

    Refused when the type is not held in units of this kind, when the type's holder limit would be
    exceeded on any day of the term, or when the person already holds the type there in that time.
    """
    require(actor, caps.MANAGE_POSITIONS, unit)
    _check_term_dates(start_date, end_date)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise FieldErrors.single(
            "note", _("The note can have at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    if position_type.unit_kinds and unit.kind not in position_type.unit_kinds:
        raise DomainError(
            "position_type_not_for_unit",
            _("The position %(position)s is not held in a unit of the kind “%(kind)s”.")
            % {"position": position_type, "kind": UnitKind(unit.kind).label},
        )
    if not queries.appointable_people(actor, unit).filter(pk=person.pk).exists():
        raise Http404  # not someone the actor can reach: answered as if the person did not exist

    with transaction.atomic():
        # Locking the unit row makes concurrent appointments in it take turns, so two of them cannot
        # both see room for one more holder.
        OrgUnit.objects.select_for_update().only("pk").get(pk=unit.pk)
        terms = [
            term
            for term in Position.objects.filter(unit=unit, position_type=position_type)
            if _overlaps(term, start_date, end_date)
        ]
        if any(term.person_id == person.pk for term in terms):
            raise DomainError(
                "already_holds_position",
                _("%(person)s already holds %(position)s in %(unit)s during this term.")
                % {"person": person, "position": position_type, "unit": unit},
            )
        limit = position_type.max_holders
        if limit is not None and _most_holders_at_once(terms, start_date, end_date) + 1 > limit:
            raise DomainError(
                "too_many_holders",
                _(
                    "%(unit)s can have at most %(limit)d %(position)s at a time, and this term would "
                    "overlap with the terms already held. End a current term first, or start this one later."
                )
                % {"unit": unit, "limit": limit, "position": position_type},
            )
        position = Position.objects.create(
            person=person,
            unit=unit,
            position_type=position_type,
            start_date=start_date,
            end_date=end_date,
            note=note,
            appointed_by=actor,
        )
        audit_record(
            actor=actor,
            action="orgs.position.appoint",
            target=position,
            unit_id=unit.pk,
            data={
                "person_id": person.pk,
                "position_type": position_type.code,
                "start_date": start_date.isoformat(),
                "end_date": end_date.isoformat() if end_date else None,
            },
        )
        _notify_appointee(position)
    _forget_grants_of(actor, person)
    return position


def position_end(*, actor: User, position: Position, end_date: date, reason: str = "") -> Position:
    """End a term on ``end_date`` (the last day held). Ended terms stay as history."""
    require(actor, caps.MANAGE_POSITIONS, position.unit)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise FieldErrors.single(
            "reason", _("The reason can have at most %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}
        )
    with transaction.atomic():
        locked = Position.objects.select_for_update().get(pk=position.pk)
        today = timezone.localdate()
        if locked.end_date is not None and locked.end_date <= today:
            raise DomainError(
                "term_already_ended",
                _("This term already ended on %(date)s.") % {"date": locked.end_date},
            )
        if end_date < locked.start_date:
            raise FieldErrors.single(
                "end_date",
                _("The term end date cannot be before its start date (%(start)s).")
                % {"start": locked.start_date},
            )
        locked.end_date = end_date
        locked.ended_by = actor
        locked.save(update_fields=["end_date", "ended_by"])
        audit_record(
            actor=actor,
            action="orgs.position.end",
            target=locked,
            unit_id=locked.unit_id,
            data={"end_date": end_date.isoformat(), "reason": reason},
        )
    position.end_date = locked.end_date
    position.ended_by = actor
    _forget_grants_of(actor, position.person)
    return position


def _forget_grants_of(actor: User, person: User) -> None:
    """The person's powers changed: drop grants cached on their object (and on the actor's, if the same)."""
    forget_grants(person)
    if actor.pk == person.pk:
        forget_grants(actor)


# --- Members ----------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "gender", "birth_date", "grade", "major", "email", "phone", "national_id")
MEMBERSHIP_VALUE_FIELDS = ("group", "party_status", "status_since", "league_member")


def _text(value: object, field: str, *, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise FieldErrors.single(field, _("%(field)s cannot be empty.") % {"field": _field_label(field)})
    if len(text) > limit:
        raise FieldErrors.single(
            field,
            _("%(field)s can have at most %(limit)d characters.")
            % {"field": _field_label(field), "limit": limit},
        )
    return text


FIELD_LABELS = {
    "name": pgettext_lazy("person", "Name"),
    "gender": gettext_lazy("Gender"),
    "birth_date": gettext_lazy("Date of birth"),
    "grade": gettext_lazy("Grade"),
    "major": gettext_lazy("Major"),
    "group": gettext_lazy("Party group"),
    "party_status": gettext_lazy("Party status"),
    "status_since": gettext_lazy("Status date"),
    "status_reason": gettext_lazy("Reason for the status change"),
    "league_member": gettext_lazy("Youth League member"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Mobile phone"),
    "national_id": gettext_lazy("National ID number"),
}


def _field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def _date_or_none(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise FieldErrors.single(field, _("%(field)s must be a date.") % {"field": _field_label(field)})
    if value > timezone.localdate():
        raise FieldErrors.single(
            field, _("%(field)s cannot be in the future.") % {"field": _field_label(field)}
        )
    return value


def _clean_grade(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        grade = int(str(value))
    except ValueError:
        grade = 0
    if not 1950 <= grade <= timezone.localdate().year + 1:
        raise FieldErrors.single("grade", _("Grade is the year of enrolment, for example 2024."))
    return grade


def _clean_email(value: object, person: User) -> str | None:
    email = User.objects.normalize_email(normalize_width(str(value or "")))
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        raise FieldErrors.single(
            "email", _("Email: enter a valid address, e.g. name@example.edu.cn.")
        ) from None
    if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise FieldErrors.single("email", _("Email: this address already belongs to another person."))
    return email


def _clean_phone(value: object, person: User) -> str:
    phone = normalize_phone(str(value or ""))
    if not phone:
        return ""
    if not is_valid_mobile(phone):
        raise FieldErrors.single(
            "phone", _("Mobile phone: enter an 11-digit mainland mobile number, e.g. 138 1234 5678.")
        )
    if User.objects.filter(phone_digest=crypto.digest("phone", phone)).exclude(pk=person.pk).exists():
        raise FieldErrors.single("phone", _("Mobile phone: this number already belongs to another person."))
    return phone


def national_id_message(problem: str) -> str:
    """The message for a problem code of ``core.text.national_id_problem``, naming the field."""
    messages = {
        "length": _("National ID number: it must have 18 characters."),
        "format": _("National ID number: the first 17 characters must be digits and the last a digit or X."),
        "birth_date": _(
            "National ID number: the date of birth in it (characters 7 to 14) is not a real date."
        ),
        "checksum": _("National ID number: the last character does not match the others; check for a typo."),
    }
    return messages.get(problem, _("National ID number: it is not valid."))


def _clean_national_id(value: object, person: User) -> str:
    national_id = normalize_national_id(str(value or ""))
    if not national_id:
        return ""
    problem = national_id_problem(national_id)
    if problem:
        raise FieldErrors.single("national_id", national_id_message(problem))
    digest = crypto.digest("national_id", national_id)
    if User.objects.filter(national_id_digest=digest).exclude(pk=person.pk).exists():
        raise FieldErrors.single(
            "national_id", _("National ID number: it already belongs to another person.")
        )
    return national_id


def _clean_group(value: object, membership: Membership) -> OrgUnit | None:
    if value in (None, ""):
        return None
    group_id = value.pk if isinstance(value, OrgUnit) else value
    group = OrgUnit.objects.filter(
        pk=group_id, kind=UnitKind.PARTY_GROUP, path__startswith=membership.unit.path
    ).first()
    if group is None:
        raise FieldErrors.single("group", _("Party group: choose a party group of the member's own branch."))
    return group


def _clean_changes(
    person: User, membership: Membership | None, changes: Mapping[str, object]
) -> dict[str, Any]:
    """Validate and normalise every given value; returns the values as they would be stored."""
    cleaners: dict[str, Callable[[object], Any]] = {
        "name": lambda v: _text(v, "name", limit=100, required=True),
        "gender": lambda v: _choice(v, "gender", User.Gender.values),
        "birth_date": lambda v: _date_or_none(v, "birth_date"),
        "grade": _clean_grade,
        "major": lambda v: _text(v, "major", limit=100),
        "email": lambda v: _clean_email(v, person),
        "phone": lambda v: _clean_phone(v, person),
        "national_id": lambda v: _clean_national_id(v, person),
        "party_status": lambda v: _choice(v, "party_status", PartyStatus.values, required=True),
        "status_since": lambda v: _date_or_none(v, "status_since"),
        "status_reason": lambda v: _text(v, "status_reason", limit=REASON_MAX_LENGTH),
        "league_member": bool,
    }
    if membership is not None:
        cleaners["group"] = lambda v: _clean_group(v, membership)
    cleaned: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for field, value in changes.items():
        try:
            cleaned[field] = cleaners[field](value)
        except FieldErrors as error:
            for name, messages in error.fields.items():
                problems.setdefault(name, []).extend(messages)
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    _check_birth_date_matches_id(person, cleaned)
    return cleaned


def _choice(value: object, field: str, allowed: list[str], *, required: bool = False) -> str:
    text = str(value or "")
    if text not in allowed or (required and not text):
        raise FieldErrors.single(
            field, _("%(field)s: choose one of the options.") % {"field": _field_label(field)}
        )
    return text


def _check_birth_date_matches_id(person: User, cleaned: dict[str, Any]) -> None:
    if "national_id" not in cleaned or not cleaned["national_id"]:
        return
    birth_date = cleaned.get("birth_date", person.birth_date)
    in_id = national_id_birth_date(cleaned["national_id"])
    if birth_date is not None and in_id is not None and birth_date != in_id:
        raise FieldErrors.single(
            "national_id",
            _("National ID number: its date of birth (%(in_id)s) differs from the date of birth (%(birth)s).")
            % {"in_id": in_id, "birth": birth_date},
        )


def member_update(*, actor: User, person: User, changes: dict[str, object]) -> User:
    """Change a person's profile and membership fields that the actor may change.

    Unknown or forbidden fields raise PermissionDenied; a party-status change is dated (the given
    status date, or today) and recorded in the append-only status history. The audit event lists the
    changed field names only, never the values.
    """
    if not permissions.is_person_in_scope(actor, person):
        raise Http404
    allowed = permissions.editable_member_fields(actor, person)
    if not allowed or set(changes) - allowed:
        raise PermissionDenied
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        membership = (
            Membership.objects.select_for_update().select_related("unit").filter(person=locked).first()
        )
        cleaned = _clean_changes(locked, membership, changes)
        person_changed = [f for f in PERSON_FIELDS if f in cleaned and getattr(locked, f) != cleaned[f]]
        for field in person_changed:
            setattr(locked, field, cleaned[field])
        membership_changed = _apply_membership_changes(actor, locked, membership, cleaned)
        if not person_changed and not membership_changed:
            return locked
        try:
            with transaction.atomic():
                if person_changed:
                    locked.save(update_fields=person_changed)
                if membership is not None and membership_changed:
                    membership.save(update_fields=[_column(f) for f in membership_changed])
        except IntegrityError:
            # Someone took the email, phone or ID number between our check and the save.
            raise FieldErrors(
                {
                    "__all__": [
                        _("Another person was given the same email, phone or ID number just now; try again.")
                    ]
                }
            ) from None
        audit_record(
            actor=actor,
            action="orgs.member.update",
            target=locked,
            unit_id=membership.unit_id if membership else None,
            data={"fields": sorted(person_changed + membership_changed)},
        )
    return locked


def _column(field: str) -> str:
    return "group_id" if field == "group" else field


def _apply_membership_changes(
    actor: User, person: User, membership: Membership | None, cleaned: dict[str, Any]
) -> list[str]:
    """Set the changed membership fields (and status history); returns the changed field names."""
    if membership is None:
        return []
    changed: list[str] = []
    if "group" in cleaned and membership.group_id != (cleaned["group"].pk if cleaned["group"] else None):
        membership.group = cleaned["group"]
        changed.append("group")
    if "league_member" in cleaned and membership.league_member != cleaned["league_member"]:
        membership.league_member = cleaned["league_member"]
        changed.append("league_member")
    new_status = cleaned.get("party_status", membership.party_status)
    given_since = cleaned.get("status_since", membership.status_since)
    if new_status != membership.party_status:
        # A status date left as it was belongs to the old status: the new one starts today.
        since = (
            given_since if given_since and given_since != membership.status_since else timezone.localdate()
        )
        StatusChange.objects.create(
            person=person,
            from_status=membership.party_status,
            to_status=new_status,
            from_unit=membership.unit,
            to_unit=membership.unit,
            changed_on=since,
            recorded_by=actor,
            reason=cleaned.get("status_reason", ""),
        )
        membership.party_status = new_status
        membership.status_since = since
        changed += ["party_status", "status_since"]
    elif "status_since" in cleaned and given_since != membership.status_since:
        membership.status_since = given_since
        changed.append("status_since")
    return changed


def member_personal_data_viewed(*, actor: User, person: User) -> None:
    """Record that ``actor`` was shown ``person``'s full personal data (reading one's own is not recorded)."""
    if actor.pk == person.pk:
        return
    if not permissions.can_see_personal_data(actor, person):
        raise PermissionDenied
    units = permissions.covering_units(person)
    audit_record(
        actor=actor,
        action="orgs.member.view_personal_data",
        target=person,
        unit_id=units[0].pk if units else None,
    )


def membership_set_status(
    *, actor: User | None, person: User, status: str, on: date, reason: str = ""
) -> Membership:
    """Set a person's party status from ``on``, writing the status history and an audit event.

    Called by the membership development procedure (steps 3, 7, 17 and 24, cancellation), which has
    already checked the actor's development capabilities over the person's case: this function
    trusts its caller and checks no capability itself. ``actor`` is None for system work. The
    person must have a branch membership; nothing is written when the status is already ``status``.
    """
    if status not in PartyStatus.values:
        raise ValueError(f"Unknown party status {status!r}")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(person=person).first()
        if membership is None:
            raise DomainError(
                "no_branch", _("%(person)s is not a member of any branch.") % {"person": person}
            )
        if membership.party_status == status:
            return membership
        previous = membership.party_status
        StatusChange.objects.create(
            person=person,
            from_status=previous,
            to_status=status,
            from_unit_id=membership.unit_id,
            to_unit_id=membership.unit_id,
            changed_on=on,
            recorded_by=actor,
            reason=reason[:REASON_MAX_LENGTH],
        )
        membership.party_status = status
        membership.status_since = on
        membership.save(update_fields=["party_status", "status_since"])
        audit_record(
            actor=actor,
            action="orgs.member.set_status",
            target=person,
            unit_id=membership.unit_id,
            data={"from": previous, "to": status, "on": on.isoformat(), "reason": reason[:REASON_MAX_LENGTH]},
        )
    return membership
