"""Forms of the check-in and record pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from orglife.models import Meeting
from orgs.forms import DateInput, name_the_fields


class _NamedForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)


class CodeForm(_NamedForm):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The 6 characters shown beside the QR code on the screen."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class MarkPresentForm(_NamedForm):
    person = forms.IntegerField(widget=forms.HiddenInput)


class MinutesForm(_NamedForm):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "data-richtext": ""}),
        help_text=_("Headings, lists, links and tables are kept; scripts and styles are removed."),
    )


class ResolutionForm(_NamedForm):
    text = forms.CharField(label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(_NamedForm):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = meeting.invitations.select_related("person").order_by("person__name")
        field = cast(forms.TypedChoiceField, self.fields["owner"])
        field.choices = [("", "—")] + [
            (invitation.person_id, f"{invitation.person.name} ({invitation.person.number})")
            for invitation in people
        ]


class PhotoForm(_NamedForm):
    title = forms.CharField(label=_("Caption"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG, WebP or GIF, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class AmendmentForm(_NamedForm):
    text = forms.CharField(
        label=_("Correction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say what was wrong in the record and what is right; it is kept with your name and the time."
        ),
    )
