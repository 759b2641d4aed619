"""The bench ceilings and tools: bare views, wrk report parsing, budgets and the compare marking.

wrk itself never runs here; its report is parsed from a captured sample.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from bench import compare, report, wrk
from bench.scenarios import SCENARIOS, by_name
from core.bench_views import BARE_WRITE_JOB, bare_bytes, bare_page, bare_write
from core.models import ScheduledRun

SAMPLE = """Running 15s test @ http://127.0.0.1:8765/org/units/26/members/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    91.05ms   20.20ms   1.22s    72.19%
    Req/Sec   274.88     36.47   350.00     71.33%
  Latency Distribution
     50%  850.00us
     75%   35.22ms
     90%   43.57ms
     99%    1.50s
  8245 requests in 15.02s, 98.77MB read
  Socket errors: connect 0, read 2, write 0, timeout 12
  Non-2xx or 3xx responses: 5
Requests/sec:    548.93
Transfer/sec:      6.58MB
"""


def test_it_reads_a_wrk_report():
    result = wrk.parse(SAMPLE)
    assert result.requests == 8245
    assert result.duration_s == pytest.approx(15.02)
    assert result.rps == pytest.approx(548.93)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p75_ms == pytest.approx(35.22)
    assert result.p99_ms == pytest.approx(1500.0)
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 12}
    assert result.errors == 5 + 2 + 12


def test_a_clean_wrk_report_has_no_errors():
    clean = SAMPLE.replace("  Socket errors: connect 0, read 2, write 0, timeout 12\n", "").replace(
        "  Non-2xx or 3xx responses: 5\n", ""
    )
    assert wrk.parse(clean).errors == 0


def test_it_refuses_output_that_is_not_a_report():
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse("unable to connect to 127.0.0.1:8765 Connection refused")


def run_with(**scenarios: dict) -> dict:
    return {"size": "M", "started_at": "x", "scenarios": scenarios}


def test_compare_marks_a_ratio_fallen_by_more_than_ten_percent():
    a = run_with(
        home={"rps": 800.0, "p99_ms": 90.0, "ratio": 0.5},
        tree={"rps": 400.0, "p99_ms": 150.0, "ratio": 0.25},
        bare_page={"rps": 1600.0, "p99_ms": 40.0, "ratio": None},
    )
    b = run_with(
        home={"rps": 700.0, "p99_ms": 95.0, "ratio": 0.44},  # -12% of the ratio
        tree={"rps": 340.0, "p99_ms": 170.0, "ratio": 0.2375},  # -5%: the machine was busier
        bare_page={"rps": 1420.0, "p99_ms": 45.0, "ratio": None},  # a ceiling: -11.25% req/s
    )
    rows = {row["scenario"]: row for row in compare.compare(a, b)}
    assert rows["home"]["worse"] is True
    assert rows["tree"]["worse"] is False
    assert rows["bare_page"]["worse"] is True
    assert rows["home"]["ratio_change"] == pytest.approx(-0.12)
    assert "WORSE" in compare.format_rows(list(rows.values())).splitlines()[1]


def test_compare_exits_with_one_when_something_is_worse(tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(run_with(home={"rps": 800.0, "p99_ms": 90.0, "ratio": 0.5})))
    second.write_text(json.dumps(run_with(home={"rps": 820.0, "p99_ms": 80.0, "ratio": 0.52})))
    assert compare.main([str(first), str(second)]) == 0
    assert compare.main([str(second), str(first)]) == 0  # -3.8%: within the threshold
    second.write_text(json.dumps(run_with(home={"rps": 500.0, "p99_ms": 150.0, "ratio": 0.3})))
    assert compare.main([str(first), str(second)]) == 1
    assert "Worse than 10%: home" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"kind": "read", "budget": 0.5, "ratio": 0.6, "p99_ms": 120.0, "errors": 0}, []),
        ({"kind": "read", "budget": 0.5, "ratio": 0.4, "p99_ms": 120.0, "errors": 0}, ["ratio<0.5"]),
        (
            {"kind": "write", "budget": 0.5, "ratio": 0.9, "p99_ms": 300.0, "errors": 3},
            ["p99≥250ms", "errors"],
        ),
        ({"kind": "ceiling", "p99_ms": 300.0, "errors": 0}, []),
        ({"kind": "diagnostic", "budget": None, "ratio": 0.1, "p99_ms": 300.0, "errors": 0}, []),
    ],
)
def test_it_names_the_budgets_a_scenario_misses(row, expected):
    assert report.misses(row) == expected


def test_every_scenario_has_a_unique_name_and_a_ceiling_to_compare_with():
    names = [scenario.name for scenario in SCENARIOS]
    assert len(names) == len(set(names))
    assert {"bare_page", "bare_write"} <= set(by_name())
    assert all(scenario.ceiling in by_name() for scenario in SCENARIOS)


@pytest.mark.django_db
def test_the_bare_page_renders_without_a_query(django_assert_num_queries):
    request = RequestFactory().get("/bench/bare/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        response = bare_page(request)
    assert response.status_code == 200
    assert 2_000 < len(response.content) < 20_000


@pytest.mark.django_db
def test_the_bare_write_inserts_one_row_each_time(django_assert_num_queries):
    request = RequestFactory().post("/bench/write/")
    with django_assert_num_queries(1):
        assert bare_write(request).status_code == 201
    bare_write(RequestFactory().post("/bench/write/"))
    assert ScheduledRun.objects.filter(job=BARE_WRITE_JOB).count() == 2


def test_the_bare_bytes_view_returns_the_saved_page_as_it_is(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "bench" / "bytes").mkdir(parents=True)
    saved = "<html><body>文章</body></html>".encode()
    (tmp_path / "bench" / "bytes" / "public_article.html").write_bytes(saved)
    response = bare_bytes(RequestFactory().get("/bench/bytes/public_article/"), "public_article")
    assert response.content == saved
    with pytest.raises(Http404):
        bare_bytes(RequestFactory().get("/bench/bytes/missing/"), "missing")
    with pytest.raises(Http404):
        bare_bytes(RequestFactory().get("/"), "../secret")


def test_the_ceilings_are_not_routed_outside_bench_mode():
    with pytest.raises(NoReverseMatch):
        reverse("bench:bare_page")
