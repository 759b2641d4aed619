"""Forms of the moderation pages: lexicon filters and entries, bulk import, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moderation.models import Action, Category, Decision
from moderation.services import DECISION_REASON_MAX_LENGTH
from moderation.services_lexicon import NOTE_MAX_LENGTH, TERM_MAX_LENGTH

ANY: list[tuple[str, Any]] = [("", _("Any"))]


class LexiconFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=ANY + Category.choices)
    action = forms.ChoiceField(
        label=pgettext_lazy("moderation", "Action"), required=False, choices=ANY + Action.choices
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[*ANY, ("yes", _("Active")), ("no", _("Switched off"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["q"].widget.input_type = "search"

    def value(self, name: str) -> str:
        if not self.is_valid():
            return ""
        return str(self.cleaned_data.get(name) or "")


class LexiconEntryForm(forms.Form):
    term = forms.CharField(
        label=pgettext_lazy("moderation", "Term"),
        max_length=TERM_MAX_LENGTH,
        help_text=_("Case, full-width characters, spaces and punctuation are ignored when matching."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    action = forms.ChoiceField(
        label=pgettext_lazy("moderation", "Action"), choices=Action.choices, initial=Action.HOLD
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False)


class LexiconEntryChangeForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    action = forms.ChoiceField(label=pgettext_lazy("moderation", "Action"), choices=Action.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False)


class LexiconImportForm(forms.Form):
    lines = forms.CharField(
        label=_("Terms, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    action = forms.ChoiceField(
        label=pgettext_lazy("moderation", "Action"), choices=Action.choices, initial=Action.HOLD
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=pgettext_lazy("moderation", "Reason"),
        max_length=DECISION_REASON_MAX_LENGTH,
        help_text=_("Kept in the decision log."),
    )
