"""The table ``make bench`` prints, and the budgets it checks."""

from __future__ import annotations

from typing import Any

from bench.scenarios import BUDGETS, P99_BUDGET_MS


def misses(row: dict[str, Any]) -> list[str]:
    """What a scenario's figures miss of DESIGN.md's budgets, in words for the table's last column."""
    found = []
    budget = row.get("budget")
    if budget is not None and row.get("ratio") is not None and row["ratio"] < budget:
        found.append(f"ratio<{budget:g}")
    if row["kind"] in BUDGETS and row["p99_ms"] >= P99_BUDGET_MS:
        found.append(f"p99≥{P99_BUDGET_MS:g}ms")
    if row["errors"]:
        found.append("errors")
    if row.get("invariant_problems"):
        found.append("invariant")
    return found


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(result: dict[str, Any]) -> str:
    header = ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "ratio", "budget", "queries", "misses"]
    lines = [header]
    for name, row in result["scenarios"].items():
        lines.append(
            [
                name,
                _cell(row["rps"]),
                _cell(row["p50_ms"]),
                _cell(row["p99_ms"]),
                _cell(row["errors"]),
                _cell(row.get("ratio"), 2),
                "—" if row.get("budget") is None else f"≥{row['budget']:g}",
                _cell(row.get("queries")),
                ", ".join(row.get("misses", [])),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    text = [_line(lines[0], widths), rule, *(_line(line, widths) for line in lines[1:]), rule]
    if result.get("bursts"):
        text.append("")
        text.append("bursts (every person once, then every person again; Python clients on the same cores):")
        text.extend(f"  {name}: {burst_line(row)}" for name, row in result["bursts"].items())
    text.extend(footer(result))
    return "\n".join(text)


def burst_line(row: dict[str, Any]) -> str:
    """One burst in words: both passes' throughput, p99 and errors, and what the invariant found.

    A burst of sequences (start → answers → submit) adds each pass's duration, each step's p99
    and how long one person's whole sequence took (p99).
    """
    first, retry = row["first"], row["retry"]
    found = "; ".join(row["invariant_problems"]) or "none lost, none doubled"
    return f"{row['people']} people: {_pass(first)}; retry {_pass(retry)}; {found}"


def _pass(figures: dict[str, Any]) -> str:
    text = f"{figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms"
    if "steps" in figures:
        steps = ", ".join(
            f"{step} {step_figures['p99_ms']:.0f}" for step, step_figures in figures["steps"].items()
        )
        text = (
            f"{figures['requests']} requests in {figures['seconds']:.1f} s, {text} "
            f"(p99 by step: {steps} ms; a person's whole sequence p99 {figures['person_p99_ms']:.0f} ms)"
        )
    return f"{text}, {figures['errors']} errors {figures['statuses']}"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        cell.ljust(width) if index in (0, 8) else cell.rjust(width)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def footer(result: dict[str, Any]) -> list[str]:
    settings = result["settings"]
    machine = result["machine"]
    memory = result.get("memory", {})
    lines = [
        f"size {result['size']} · {settings['connections']} connections, {settings['threads']} wrk threads, "
        f"{settings['duration_s']:g} s each · granian {settings['web_workers']} workers × "
        f"{settings['web_threads']} threads · {machine['nproc']} cores, {machine['ram_gb']} GB RAM",
        "ceilings: "
        + ", ".join(
            f"{name} {' → '.join(f'{rps:.0f}' for rps in runs)} req/s (mean {mean:.0f})"
            for name, (runs, mean) in result["ceilings"].items()
        ),
    ]
    if memory:
        workers = ", ".join(f"{mb:.0f}" for mb in memory.get("workers_mb", []))
        lines.append(
            f"memory after the run: granian main {memory.get('main_mb', 0):.0f} MB, workers {workers} MB RSS"
        )
    seed = result.get("seed", {})
    if seed.get("seconds") is not None:
        lines.append(f"seeded size {result['size']} in {seed['seconds']:.1f} s")
    else:
        lines.append(f"size {result['size']} was already loaded (reused)")
    return lines
