"""List the dossier documents past their retention period and, with --apply, delete them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from archive.permissions import can_delete_document
from development.retention import documents_past_retention, retention_apply

DEFAULT_REASON = "Retention period ended (manage.py development_retention)"


class Command(BaseCommand):
    help = (
        "List the development dossier documents whose retention period has ended (dry run, the "
        "default) and, with --apply --as NUMBER, delete them through the archive, each deletion "
        "audited with the reason. Retention periods are local parameters of each university."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="delete the documents listed")
        parser.add_argument(
            "--as",
            dest="number",
            help="number of the person answering for the deletions (needs archive.delete_documents)",
        )
        parser.add_argument("--reason", default=DEFAULT_REASON, help="the reason written with each deletion")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        expired = documents_past_retention(today)
        for item in expired:
            self.stdout.write(
                f"{item.document.public_id}  case {item.case_id} ({item.case_status}, closed "
                f"{item.closed_on.isoformat()})  {item.kind}  kept until {item.keep_until.isoformat()}  "
                f"{item.document.title}"
            )
        self.stdout.write(f"{len(expired)} document(s) past their retention on {today.isoformat()}.")
        if not options["apply"]:
            if expired:
                self.stdout.write("Dry run: nothing was deleted. Run again with --apply --as NUMBER.")
            return
        if not options["number"]:
            raise CommandError("--apply needs --as NUMBER: the person who answers for the deletions.")
        actor = User.objects.filter(number=options["number"], is_active=True).first()
        if actor is None:
            raise CommandError(f"Nobody active has the number {options['number']}.")
        refused = [item for item in expired if not can_delete_document(actor, item.document)]
        if refused:
            raise CommandError(
                f"{actor.number} may not delete {len(refused)} of these documents "
                "(archive.delete_documents over their units); nothing was deleted."
            )
        reason = (options["reason"] or "").strip() or DEFAULT_REASON
        deleted = retention_apply(actor=actor, expired=expired, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"{deleted} document(s) deleted."))
