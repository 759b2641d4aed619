"""Forms of the question bank, the question import and topic exams."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learning.imports_questions import (
    MAX_STEM,
    QuestionData,
    parse_accepted,
    parse_letters,
    parse_true_false,
    split_tags,
)
from learning.models_quiz import MAX_OPTIONS, Question, QuestionKind, QuestionStatus
from learning.services_questions import ExamData
from orgs.models import OrgUnit

_NUMBERS = re.compile(r"[\s,，、;；#]+")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.code})"


class _UnitForm(forms.Form):
    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("Question bank of"), empty_label=None)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class QuestionForm(_UnitForm):
    kind = forms.ChoiceField(label=pgettext_lazy("question form", "Type"), choices=QuestionKind.choices)
    stem = forms.CharField(label=_("Question"), max_length=MAX_STEM, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Choice questions: one option per line, at most six (A to F)."),
    )
    answer = forms.CharField(
        label=_("Answer"),
        max_length=600,
        help_text=_(
            "The right options' letters (A or ACD), 对 or 错 for true or false, or the accepted fill-in "
            "answers separated by |."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separated by commas.")
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int, initial=3
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        if question.kind == QuestionKind.TRUE_FALSE:
            answer = "对" if question.correct == [0] else "错"
        elif question.kind == QuestionKind.FILL_IN:
            answer = "|".join(question.accepted)
        else:
            answer = "".join("ABCDEF"[index] for index in question.correct)
        return {
            "unit": question.unit_id,
            "kind": question.kind,
            "stem": question.stem,
            "options": "\n".join(question.options),
            "answer": answer,
            "tags": ", ".join(question.tag_list),
            "difficulty": question.difficulty,
            "explanation": question.explanation,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        options = [line.strip() for line in cleaned.get("options", "").splitlines() if line.strip()]
        if len(options) > MAX_OPTIONS:
            self.add_error("options", _("At most six options."))
        cleaned["option_list"] = options
        return cleaned

    def question_data(self) -> QuestionData:
        """The form's question, in the shape the services check (they name any remaining problem)."""
        cleaned = self.cleaned_data
        kind = cleaned["kind"]
        data = QuestionData(
            kind=kind,
            stem=cleaned["stem"].strip(),
            options=cleaned["option_list"] if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
            tags=split_tags(cleaned.get("tags", "")),
            difficulty=cleaned["difficulty"],
            explanation=cleaned.get("explanation", "").strip(),
        )
        answer = cleaned["answer"]
        if kind == QuestionKind.FILL_IN:
            data.accepted = parse_accepted(answer)
        elif kind == QuestionKind.TRUE_FALSE:
            data.correct = parse_true_false(answer) or []
        else:
            data.correct = parse_letters(answer) or []
        return data


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=pgettext_lazy("question form", "Type"),
        required=False,
        choices=[("", _("Any type")), *QuestionKind.choices],
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        required=False,
        choices=[("", _("Any")), *[(n, str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*QuestionStatus.choices, ("", _("Any"))]
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": QuestionStatus.ACTIVE}
        data = self.cleaned_data
        return {
            "search": data.get("q", "").strip(),
            "kind": data.get("kind") or "",
            "tag": data.get("tag", "").strip(),
            "difficulty": data.get("difficulty"),
            "status": data.get("status", QuestionStatus.ACTIVE)
            if "status" in self.data
            else QuestionStatus.ACTIVE,
        }


class QuestionImportForm(_UnitForm):
    file = forms.FileField(
        label=_("File of questions"),
        help_text=_(".xlsx, or .csv in UTF-8 or GBK: one question per row, as in the template."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("Import into the bank of")
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,text/csv"


class ExamForm(_UnitForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    question_numbers = forms.CharField(
        label=_("Questions"),
        required=False,
        max_length=2000,
        help_text=_("The numbers (#) of the questions every taker gets, separated by commas."),
    )
    draw_tag = forms.CharField(label=_("Draw by tag"), required=False, max_length=40)
    draw_count = forms.IntegerField(
        label=_("Questions drawn at random"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("Drawn for each taker from the banks of the unit and above, with the tag if given."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=600, initial=30
    )
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), min_value=1, max_value=20, initial=1)

    def clean_question_numbers(self) -> tuple[int, ...]:
        text = self.cleaned_data.get("question_numbers", "")
        parts = [part for part in _NUMBERS.split(text) if part]
        if any(not part.isdigit() for part in parts):
            raise forms.ValidationError(_("Write the questions' numbers, separated by commas."))
        return tuple(dict.fromkeys(int(part) for part in parts))

    def exam_data(self) -> ExamData:
        data = self.cleaned_data
        return ExamData(
            title=data["title"],
            description=data.get("description", ""),
            question_ids=data["question_numbers"],
            draw_tag=data.get("draw_tag", ""),
            draw_count=data["draw_count"],
            time_limit_minutes=data["time_limit_minutes"],
            max_attempts=data["max_attempts"],
        )
