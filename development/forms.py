"""Forms of the development pages. They parse input; the services decide what is allowed.

The form that records a step is built from the step's definition (``development.steps``): one
input per field, a file input per document the step expects, and — for those who may — the
reason of an exception. People are named by their student or staff number.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from development import steps
from development.engine import REASON_MAX_LENGTH
from development.models import Assessment, Batch, CaseStatus, DevelopmentCase
from development.queries_people import people_by_numbers
from orgs.forms import DateInput, add_field_errors, name_the_fields

__all__ = [
    "ApplyForm",
    "AssessmentForm",
    "CancelForm",
    "CaseFilterForm",
    "DocumentForm",
    "MyThoughtReportForm",
    "PaperApplicationForm",
    "ResubmitForm",
    "ReturnForm",
    "StepForm",
    "ThoughtReportForm",
    "TransferOutForm",
    "add_field_errors",
    "mark_invalid",
]

_NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")
EXCEPTION_FIELD = "exception_reason"


def mark_invalid(form: forms.BaseForm) -> None:
    """Tie each invalid input to its messages (aria-invalid, aria-describedby) for screen readers."""
    for name, field in form.fields.items():
        if name in form.errors:
            bound = form[name]
            described = f"{bound.auto_id}_errors"
            existing = field.widget.attrs.get("aria-describedby", "")
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"{existing} {described}".strip()


def _exception_reason_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the exception"),
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded in the dossier with your name and position; every later reader of the case sees it."
        ),
    )


# --- Lists ------------------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """Search and filters of the cases list; every field optional, bad values are ignored."""

    q = forms.CharField(
        label=_("Name or number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.TypedChoiceField(label=_("Stage"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    batch = forms.TypedChoiceField(label=_("Batch"), required=False, coerce=int, empty_value=None)
    grade = forms.IntegerField(label=_("Grade"), required=False, min_value=1950, max_value=2100)

    def __init__(self, data: Any, *, batches: list[Batch]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["stage"]).choices = [
            ("", _("Any stage")),
            *[(number, f"{number} · {label}") for number, label in steps.STAGES.items()],
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("Open cases")),
            *[(value, label) for value, label in CaseStatus.choices if value != CaseStatus.OPEN],
            ("all", _("All cases")),
        ]
        cast(forms.ChoiceField, self.fields["batch"]).choices = [
            ("", _("Any batch")),
            *[(batch.pk, batch.name) for batch in batches],
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``development.queries.cases_for``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or CaseStatus.OPEN
        return {
            "search": (data.get("q") or "").strip(),
            "stage": data.get("stage"),
            "status": None if status == "all" else status,
            "batch_id": data.get("batch"),
            "grade": data.get("grade"),
        }


# --- Recording a step -------------------------------------------------------------------------------


def _document_field_name(kind: str) -> str:
    return f"document_{kind}"


class StepForm(forms.Form):
    """The fields of one step, its documents and (for those allowed) an exception with its reason.

    ``exception`` is "offered" (a refused step may be recorded as an exception), "required" (the
    actor may record this step only as an exception) or "" (not available).
    """

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        definition: steps.StepDefinition,
        actor: User,
        case: DevelopmentCase,
        exception: str = "",
        lookup_url: str = "",
    ) -> None:
        super().__init__(data, files, prefix="step")
        self.definition = definition
        self.actor = actor
        self.case = case
        self.exception = exception
        self.people: dict[str, User] = {}
        self.fields["date"] = forms.DateField(
            label=str(definition.date_label), widget=DateInput(), initial=timezone.localdate
        )
        for spec in definition.fields:
            self.fields[spec.name] = self._field_for(spec, lookup_url)
        for document in definition.documents:
            self.fields[_document_field_name(document.kind)] = forms.FileField(
                label=str(document.label),
                required=False,
                help_text=_("Optional now; until it is attached it is listed as missing.")
                if document.required
                else "",
            )
        if exception:
            self.fields[EXCEPTION_FIELD] = _exception_reason_field(required=exception == "required")
        name_the_fields(self)

    def _field_for(self, spec: steps.FieldSpec, lookup_url: str) -> forms.Field:
        kind = spec.kind
        required = spec.required
        if kind == steps.FieldKind.DATE:
            return forms.DateField(label=str(spec.label), required=required, widget=DateInput())
        if kind == steps.FieldKind.INT:
            return forms.IntegerField(
                label=str(spec.label),
                required=required,
                min_value=spec.minimum,
                max_value=spec.maximum,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        if kind == steps.FieldKind.CHOICE:
            return forms.ChoiceField(
                label=str(spec.label), required=required, choices=[("", "—"), *spec.choices]
            )
        if kind == steps.FieldKind.BOOL:
            return forms.BooleanField(label=str(spec.label), required=False)
        if kind in (steps.FieldKind.PERSON, steps.FieldKind.PERSONS):
            many = kind == steps.FieldKind.PERSONS
            attrs: dict[str, str] = {"autocomplete": "off"}
            if lookup_url:
                attrs.update(
                    {
                        "hx-get": lookup_url,
                        "hx-trigger": "input changed delay:400ms, change",
                        "hx-target": f"#step-{spec.name}-found",
                        "hx-vals": f'{{"field": "step-{spec.name}"}}',
                    }
                )
            return forms.CharField(
                label=str(spec.label),
                required=required,
                max_length=200,
                widget=forms.TextInput(attrs=attrs),
                help_text=_("Student or staff numbers, separated by spaces.")
                if many
                else _("Student or staff number."),
            )
        widget = forms.Textarea(attrs={"rows": 3}) if spec.max_length > 200 else forms.TextInput()
        return forms.CharField(
            label=str(spec.label), required=required, max_length=spec.max_length, widget=widget
        )

    def person_fields(self) -> list[str]:
        return [
            spec.name
            for spec in self.definition.fields
            if spec.kind in (steps.FieldKind.PERSON, steps.FieldKind.PERSONS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numbers: dict[str, list[str]] = {}
        for name in self.person_fields():
            raw = (cleaned.get(name) or "").strip()
            numbers[name] = [n for n in _NUMBER_SEPARATORS.split(raw) if n]
        self.people = people_by_numbers(
            self.actor, self.case.branch, [n for found in numbers.values() for n in found]
        )
        for name, given in numbers.items():
            unknown = [n for n in given if n not in self.people]
            if unknown:
                self.add_error(
                    name,
                    gettext("%(field)s: nobody you can name here has the number %(numbers)s.")
                    % {"field": self.fields[name].label, "numbers": "、".join(unknown)},
                )
        if (
            self.exception
            and self.data.get("as_exception")
            and not (cleaned.get(EXCEPTION_FIELD) or "").strip()
        ):
            self.add_error(EXCEPTION_FIELD, gettext("Give the reason for the exception."))
        return cleaned

    def step_data(self) -> dict[str, Any]:
        """The step's data as the services take it: ``date`` and the step's fields."""
        data: dict[str, Any] = {"date": self.cleaned_data["date"]}
        for spec in self.definition.fields:
            value = self.cleaned_data.get(spec.name)
            if spec.kind in (steps.FieldKind.PERSON, steps.FieldKind.PERSONS):
                ids = [self.people[n].pk for n in _NUMBER_SEPARATORS.split(value or "") if n in self.people]
                if not ids:
                    continue
                data[spec.name] = ids if spec.kind == steps.FieldKind.PERSONS else ids[0]
            elif value is None or value == "":
                continue
            else:
                data[spec.name] = value
        return data

    def uploads(self) -> list[tuple[str, Any]]:
        """The files chosen, with the kind of document each is for."""
        return [
            (document.kind, self.cleaned_data[_document_field_name(document.kind)])
            for document in self.definition.documents
            if self.cleaned_data.get(_document_field_name(document.kind))
        ]

    def exception_reason(self) -> str | None:
        """The reason given, when the actor asked to record the step as an exception."""
        if not self.exception:
            return None
        if self.exception == "offered" and not self.data.get("as_exception"):
            return None
        return (self.cleaned_data.get(EXCEPTION_FIELD) or "").strip() or None

    def vote_arguments(self) -> dict[str, Any]:
        """The step's data as the keyword arguments of ``development.services.vote_record``."""
        data = self.step_data()
        arguments: dict[str, Any] = {
            "meeting_on": data["date"],
            "members_with_voting_rights": data["members_with_voting_rights"],
            "attended": data["attended"],
            "written_opinions": data.get("written_opinions", 0),
            "yes": data["yes"],
            "no": data["no"],
            "abstain": data["abstain"],
        }
        if "proposal" in data:
            arguments["proposal"] = data["proposal"]
            arguments["extension_months"] = data.get("extension_months")
        return arguments

    def documents_fields(self) -> list[forms.BoundField]:
        return [self[_document_field_name(document.kind)] for document in self.definition.documents]

    def data_fields(self) -> list[forms.BoundField]:
        return [self["date"], *[self[spec.name] for spec in self.definition.fields]]


# --- Applying -----------------------------------------------------------------------------------------


class ApplyForm(forms.Form):
    """A person applies online for party membership; the application is received today."""

    written_on = forms.DateField(
        label=_("Date on your written application"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty when you apply today."),
    )
    pledge = forms.BooleanField(
        label=_("I apply of my own free will to join the Communist Party of China."),
        required=True,
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="apply")
        name_the_fields(self)
        self.fields["pledge"].error_messages["required"] = _("Confirm that you apply of your own free will.")


class PaperApplicationForm(forms.Form):
    """The branch records a written application handed in on paper."""

    number = forms.CharField(
        label=_("Student or staff number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("A member of a branch where you see development cases."),
    )
    received_on = forms.DateField(label=_("Application received on"), widget=DateInput())
    written_on = forms.DateField(label=_("Date on the application"), required=False, widget=DateInput())
    letter = forms.FileField(
        label=_("Written application (scan or photo)"),
        required=False,
        help_text=_("Optional now; until it is attached it is listed as missing."),
    )

    def __init__(
        self, data: Any = None, files: Any = None, *, exception: str = "", lookup_url: str = ""
    ) -> None:
        super().__init__(data, files, prefix="paper", initial={"received_on": timezone.localdate()})
        self.exception = exception
        if lookup_url:
            self.fields["number"].widget.attrs.update(
                {
                    "hx-get": lookup_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#paper-number-found",
                    "hx-vals": '{"field": "paper-number"}',
                }
            )
        if exception:
            self.fields[EXCEPTION_FIELD] = _exception_reason_field(required=False)
        name_the_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.exception
            and self.data.get("as_exception")
            and not (cleaned.get(EXCEPTION_FIELD) or "").strip()
        ):
            self.add_error(EXCEPTION_FIELD, gettext("Give the reason for the exception."))
        return cleaned

    def exception_reason(self) -> str | None:
        if not self.exception or not self.data.get("as_exception"):
            return None
        return (self.cleaned_data.get(EXCEPTION_FIELD) or "").strip() or None


# --- The higher committee, and the other actions on a case ---------------------------------------------


class ReturnForm(forms.Form):
    """Send the case back to the branch: the reason is required."""

    reason = forms.CharField(
        label=_("Why the case is returned"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="return")
        name_the_fields(self)


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label=_("What was corrected"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="resubmit")
        name_the_fields(self)


class CancelForm(forms.Form):
    """End the case before probation, with the date and the reason."""

    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why the case ends"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="cancel", initial={"on": timezone.localdate()})
        name_the_fields(self)


class TransferOutForm(forms.Form):
    """Close the case because the person moves to another party organisation."""

    destination = forms.CharField(label=_("Moves to (party organisation)"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="transfer", initial={"on": timezone.localdate()})
        name_the_fields(self)


class AssessmentForm(forms.Form):
    """A six-monthly assessment (考察) of the activist, development target or probationary member."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    period = forms.CharField(label=_("Period"), max_length=40, help_text=_("e.g. 2026 spring semester"))
    assessor = forms.CharField(
        label=_("Assessor (student or staff number)"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *Assessment.Result.choices])
    text = forms.CharField(
        label=_("Assessment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data: Any = None, *, actor: User, case: DevelopmentCase) -> None:
        super().__init__(data, prefix="assessment", initial={"assessed_on": timezone.localdate()})
        self.actor = actor
        self.case = case
        self.assessor_person: User | None = None
        name_the_fields(self)

    def clean_assessor(self) -> str:
        number = (self.cleaned_data.get("assessor") or "").strip()
        found = people_by_numbers(self.actor, self.case.branch, [number])
        self.assessor_person = found.get(number)
        if self.assessor_person is None:
            raise forms.ValidationError(
                gettext("Assessor: nobody you can name here has the number %(number)s.") % {"number": number}
            )
        return number


class ThoughtReportForm(forms.Form):
    """A thought report (思想汇报) received: its date and, for the branch, the document."""

    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    file = forms.FileField(label=_("The report (scan, photo or document)"), required=False)

    def __init__(self, data: Any = None, files: Any = None, *, with_file: bool = True) -> None:
        super().__init__(data, files, prefix="report", initial={"received_on": timezone.localdate()})
        if not with_file:
            del self.fields["file"]
        name_the_fields(self)


class MyThoughtReportForm(forms.Form):
    """The person hands in their own thought report: the file, its date and the period it covers."""

    received_on = forms.DateField(label=_("Date of the report"), widget=DateInput())
    period = forms.CharField(label=_("Period"), max_length=40, help_text=_("e.g. 2026 third quarter"))
    file = forms.FileField(
        label=_("The report"),
        help_text=_("A PDF, a Word document or a photo of the handwritten report, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,image/*"}),
    )

    def __init__(self, data: Any = None, files: Any = None) -> None:
        super().__init__(data, files, prefix="report", initial={"received_on": timezone.localdate()})
        name_the_fields(self)


class DocumentForm(forms.Form):
    """Attach a missing document to a step already recorded."""

    file = forms.FileField(label=_("File"))

    def __init__(self, data: Any = None, files: Any = None, *, prefix: str = "document") -> None:
        super().__init__(data, files, prefix=prefix)
        name_the_fields(self)
