"""The matcher benchmark runs and reports its figures (the timing itself is not asserted)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_benchmark_reports_the_median_check_time(default_lexicon):
    out = StringIO()
    call_command("moderation_bench", terms=300, length=800, runs=3, stdout=out)
    report = out.getvalue()
    assert "lexicon: 300 terms" in report
    assert "article: 800 characters" in report
    assert "matcher check: median" in report and "of 3 runs" in report
    assert "action mask" in report or "action hold" in report or "action block" in report
