"""Export the members of a unit's subtree to an .xlsx file, masked unless the named person may see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation

from accounts.models import User
from orgs import services_roster
from orgs.models import OrgUnit


class Command(BaseCommand):
    help = "Write the members of a unit (and everything below it) to an .xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="code of the unit")
        parser.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
        parser.add_argument(
            "--as", dest="number", help="number of the person exporting (default: all masked)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit has the code {options['unit']}.")
        actor = None
        if options["number"]:
            actor = User.objects.filter(number=options["number"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Nobody active has the number {options['number']}.")
        language = (actor.language if actor else "") or settings.LANGUAGE_CODE
        out_path: Path = options["out"]
        try:
            with translation.override(language), out_path.open("wb") as out:
                result = services_roster.members_export(actor=actor, unit=unit, out=out)
        except (Http404, PermissionDenied) as error:
            out_path.unlink(missing_ok=True)
            raise CommandError(f"{options['number']} may not export the members of {unit.code}.") from error
        masked = "all masked" if result.masked_rows == result.count else f"{result.masked_rows} masked"
        self.stdout.write(self.style.SUCCESS(f"Wrote {result.count} members to {out_path} ({masked})."))
