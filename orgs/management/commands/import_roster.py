"""Import a roster file from the command line, as a named person, with the same checks as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation

from accounts.models import User
from core.errors import DomainError, FieldErrors
from core.permissions import scope_paths
from orgs import capabilities as caps
from orgs import imports, services_roster
from orgs.models import OrgUnit, RosterImport


class Command(BaseCommand):
    help = "Check a roster file (.xlsx or .csv) and, with --apply, import it. Exits with 1 when rows have errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="number", required=True, help="number of the person importing")
        parser.add_argument("--scope", help="code of the unit to import into (default: the person's own)")
        parser.add_argument("--apply", action="store_true", help="import when no row has an error")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(number=options["number"], is_active=True).first()
        if actor is None:
            raise CommandError(f"Nobody active has the number {options['number']}.")
        with translation.override(actor.language or settings.LANGUAGE_CODE):
            self._run(actor, options)

    def _run(self, actor: User, options: dict[str, Any]) -> None:
        scope = self._scope(actor, options.get("scope"))
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with path.open("rb") as handle:
                record = services_roster.roster_preview(
                    actor=actor, uploaded_file=File(handle, name=path.name), scope_unit=scope
                )
        except FieldErrors as error:
            raise CommandError("; ".join(m for ms in error.fields.values() for m in ms)) from error
        except (Http404, PermissionDenied) as error:
            raise CommandError(f"{actor.number} may not import rosters into {scope.code}.") from error
        self._report(record)
        if record.error_count:
            raise CommandError(f"{record.rows_with_errors} row(s) have errors; nothing was imported.")
        if not options["apply"]:
            self.stdout.write("Preview only; run again with --apply to import.")
            return
        try:
            record = services_roster.roster_apply(actor=actor, roster_import=record)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {record.count_new} new, {record.count_updated} updated, "
                f"{record.count_unchanged} unchanged."
            )
        )

    def _scope(self, actor: User, code: str | None) -> OrgUnit:
        if code:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"No unit has the code {code}.")
            return unit
        roots = scope_paths(actor, caps.IMPORT_ROSTER)
        if actor.is_superuser and not roots:
            unit = OrgUnit.objects.filter(depth=1).order_by("path").first()
        else:
            unit = OrgUnit.objects.filter(path__in=roots[:1]).first() if len(roots) == 1 else None
        if unit is None:
            raise CommandError("Give the unit to import into with --scope CODE.")
        return unit

    def _report(self, record: RosterImport) -> None:
        self.stdout.write(
            f"{record.file_name}: {record.rows_total} rows, {record.count_new} new, "
            f"{record.count_updated} updated, {record.count_unchanged} unchanged, "
            f"{record.rows_with_errors} with errors (import #{record.pk})."
        )
        for item in record.problems:
            where = f"row {item['row']}" if item["row"] else "file"
            column = imports.field_label(item["field"]) if item["field"] else ""
            value = f" [{item['value']}]" if item["value"] else ""
            message = imports.problem_message(item["code"], item["params"])
            line = (
                f"{item['level']}: {where}, {column}{value}: {message}"
                if column
                else f"{item['level']}: {where}{value}: {message}"
            )
            self.stdout.write(
                self.style.ERROR(line) if item["level"] == "error" else self.style.WARNING(line)
            )
        hidden = record.error_count + record.warning_count - len(record.problems)
        if hidden > 0:
            self.stdout.write(f"... and {hidden} more problem(s).")
