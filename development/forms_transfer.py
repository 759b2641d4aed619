"""The form of a transfer-in (转入): who arrives, from where, with which letter, and the steps
already done elsewhere, each with its date and the document that came with it.

Field names are those of ``development.services_transfers`` (``step_7``, ``document_7``…), so
every problem the service finds lands on its own input.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from development.services_transfers import (
    TRANSFERABLE_STEPS,
    document_field,
    step_field,
)
from orgs.forms import DateInput, name_the_fields


class TransferInForm(forms.Form):
    """A person arriving with a dossier in progress from another party organisation."""

    number = forms.CharField(
        label=_("Student or staff number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Add the person to the branch's roster first; then record their dossier here."),
    )
    # Not required here: the service names every missing or bad field in one answer.
    transferred_in_from = forms.CharField(
        label=_("Comes from (university and party organisation)"), max_length=200, required=False
    )
    letter_number = forms.CharField(label=_("Transfer letter number"), max_length=60, required=False)
    received_on = forms.DateField(label=_("Letter received on"), widget=DateInput(), required=False)

    def __init__(self, data: Any = None, files: Any = None, *, lookup_url: str = "") -> None:
        super().__init__(data, files, prefix="transfer", initial={"received_on": timezone.localdate()})
        if lookup_url:
            self.fields["number"].widget.attrs.update(
                {
                    "hx-get": lookup_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#transfer-number-found",
                    "hx-vals": '{"field": "transfer-number"}',
                }
            )
        for definition in TRANSFERABLE_STEPS:
            self.fields[step_field(definition.number)] = forms.DateField(
                label=_("Step %(number)d · %(name)s: date")
                % {"number": definition.number, "name": definition.name},
                required=False,
                widget=DateInput(),
            )
            if definition.documents:
                self.fields[document_field(definition.number)] = forms.FileField(
                    label=_("Step %(number)d · %(document)s")
                    % {"number": definition.number, "document": definition.documents[0].label},
                    required=False,
                )
        name_the_fields(self)

    def history(self) -> dict[int, date]:
        """The dates given, by step number."""
        return {
            d.number: self.cleaned_data[step_field(d.number)]
            for d in TRANSFERABLE_STEPS
            if self.cleaned_data.get(step_field(d.number))
        }

    def uploads(self) -> dict[int, list[Any]]:
        """The files chosen, by step number."""
        return {
            d.number: [self.cleaned_data[document_field(d.number)]]
            for d in TRANSFERABLE_STEPS
            if self.cleaned_data.get(document_field(d.number))
        }

    def stages(self) -> list[dict[str, Any]]:
        """The step inputs grouped by stage, as the page lays them out."""
        groups: dict[int, dict[str, Any]] = {}
        for definition in TRANSFERABLE_STEPS:
            group = groups.setdefault(
                definition.stage, {"stage": definition.stage, "name": definition.stage_name, "rows": []}
            )
            document = document_field(definition.number)
            group["rows"].append(
                {
                    "number": definition.number,
                    "date": self[step_field(definition.number)],
                    "document": self[document] if document in self.fields else None,
                }
            )
        return list(groups.values())
