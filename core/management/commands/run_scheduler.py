"""Enqueue periodic jobs when they fall due; runs beside the task worker (see ``serve``)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand

from core.scheduler import schedule_due_jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs when due. Safe to run in several processes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        if not options["once"]:
            # Only the long-running loop stops gracefully; a single check has nothing to interrupt.
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
        while running:
            for name in schedule_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                break
            deadline = time.monotonic() + options["interval"]
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
