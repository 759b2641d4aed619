"""The dossier (全程纪实) of a case as a page and as a PDF, and the case roster as .xlsx.

Opening a dossier goes through ``services.dossier_record_view``, which refuses (404 out of scope,
403 without the right) or writes the audit event; the page and the PDF then lay out the same
``build_dossier`` tree. Both carry personal data, so no cache may keep them. The PDF is rendered by
``core.pdf``, which fetches no resource from outside (only ``data:`` URLs and our static files).
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from core.pdf import render_pdf
from core.permissions import require
from development import capabilities as caps
from development import exports, services, steps
from development.dossier import build_dossier, dossier_file_name
from development.models import Batch, DevelopmentCase
from orgs import capabilities as org_caps
from orgs.exports import XLSX_CONTENT_TYPE
from orgs.models import OrgUnit

PDF_CONTENT_TYPE = "application/pdf"


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _case(case_id: int) -> DevelopmentCase:
    return get_object_or_404(DevelopmentCase.objects.select_related("person", "branch", "batch"), pk=case_id)


@login_required
@require_GET
def case_dossier(request: AuthedRequest, case_id: int) -> HttpResponseBase:
    """The dossier page: every step, vote, opinion, exception and document of the case."""
    case = _case(case_id)
    services.dossier_record_view(actor=request.user, case=case, kind="page")
    dossier = build_dossier(case, viewer=request.user)
    return _private(render(request, "development/dossier.html", {"dossier": dossier, "case": case}))


@login_required
@require_GET
def case_dossier_pdf(request: AuthedRequest, case_id: int) -> HttpResponseBase:
    """The dossier as an A4 PDF, rendered in the request (a dossier is a few pages)."""
    case = _case(case_id)
    services.dossier_record_view(actor=request.user, case=case, kind="pdf")
    dossier = build_dossier(case, viewer=request.user)
    html = render_to_string(
        "development/dossier_pdf.html", {"dossier": dossier, "site_url": settings.SITE_URL.rstrip("/")}
    )
    response = HttpResponse(render_pdf(html), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, dossier_file_name(dossier))
    return _private(response)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _export_choices(request: AuthedRequest) -> HttpResponseBase:
    units = list(exports.export_units(request.user))
    if not units:
        raise PermissionDenied
    batches = Batch.objects.filter(unit__in=units).order_by("-opened_on", "-id")[:100]
    context = {"units": units, "stages": steps.STAGES.items(), "batches": batches}
    return render(request, "development/dossier_cases_export.html", context)


@login_required
@require_GET
def cases_export(request: AuthedRequest) -> HttpResponseBase:
    """The cases of a unit's subtree as .xlsx (without ``unit``: a page to choose what to export)."""
    raw_unit = request.GET.get("unit")
    if not raw_unit:
        return _export_choices(request)
    unit_id = _int_or_none(raw_unit)
    if unit_id is None:
        raise Http404
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    require(request.user, caps.VIEW_CASES, unit)
    require(request.user, org_caps.EXPORT_MEMBERS, unit)
    stage = _int_or_none(request.GET.get("stage"))
    # Written to a temporary file on disk, then streamed: memory stays flat for thousands of rows.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    exports.cases_export(
        actor=request.user,
        unit=unit,
        out=out,
        stage=stage if stage in steps.STAGES else None,
        batch_id=_int_or_none(request.GET.get("batch")),
        grade=_int_or_none(request.GET.get("grade")),
    )
    out.seek(0)
    response = FileResponse(
        out, as_attachment=True, filename=exports.export_file_name(unit), content_type=XLSX_CONTENT_TYPE
    )
    return _private(response)
