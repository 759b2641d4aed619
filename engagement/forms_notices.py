"""Form of a notice; the service re-checks everything it is given."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engagement.services_notices import TITLE_MAX
from orgs.models import PartyStatus


class NoticeForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=pgettext_lazy("notice", "From"),
        coerce=int,
        error_messages={"required": _("Choose the unit the notice is from.")},
    )
    title = forms.CharField(
        label=pgettext_lazy("notice", "Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the notice a title.")},
    )
    body = forms.CharField(
        label=pgettext_lazy("notice", "Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraphs, lists, bold and links are kept; anything else is removed."),
        error_messages={"required": _("Write the text of the notice.")},
    )
    whole_subtree = forms.TypedChoiceField(
        label=_("Send to"),
        coerce=lambda value: value == "subtree",
        choices=(
            ("subtree", _("Members of the unit and of every unit below it")),
            ("unit", _("Members of this unit only")),
        ),
        initial="subtree",
        widget=forms.RadioSelect,
    )
    party_statuses = forms.MultipleChoiceField(
        label=_("Only these party statuses (none ticked: everyone)"),
        choices=PartyStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requires_ack = forms.BooleanField(
        label=_("Ask each recipient to acknowledge it"),
        required=False,
        help_text=_("They press “I have read and acknowledge”; you see who has and remind the others."),
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(unit.pk, unit.name) for unit in units]
        self.initial.setdefault("request_key", uuid.uuid4().hex)
