"""A survey's answers as an .xlsx workbook: one sheet of answers (a row per response), one of summary.

An anonymous survey's sheet has no person column and no date, and its rows come in the order of
their random keys, so neither a column nor the row order says who answered. Text that waits for
review or that a moderator hid is left out. Written in openpyxl's write-only mode, row by row.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import IO, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from core.audit import audit_record
from core.text import spreadsheet_safe
from engagement import queries_surveys as queries
from engagement.models.surveys import CHOICE_KINDS, QuestionKind, Survey, SurveyAnswer, SurveyParticipation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(question: Any, answer: SurveyAnswer | None) -> str | int:
    if answer is None:
        return ""
    if question.kind in CHOICE_KINDS:
        return "; ".join(question.options[i] for i in answer.choices if 0 <= i < len(question.options))
    if question.kind == QuestionKind.RATING:
        return answer.rating if answer.rating is not None else ""
    if answer.is_held:
        return _("(waiting for review)")
    if answer.is_hidden:
        return _("(hidden by a moderator)")
    return str(spreadsheet_safe(answer.text))


def write_survey_xlsx(survey: Survey, out: IO[bytes]) -> int:
    """Write the workbook to ``out``; returns how many responses it holds."""
    questions = queries.questions_of(survey)
    book = Workbook(write_only=True)
    answers_sheet = book.create_sheet(title=_("Answers")[:31])
    head: list[str] = [_("Response")]
    people: dict[Any, tuple[str, str]] = {}
    if not survey.is_anonymous:
        head += [_("Student or staff number"), pgettext("person", "Name"), _("Date")]
        people = {
            response_id: (number, name)
            for response_id, number, name in SurveyParticipation.objects.filter(
                survey=survey, response__isnull=False
            ).values_list("response_id", "person__number", "person__name")
        }
    answers_sheet.append([spreadsheet_safe(str(label)) for label in head + [q.text for q in questions]])
    by_response: dict[Any, dict[int, SurveyAnswer]] = defaultdict(dict)
    for answer in SurveyAnswer.objects.filter(response__survey=survey).only(
        "response_id", "question_id", "choices", "rating", "text", "is_held", "is_hidden"
    ):
        by_response[answer.response_id][answer.question_id] = answer
    count = 0
    for response in survey.responses.order_by("pk").only("pk", "submitted_on"):
        count += 1
        row: list[Any] = [count]
        if not survey.is_anonymous:
            number, name = people.get(response.pk, ("", ""))
            row += [spreadsheet_safe(number), spreadsheet_safe(name), response.submitted_on]
        answers = by_response.get(response.pk, {})
        row += [_cell(q, answers.get(q.pk)) for q in questions]
        answers_sheet.append(row)
    summary = book.create_sheet(title=_("Summary")[:31])
    results = queries.survey_results(survey)
    summary.append([spreadsheet_safe(survey.title)])
    summary.append([_("Responses"), results.responses, _("Asked"), results.asked])
    summary.append([])
    summary.append([_("Question"), _("Option"), _("Count"), _("Per cent")])
    for result in results.questions:
        if result.is_chart:
            for option in result.options:
                summary.append(
                    [
                        spreadsheet_safe(result.question.text),
                        spreadsheet_safe(option.label),
                        option.count,
                        option.percent,
                    ]
                )
            if result.average is not None:
                summary.append([spreadsheet_safe(result.question.text), _("Average"), result.average, ""])
        else:
            summary.append([spreadsheet_safe(result.question.text), _("Text answers"), result.answered, ""])
    book.save(out)
    return count


def xlsx_response(survey: Survey, *, actor: Any) -> HttpResponse:
    """The workbook as a download, and an audit event saying who exported it."""
    buffer = io.BytesIO()
    count = write_survey_xlsx(survey, buffer)
    audit_record(
        actor=actor,
        action="engagement.survey.export",
        target=survey,
        unit_id=survey.unit_id,
        data={"rows": count},
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{stamp}.xlsx"'
    return response
