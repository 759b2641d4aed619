"""Forms of the meeting pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import normalize_width
from orglife import queries
from orglife.models import ActivityKind, Meeting, MeetingStatus
from orglife.services import MAX_REASON_LENGTH, MeetingPlan
from orgs.forms import add_field_errors, name_the_fields
from orgs.models import OrgUnit

__all__ = [
    "AnswerForm",
    "CancelForm",
    "LeaveDecisionForm",
    "MeetingFilterForm",
    "MeetingForm",
    "add_field_errors",
    "mark_invalid",
]

_NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def mark_invalid(form: forms.BaseForm) -> None:
    """Tie each invalid input to its messages (aria-invalid, aria-describedby) for screen readers."""
    for name, field in form.fields.items():
        if name in form.errors:
            bound = form[name]
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"{bound.auto_id}_errors"


class LocalDateTimeInput(forms.DateTimeInput):
    """A ``datetime-local`` input; the value is the university's local time (Asia/Shanghai by default)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_INPUT)


class MeetingFilterForm(forms.Form):
    """Filters of a unit's meetings; every field optional, bad values are ignored."""

    kind = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Any type")), *ActivityKind.choices]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", pgettext_lazy("meeting", "Any status")),
            *MeetingStatus.choices,
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters as keyword arguments of ``orglife.queries.meetings_of_unit``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"kind": data.get("kind") or "", "status": data.get("status") or ""}


class MeetingForm(forms.Form):
    """Plan or change a meeting. Invitees are chosen only while it is a draft."""

    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    online_url = forms.CharField(
        label=_("Online link"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    invited_units = forms.TypedMultipleChoiceField(
        label=_("Invite whole units"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every member of each unit chosen is invited when the notice is published."),
    )
    people = forms.CharField(
        label=_("Invite people by number"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("Student or staff numbers, separated by spaces or commas. Search below to find them."),
    )

    def __init__(self, *args: Any, unit: OrgUnit, with_invitees: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.with_invitees = with_invitees
        if with_invitees:
            cast(forms.ChoiceField, self.fields["invited_units"]).choices = [
                (item.pk, item.display_name) for item in queries.invitable_units(unit)
            ]
        else:
            del self.fields["invited_units"]
            del self.fields["people"]
        name_the_fields(self)

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "agenda": meeting.agenda,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "place": meeting.place,
            "online_url": meeting.online_url,
            "invited_units": [unit.pk for unit in meeting.invited_units.all()],
            "people": " ".join(person.number for person in queries.chosen_people(meeting)),
        }

    def clean_people(self) -> list[int]:
        raw = normalize_width(self.cleaned_data.get("people") or "")
        numbers = [number for number in _NUMBER_SEPARATORS.split(raw) if number]
        found = queries.members_by_numbers(self.unit, numbers)
        missing = [number for number in numbers if number not in found]
        if missing:
            raise forms.ValidationError(
                _("Not a member of %(unit)s: %(numbers)s"),
                params={"unit": self.unit.display_name, "numbers": ", ".join(missing)},
            )
        return sorted({found[number].pk for number in numbers})

    def plan(self) -> MeetingPlan:
        data = self.cleaned_data
        return MeetingPlan(
            kind=data["kind"],
            title=data["title"],
            agenda=data.get("agenda") or "",
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data.get("place") or "",
            online_url=data.get("online_url") or "",
            invited_unit_ids=data.get("invited_units", []) if self.with_invitees else None,
            person_ids=data.get("people", []) if self.with_invitees else None,
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=MAX_REASON_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("attend", _("I will attend")), ("leave", _("I ask for leave"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for leave"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        help_text=_("Required when you ask for leave."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Decision"),
        choices=[("approve", pgettext_lazy("meeting", "Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        help_text=_("Required when you refuse."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)
