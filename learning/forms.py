"""Forms of study's pages: they parse input; the services validate it again and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.audiences import audience_kinds
from core.errors import FieldErrors
from learning.models import Course, LessonKind, LibraryItem
from learning.models_quiz import Exam
from orgs.models import OrgUnit, PartyStatus


def add_service_errors(form: forms.BaseForm, error: FieldErrors) -> None:
    """Show a service's field errors on the form (on the whole form for fields it does not have)."""
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    mark_invalid(form)


def mark_invalid(form: forms.BaseForm) -> None:
    """Tie each invalid input to its messages (aria-invalid, aria-describedby) for screen readers."""
    for name, field in form.fields.items():
        if name in form.errors:
            bound = form[name]
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"{bound.auto_id}_errors"


class CourseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Kept by"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_recommended = forms.BooleanField(label=_("Recommend it on the study home"), required=False)
    is_micro = forms.BooleanField(label=_("A micro-lesson (one short lesson)"), required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonKind.choices)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_(
            "For a text lesson; for media, an optional introduction. Simple HTML is kept, the rest removed."
        ),
    )
    length_seconds = forms.IntegerField(
        label=_("Real length in seconds"),
        required=False,
        min_value=1,
        help_text=_(
            "Read from MP4, M4A and MP3 files; type it for a WebM video (600 = 10 minutes). "
            "For text it is estimated from the words."
        ),
    )
    media_file = forms.FileField(label=_("Video, audio or PDF file"), required=False)
    poster_file = forms.ImageField(label=_("Poster image (video)"), required=False)


class QuizChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.unit.display_name} · {obj.get_status_display()}"


class LessonEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    length_seconds = forms.IntegerField(label=_("Real length in seconds"), required=False, min_value=1)
    quiz = QuizChoiceField(
        label=_("Quiz to pass"),
        queryset=Exam.objects.none(),
        required=False,
        empty_label=_("No quiz"),
        help_text=_(
            "A topic exam the learner must pass (three answers in five right) after the study time, "
            "before the lesson counts as completed. Only your exams of this course's unit or a unit "
            "above it."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose one of your exams of this course's unit or a unit above it, which every "
                "learner of the course can take."
            )
        },
    )

    def __init__(self, *args: Any, quizzes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes  # type: ignore[attr-defined]


class RequirementForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Members of"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("A unit, or else a group below."),
    )
    audience = forms.ChoiceField(
        label=_("Or a group"),
        required=False,
        help_text=_("For example a batch of development targets."),
    )
    party_statuses = forms.MultipleChoiceField(
        label=_("Party statuses"),
        choices=PartyStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member of the unit or group."),
    )
    due_on = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for kind in audience_kinds():
            options = [(f"{kind.code}:{pk}", label) for pk, label in kind.choices_for(user)]
            if options:
                groups.append((str(kind.label), options))
        self.fields["audience"].choices = [("", "---------"), *groups]  # type: ignore[attr-defined]
        if not groups:  # nobody to target beyond units: no empty list, no hint at one
            del self.fields["audience"]
            self.fields["unit"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, audience = data.get("unit"), data.pop("audience", "")
        if "unit" in self.errors or "audience" in self.errors:
            return data
        if unit is None and not audience:
            self.add_error("unit", _("Choose the unit or the group who must take the course."))
        elif unit is not None and audience:
            self.add_error(
                "audience", _("Choose either a unit or a group, not both: save one requirement for each.")
            )
        elif audience:
            code, _sep, pk = audience.rpartition(":")
            data["audience_kind"], data["audience_id"] = code, int(pk)
        return data


class LibraryItemForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Kept by"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    author = forms.CharField(label=_("Author"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryItem.Kind.choices)
    category = forms.CharField(label=_("Category"), max_length=60)
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    length_seconds = forms.IntegerField(
        label=_("Reading time in seconds"),
        required=False,
        min_value=1,
        help_text=_("10 minutes when left empty."),
    )
    uploaded_file = forms.FileField(label=_("PDF file"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.CharField(label=_("Category"), required=False, max_length=60)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    favourites = forms.BooleanField(label=_("My favourites only"), required=False)


class PointsRuleForm(forms.Form):
    points = forms.IntegerField(label=_("Points per unit"), min_value=1, max_value=100)
    daily_cap = forms.IntegerField(label=_("Daily cap"), min_value=1, max_value=1000)
    unit_seconds = forms.IntegerField(
        label=_("Seconds per unit"), required=False, min_value=10, max_value=3600
    )
    active = forms.BooleanField(label=_("Active"), required=False)


class TrackForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Kept by"), queryset=OrgUnit.objects.none())
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("For example: intensive-2026"))
    name = forms.CharField(label=_("Name"), max_length=200)
    required_hours = forms.IntegerField(label=_("Class hours needed"), min_value=1, max_value=1000)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class TrackCourseForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    class_hours = forms.IntegerField(label=_("Class hours"), min_value=1, max_value=100)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
