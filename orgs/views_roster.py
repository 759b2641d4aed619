"""Pages of roster imports and member exports: upload, preview, apply, template and export."""

from __future__ import annotations

import io
import tempfile
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import require
from orgs import capabilities as caps
from orgs import exports, imports, queries_roster, services_roster
from orgs.models import OrgUnit, PartyStatus, RosterImport

TABLE_PAGE_SIZE = 100


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.code})"


class RosterUploadForm(forms.Form):
    scope = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Import into"),
        empty_label=None,
        help_text=gettext_lazy("Every row's branch must lie inside this unit."),
    )
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        help_text=gettext_lazy(".xlsx, or .csv in UTF-8 or GBK, separated by commas or semicolons."),
    )

    def __init__(self, *args: Any, scopes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["scope"]).queryset = scopes
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,text/csv"


def _import_scopes(request: AuthedRequest) -> list[OrgUnit]:
    scopes = list(queries_roster.import_scopes(request.user))
    if not scopes:
        raise PermissionDenied
    return scopes


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthedRequest) -> HttpResponse:
    """The upload form, the template link and the latest imports the person may see."""
    scopes = _import_scopes(request)
    posted = request.method == "POST"
    form = RosterUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        scopes=queries_roster.import_scopes(request.user),
    )
    if posted and form.is_valid():
        try:
            record = services_roster.roster_preview(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                scope_unit=form.cleaned_data["scope"],
            )
        except FieldErrors as error:
            for field_name, field_messages in error.fields.items():
                for message in field_messages:
                    form.add_error(field_name if field_name in form.fields else None, message)
        else:
            return redirect("roster:preview", import_id=record.pk)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "imports": queries_roster.recent_imports(request.user),
        "single_scope": len(scopes) == 1,
    }
    return render(request, "orgs/roster_import.html", context, status=status)


def _problem_rows(page: Page) -> list[dict[str, Any]]:
    return [
        {
            "row": item["row"],
            "column": imports.field_label(item["field"]) if item["field"] else _("whole file"),
            "value": item["value"],
            "message": imports.problem_message(item["code"], item["params"]),
            "level": item["level"],
        }
        for item in page.object_list
    ]


def _change_rows(page: Page) -> list[dict[str, Any]]:
    rows = []
    for row, number, name, action, fields in page.object_list:
        labels = ", ".join(imports.field_label(field_name) for field_name in fields)
        rows.append({"row": row, "number": number, "name": name, "action": action, "fields": labels})
    return rows


@login_required
@require_GET
def roster_preview(request: AuthedRequest, import_id: int) -> HttpResponse:
    """The outcome of checking an uploaded roster: counts, problems by row and column, planned changes."""
    record = queries_roster.roster_import_get(import_id)
    require(request.user, caps.IMPORT_ROSTER, record.scope_unit)
    problems = Paginator(record.problems, TABLE_PAGE_SIZE).get_page(request.GET.get("problems"))
    changes = Paginator(record.changes, TABLE_PAGE_SIZE).get_page(request.GET.get("changes"))
    context = {
        "record": record,
        "problems": problems,
        "problem_rows": _problem_rows(problems),
        "changes": changes,
        "change_rows": _change_rows(changes),
        "hidden_problems": max(0, record.error_count + record.warning_count - len(record.problems)),
        "hidden_changes": max(0, record.count_new + record.count_updated - len(record.changes)),
    }
    target = request.htmx.target if request.htmx else None
    template = "orgs/roster_preview.html"
    if target in ("problems", "changes"):
        template = f"{template}#{target}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def roster_apply(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Apply a previewed import; refusals come back as a message on the preview."""
    record = get_object_or_404(
        RosterImport.objects.select_related("scope_unit").defer("parsed_rows", "problems", "changes"),
        pk=import_id,
    )
    require(request.user, caps.IMPORT_ROSTER, record.scope_unit)
    try:
        applied = services_roster.roster_apply(actor=request.user, roster_import=record)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "new": applied.count_new,
                "updated": applied.count_updated,
                "unchanged": applied.count_unchanged,
            },
        )
    return redirect("roster:preview", import_id=import_id)


@login_required
@require_GET
def roster_template(request: AuthedRequest) -> FileResponse:
    """The roster template as .xlsx, with the header in the person's language and one example row."""
    scopes = _import_scopes(request)
    buffer = io.BytesIO()
    exports.write_template(buffer, branch_code=queries_roster.example_branch_code(scopes[0]))
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=_("roster-template.xlsx"), content_type=exports.XLSX_CONTENT_TYPE
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def members_export(request: AuthedRequest) -> HttpResponseBase:
    """Download the members of a unit's subtree as .xlsx (or, without ``unit``, choose what to export)."""
    raw_unit = request.GET.get("unit")
    if not raw_unit:
        units = list(queries_roster.export_units(request.user))
        if not units:
            raise PermissionDenied
        return render(request, "orgs/roster_export.html", {"units": units, "statuses": PartyStatus.choices})
    unit_id = _int_or_none(raw_unit)
    if unit_id is None:
        raise Http404
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    require(request.user, caps.EXPORT_MEMBERS, unit)
    status = request.GET.get("status", "")
    # The file is built in a temporary file on disk, then streamed: memory stays flat for 100k rows.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    services_roster.members_export(
        actor=request.user,
        unit=unit,
        out=out,
        search=request.GET.get("q", "").strip()[:50],
        status=status if status in PartyStatus.values else "",
        grade=_int_or_none(request.GET.get("grade")),
        group_id=_int_or_none(request.GET.get("group")),
    )
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=services_roster.export_file_name(unit),
        content_type=exports.XLSX_CONTENT_TYPE,
    )
