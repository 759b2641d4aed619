"""Compare two ``make bench`` results: ``python -m bench.compare A.json B.json``.

For every scenario in both files: requests/s, p99 and ratio to the ceiling in A and B, and the
change from A to B. A scenario is marked WORSE when its ratio to the ceiling fell by more than 10%
(for the ceilings themselves: their requests/s). The ratio is what is compared because both of its
terms were measured in the same run: a busier machine slows the ceiling too, a slower page does not.
The exit status is 1 when anything is worse, so a script can stop on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

THRESHOLD = 0.10


def load(path: str | Path) -> dict[str, Any]:
    return dict(json.loads(Path(path).read_text(encoding="utf-8")))


def change(before: float | None, after: float | None) -> float | None:
    """Relative change from ``before`` to ``after`` (0.25 is +25%), None when it cannot be said."""
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scenario present in both runs, marked ``worse`` past the 10% threshold."""
    rows = []
    b_scenarios = b.get("scenarios", {})
    for name, first in a.get("scenarios", {}).items():
        second = b_scenarios.get(name)
        if second is None:
            continue
        rps_change = change(first.get("rps"), second.get("rps"))
        p99_change = change(first.get("p99_ms"), second.get("p99_ms"))
        ratio_change = change(first.get("ratio"), second.get("ratio"))
        judged = ratio_change if first.get("ratio") is not None else rps_change
        worse = judged is not None and judged < -THRESHOLD
        rows.append(
            {
                "scenario": name,
                "rps": (first.get("rps"), second.get("rps")),
                "rps_change": rps_change,
                "p99_ms": (first.get("p99_ms"), second.get("p99_ms")),
                "p99_change": p99_change,
                "ratio": (first.get("ratio"), second.get("ratio")),
                "ratio_change": ratio_change,
                "worse": worse,
            }
        )
    return rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def format_rows(rows: list[dict[str, Any]]) -> str:
    header = [
        "scenario",
        "req/s A",
        "req/s B",
        "change",
        "p99 A",
        "p99 B",
        "change",
        "ratio A",
        "ratio B",
        "change",
        "",
    ]
    lines = [header]
    for row in rows:
        lines.append(
            [
                row["scenario"],
                _number(row["rps"][0]),
                _number(row["rps"][1]),
                _percent(row["rps_change"]),
                _number(row["p99_ms"][0]),
                _number(row["p99_ms"][1]),
                _percent(row["p99_change"]),
                _number(row["ratio"][0], 2),
                _number(row["ratio"][1], 2),
                _percent(row["ratio_change"]),
                "WORSE" if row["worse"] else "",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(_line(line, widths) for line in lines)


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [
        cell.ljust(width) if index == 0 else cell.rjust(width)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ]
    return "  ".join(padded).rstrip()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.compare A.json B.json", file=sys.stderr)
        return 2
    a, b = load(argv[0]), load(argv[1])
    print(f"A: {argv[0]} ({a.get('size')}, {a.get('started_at')})")
    print(f"B: {argv[1]} ({b.get('size')}, {b.get('started_at')})")
    rows = compare(a, b)
    print(format_rows(rows))
    worse = [row["scenario"] for row in rows if row["worse"]]
    if worse:
        print(f"Worse than {THRESHOLD:.0%}: {', '.join(worse)}")
        return 1
    print(f"Nothing worse than {THRESHOLD:.0%}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
