"""The ceilings of ``make bench``: what this project's stack does with no application work at all.

``bare_page`` renders a page as large as the home page through the same middleware, base template
and translations, without touching the database; ``bare_write`` inserts one row. Every scenario of
the benchmark is read as a ratio to one of them, measured in the same run. They are routed only when
``BENCH_ENDPOINTS=1`` (smartbranch/urls.py), which is why they need no login and the write no CSRF
token: in normal operation these URLs do not exist.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.models import ScheduledRun

BARE_WRITE_JOB = "bench.bare_write"

# Stand-ins for what the home page shows, so that the template does the same amount of work.
_FACTS = [
    ("Number", "M120240100123"),
    ("Branch", "计算机学院2024级本科生第一党支部"),
    ("Party group", "计算机学院2024级本科生第一党支部第一党小组"),
]
_POSITIONS = [
    {"type": "支部书记", "unit": "计算机学院2024级本科生第一党支部", "start": date(2025, 9, 15)},
    {"type": "党小组组长", "unit": "计算机学院2024级本科生第一党支部第一党小组", "start": date(2025, 9, 15)},
]
_SECTIONS = [
    {"label": "组织", "description": "党组织、党员名册与职务", "url": "/org/"},
    {"label": "文件", "description": "支部档案与材料", "url": "/files/"},
    {"label": "消息", "description": "通知与提醒", "url": "/inbox/"},
]


@require_GET
def bare_page(request: HttpRequest) -> HttpResponse:
    """A page the size of the home page, rendered without a single query."""
    context = {
        "name": "林小雨",
        "facts": _FACTS,
        "status": "activist",
        "status_label": "入党积极分子",
        "since": date(2025, 10, 20),
        "positions": _POSITIONS,
        "sections": _SECTIONS,
    }
    return render(request, "core/bench_bare.html", context)


@csrf_exempt  # routed only in bench mode, where wrk posts without a CSRF token
@require_POST
def bare_write(request: HttpRequest) -> HttpResponse:
    """Insert one row (a unique one, so that every request really writes) and answer 201."""
    ScheduledRun.objects.create(job=BARE_WRITE_JOB, period=uuid.uuid4().hex)
    return HttpResponse("created", status=201, content_type="text/plain")


@require_GET
def bare_bytes(request: HttpRequest, name: str) -> HttpResponse:
    """The bytes of another scenario's page, as saved by the bench runner, returned as they are.

    The yardstick of a cached page: Django answering with the same bytes and no work at all. The
    runner writes ``var/bench/bytes/<name>.html`` before the run.
    """
    path = settings.VAR_DIR / "bench" / "bytes" / f"{name}.html"
    if not name.replace("_", "").isalnum() or not path.is_file():
        raise Http404
    return HttpResponse(path.read_bytes(), content_type="text/html; charset=utf-8")
