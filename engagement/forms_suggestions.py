"""Forms of the suggestion box pages; the services re-check everything they are given."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.errors import FieldErrors
from engagement.models import SuggestionKind
from engagement.services_suggestions import COMMENT_MAX, SUBJECT_MAX, TEXT_MAX


def add_field_errors(form: forms.Form, error: FieldErrors) -> None:
    """Show a service's field errors on the form (unknown fields on the whole form)."""
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class SuggestionForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=pgettext_lazy("suggestion box", "To"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your branch, your college or the university.")},
    )
    kind = forms.ChoiceField(
        label=_("This is a"),
        choices=SuggestionKind.choices,
        initial=SuggestionKind.SUGGESTION,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        error_messages={"required": _("Give your message a subject.")},
    )
    text = forms.CharField(
        label=_("Your message"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write what you want to say.")},
    )
    hide_name = forms.BooleanField(
        label=_("Hide my name"),
        required=False,
        help_text=_("Only the person who handles your message will see who sent it."),
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, destinations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(unit.pk, unit.name) for unit in destinations]
        if destinations and not self.is_bound:
            self.initial.setdefault("unit", destinations[0].pk)
        self.initial.setdefault("request_key", uuid.uuid4().hex)
        self.fields["subject"].widget.attrs.update({"autocomplete": "off"})


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your reply.")},
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("request_key", uuid.uuid4().hex)


class FollowUpForm(ReplyForm):
    text = forms.CharField(
        label=_("Follow-up"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Not answered yet? Ask again: your message reopens with a new deadline."),
    )


RATING_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the reply? (5 = very)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    handler = forms.TypedChoiceField(label=_("New handler"), coerce=int)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["handler"]).choices = [
            (person.pk, person.name) for person in people
        ]


PERIOD_CHOICES = (30, 90, 365)
