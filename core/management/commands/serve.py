"""Serve SmartBranch the way ``make run`` does: granian (WSGI) plus the task worker and scheduler.

Ctrl-C (or SIGTERM) stops all of them. Worker and thread counts come from WEB_WORKERS and
WEB_THREADS; docs/decisions/0002-granian-wsgi.md says why these defaults.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together; Ctrl-C stops them all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_WORKERS", "2"))
        parser.add_argument("--threads", default=os.environ.get("WEB_THREADS", "2"))
        parser.add_argument("--no-worker", action="store_true", help="Serve pages only.")

    def handle(self, *args: Any, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        manage = [sys.executable, "manage.py"]
        commands = [
            [
                os.path.join(bin_dir, "granian"),
                "--interface",
                "wsgi",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--workers",
                str(options["workers"]),
                "--blocking-threads",
                str(options["threads"]),
                "--respawn-failed-workers",
                "--no-ws",
                "smartbranch.wsgi:application",
            ]
        ]
        if not options["no_worker"]:
            commands.append([*manage, "db_worker", "--no-startup-delay"])
            commands.append([*manage, "run_scheduler"])
        # Each child leads its own process group: a terminal's Ctrl-C reaches only this command, which
        # then stops each child exactly once (a second signal makes granian abandon its workers).
        processes = [subprocess.Popen(command, start_new_session=True) for command in commands]  # noqa: S603
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)  # the group: granian's workers too
                    process.wait()
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
        if failed and not stopping:
            sys.exit(1)
