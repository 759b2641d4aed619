"""Load scale data for ``make bench``: one or more universities of a named size (XS to XL).

``--size M`` builds, from a fixed random seed, a university of about 20,000 people with colleges,
branches, party groups, positions, every party status and the status history behind it. Each
university goes in in one transaction with bulk inserts (constraints and indexes stay in place) and
is skipped when its root unit exists, so running the command again creates nothing. The bench
personas' password is public and bench-only: never load scale data into a real database.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import User
from core import crypto
from core.audit import audit_record
from orgs.management.scale_plan import (
    BENCH_PASSWORD,
    SIZES,
    Chunk,
    PersonRow,
    Size,
    UniversityPlanner,
    persona_numbers,
    root_code,
    step_of,
)
from orgs.models import Membership, OrgUnit, Position, PositionType, StatusChange

BATCH = 2000


class Loader:
    """Inserts a university's chunks, keeping the ids of its units and people for later chunks."""

    def __init__(self) -> None:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError("seed_scale needs a database that returns ids from bulk inserts.")
        self.unit_ids: dict[str, int] = {}
        self.types = dict(PositionType.objects.values_list("code", "id"))
        # Hashing thousands of passwords would take hours: only the personas can log in.
        self.unusable = make_password(None)
        self.counts = {"units": 0, "people": 0, "memberships": 0, "positions": 0, "status_changes": 0}

    def load(self, chunk: Chunk) -> None:
        units = [
            OrgUnit(
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                kind=row.kind,
                path=row.path,
                depth=row.depth,
                numchild=row.numchild,
            )
            for row in chunk.units
        ]
        OrgUnit.objects.bulk_create(units, batch_size=BATCH)
        self.unit_ids.update((unit.code, unit.pk) for unit in units)
        people = [self.user(row) for row in chunk.people]
        User.objects.bulk_create(people, batch_size=BATCH)
        person_ids = {person.number: person.pk for person in people}
        units_by_code = self.unit_ids
        Membership.objects.bulk_create(
            [
                Membership(
                    person_id=person_ids[row.number],
                    unit_id=units_by_code[row.branch_code],
                    group_id=units_by_code[row.group_code] if row.group_code else None,
                    party_status=row.status,
                    status_since=row.status_since,
                    league_member=row.league_member,
                    joined_unit_on=row.joined_on,
                )
                for row in chunk.members
            ],
            batch_size=BATCH,
        )
        Position.objects.bulk_create(
            [
                Position(
                    person_id=person_ids[row.number],
                    unit_id=units_by_code[row.unit_code],
                    position_type_id=self.types[row.type_code],
                    start_date=row.start,
                    end_date=row.end,
                    note="scale data",
                )
                for row in chunk.positions
            ],
            batch_size=BATCH,
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    person_id=person_ids[row.number],
                    from_status=row.from_status,
                    to_status=row.to_status,
                    to_unit_id=units_by_code[row.unit_code],
                    changed_on=row.changed_on,
                    reason="scale data",
                )
                for row in chunk.history
            ],
            batch_size=BATCH,
        )
        for name, rows in (
            ("units", chunk.units),
            ("people", chunk.people),
            ("memberships", chunk.members),
            ("positions", chunk.positions),
            ("status_changes", chunk.history),
        ):
            self.counts[name] += len(rows)

    def user(self, row: PersonRow) -> User:
        user = User(
            number=row.number,
            name=row.name,
            kind=row.kind,
            gender=row.gender,
            birth_date=row.birth_date,
            grade=row.grade,
            major=row.major,
            phone=row.phone,  # encrypted on insert by the field itself
            national_id=row.national_id,
            is_staff=row.is_staff,
            is_superuser=row.is_superuser,
            password=make_password(BENCH_PASSWORD) if row.persona else self.unusable,
        )
        # bulk_create skips User.save(), which derives these look-up digests.
        user.phone_digest = crypto.digest("phone", row.phone)
        user.national_id_digest = crypto.digest("national_id", row.national_id)
        return user


def next_root_step() -> int:
    last = OrgUnit.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return step_of(last) + 1 if last else 1


def seed_university(size: Size, university: int, progress: Any = None) -> dict[str, int]:
    """Insert one university of ``size`` in one transaction; returns how many rows of each kind."""
    with transaction.atomic():
        loader = Loader()
        planner = UniversityPlanner(size, university, next_root_step())
        loader.load(planner.root())
        for college in range(size.colleges):
            loader.load(planner.college(college))
            if progress is not None:
                progress(college + 1, size.colleges)
        audit_record(
            actor=None,
            action="orgs.scale.seed",
            data={"size": size.code, "university": university + 1, **loader.counts},
        )
    return loader.counts


def seed(size: Size, progress: Any = None) -> dict[str, int]:
    """Insert every university of ``size`` that is not there yet; returns the rows created."""
    totals: dict[str, int] = {}
    for university in range(size.universities):
        if OrgUnit.objects.filter(code=root_code(size, university)).exists():
            continue
        for name, count in seed_university(size, university, progress).items():
            totals[name] = totals.get(name, 0) + count
    if totals and connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses row counts from an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return totals


class Command(BaseCommand):
    help = (
        "Load scale data of a named size for benchmarks (idempotent). "
        "Bench-only passwords: never run it on a real database."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--size", choices=list(SIZES), default="M", help="XS≈200, S≈2k, M≈20k, L≈100k, XL≈500k people."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1 or (total >= 20 and done % (total // 4) == 0):
                self.stdout.write(f"  {done}/{total} colleges ({time.monotonic() - started:.0f} s)")

        totals = seed(size, progress)
        elapsed = time.monotonic() - started
        if totals:
            summary = ", ".join(f"{count} {name}" for name, count in totals.items())
            self.stdout.write(
                self.style.SUCCESS(f"Size {size.code} loaded in {elapsed:.1f} s. Created: {summary}.")
            )
        else:
            self.stdout.write(f"Size {size.code} is already loaded; nothing was created.")
        numbers = ", ".join(persona_numbers(size.code).values())
        self.stdout.write(f"Bench logins (password {BENCH_PASSWORD!r}, bench-only): {numbers}")
