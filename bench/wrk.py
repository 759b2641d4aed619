"""Run wrk and read its report: requests/s, latency percentiles, errors."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LUA_DIR = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 50
THREADS = 2
TIMEOUT_S = 30  # slow pages (a login at 50 connections) should show as latency, not as timeouts

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"
_PERCENTILE = re.compile(rf"^\s*(50|75|90|99)(?:\.0+)?%\s+{_TIME}\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in " + _TIME, re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_STATUS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


class WrkOutputError(ValueError):
    """wrk printed something that is not a complete report."""


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Failed requests: answers other than 2xx/3xx plus connect, read, write and timeout errors."""
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": self.errors}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse(output: str) -> WrkResult:
    """Read the report ``wrk --latency`` prints."""
    percentiles = {int(m.group(1)): _ms(m.group(2), m.group(3)) for m in _PERCENTILE.finditer(output)}
    total = _TOTAL.search(output)
    rps = _RPS.search(output)
    if total is None or rps is None or set(percentiles) != {50, 75, 90, 99}:
        raise WrkOutputError(f"Not a wrk --latency report:\n{output[-2000:]}")
    socket = _SOCKET.search(output)
    status = _STATUS.search(output)
    return WrkResult(
        requests=int(total.group(1)),
        duration_s=_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        non_2xx_3xx=int(status.group(1)) if status else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
        if socket
        else {},
    )


def run(
    url: str,
    *,
    duration_s: float,
    script: str = "request.lua",
    env: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
) -> WrkResult:
    """Drive ``url`` for ``duration_s`` seconds with a Lua script from bench/lua/."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        f"--timeout={TIMEOUT_S}s",
        "--latency",
        "-s",
        str(LUA_DIR / script),
        url,
    ]
    completed = subprocess.run(  # noqa: S603  (fixed program, arguments built here)
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise WrkOutputError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)
