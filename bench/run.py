"""``make bench``: load scale data, serve it the way ``make run`` does, and drive every scenario with wrk.

Steps: PostgreSQL and Redis up (started like .ci/run when their port is closed), the database
``smartbranch_bench`` created and migrated, the size seeded once with ``seed_scale`` and
``seed_scale_cases`` (reused afterwards), static files collected, then ``manage.py serve
--no-worker`` (granian, WEB_WORKERS × WEB_THREADS, DEBUG off, Redis cache and sessions,
BENCH_ENDPOINTS=1). The personas log in over HTTP once; each scenario is warmed up
and then driven for BENCH_DURATION seconds at 50 connections. The ceilings run first and again last;
ratios use their mean. Queries per request are counted in this process with Django's test client and
``CaptureQueriesContext`` against the same database and cache, one warm request per scenario.

Environment: SIZE (M), BENCH_DURATION (15), BENCH_WARMUP (2), BENCH_PORT (8765), BENCH_SCENARIOS
(comma-separated names, default all), BENCH_DATABASE (smartbranch_bench), BENCH_REDIS_DB (14).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import bursts, report, wrk
from bench.scenarios import CEILING, SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- Services and database -----------------------------------------------------------------------


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        connection = http.client.HTTPConnection(host, port, timeout=1)
        connection.connect()
    except OSError:
        return False
    connection.close()
    return True


def ensure_services() -> None:
    """PostgreSQL and Redis, started the way .ci/run starts them when their port is closed."""
    if not port_open(5432):
        version = sorted(os.listdir("/etc/postgresql"))[0]
        log(f"starting PostgreSQL {version}")
        subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],  # noqa: S607
            check=True,
        )
    if not port_open(6379):
        log("starting Redis")
        subprocess.run(
            [  # noqa: S607
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
    for _attempt in range(30):
        if port_open(5432) and port_open(6379):
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL or Redis did not come up on 127.0.0.1:5432 / 6379")


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def bench_env(config: dict[str, Any]) -> dict[str, str]:
    """The environment of the server, of the management commands and of this process's Django."""
    return {
        "DJANGO_SETTINGS_MODULE": "smartbranch.settings",
        "DATABASE_URL": f"{PG_BASE}/{config['database']}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{config['redis_db']}",
        "CACHE_KEY_PREFIX": "sbbench",
        "DEBUG": "0",
        "BENCH_ENDPOINTS": "1",
        "WEB_WORKERS": str(config["web_workers"]),
        "WEB_THREADS": str(config["web_threads"]),
        "STATIC_ROOT": str(VAR / "staticfiles"),
        "LOG_LEVEL": "ERROR",
    }


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


# --- The server ------------------------------------------------------------------------------------


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    if port_open(port):
        raise SystemExit(f"Port {port} is taken: set BENCH_PORT to a free one")
    VAR.mkdir(parents=True, exist_ok=True)
    server_log = (VAR / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped at once; see {VAR / 'server.log'}")
        try:
            status, _headers, _body = http_request(port, "GET", "/bench/bare/")
        except OSError:
            time.sleep(0.5)
            continue
        if status == 200:
            return server
        raise SystemExit(f"/bench/bare/ answered {status}: is BENCH_ENDPOINTS routed in smartbranch/urls.py?")
    raise SystemExit("The server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop ``manage.py serve``, then any granian process of it that outlived it."""
    descendants = [pid for pid, _command, _rss in process_tree(server.pid)]
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for pid in descendants:
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGKILL)


def process_tree(root: int) -> list[tuple[int, str, float]]:
    """(pid, command line, RSS in MB) of ``root``'s descendants, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[tuple[int, str, float]] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid:
                frontier.append(child)
                found.append((child, _cmdline(child), _rss_mb(child)))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def granian_memory(server: subprocess.Popen[bytes]) -> dict[str, Any]:
    """RSS of granian's main process and of each of its workers."""
    granian = [item for item in process_tree(server.pid) if "granian" in item[1]]
    if not granian:
        return {}
    pids = {pid for pid, _command, _rss in granian}
    parents = {pid: _parent(pid) for pid in pids}
    main = [item for item in granian if parents[item[0]] not in pids]
    workers = [item for item in granian if parents[item[0]] in pids]
    return {
        "main_mb": round(sum(rss for _pid, _command, rss in main), 1),
        "workers_mb": [round(rss, 1) for _pid, _command, rss in workers],
    }


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


# --- HTTP, logins and tokens --------------------------------------------------------------------


def http_request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, list[str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read()
    finally:
        connection.close()


def _cookies(set_cookie: list[str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookie:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def http_login(port: int, number: str, password: str) -> dict[str, str]:
    """Log in through the real login form; returns the session and CSRF cookies."""
    _status, set_cookie, _body = http_request(port, "GET", "/accounts/login/")
    csrf = _cookies(set_cookie).get("csrftoken") or secrets.token_hex(16)
    form = urlencode({"csrfmiddlewaretoken": csrf, "username": number, "password": password})
    status, set_cookie, _body = http_request(
        port,
        "POST",
        "/accounts/login/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    cookies = {"csrftoken": csrf, **_cookies(set_cookie)}
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Logging in as {number} failed (HTTP {status}); is size seeded?")
    return cookies


def access_token(number: str) -> str:
    """A fresh one-day access token for the persona (earlier bench tokens are revoked)."""
    from django.utils import timezone

    from accounts.models import AccessToken, User
    from accounts.services import access_token_create, access_token_revoke

    user = User.objects.get(number=number)
    for token_id in AccessToken.objects.filter(user=user, name="bench", revoked_at__isnull=True).values_list(
        "pk", flat=True
    ):
        access_token_revoke(user=user, token_id=token_id)
    _token, raw = access_token_create(user=user, name="bench", expires_at=timezone.now() + timedelta(days=1))
    return raw


# --- Scenarios --------------------------------------------------------------------------------------


class Prepared:
    """A scenario made concrete: its URL path and what wrk and the test client must send."""

    def __init__(self, scenario: Scenario, path: str) -> None:
        self.scenario = scenario
        self.path = path
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.users: list[str] = []
        self.password = ""

    def wrk_env(self) -> dict[str, str]:
        env = {"BENCH_METHOD": self.scenario.method, "BENCH_BODY": self.scenario.body}
        if self.cookies:
            env["BENCH_COOKIE"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            if self.scenario.method != "GET":
                env["BENCH_CSRF"] = self.cookies.get("csrftoken", "")
        if self.token:
            env["BENCH_AUTH"] = f"Bearer {self.token}"
        if self.scenario.auth == "login":
            env.update(
                BENCH_USERS=",".join(self.users),
                BENCH_PASSWORD=self.password,
                BENCH_CSRF=secrets.token_hex(16),
            )
        return env

    @property
    def script(self) -> str:
        return "login.lua" if self.scenario.auth == "login" else "request.lua"


BYTES_PREFIX = "/bench/bytes/"


def save_bytes_of(source: Scenario, size: str, port: int) -> None:
    """Save the page of ``source`` where the bare-bytes view returns it (``core.bench_views.bare_bytes``)."""
    from bench.places import fill

    status, _cookies, body = http_request(port, "GET", fill(source.path, size))
    if status != 200:
        raise SystemExit(f"{source.name} answered {status}: no bytes to compare with")
    folder = VAR / "bytes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source.name}.html").write_bytes(body)


def prepare(scenarios: list[Scenario], size: str, port: int) -> list[Prepared]:
    from bench.places import fill
    from orgs.management.scale_plan import BENCH_PASSWORD, persona_numbers

    numbers = persona_numbers(size)
    sessions: dict[str, dict[str, str]] = {}
    # One token per persona and run: making a new one revokes the persona's earlier bench tokens.
    tokens: dict[str, str] = {}
    prepared = []
    by_name = {scenario.name: scenario for scenario in SCENARIOS}
    for scenario in scenarios:
        item = Prepared(scenario, fill(scenario.path, size))
        if scenario.path.startswith(BYTES_PREFIX):
            save_bytes_of(by_name[scenario.path[len(BYTES_PREFIX) :].strip("/")], size, port)
        if scenario.auth == "session":
            if scenario.persona not in sessions:
                sessions[scenario.persona] = http_login(port, numbers[scenario.persona], BENCH_PASSWORD)
            item.cookies = sessions[scenario.persona]
        elif scenario.auth == "bearer":
            if scenario.persona not in tokens:
                tokens[scenario.persona] = access_token(numbers[scenario.persona])
            item.token = tokens[scenario.persona]
        elif scenario.auth == "login":
            item.users = [number for role, number in numbers.items() if role.startswith("student")]
            item.password = BENCH_PASSWORD
        prepared.append(item)
    return prepared


def count_queries(item: Prepared) -> tuple[int, int]:
    """Queries of one warm request through Django's test client, and its status."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"Authorization": f"Bearer {item.token}"} if item.token else {}
    for name, value in item.cookies.items():
        client.cookies[name] = value
    status, count = 0, 0
    for _attempt in range(2):  # the first request fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            if item.scenario.auth == "login":
                data = {"username": item.users[0], "password": item.password}
                response = client.post(item.path, data)
                client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
            elif item.scenario.method == "POST":
                response = client.post(
                    item.path, item.scenario.body, "application/x-www-form-urlencoded", headers=headers
                )
            else:
                response = client.get(item.path, headers=headers)
        status, count = response.status_code, len(queries.captured_queries)
    return count, status


def wait_idle(port: int, limit_s: float = 300) -> None:
    """Wait until the server has finished what wrk left queued when it stopped.

    wrk stops sending at the end of its time, but up to 50 requests are still queued in the server;
    slow ones (a login costs an argon2 hash) would otherwise be served during the next scenario.
    """
    deadline = time.monotonic() + limit_s
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            http_request(port, "GET", "/bench/bare/")
        except OSError:  # still busy past the client's timeout: keep waiting
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(0.2)


def drive(item: Prepared, base_url: str, port: int, duration: float, warmup: float) -> wrk.WrkResult:
    url = base_url + item.path
    if warmup > 0:
        wrk.run(url, duration_s=warmup, script=item.script, env=item.wrk_env())
        wait_idle(port)
    result = wrk.run(url, duration_s=duration, script=item.script, env=item.wrk_env())
    wait_idle(port)
    return result


# --- The run ----------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(next(line for line in meminfo.splitlines() if line.startswith("MemTotal")).split()[1])
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(total_kb / 1024 / 1024, 1),
        "cpu": model,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def config_from_env() -> dict[str, Any]:
    names = os.environ.get("BENCH_SCENARIOS", "")
    return {
        "size": os.environ.get("SIZE", "M").upper(),
        "duration_s": float(os.environ.get("BENCH_DURATION", "15")),
        "warmup_s": float(os.environ.get("BENCH_WARMUP", "2")),
        "port": int(os.environ.get("BENCH_PORT", "8765")),
        "database": os.environ.get("BENCH_DATABASE", "smartbranch_bench"),
        "redis_db": int(os.environ.get("BENCH_REDIS_DB", "14")),
        "web_workers": int(os.environ.get("WEB_WORKERS", "2")),
        "web_threads": int(os.environ.get("WEB_THREADS", "2")),
        "connections": wrk.CONNECTIONS,
        "threads": wrk.THREADS,
        "only": [name.strip() for name in names.split(",") if name.strip()],
    }


def seed(env: dict[str, str], size: str) -> dict[str, Any]:
    log("migrating")
    manage(env, "migrate", "--no-input", "-v", "0")
    log(f"seeding size {size} (reused when present)")
    started = time.monotonic()
    output = manage(env, "seed_scale", "--size", size)
    seconds = time.monotonic() - started
    created = "already loaded" not in output
    log(output.strip().splitlines()[-2] if created else f"size {size} already loaded")
    cases = manage(env, "seed_scale_cases", "--size", size)
    log(cases.strip().splitlines()[-1])
    manage(env, "collectstatic", "--no-input", "-v", "0")
    return {"seconds": round(seconds, 1) if created else None, "output": output.strip()}


def check_encryption_key(config: dict[str, Any]) -> None:
    """Stop at once when the bench database's people cannot be read with this checkout's key.

    Phone and ID numbers are encrypted with ``var/field_encryption_key`` (or FIELD_ENCRYPTION_KEY);
    a database seeded by another checkout holds values this key cannot read, and every logged-in
    request would fail with a 500.
    """
    from accounts.models import User
    from orgs.management.scale_plan import persona_numbers

    try:
        User.objects.filter(number=persona_numbers(config["size"])["student1"]).first()
    except ValueError as error:
        raise SystemExit(
            f"The people of {config['database']} were encrypted with another field encryption key than "
            "this checkout's (var/field_encryption_key). Run with that checkout's key in "
            "FIELD_ENCRYPTION_KEY, or seed a database of your own: BENCH_DATABASE=<new name> make bench."
        ) from error


def measure(
    prepared: list[Prepared], config: dict[str, Any], base_url: str
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[list[float], float]]]:
    rows: dict[str, dict[str, Any]] = {}
    ceilings: dict[str, list[float]] = {}
    ceiling_items = [item for item in prepared if item.scenario.kind == CEILING]
    # The ceilings run first and again last: their mean is the yardstick, their drift the noise.
    order = [*ceiling_items, *(item for item in prepared if item.scenario.kind != CEILING), *ceiling_items]
    for item in order:
        log(f"{item.scenario.name}: {item.scenario.method} {item.path}")
        result = drive(item, base_url, config["port"], config["duration_s"], config["warmup_s"])
        log(f"  {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms, {result.errors} errors")
        if item.scenario.kind == CEILING:
            ceilings.setdefault(item.scenario.name, []).append(result.rps)
        if item.scenario.name in rows:
            continue  # the closing ceiling runs only feed the mean
        queries, status = count_queries(item)
        problems = item.scenario.invariant() if item.scenario.invariant else []
        for problem in problems:
            log(f"  INVARIANT BROKEN: {problem}")
        rows[item.scenario.name] = {
            "kind": item.scenario.kind,
            "description": item.scenario.description,
            "method": item.scenario.method,
            "path": item.path,
            "persona": item.scenario.persona,
            "queries": queries,
            "status": status,
            "invariant_problems": problems,
            **result.as_dict(),
        }
    means = {name: (runs, sum(runs) / len(runs)) for name, runs in ceilings.items()}
    for item in prepared:
        row = rows[item.scenario.name]
        ceiling = means.get(item.scenario.ceiling)
        if item.scenario.kind != CEILING and ceiling is not None:
            row["ceiling"] = item.scenario.ceiling
            row["ratio"] = round(row["rps"] / ceiling[1], 3)
            row["budget"] = item.scenario.budget
        row["misses"] = report.misses(row)
    return rows, means


def main() -> int:
    config = config_from_env()
    started_at = datetime.now(UTC)
    chosen = [s for s in SCENARIOS if not config["only"] or s.name in config["only"] or s.kind == CEILING]
    ensure_services()
    ensure_database(config["database"])
    env = bench_env(config)
    seed_info = seed(env, config["size"])
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from core.bench_views import BARE_WRITE_JOB
    from core.models import ScheduledRun

    check_encryption_key(config)
    log(f"starting the server on port {config['port']}")
    server = start_server(env, config["port"])
    try:
        prepared = prepare(chosen, config["size"], config["port"])
        rows, ceilings = measure(prepared, config, f"http://127.0.0.1:{config['port']}")
        burst_rows: dict[str, dict[str, Any]] = {}
        for burst in bursts.BURSTS:
            if not config["only"] or burst.name in config["only"]:
                log(f"{burst.name}: {burst.description}")
                burst_rows[burst.name] = bursts.run(burst, config["port"], config["size"])
                log(f"  {report.burst_line(burst_rows[burst.name])}")
        memory = granian_memory(server)
    finally:
        stop_server(server)
        ScheduledRun.objects.filter(job=BARE_WRITE_JOB).delete()
        connection.close()
    result = {
        "size": config["size"],
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {key: value for key, value in config.items() if key != "only"},
        "seed": {"seconds": seed_info["seconds"]},
        "ceilings": ceilings,
        "memory": memory,
        "scenarios": rows,
        "bursts": burst_rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started_at:%Y%m%d-%H%M%S}-{config['size']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(report.table(result))
    print(f"written to {path.relative_to(ROOT)}")
    failed = False
    bad_status = [name for name, row in rows.items() if row["status"] >= 400]
    bad_status += [
        name for name, row in burst_rows.items() if row["first"]["errors"] or row["retry"]["errors"]
    ]
    if bad_status:
        print(f"FAILED: the test client got an error status for {', '.join(bad_status)}")
        failed = True
    broken = [name for name, row in {**rows, **burst_rows}.items() if row["invariant_problems"]]
    if broken:
        print(f"FAILED: invariants broken after {', '.join(broken)} (see the log above)")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
