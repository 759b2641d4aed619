"""Pages of question authors: the question bank with filters, a question's form, the spreadsheet
import (upload, preview by row and column, apply, template) and topic exams.

Every page needs ``learning.author_questions``: a person who holds it nowhere gets 403 on the
lists; a question, import or exam of a unit outside the person's scope and branch is 404.
"""

from __future__ import annotations

import io
import os
from typing import Any
from uuid import UUID

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from learning import queries_quiz as queries
from learning import services_questions as services
from learning.forms_quiz import ExamForm, QuestionFilterForm, QuestionForm, QuestionImportForm
from learning.imports_questions import template_examples, template_header
from learning.models_quiz import ExamStatus, QuestionStatus
from learning.permissions_quiz import require_author
from orgs.models import OrgUnit

PAGE_SIZE = 50
SHOWN_PROBLEMS = 300
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _author_units(request: AuthedRequest) -> QuerySet[OrgUnit]:
    units = queries.author_units(request.user)
    if not units.exists():
        raise PermissionDenied
    return units


def _field_errors_to_form(form: Any, error: FieldErrors) -> None:
    for name, field_messages in error.fields.items():
        target: str | None = "question_numbers" if name == "questions" else name
        if target not in form.fields:
            target = None
        for message in field_messages:
            form.add_error(target, message)


# --- The bank -------------------------------------------------------------------------------------


@login_required
@require_GET
def question_list(request: AuthedRequest) -> HttpResponse:
    """The questions of the banks the person writes, filtered: a fixed number of queries per page."""
    units = _author_units(request)
    form = QuestionFilterForm(request.GET)
    rows = queries.questions_for_author(request.user, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "units": units}
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request, "learning/question_list.html#results" if fragment else "learning/question_list.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: AuthedRequest) -> HttpResponse:
    """Write a new question into a bank the person writes."""
    units = _author_units(request)
    form = QuestionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(
                actor=request.user, unit=form.cleaned_data["unit"], data=form.question_data()
            )
        except FieldErrors as error:
            _field_errors_to_form(form, error)
        else:
            messages.success(request, _("The question was added."))
            if "another" in request.POST:
                return redirect("learning:question_create")
            return redirect("learning:question_edit", question_id=question.pk)
    status = 400 if form.errors else 200
    return render(request, "learning/question_form.html", {"form": form, "question": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthedRequest, question_id: int) -> HttpResponse:
    """Change a question of a bank the person writes."""
    question = queries.question_get(question_id)
    require_author(request.user, question.unit, queries.person_places(request.user))
    units = queries.author_units(request.user)
    form = QuestionForm(request.POST or None, units=units, initial=QuestionForm.initial_for(question))
    form.fields["unit"].disabled = True  # a question stays in its bank; write a new one for another
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question_id=question.pk, data=form.question_data())
        except FieldErrors as error:
            _field_errors_to_form(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("learning:question_edit", question_id=question.pk)
    status = 400 if form.errors else 200
    return render(request, "learning/question_form.html", {"form": form, "question": question}, status=status)


@login_required
@require_POST
def question_status(request: AuthedRequest, question_id: int) -> HttpResponse:
    """Retire a question or put it back in use."""
    question = queries.question_get(question_id)
    require_author(request.user, question.unit, queries.person_places(request.user))
    status = request.POST.get("status", "")
    try:
        services.question_set_status(actor=request.user, question_id=question.pk, status=status)
    except FieldErrors as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The question is retired: it is no longer drawn.")
            if status == QuestionStatus.RETIRED
            else _("The question is in use again."),
        )
    return redirect("learning:question_edit", question_id=question.pk)


# --- Import ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_import(request: AuthedRequest) -> HttpResponse:
    """Upload a spreadsheet of questions; it is checked and shown before anything is imported."""
    units = _author_units(request)
    posted = request.method == "POST"
    form = QuestionImportForm(
        request.POST if posted else None, request.FILES if posted else None, units=units
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.question_import_check(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                file_name=os.path.basename(upload.name or "questions.xlsx"),
                data=services.read_upload(upload),
            )
        except FieldErrors as error:
            _field_errors_to_form(form, error)
        else:
            return redirect("learning:question_import_preview", public_id=record.public_id)
    context = {"form": form, "imports": queries.recent_imports(request.user)}
    return render(request, "learning/question_import.html", context, status=400 if form.errors else 200)


def _import_for(request: AuthedRequest, public_id: UUID) -> Any:
    record = queries.import_get(public_id)
    require_author(request.user, record.unit, queries.person_places(request.user))
    return record


@login_required
@require_GET
def question_import_preview(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """What importing the file would do now: every problem by row and column, the new questions."""
    record = _import_for(request, public_id)
    plan = services.import_plan(record)
    context = {
        "record": record,
        "plan": plan,
        "problems": plan.problems[:SHOWN_PROBLEMS],
        "hidden_problems": max(0, len(plan.problems) - SHOWN_PROBLEMS),
        "new": plan.new[:SHOWN_PROBLEMS],
        "hidden_new": max(0, len(plan.new) - SHOWN_PROBLEMS),
    }
    return render(request, "learning/question_import_preview.html", context)


@login_required
@require_POST
def question_import_apply(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Apply the import: every new question, or none."""
    record = _import_for(request, public_id)
    try:
        _record, created = services.question_import_apply(actor=request.user, public_id=record.public_id)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext("%(count)s question was added.", "%(count)s questions were added.", created)
            % {"count": created},
        )
    return redirect("learning:question_import_preview", public_id=record.public_id)


@login_required
@require_GET
def question_import_template(request: AuthedRequest) -> FileResponse:
    """The import template as .xlsx: the header in the person's language and one example per type."""
    _author_units(request)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Questions"))
    sheet.append(template_header())
    for row in template_examples():
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=_("question-bank-template.xlsx"), content_type=XLSX_CONTENT_TYPE
    )


# --- Exams ----------------------------------------------------------------------------------------


@login_required
@require_GET
def exam_list(request: AuthedRequest) -> HttpResponse:
    """The topic exams of the banks the person writes: a fixed number of queries."""
    _author_units(request)
    exams = list(queries.exams_for_author(request.user)[:200])
    return render(request, "learning/quiz_exam_list.html", {"exams": exams})


@login_required
@require_http_methods(["GET", "POST"])
def exam_create(request: AuthedRequest) -> HttpResponse:
    """Build a topic exam (saved as a draft)."""
    units = _author_units(request)
    form = ExamForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            exam = services.exam_create(
                actor=request.user, unit=form.cleaned_data["unit"], data=form.exam_data()
            )
        except FieldErrors as error:
            _field_errors_to_form(form, error)
        else:
            messages.success(request, _("The exam was saved as a draft."))
            return redirect("learning:exam_edit", exam_id=exam.pk)
    status = 400 if form.errors else 200
    return render(request, "learning/quiz_exam_form.html", {"form": form, "exam": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request: AuthedRequest, exam_id: int) -> HttpResponse:
    """Change a topic exam, open it or close it."""
    exam = queries.exam_get(exam_id)
    require_author(request.user, exam.unit, queries.person_places(request.user))
    initial = {
        "unit": exam.unit_id,
        "title": exam.title,
        "description": exam.description,
        "question_numbers": ", ".join(str(pk) for pk in exam.questions.values_list("id", flat=True)),
        "draw_tag": exam.draw_tag,
        "draw_count": exam.draw_count,
        "time_limit_minutes": exam.time_limit_minutes,
        "max_attempts": exam.max_attempts,
    }
    form = ExamForm(request.POST or None, units=queries.author_units(request.user), initial=initial)
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_update(actor=request.user, exam_id=exam.pk, data=form.exam_data())
        except FieldErrors as error:
            _field_errors_to_form(form, error)
        else:
            messages.success(request, _("The exam was saved."))
            return redirect("learning:exam_edit", exam_id=exam.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "exam": exam, "statuses": ExamStatus}
    return render(request, "learning/quiz_exam_form.html", context, status=status)


@login_required
@require_POST
def exam_status(request: AuthedRequest, exam_id: int) -> HttpResponse:
    """Open the exam to the unit's people, or close it."""
    exam = queries.exam_get(exam_id)
    require_author(request.user, exam.unit, queries.person_places(request.user))
    try:
        services.exam_set_status(actor=request.user, exam_id=exam.pk, status=request.POST.get("status", ""))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("learning:exam_edit", exam_id=exam.pk)
