"""Writes of roster imports and member exports: preview an import, apply it, export a member list.

A preview reads the file, checks every row and compares it with the database in a fixed number of
batched queries, and stores the outcome with the file and the checked rows (encrypted). Applying
compares those rows again with the database as it is now (inside the transaction, with the people
concerned locked) and refuses when the outcome differs from the preview; otherwise it writes
everything in one transaction with batched bulk inserts and updates, or nothing at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from core import crypto
from core.audit import audit_record
from core.errors import DomainError
from core.permissions import can, require
from orgs import capabilities as caps
from orgs import exports, imports, imports_files
from orgs.imports_plan import Change, Context, Existing, Plan, UnitRef, plan_rows
from orgs.models import Membership, OrgUnit, RosterImport, StatusChange, UnitKind
from orgs.queries import members_of

logger = logging.getLogger(__name__)

WRITE_BATCH = 1000
# Look-ups are sent in chunks this large, so a preview costs a fixed number of queries per chunk.
LOOKUP_CHUNK = 2000
MAX_STORED_PROBLEMS = 2000
MAX_STORED_CHANGES = 20_000

_EXISTING_FIELDS = (
    "id",
    "number",
    "name",
    "gender",
    "birth_date",
    "national_id_digest",
    "phone_digest",
    "email",
    "grade",
    "major",
    "is_staff",
    "is_superuser",
    "membership__id",
    "membership__unit_id",
    "membership__unit__path",
    "membership__group_id",
    "membership__party_status",
    "membership__status_since",
    "membership__league_member",
)
_MEMBERSHIP_ATTRIBUTES = {
    "branch": "unit_id",
    "group": "group_id",
    "party_status": "party_status",
    "status_since": "status_since",
    "league_member": "league_member",
}
_MEMBERSHIP_FIELDS = {"branch": "unit", "group": "group"}


# --- Preview ------------------------------------------------------------------------------------


def roster_preview(*, actor: User, uploaded_file: File, scope_unit: OrgUnit) -> RosterImport:
    """Check a roster file against the database and store the file with its outcome; nothing else is written.

    A file that cannot be read at all (damaged, wrong format, required columns missing) raises
    ``FieldErrors`` for the field ``file``; problems in rows are stored with the import.
    """
    require(actor, caps.IMPORT_ROSTER, scope_unit)
    data = _read_upload(uploaded_file)
    file_name = os.path.basename(uploaded_file.name or "roster.csv")[:255]
    rows, file_problems = imports_files.check_file(file_name, data)
    plan = _plan(rows, file_problems, scope_unit, lock=False)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = (
        RosterImport.objects.filter(sha256=sha256, scope_unit=scope_unit, status=RosterImport.Status.APPLIED)
        .order_by("-applied_at")
        .values_list("applied_at", flat=True)
        .first()
    )
    if earlier is not None:
        day = timezone.localdate(earlier).isoformat()
        plan.problems.insert(
            0, imports.Problem(None, "", "same_file_applied", params={"date": day}, level="warning")
        )
    record = RosterImport(
        created_by=actor,
        scope_unit=scope_unit,
        file_name=file_name,
        sha256=sha256,
        parsed_rows=imports.pack_rows(rows, file_problems),
    )
    _store_outcome(record, plan)
    extension = os.path.splitext(file_name)[1].lower()[:6]
    record.stored_file.save(f"{sha256}{extension}", ContentFile(data), save=False)
    record.save()
    return record


def _read_upload(uploaded_file: File) -> bytes:
    if uploaded_file.size is not None and uploaded_file.size > imports_files.MAX_FILE_BYTES:
        return uploaded_file.read(imports_files.MAX_FILE_BYTES + 1)  # read_table refuses it with a message
    uploaded_file.seek(0)
    return uploaded_file.read()


def _plan(
    rows: list[imports.RosterRow], file_problems: list[imports.Problem], scope_unit: OrgUnit, *, lock: bool
) -> Plan:
    return plan_rows(rows, file_problems, _context(rows, scope_unit, lock=lock))


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        yield ordered[start : start + LOOKUP_CHUNK]


def _context(rows: list[imports.RosterRow], scope_unit: OrgUnit, *, lock: bool) -> Context:
    """Everything the rows are compared with, in one query per kind of look-up and chunk of rows."""
    branches: list[UnitRef] = []
    groups: list[UnitRef] = []
    units = OrgUnit.objects.filter(
        path__startswith=scope_unit.path, kind__in=[UnitKind.BRANCH, UnitKind.PARTY_GROUP], is_active=True
    ).values_list("id", "path", "code", "name", "kind")
    for unit_id, path, code, name, kind in units:
        (branches if kind == UnitKind.BRANCH else groups).append(UnitRef(unit_id, path, code, name))
    existing: dict[str, Existing] = {}
    people: QuerySet[User] = User.objects.all()
    if lock:
        people = people.select_for_update(of=("self",))
    for chunk in _chunks({row.number for row in rows if row.number}):
        for values in people.filter(number__in=chunk).values(*_EXISTING_FIELDS):
            existing[values["number"]] = _existing(values)
    return Context(
        scope_path=scope_unit.path,
        branches=branches,
        groups=groups,
        existing=existing,
        phone_owners=_owners("phone_digest", {row.phone_digest for row in rows if row.phone_digest}),
        national_id_owners=_owners(
            "national_id_digest", {row.national_id_digest for row in rows if row.national_id_digest}
        ),
        email_owners=_owners("email_lower", {row.email.lower() for row in rows if row.email}),
    )


def _existing(values: dict[str, Any]) -> Existing:
    return Existing(
        id=values["id"],
        name=values["name"],
        gender=values["gender"],
        birth_date=values["birth_date"],
        national_id_digest=values["national_id_digest"],
        phone_digest=values["phone_digest"],
        email=values["email"],
        grade=values["grade"],
        major=values["major"],
        protected=values["is_staff"] or values["is_superuser"],
        membership_id=values["membership__id"],
        unit_id=values["membership__unit_id"],
        unit_path=values["membership__unit__path"],
        group_id=values["membership__group_id"],
        party_status=values["membership__party_status"],
        status_since=values["membership__status_since"],
        league_member=values["membership__league_member"],
    )


def _owners(column: str, keys: set[str]) -> dict[str, str]:
    """The number of the person holding each of these digests (or lower-cased emails)."""
    owners: dict[str, str] = {}
    people = (
        User.objects.annotate(email_lower=Lower("email")) if column == "email_lower" else User.objects.all()
    )
    for chunk in _chunks(keys):
        owners.update(people.filter(**{f"{column}__in": chunk}).values_list(column, "number"))
    return owners


def _store_outcome(record: RosterImport, plan: Plan) -> None:
    record.rows_total = plan.rows_total
    record.count_new = plan.count("new")
    record.count_updated = plan.count("update")
    record.count_unchanged = plan.count("unchanged")
    record.rows_with_errors = plan.rows_with_errors
    record.error_count = plan.error_count
    record.warning_count = len(plan.problems) - plan.error_count
    record.problems = [problem.as_json() for problem in plan.problems[:MAX_STORED_PROBLEMS]]
    shown = [change for change in plan.changes if change.action != "unchanged"]
    record.changes = [change.as_json() for change in shown[:MAX_STORED_CHANGES]]
    record.plan_digest = plan.digest


# --- Apply --------------------------------------------------------------------------------------


def roster_apply(*, actor: User, roster_import: RosterImport) -> RosterImport:
    """Apply a previewed import in one transaction: all rows or none.

    Refuses an import already applied, and one whose outcome against the database as it is now
    differs from its preview (the preview is then brought up to date, so the reader sees why).
    """
    require(actor, caps.IMPORT_ROSTER, roster_import.scope_unit)
    try:
        with transaction.atomic():
            record = (
                RosterImport.objects.select_for_update().select_related("scope_unit").get(pk=roster_import.pk)
            )
            if record.status == RosterImport.Status.APPLIED:
                raise DomainError(
                    "roster_already_applied",
                    _("This import was already applied. Upload the file again to import it anew."),
                )
            plan = _plan_from_stored(record)
            changed = plan.error_count > 0 or plan.digest != record.plan_digest
            if changed:
                _store_outcome(record, plan)
                record.status = RosterImport.Status.PREVIEWED
                record.save()
            else:
                _write(actor=actor, record=record, plan=plan)
    except DomainError:
        raise
    except Exception as error:
        logger.exception("Applying roster import %s failed", roster_import.pk)
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=RosterImport.Status.FAILED, failure=type(error).__name__
        )
        raise DomainError(
            "roster_apply_failed",
            _(
                "Applying the import failed and nothing was changed. Try again; if it fails again, tell the administrator."
            ),
        ) from error
    if changed:
        raise DomainError(
            "roster_changed",
            _(
                "The records changed since the preview. The preview now shows the current outcome; check it and apply again."
            ),
        )
    return record


def _plan_from_stored(record: RosterImport) -> Plan:
    """The import's checked rows compared with the database as it is now."""
    if record.parsed_rows:
        rows, file_problems = imports.unpack_rows(record.parsed_rows)
    else:  # an import stored without its rows: read the file again
        with record.stored_file.open("rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != record.sha256:
            raise DomainError(
                "roster_file_changed", _("The stored file no longer matches the upload; upload it again.")
            )
        rows, file_problems = imports_files.check_file(record.file_name, data)
    return _plan(rows, file_problems, record.scope_unit, lock=True)


def _batches(changes: list[Change]) -> Iterator[list[Change]]:
    for start in range(0, len(changes), WRITE_BATCH):
        yield changes[start : start + WRITE_BATCH]


def _write(*, actor: User, record: RosterImport, plan: Plan) -> None:
    """Write the planned changes batch by batch (few model objects alive at a time), then the record."""
    new = [change for change in plan.changes if change.action == "new"]
    updated = [change for change in plan.changes if change.action == "update"]
    today = timezone.localdate()
    reason = _("Roster import")
    history_count = 0
    for batch in _batches(new):
        User.objects.bulk_create([_new_user(change) for change in batch])
        ids = _ids_by_number([change.number for change in batch])
        Membership.objects.bulk_create([_new_membership(change, ids[change.number]) for change in batch])
        history = [_status_change(change, ids[change.number], actor, today, reason) for change in batch]
        StatusChange.objects.bulk_create(history)
        history_count += len(history)
    for batch in _batches(updated):
        _update_people([change for change in batch if change.user_values])
        joining = [change for change in batch if _existing_of(change).membership_id is None]
        Membership.objects.bulk_create(
            [_new_membership(change, _existing_of(change).id) for change in joining]
        )
        _update_memberships(
            [change for change in batch if _existing_of(change).membership_id and change.membership_values]
        )
        history = [
            _status_change(change, _existing_of(change).id, actor, today, reason)
            for change in batch
            if change.status_changed
        ]
        StatusChange.objects.bulk_create(history)
        history_count += len(history)
    record.status = RosterImport.Status.APPLIED
    record.applied_at = timezone.now()
    record.applied_by = actor
    record.failure = ""
    record.save(update_fields=["status", "applied_at", "applied_by", "failure"])
    if new or updated:
        audit_record(
            actor=actor,
            action="orgs.roster.import",
            target=record,
            unit_id=record.scope_unit_id,
            data={
                "rows": plan.rows_total,
                "new": len(new),
                "updated": len(updated),
                "unchanged": plan.count("unchanged"),
                "status_changes": history_count,
            },
        )


def _existing_of(change: Change) -> Existing:
    if change.existing is None:  # an "update" always has the person it updates
        raise ValueError(f"row {change.row} updates nobody")
    return change.existing


def _new_user(change: Change) -> User:
    values = change.user_values
    person = User(number=change.number, kind=User.Kind.STUDENT, **values)
    person.email = values["email"] or None
    person.phone_digest = crypto.digest("phone", person.phone) if person.phone else None
    person.national_id_digest = (
        crypto.digest("national_id", person.national_id) if person.national_id else None
    )
    # Imported people get their password from an administrator or their secretary; hashing
    # thousands of argon2 passwords here would take minutes. This is set_unusable_password()
    # with one call to the random source instead of forty (measurable over 10,000 people).
    person.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return person


def _ids_by_number(numbers: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(numbers):
        ids.update(User.objects.filter(number__in=chunk).values_list("number", "id"))
    return ids


def _update_people(changes: list[Change]) -> None:
    """Write only the fields that differ, grouped by the set of fields so nothing else is touched."""
    by_fields: dict[frozenset[str], list[User]] = defaultdict(list)
    for change in changes:
        person = User(pk=_existing_of(change).id, **change.user_values)
        fields = set(change.user_values)
        if "phone" in fields:
            person.phone_digest = crypto.digest("phone", person.phone)
            fields.add("phone_digest")
        if "national_id" in fields:
            person.national_id_digest = crypto.digest("national_id", person.national_id)
            fields.add("national_id_digest")
        by_fields[frozenset(fields)].append(person)
    for field_set, people in by_fields.items():
        User.objects.bulk_update(people, sorted(field_set))


def _new_membership(change: Change, person_id: int) -> Membership:
    values = change.membership_values
    return Membership(
        person_id=person_id,
        unit_id=values["branch"],
        group_id=values["group"],
        party_status=values["party_status"],
        status_since=values["status_since"],
        league_member=values["league_member"],
    )


def _update_memberships(changes: list[Change]) -> None:
    by_fields: dict[frozenset[str], list[Membership]] = defaultdict(list)
    for change in changes:
        membership = Membership(pk=_existing_of(change).membership_id)
        for name, value in change.membership_values.items():
            setattr(membership, _MEMBERSHIP_ATTRIBUTES[name], value)
        fields = frozenset(_MEMBERSHIP_FIELDS.get(name, name) for name in change.membership_values)
        by_fields[fields].append(membership)
    for fields, memberships in by_fields.items():
        Membership.objects.bulk_update(memberships, sorted(fields))


def _status_change(change: Change, person_id: int, actor: User, today: date, reason: str) -> StatusChange:
    values = change.membership_values
    existing = change.existing
    joined = existing is None or existing.membership_id is None
    from_status = "" if joined or existing is None else existing.party_status or ""
    from_unit = None if joined or existing is None else existing.unit_id
    return StatusChange(
        person_id=person_id,
        from_status=from_status,
        to_status=values.get("party_status", from_status),
        from_unit_id=from_unit,
        to_unit_id=values.get("branch", from_unit),
        changed_on=values.get("status_since") or today,
        recorded_by=actor,
        reason=reason,
    )


# --- Export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    count: int
    masked_rows: int


def members_export(
    *,
    actor: User | None,
    unit: OrgUnit,
    out: IO[bytes],
    search: str = "",
    status: str = "",
    grade: int | None = None,
    group_id: int | None = None,
) -> ExportResult:
    """Write the members of ``unit``'s subtree to ``out`` as .xlsx and record the export in the audit log.

    ID and phone numbers (and emails) are masked for every member whose branch the actor may not
    see personal data of; without an actor (an operator's command) everything is masked.
    """
    if actor is not None:
        require(actor, caps.EXPORT_MEMBERS, unit)
    rows = members_of(unit, search=search, status=status, grade=grade, group_id=group_id)

    def may_see(membership: Membership) -> bool:
        return actor is not None and can(actor, caps.VIEW_PERSONAL_DATA, membership.unit)

    count, masked_rows = exports.write_members_xlsx(rows.iterator(chunk_size=2000), out, may_see=may_see)
    audit_record(
        actor=actor,
        action="orgs.members.export",
        target=unit,
        unit_id=unit.pk,
        data={
            "count": count,
            "masked": masked_rows > 0,
            "masked_rows": masked_rows,
            "filtered": bool(search or status or grade or group_id),
        },
    )
    return ExportResult(count=count, masked_rows=masked_rows)


def export_file_name(unit: OrgUnit) -> str:
    return f"members-{unit.code}-{date_format(timezone.localdate(), 'Ymd')}.xlsx"
