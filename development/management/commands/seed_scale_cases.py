"""Load the development cases of the scale data for ``make bench`` (after ``seed_scale``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from development.management.scale_cases import seed_cases
from orgs.management.scale_plan import SIZES


class Command(BaseCommand):
    help = (
        "Give a share of the people being developed in the scale data an open development case with its "
        "step records (idempotent; run `seed_scale` of the same size first)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="M", help="The size seed_scale loaded.")

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        started = time.monotonic()
        try:
            totals = seed_cases(size)
        except LookupError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        if totals["cases"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Cases of size {size.code} loaded in {elapsed:.1f} s. "
                    f"Created: {totals['cases']} cases, {totals['step_records']} step records."
                )
            )
        else:
            self.stdout.write(f"Cases of size {size.code} are already loaded; nothing was created.")
