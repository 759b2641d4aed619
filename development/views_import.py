"""Pages of the historical import of development cases: upload, preview (problems, warnings to
confirm, planned cases), apply, and the template.

The uploaded file is kept in the archive (purpose ``development_import``); the preview and the
apply read it again and check it against the database as it is then, so what is applied is what
was checked a moment before.
"""

from __future__ import annotations

import io
from typing import Any, cast
from uuid import UUID

import openpyxl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from archive.models import Document
from core.errors import DomainError, FieldErrors
from core.permissions import require, scope_q
from development import capabilities as caps
from development.imports import Finding, column_label, template_columns
from development.imports_apply import (
    IMPORT_PURPOSE,
    case_history_check,
    case_history_import,
    history_file_content,
    history_file_store,
)
from development.imports_plan import ImportPlan
from orgs.models import OrgUnit, UnitKind

SHOWN_ROWS = 200
RECENT_IMPORTS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_scopes(user: Any) -> QuerySet[OrgUnit]:
    """Units the user may import development cases into: where they record the branches' steps."""
    return (
        OrgUnit.objects.filter(scope_q(user, caps.RECORD_STEPS), is_active=True)
        .exclude(kind=UnitKind.PARTY_GROUP)
        .order_by("path")
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.code})"


class HistoryUploadForm(forms.Form):
    scope = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Import into"),
        empty_label=None,
        help_text=gettext_lazy("Every row's person must be a member of a branch inside this unit."),
    )
    file = forms.FileField(
        label=gettext_lazy("File of cases in progress"),
        help_text=gettext_lazy(
            ".xlsx, or .csv in UTF-8 or GBK: one row per person, a column per step's date."
        ),
    )

    def __init__(self, *args: Any, scopes: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["scope"]).queryset = scopes
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,text/csv"


def _scopes_or_refuse(request: AuthedRequest) -> QuerySet[OrgUnit]:
    scopes = import_scopes(request.user)
    if not scopes.exists():
        raise PermissionDenied
    return scopes


def _recent_imports(user: Any) -> list[Document]:
    return list(
        Document.objects.alive()
        .filter(scope_q(user, caps.RECORD_STEPS, path_field="unit__path"), purpose=IMPORT_PURPOSE)
        .select_related("unit", "created_by")
        .order_by("-created_at", "-id")[:RECENT_IMPORTS]
    )


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request: AuthedRequest) -> HttpResponse:
    """The upload form, the template link and the latest imports the person may see."""
    scopes = _scopes_or_refuse(request)
    posted = request.method == "POST"
    form = HistoryUploadForm(
        request.POST if posted else None, request.FILES if posted else None, scopes=scopes
    )
    if posted and form.is_valid():
        try:
            document = history_file_store(
                actor=request.user,
                scope_unit=form.cleaned_data["scope"],
                uploaded_file=form.cleaned_data["file"],
            )
        except FieldErrors as error:
            for name, field_messages in error.fields.items():
                for message in field_messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            return redirect("development_import:preview", public_id=document.public_id)
    context = {"form": form, "imports": _recent_imports(request.user), "single_scope": scopes.count() == 1}
    return render(request, "development/import.html", context, status=400 if form.errors else 200)


def _import_document(request: AuthedRequest, public_id: UUID) -> Document:
    """The kept file: 404 outside the person's scope, 403 without the right to record steps."""
    document = get_object_or_404(
        Document.objects.alive().select_related("unit", "created_by", "current_version"),
        public_id=public_id,
        purpose=IMPORT_PURPOSE,
    )
    require(request.user, caps.RECORD_STEPS, document.unit)
    return document


def _finding_row(finding: Finding) -> dict[str, Any]:
    return {
        "row": finding.row,
        "column": finding.column_label or _("whole file"),
        "value": finding.value,
        "message": finding.message,
        "source": finding.source,
    }


def _preview_context(document: Document, plan: ImportPlan | None, file_error: str = "") -> dict[str, Any]:
    if plan is None:
        return {"document": document, "plan": None, "file_error": file_error}
    names = {item.row.row: item.person for item in plan.planned}
    warnings = [{**_finding_row(finding), "person": names.get(finding.row or 0)} for finding in plan.warnings]
    return {
        "document": document,
        "plan": plan,
        "errors": [_finding_row(finding) for finding in plan.errors[:SHOWN_ROWS]],
        "hidden_errors": max(0, len(plan.errors) - SHOWN_ROWS),
        "notes": [_finding_row(finding) for finding in plan.notes],
        "warnings": warnings[:SHOWN_ROWS],
        "hidden_warnings": max(0, len(warnings) - SHOWN_ROWS),
        "planned": plan.planned[:SHOWN_ROWS],
        "hidden_planned": max(0, len(plan.planned) - SHOWN_ROWS),
    }


@login_required
@require_GET
def history_preview(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """What importing the kept file would do now: errors by row and column, rule warnings to
    confirm, and each row's planned case (new, or unchanged when already recorded the same way)."""
    document = _import_document(request, public_id)
    try:
        file_name, data = history_file_content(document)
        plan = case_history_check(
            actor=request.user, scope_unit=document.unit, file_name=file_name, data=data
        )
    except FieldErrors as error:
        message = " ".join(text for texts in error.fields.values() for text in texts)
        return render(request, "development/import_preview.html", _preview_context(document, None, message))
    except DomainError as error:
        return render(
            request, "development/import_preview.html", _preview_context(document, None, str(error.message))
        )
    return render(request, "development/import_preview.html", _preview_context(document, plan))


@login_required
@require_POST
def history_apply(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Apply the kept file; a refusal comes back as a message on the preview."""
    document = _import_document(request, public_id)
    try:
        file_name, data = history_file_content(document)
        outcome = case_history_import(
            actor=request.user,
            scope_unit=document.unit,
            file_name=file_name,
            data=data,
            confirm_warnings=request.POST.get("confirm_warnings") == "on",
            warnings_digest=request.POST.get("warnings_digest") or None,
        )
    except (DomainError, FieldErrors) as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "Imported %(count)s case (%(exceptions)s historical exceptions recorded); %(unchanged)s unchanged.",
                "Imported %(count)s cases (%(exceptions)s historical exceptions recorded); %(unchanged)s unchanged.",
                len(outcome.created),
            )
            % {
                "count": len(outcome.created),
                "exceptions": outcome.exceptions,
                "unchanged": outcome.unchanged,
            },
        )
    return redirect("development_import:preview", public_id=document.public_id)


@login_required
@require_GET
def history_template(request: AuthedRequest) -> FileResponse:
    """The import template as .xlsx: the header in the person's language, one column per step."""
    _scopes_or_refuse(request)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases in progress"))
    sheet.append([column_label(key) for key in template_columns()])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=_("development-cases-template.xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
