"""Load the demo university (云湖示范大学): units, about 400 people, memberships and positions.

Every row is keyed on a code or a number from a plan drawn with a fixed random seed, so running it
again creates nothing new. ``--if-empty`` does nothing at all when any org unit exists, which is
how ``make run`` calls it. The persona passwords it prints are demo-only: the demo database is for
trying the platform, never for real data.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from core import crypto
from core.audit import audit_record
from core.demo import demo_loaders
from core.registrations import ANNOUNCEMENT
from core.services import notifications_send
from orgs.management.commands.demo_logins import write_logins
from orgs.management.demo_plan import PERSONA_BY_NUMBER, Plan, build_plan
from orgs.models import Membership, OrgUnit, Position, PositionType

WELCOME_TITLE = "欢迎体验智慧党建平台（演示数据）"
WELCOME_BODY = (
    "这是云湖示范大学的演示数据库：单位、人员与身份证号、手机号均为虚构，仅供体验平台功能，"
    "请勿录入任何真实个人信息。演示账号的密码公开，正式使用前请重新部署空白数据库。"
)


def _units(plan: Plan) -> tuple[dict[str, OrgUnit], int]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[u.code for u in plan.units])}
    created = 0
    for item in plan.units:  # parents come before their children in the plan
        if item.code in units:
            continue
        fields = {"name": item.name, "name_en": item.name_en, "code": item.code, "kind": item.kind}
        if item.parent_code is None:
            units[item.code] = OrgUnit.objects.add_root(fields)
        else:
            units[item.code] = OrgUnit.objects.add_child(units[item.parent_code], fields)
        created += 1
    return units, created


def _people(plan: Plan) -> tuple[dict[str, int], int]:
    numbers = [p.number for p in plan.people]
    existing = set(User.objects.filter(number__in=numbers).values_list("number", flat=True))
    new_users = []
    # Hashing 400 passwords with argon2 would take minutes: only the personas can log in.
    unusable = make_password(None)
    for person in plan.people:
        if person.number in existing:
            continue
        user = User(
            number=person.number,
            name=person.name,
            kind=person.kind,
            email=person.email,
            phone=person.phone,
            national_id=person.national_id,
            gender=person.gender,
            birth_date=person.birth_date,
            grade=person.grade,
            major=person.major,
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            password=make_password(person.password) if person.password else unusable,
        )
        # bulk_create skips User.save(), which derives these look-up digests.
        user.phone_digest = crypto.digest("phone", person.phone)
        user.national_id_digest = crypto.digest("national_id", person.national_id)
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    ids = dict(User.objects.filter(number__in=numbers).values_list("number", "id"))
    return ids, len(new_users)


def _memberships(plan: Plan, units: dict[str, OrgUnit], ids: dict[str, int]) -> int:
    have = set(Membership.objects.filter(person_id__in=ids.values()).values_list("person_id", flat=True))
    rows = [
        Membership(
            person_id=ids[p.number],
            unit=units[p.branch_code],
            group=units[p.group_code] if p.group_code else None,
            party_status=p.party_status,
            status_since=p.status_since,
            league_member=p.league_member,
            joined_unit_on=p.joined_unit_on,
        )
        for p in plan.people
        if p.branch_code and ids[p.number] not in have
    ]
    Membership.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _positions(plan: Plan, units: dict[str, OrgUnit], ids: dict[str, int]) -> int:
    types = {t.code: t for t in PositionType.objects.all()}
    have = set(
        Position.objects.filter(person_id__in=ids.values()).values_list(
            "person_id", "unit_id", "position_type_id"
        )
    )
    rows = []
    for item in plan.positions:
        key = (ids[item.number], units[item.unit_code].pk, types[item.type_code].pk)
        if key in have:
            continue
        rows.append(
            Position(
                person_id=key[0],
                unit_id=key[1],
                position_type=types[item.type_code],
                start_date=item.start_date,
                note="演示数据",
            )
        )
    Position.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def seed(plan: Plan) -> dict[str, int]:
    """Create whatever of the plan is missing; returns how many of each were created."""
    with transaction.atomic():
        units, units_created = _units(plan)
        ids, people_created = _people(plan)
        counts = {
            "units": units_created,
            "people": people_created,
            "memberships": _memberships(plan, units, ids),
            "positions": _positions(plan, units, ids),
        }
        personas = User.objects.filter(number__in=PERSONA_BY_NUMBER)
        counts["notifications"] = len(
            notifications_send(
                recipients=personas,
                kind=ANNOUNCEMENT,
                title=WELCOME_TITLE,
                body=WELCOME_BODY,
                url="/",
                dedupe_key="demo-welcome",
            )
        )
        if any(counts.values()):
            audit_record(actor=None, action="orgs.demo.seed", data=counts)
    # What the other apps show in the demo (cases, meetings, dues, articles), each in its own
    # transaction and each idempotent: a loader that fails rolls back its own rows only.
    for loader in demo_loaders():
        with transaction.atomic():
            counts.update(loader.load())
    return counts


class Command(BaseCommand):
    help = "Load the fictional demo university (idempotent). Demo passwords only: never for real data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has org units."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and OrgUnit.objects.exists():
            self.stdout.write("The database already has an organisation; the demo university was not loaded.")
            return
        counts = seed(build_plan())
        if any(counts.values()):
            summary = ", ".join(f"{value} {name}" for name, value in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo university loaded. Created: {summary}."))
        else:
            self.stdout.write("The demo university is already complete; nothing was created.")
        write_logins(self.stdout)
