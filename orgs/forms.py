"""Forms of the organisation pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import FieldErrors
from orgs.models import OrgUnit, PartyStatus, PositionType
from orgs.services import FIELD_LABELS, NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def name_the_fields(form: forms.BaseForm) -> None:
    """Make the messages for missing or malformed values say which field they are about."""
    for field in form.fields.values():
        label = field.label or ""
        field.error_messages["required"] = _("%(field)s is required.") % {"field": label}
        max_length = getattr(field, "max_length", None)
        if max_length:
            field.error_messages["max_length"] = _("%(field)s can have at most %(limit)d characters.") % {
                "field": label,
                "limit": max_length,
            }
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("%(field)s: enter a date such as 2003-05-07.") % {
                "field": label
            }
        elif isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = _("%(field)s: enter a whole number.") % {"field": label}
            field.error_messages["min_value"] = _("%(field)s is too small.") % {"field": label}
            field.error_messages["max_value"] = _("%(field)s is too large.") % {"field": label}
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages["invalid_choice"] = _("%(field)s: choose one of the options.") % {
                "field": label
            }


def add_field_errors(form: forms.BaseForm, error: FieldErrors) -> None:
    """Show a service's field errors on the form (errors for unknown fields go to the whole form)."""
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class MemberFilterForm(forms.Form):
    """Search and filters of a member list; every field optional, bad values are ignored."""

    q = forms.CharField(
        label=_("Name or number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Party status"), required=False, choices=[("", _("Any status")), *PartyStatus.choices]
    )
    grade = forms.IntegerField(
        label=_("Grade"), required=False, min_value=1950, max_value=2100, widget=forms.NumberInput()
    )
    group = forms.TypedChoiceField(label=_("Party group"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any, *, groups: list[OrgUnit]) -> None:
        super().__init__(data)
        group_field = cast(forms.ChoiceField, self.fields["group"])
        group_field.choices = [("", _("Any group")), *[(g.pk, g.display_name) for g in groups]]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``orgs.queries.members_of``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "grade": data.get("grade"),
            "group_id": data.get("group"),
        }

    def export_query(self) -> dict[str, str | int]:
        """The valid filters as query parameters of the member export (``roster:export``)."""
        found = self.filters()
        query = {
            "q": found["search"],
            "status": found["status"],
            "grade": found["grade"],
            "group": found["group_id"],
        }
        return {key: value for key, value in query.items() if value}


class MemberEditForm(forms.Form):
    """The profile fields the actor may change; built with only those fields."""

    name = forms.CharField(max_length=100)
    gender = forms.ChoiceField(choices=User.Gender.choices, required=False)
    birth_date = forms.DateField(required=False, widget=DateInput())
    grade = forms.IntegerField(required=False, help_text=_("Year of enrolment, e.g. 2024."))
    major = forms.CharField(max_length=100, required=False)
    group = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False)
    party_status = forms.ChoiceField(choices=PartyStatus.choices)
    status_since = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text=_("When the status changes and this date is left as it was, today's date is used."),
    )
    status_reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Recorded in the status history, e.g. the meeting that decided it."),
    )
    league_member = forms.BooleanField(required=False)
    email = forms.CharField(max_length=254, required=False, widget=forms.EmailInput())
    phone = forms.CharField(
        max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )
    national_id = forms.CharField(
        max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(
        self, data: Any = None, *, person: User, editable: set[str], groups: list[OrgUnit] | None = None
    ) -> None:
        membership = getattr(person, "membership", None)
        initial: dict[str, Any] = {
            field: getattr(person, field) for field in FIELD_LABELS if hasattr(person, field)
        }
        if membership is not None:
            initial |= {
                "group": membership.group_id,
                "party_status": membership.party_status,
                "status_since": membership.status_since,
                "league_member": membership.league_member,
            }
        super().__init__(data, initial=initial)
        for name in list(self.fields):
            if name not in editable:
                del self.fields[name]
        for name, form_field in self.fields.items():
            form_field.label = FIELD_LABELS[name]
        if "group" in self.fields:
            group_field = cast(forms.ModelChoiceField, self.fields["group"])
            group_field.queryset = OrgUnit.objects.filter(pk__in=[g.pk for g in groups or []]).order_by(
                "path"
            )
            group_field.empty_label = _("No party group")
        name_the_fields(self)

    FIELDSETS = (
        (_("Person"), ("name", "gender", "birth_date", "grade", "major")),
        (_("Party membership"), ("group", "party_status", "status_since", "status_reason", "league_member")),
        (_("Contact and identity"), ("email", "phone", "national_id")),
    )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form's fields in titled groups; groups with no editable field are left out."""
        groups = [
            (str(legend), [self[f] for f in names if f in self.fields]) for legend, names in self.FIELDSETS
        ]
        return [(legend, fields) for legend, fields in groups if fields]

    def changes(self) -> dict[str, object]:
        """The submitted values of every field in the form, as ``member_update`` expects them."""
        return {field: self.cleaned_data.get(field) for field in self.fields}


class AppointForm(forms.Form):
    """Appoint someone, found by their student/staff number, to a position in a unit."""

    number = forms.CharField(
        label=_("Student or staff number"),
        max_length=32,
        help_text=_(
            "A member of this unit, someone holding a position in your units, or a person not yet placed in any unit."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    position_type = forms.TypedChoiceField(label=_("Position"), coerce=int)
    start_date = forms.DateField(label=_("Term starts"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Term ends"), required=False, widget=DateInput(), help_text=_("Leave empty for an open term.")
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False)

    def __init__(self, data: Any = None, *, position_types: list[PositionType], lookup_url: str = "") -> None:
        super().__init__(data, initial={"start_date": timezone.localdate()})
        if lookup_url:
            # With htmx the name of the person appears as soon as a number is typed.
            self.fields["number"].widget.attrs.update(
                {
                    "hx-get": lookup_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#person-found",
                    "aria-describedby": "id_number_help person-found",
                }
            )
        self.position_types = {kind.pk: kind for kind in position_types}
        type_field = cast(forms.ChoiceField, self.fields["position_type"])
        type_field.choices = [("", "—"), *[(kind.pk, str(kind)) for kind in position_types]]
        name_the_fields(self)

    def chosen_type(self) -> PositionType:
        return self.position_types[self.cleaned_data["position_type"]]


class EndTermForm(forms.Form):
    """End one term: its last day and why."""

    end_date = forms.DateField(label=_("Last day of the term"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, required=False)

    def __init__(self, data: Any = None, *, position_id: int) -> None:
        super().__init__(data, prefix=f"end-{position_id}", initial={"end_date": timezone.localdate()})
        name_the_fields(self)
