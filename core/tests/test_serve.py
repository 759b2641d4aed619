"""`manage.py serve` (what `make run` ends with): one Ctrl-C stops the server, worker and scheduler."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table from /proc")
def test_one_interrupt_stops_the_web_server_the_worker_and_the_scheduler(tmp_path):
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120)
    port = free_port()
    serve = subprocess.Popen(
        [*manage, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        children = children_of(serve.pid)
        assert len(children) == 3  # granian, db_worker, run_scheduler
        grandchildren = set().union(*(children_of(child) for child in children))

        # A terminal's Ctrl-C goes to the whole foreground process group.
        os.killpg(serve.pid, signal.SIGINT)
        assert serve.wait(timeout=20) == 0
        time.sleep(0.5)
        alive = [
            pid
            for pid in children | grandchildren
            if Path(f"/proc/{pid}").exists()
            and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        ]
        assert alive == []
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
