"""Import development cases already in progress from a file, as a named person, with the page's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import translation

from accounts.models import User
from core.errors import DomainError, FieldErrors
from core.permissions import scope_paths
from development import capabilities as caps
from development.imports import Finding
from development.imports_apply import case_history_check, case_history_import
from development.imports_plan import ImportPlan
from orgs.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Check a file of development cases in progress (.xlsx or .csv) and, with --apply, import it. "
        "Rule warnings must be confirmed with --confirm-warnings. Exits with 1 when a row has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="number", required=True, help="number of the person importing")
        parser.add_argument(
            "--scope", help="code of the unit to import into (default: the person's only one)"
        )
        parser.add_argument("--apply", action="store_true", help="import when no row has an error")
        parser.add_argument(
            "--confirm-warnings",
            action="store_true",
            help="record each rule warning as a historical exception (needed when there are warnings)",
        )

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
        data = path.read_bytes()
        try:
            plan = case_history_check(actor=actor, scope_unit=scope, file_name=path.name, data=data)
        except FieldErrors as error:
            raise CommandError("; ".join(m for ms in error.fields.values() for m in ms)) from error
        except (Http404, PermissionDenied) as error:
            raise CommandError(
                f"{actor.number} may not import development cases into {scope.code}."
            ) from error
        self._report(path.name, plan)
        if plan.errors:
            raise CommandError(f"{plan.rows_with_errors} row(s) have errors; nothing was imported.")
        if not options["apply"]:
            self.stdout.write("Preview only; run again with --apply to import.")
            return
        if plan.warnings and not options["confirm_warnings"]:
            raise CommandError(
                f"{len(plan.warnings)} historical exception(s) to confirm; nothing was imported. "
                "Run again with --confirm-warnings to record them in the dossiers."
            )
        try:
            outcome = case_history_import(
                actor=actor,
                scope_unit=scope,
                file_name=path.name,
                data=data,
                confirm_warnings=options["confirm_warnings"],
                warnings_digest=plan.warnings_digest,
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(outcome.created)} case(s) with {outcome.exceptions} historical exception(s); "
                f"{outcome.unchanged} unchanged."
            )
        )

    def _scope(self, actor: User, code: str | None) -> OrgUnit:
        if code:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"No unit has the code {code}.")
            return unit
        roots = scope_paths(actor, caps.RECORD_STEPS)
        if actor.is_superuser and not roots:
            unit = OrgUnit.objects.filter(depth=1).order_by("path").first()
        else:
            unit = OrgUnit.objects.filter(path__in=roots[:1]).first() if len(roots) == 1 else None
        if unit is None:
            raise CommandError("Give the unit to import into with --scope CODE.")
        return unit

    def _line(self, finding: Finding) -> str:
        where = f"row {finding.row}" if finding.row else "file"
        column = f", {finding.column_label}" if finding.column else ""
        value = f" [{finding.value}]" if finding.value else ""
        return f"{finding.level}: {where}{column}{value}: {finding.message}"

    def _report(self, file_name: str, plan: ImportPlan) -> None:
        self.stdout.write(
            f"{file_name}: {plan.rows_total} rows, {plan.count_new} new, {plan.count_unchanged} unchanged, "
            f"{plan.rows_with_errors} with errors, {len(plan.warnings)} historical exception(s) to confirm."
        )
        for finding in plan.errors:
            self.stdout.write(self.style.ERROR(self._line(finding)))
        for finding in [*plan.notes, *plan.warnings]:
            self.stdout.write(self.style.WARNING(self._line(finding)))
