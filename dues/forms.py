"""Forms of the dues pages. They parse input; the services decide what is allowed.

Money is typed in yuan (``3000`` or ``3000.50``) and handled in fen; a month is typed as
``2026-11`` (the browser's month picker sends that).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dues.config import parse_yuan
from dues.models import DuesCategory
from dues.services import MAX_MONTHS_AHEAD
from orgs.forms import DateInput, add_field_errors, name_the_fields

__all__ = [
    "BasesForm",
    "DuesBaseForm",
    "MonthField",
    "PaymentsForm",
    "ReversalForm",
    "YuanField",
    "add_field_errors",
]


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM``; cleaned to the first day of that month."""

    widget = MonthInput

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return date(year, month, 1)
        except ValueError as error:
            raise forms.ValidationError(
                _("%(field)s: enter a month such as 2026-09.") % {"field": self.label}
            ) from error


class YuanField(forms.CharField):
    """An amount in yuan with at most two decimals; cleaned to whole fen."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        fen = parse_yuan(text)
        if fen is None:
            raise forms.ValidationError(
                _("%(field)s: enter an amount in yuan such as 3000 or 5.20.") % {"field": self.label}
            )
        return fen


class DuesBaseForm(forms.Form):
    """A member's dues category and monthly amount from a month on."""

    category = forms.ChoiceField(label=_("Category"), choices=DuesCategory.choices)
    effective_month = MonthField(label=_("From month"))
    stipend = YuanField(
        label=_("Monthly stipend (yuan)"),
        required=False,
        help_text=_("Graduate students: the dues are a share of it by the university's bands."),
    )
    amount = YuanField(
        label=_("Monthly dues (yuan)"), required=False, help_text=_("For the category “Other” only.")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)


class BasesForm(forms.Form):
    """The same monthly dues for the chosen people (undergraduates, or one amount for "other")."""

    people = forms.MultipleChoiceField(label=_("People"), widget=forms.CheckboxSelectMultiple)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[(c.value, c.label) for c in (DuesCategory.UNDERGRADUATE, DuesCategory.OTHER)],
    )
    effective_month = MonthField(label=_("From month"))
    amount = YuanField(
        label=_("Monthly dues (yuan)"), required=False, help_text=_("For the category “Other” only.")
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people_field = cast(forms.MultipleChoiceField, self.fields["people"])
        people_field.choices = [(str(pk), name) for pk, name in people]
        name_the_fields(self)
        self.fields["people"].error_messages["required"] = _("Choose at least one person.")

    def person_ids(self) -> list[int]:
        return [int(value) for value in self.cleaned_data["people"]]


class PaymentsForm(forms.Form):
    """Dues for the chosen people, each for a number of months from their first unpaid month."""

    people = forms.MultipleChoiceField(label=_("People"), widget=forms.CheckboxSelectMultiple)
    months = forms.IntegerField(label=_("Months to pay"), min_value=1, max_value=MAX_MONTHS_AHEAD, initial=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        people_field = cast(forms.MultipleChoiceField, self.fields["people"])
        people_field.choices = [(str(pk), name) for pk, name in people]
        name_the_fields(self)
        self.fields["people"].error_messages["required"] = _("Choose at least one person.")

    def person_ids(self) -> list[int]:
        return [int(value) for value in self.cleaned_data["people"]]


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)
