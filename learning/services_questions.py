"""Writing the question bank and topic exams, and importing questions from a spreadsheet.

Every write needs ``learning.author_questions`` over the unit (404 out of scope, 403 in it without
the capability). A question is the same question however it is spaced or cased: a unit's bank holds
it once (a unique fingerprint), so an import applied twice, or two authors typing it, adds it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from learning.imports_questions import (
    Problem,
    QuestionData,
    ReadRow,
    check_question,
    problem_message,
    read_file,
)
from learning.models_quiz import (
    Exam,
    ImportStatus,
    Question,
    QuestionImport,
    QuestionStatus,
)
from learning.permissions_quiz import require_author
from learning.queries_quiz import person_places
from orgs.imports_files import MAX_FILE_BYTES
from orgs.models import OrgUnit

# --- Questions ------------------------------------------------------------------------------------


def _refuse_invalid(data: QuestionData) -> None:
    problems = check_question(data)
    if problems:
        fields: dict[str, list[str]] = {}
        for name, code, params in problems:
            fields.setdefault(name, []).append(problem_message(code, params))
        raise FieldErrors(fields, _("Some fields are not valid."))


def _tags_text(tags: list[str]) -> str:
    return f",{','.join(tags)}," if tags else ""


def _duplicate() -> FieldErrors:
    return FieldErrors.single("stem", _("This question is already in the unit's question bank."))


def question_create(*, actor: Any, unit: OrgUnit, data: QuestionData) -> Question:
    """Add a question to ``unit``'s bank; refused (``FieldErrors``) when invalid or already there."""
    require_author(actor, unit, person_places(actor))
    _refuse_invalid(data)
    try:
        with transaction.atomic():
            question = Question.objects.create(
                unit=unit,
                created_by=actor,
                fingerprint=data.fingerprint,
                tags=_tags_text(data.tags),
                **{key: value for key, value in data.as_json().items() if key != "tags"},
            )
            audit_record(
                actor=actor,
                action="learning.question.create",
                target=question,
                unit_id=unit.pk,
                data={"kind": data.kind},
            )
    except IntegrityError as error:
        raise _duplicate() from error
    return question


def question_update(*, actor: Any, question_id: int, data: QuestionData) -> Question:
    """Change a question. Attempts already graded keep their grade; open ones are graded with the
    question as it is at submission."""
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("unit").get(pk=question_id)
        require_author(actor, question.unit, person_places(actor))
        _refuse_invalid(data)
        changes = {key: value for key, value in data.as_json().items() if key != "tags"}
        for key, value in changes.items():
            setattr(question, key, value)
        question.tags = _tags_text(data.tags)
        question.fingerprint = data.fingerprint
        try:
            with transaction.atomic():
                question.save(update_fields=[*changes, "tags", "fingerprint", "updated_at"])
        except IntegrityError as error:
            raise _duplicate() from error
        audit_record(
            actor=actor,
            action="learning.question.update",
            target=question,
            unit_id=question.unit_id,
            data={"kind": data.kind},
        )
    return question


def question_set_status(*, actor: Any, question_id: int, status: str) -> Question:
    """Retire a question (it is no longer drawn) or put it back in use. Idempotent."""
    if status not in QuestionStatus.values:
        raise FieldErrors.single("status", _("Choose in use or retired."))
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("unit").get(pk=question_id)
        require_author(actor, question.unit, person_places(actor))
        if question.status != status:
            question.status = status
            question.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=actor,
                action="learning.question.status",
                target=question,
                unit_id=question.unit_id,
                data={"status": status},
            )
    return question


# --- Exams ----------------------------------------------------------------------------------------


@dataclass
class ExamData:
    title: str
    description: str = ""
    question_ids: tuple[int, ...] = ()
    draw_tag: str = ""
    draw_count: int = 0
    time_limit_minutes: int = 30
    max_attempts: int = 1


def _check_exam(unit: OrgUnit, data: ExamData) -> list[int]:
    fields: dict[str, list[str]] = {}
    if not data.title.strip():
        fields["title"] = [_("Give the exam a title.")]
    if not 1 <= data.time_limit_minutes <= 600:
        fields["time_limit_minutes"] = [_("Between 1 and 600 minutes.")]
    if not 1 <= data.max_attempts <= 20:
        fields["max_attempts"] = [_("Between 1 and 20 attempts.")]
    if not 0 <= data.draw_count <= 100:
        fields["draw_count"] = [_("Between 0 and 100 questions.")]
    # The exam's questions come from its own unit's bank and the banks above it.
    allowed = Question.objects.filter(
        pk__in=list(data.question_ids), status=QuestionStatus.ACTIVE, unit__path__in=_above(unit)
    )
    chosen = list(allowed.values_list("id", flat=True))
    if len(chosen) != len(set(data.question_ids)):
        fields["questions"] = [_("Some questions are retired or not in this unit's banks.")]
    if not chosen and not data.draw_count:
        fields.setdefault("questions", []).append(_("Choose questions or a number to draw at random."))
    if fields:
        raise FieldErrors(fields, _("Some fields are not valid."))
    return chosen


def _above(unit: OrgUnit) -> list[str]:
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def exam_create(*, actor: Any, unit: OrgUnit, data: ExamData) -> Exam:
    """Create a topic exam of ``unit`` as a draft."""
    require_author(actor, unit, person_places(actor))
    chosen = _check_exam(unit, data)
    with transaction.atomic():
        exam = Exam.objects.create(
            unit=unit,
            title=data.title.strip(),
            description=data.description.strip(),
            draw_tag=data.draw_tag.strip(),
            draw_count=data.draw_count,
            time_limit_minutes=data.time_limit_minutes,
            max_attempts=data.max_attempts,
            created_by=actor,
        )
        exam.questions.set(chosen)
        audit_record(actor=actor, action="learning.exam.create", target=exam, unit_id=unit.pk)
    return exam


def exam_update(*, actor: Any, exam_id: int, data: ExamData) -> Exam:
    """Change an exam's settings and questions; people who started keep the questions drawn."""
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("unit").get(pk=exam_id)
        require_author(actor, exam.unit, person_places(actor))
        chosen = _check_exam(exam.unit, data)
        exam.title = data.title.strip()
        exam.description = data.description.strip()
        exam.draw_tag = data.draw_tag.strip()
        exam.draw_count = data.draw_count
        exam.time_limit_minutes = data.time_limit_minutes
        exam.max_attempts = data.max_attempts
        exam.save(
            update_fields=[
                "title",
                "description",
                "draw_tag",
                "draw_count",
                "time_limit_minutes",
                "max_attempts",
            ]
        )
        exam.questions.set(chosen)
        audit_record(actor=actor, action="learning.exam.update", target=exam, unit_id=exam.unit_id)
    return exam


def exam_set_status(*, actor: Any, exam_id: int, status: str) -> Exam:
    """Open an exam to its unit's people, or close it. Setting the status it has is a no-op."""
    with transaction.atomic():
        exam = Exam.objects.select_for_update().select_related("unit").get(pk=exam_id)
        require_author(actor, exam.unit, person_places(actor))
        if exam.status == status:
            return exam
        if not exam.can_become(status):
            raise DomainError(
                "exam_transition",
                _("An exam can be opened from a draft or once closed, and closed once open."),
            )
        exam.status = status
        exam.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="learning.exam.status",
            target=exam,
            unit_id=exam.unit_id,
            data={"status": status},
        )
    return exam


# --- Importing -------------------------------------------------------------------------------------


def _read_upload(uploaded_file: Any) -> bytes:
    uploaded_file.seek(0)
    data: bytes = uploaded_file.read(MAX_FILE_BYTES + 1)
    return data


def question_import_check(*, actor: Any, unit: OrgUnit, file_name: str, data: bytes) -> QuestionImport:
    """Read a question file for ``unit``'s bank and keep what was read for the preview.

    A file that cannot be read at all raises ``FieldErrors`` on "file"; problems of rows are kept
    with the import and shown on the preview. Nothing enters the bank here.
    """
    require_author(actor, unit, person_places(actor))
    read = read_file(file_name, data)
    rows = [{"row": row.row, "data": row.data.as_json() if row.data else None} for row in read.rows]
    problems = [problem.as_json() for problem in read.problems]
    problems += [problem.as_json() for row in read.rows for problem in row.problems]
    with transaction.atomic():
        record = QuestionImport.objects.create(
            unit=unit,
            file_name=file_name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=rows,
            problems=problems,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="learning.question_import.check",
            target=record,
            unit_id=unit.pk,
            data={"file": record.file_name, "rows": len(rows), "problems": len(problems)},
        )
    return record


@dataclass
class ImportPlan:
    """What applying an import would do now: the new questions, the rows already in the bank, the problems."""

    record: QuestionImport
    new: list[tuple[int, QuestionData]]
    in_bank: list[int]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level != "error"]

    @property
    def rows_with_errors(self) -> int:
        return len({problem.row for problem in self.errors})

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.new) and self.record.status == ImportStatus.CHECKED


def _row_data(item: dict[str, Any]) -> ReadRow:
    data = QuestionData(**item["data"]) if item["data"] else None
    return ReadRow(item["row"], data, [])


def import_plan(record: QuestionImport) -> ImportPlan:
    """Compare the import's rows with the unit's bank as it is now."""
    problems = [Problem.from_json(item) for item in record.problems]
    rows = [_row_data(item) for item in record.rows]
    valid = [row for row in rows if row.data is not None]
    existing = set(
        Question.objects.filter(
            unit=record.unit, fingerprint__in=[row.data.fingerprint for row in valid if row.data]
        ).values_list("fingerprint", flat=True)
    )
    new: list[tuple[int, QuestionData]] = []
    in_bank: list[int] = []
    for row in valid:
        if row.data is None:
            continue
        if row.data.fingerprint in existing:
            in_bank.append(row.row)
            problems.append(
                Problem(row.row, "stem", "duplicate_in_bank", row.data.stem[:60], level="warning")
            )
        else:
            new.append((row.row, row.data))
    earlier = (
        QuestionImport.objects.filter(unit=record.unit, sha256=record.sha256, status=ImportStatus.APPLIED)
        .exclude(pk=record.pk)
        .order_by("applied_at")
        .first()
    )
    if earlier is not None and earlier.applied_at is not None:
        date = timezone.localdate(earlier.applied_at).isoformat()
        problems.insert(0, Problem(None, "", "same_file_applied", params={"date": date}, level="warning"))
    problems.sort(key=lambda problem: (problem.row or 0, problem.level != "error"))
    return ImportPlan(record, new, in_bank, problems)


def question_import_apply(*, actor: Any, public_id: Any) -> tuple[QuestionImport, int]:
    """Add every new question of the import to the bank, or none: refused while a row has an error.

    Applying an applied import, or a file whose questions are all in the bank already, adds
    nothing. Returns the import and the number of questions added by this call.
    """
    with transaction.atomic():
        record = QuestionImport.objects.select_for_update().select_related("unit").get(public_id=public_id)
        require_author(actor, record.unit, person_places(actor))
        if record.status == ImportStatus.APPLIED:
            return record, 0
        plan = import_plan(record)
        if plan.errors:
            raise DomainError(
                "import_has_errors",
                _("The file has errors in %(count)s rows; nothing was imported.")
                % {"count": plan.rows_with_errors},
            )
        try:
            with transaction.atomic():
                Question.objects.bulk_create(
                    [
                        Question(
                            unit=record.unit,
                            created_by=actor,
                            fingerprint=data.fingerprint,
                            tags=_tags_text(data.tags),
                            **{key: value for key, value in data.as_json().items() if key != "tags"},
                        )
                        for _row, data in plan.new
                    ]
                )
        except IntegrityError as error:
            raise DomainError(
                "import_changed",
                _("Someone added some of these questions meanwhile; check the file again."),
            ) from error
        record.status = ImportStatus.APPLIED
        record.created_count = len(plan.new)
        record.applied_at = timezone.now()
        record.save(update_fields=["status", "created_count", "applied_at"])
        audit_record(
            actor=actor,
            action="learning.question_import.apply",
            target=record,
            unit_id=record.unit_id,
            data={"file": record.file_name, "created": len(plan.new), "in_bank": len(plan.in_bank)},
        )
    return record, len(plan.new)


def read_upload(uploaded_file: Any) -> bytes:
    """The bytes of an uploaded file, refused when larger than an import takes."""
    data = _read_upload(uploaded_file)
    if len(data) > MAX_FILE_BYTES:
        raise FieldErrors.single(
            "file", _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    return data
