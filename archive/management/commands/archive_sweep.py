"""Remove stored archive files that no document version refers to (also run daily as a task)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from archive.services import archive_orphans_sweep


class Command(BaseCommand):
    help = "Delete files under archive/ in the storage that no document version refers to."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24.0,
            help="Keep files younger than this, which may belong to uploads still in progress.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = archive_orphans_sweep(older_than=timedelta(hours=options["older_than_hours"]))
        for name in removed:
            self.stdout.write(f"removed {name}")
        self.stdout.write(f"{len(removed)} file(s) removed")
