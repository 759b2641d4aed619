"""Forms of the compliance calendar, the democratic evaluation and one-on-one talks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import FieldErrors
from orglife.models_evaluation import EvaluationParticipant, Grade


def add_field_errors(form: forms.Form, error: FieldErrors) -> None:
    """Show a service's field errors on the form (unknown fields on the whole form)."""
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ThemeDayForm(forms.Form):
    day = forms.IntegerField(
        label=_("Day of the month of the theme party day"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("Leave empty to have it due by the end of each month; a 31 means the month's last day."),
    )


class CampaignOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Your self-assessment"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Your study, work and conduct this year, and what you will improve. Plain text."),
    )


def grade_field_name(person_id: int) -> str:
    return f"grade_{person_id}"


class GradesForm(forms.Form):
    """One choice of grade per member: the secret ballot, or the meeting's final grades."""

    def __init__(
        self, *args: Any, people: list[EvaluationParticipant], with_meeting: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.people = people
        if with_meeting:
            self.fields["meeting_on"] = forms.DateField(
                label=_("Date of the branch meeting"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                initial=timezone.localdate,
            )
        for participant in people:
            self.fields[grade_field_name(participant.person_id)] = forms.ChoiceField(
                label=participant.person.name,
                choices=Grade.choices,
                widget=forms.RadioSelect,
            )

    def grades(self) -> dict[int, str]:
        return {p.person_id: self.cleaned_data[grade_field_name(p.person_id)] for p in self.people}

    def grade_fields(self) -> list[forms.BoundField]:
        return [self[grade_field_name(p.person_id)] for p in self.people]

    def add_errors(self, error: FieldErrors) -> None:
        for name, messages in error.fields.items():
            field = name.removeprefix("grades.")
            target = grade_field_name(int(field)) if field.isdigit() else None
            if name == "meeting_on":
                target = "meeting_on"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class TalkForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    talked_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    summary = forms.CharField(
        label=_("Summary of the talk"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the branch committee and higher committees can read it."),
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)  # noqa: S101  (declared above)
        person.choices = [("", "—"), *members]
        self.fields["talked_on"].initial = timezone.localdate
