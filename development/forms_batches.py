"""Forms of the batch pages: opening a batch, adding cases, the public notice and the meeting.

They parse input; the services (``development.services_batches`` and ``batch_record_meeting``)
decide what is allowed.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from development import steps
from development.models import BatchKind, DevelopmentCase, Vote
from orgs.forms import DateInput, name_the_fields


class BatchOpenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. 2026 autumn development targets")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *BatchKind.choices])
    semester = forms.CharField(label=_("Semester"), max_length=20, help_text=_("e.g. 2026 autumn"))
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="batch", initial={"opened_on": timezone.localdate()})
        name_the_fields(self)


class BatchAddCasesForm(forms.Form):
    cases = forms.TypedMultipleChoiceField(
        label=_("Cases to add"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: Any = None, *, candidates: list[DevelopmentCase]) -> None:
        super().__init__(data, prefix="add")
        cast(forms.ChoiceField, self.fields["cases"]).choices = [
            (
                case.pk,
                f"{case.person.name} ({case.person.number}) · {case.current_step}. "
                f"{steps.STEPS_BY_NUMBER[case.current_step].name}",
            )
            for case in candidates
        ]
        name_the_fields(self)
        self.fields["cases"].error_messages["required"] = _("Choose at least one case.")


class NoticeForm(forms.Form):
    """Publish the public notice (公示) of the batch's candidates for a period."""

    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to have the text generated with the candidates' names and the period."),
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="notice", initial={"starts_on": timezone.localdate()})
        name_the_fields(self)


class BatchMeetingForm(forms.Form):
    """One sitting of the branch general meeting: shared attendance, one row of counts per candidate.

    A candidate whose row is left empty is not voted on at this sitting.
    """

    meeting_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    members_with_voting_rights = forms.IntegerField(
        label=_("Full members with voting rights who should attend"), min_value=1, max_value=1000
    )
    attended = forms.IntegerField(label=_("Of them present"), min_value=0, max_value=1000)

    COUNTS = ("yes", "no", "abstain", "written_opinions")

    def __init__(self, data: Any = None, *, candidates: list[DevelopmentCase], conversion: bool) -> None:
        super().__init__(data, prefix="meeting", initial={"meeting_on": timezone.localdate()})
        self.candidates = candidates
        self.conversion = conversion
        labels = {
            "yes": _("Yes (written opinions included)"),
            "no": _("No (written opinions included)"),
            "abstain": _("Abstentions"),
            "written_opinions": _("Written opinions of absentees"),
        }
        for case in candidates:
            if conversion:
                self.fields[f"c{case.pk}_proposal"] = forms.ChoiceField(
                    label=_("Proposal voted on"),
                    required=False,
                    choices=[("", "—"), *[(v, label) for v, label in Vote.Proposal.choices if v != "admit"]],
                )
                self.fields[f"c{case.pk}_extension_months"] = forms.IntegerField(
                    label=_("Extension in months"), required=False, min_value=1, max_value=24
                )
            for count in self.COUNTS:
                self.fields[f"c{case.pk}_{count}"] = forms.IntegerField(
                    label=labels[count], required=False, min_value=0, max_value=1000
                )
        name_the_fields(self)

    def rows(self) -> list[dict[str, Any]]:
        """One row per candidate, with its bound fields, for the template."""
        return [
            {
                "case": case,
                "fields": [self[name] for name in self.fields if name.startswith(f"c{case.pk}_")],
            }
            for case in self.candidates
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        voted = 0
        for case in self.candidates:
            values = [cleaned.get(f"c{case.pk}_{count}") for count in ("yes", "no", "abstain")]
            if all(value is None for value in values):
                continue
            voted += 1
            for count, value in zip(("yes", "no", "abstain"), values, strict=True):
                if value is None:
                    self.add_error(
                        f"c{case.pk}_{count}",
                        gettext("%(person)s: give every count (0 when nobody).")
                        % {"person": case.person.name},
                    )
            if self.conversion and not cleaned.get(f"c{case.pk}_proposal"):
                self.add_error(
                    f"c{case.pk}_proposal",
                    gettext("%(person)s: choose the proposal voted on.") % {"person": case.person.name},
                )
        if not voted and not self.errors:
            self.add_error(None, gettext("Give the counts of at least one candidate."))
        return cleaned

    def candidate_votes(self) -> list[dict[str, Any]]:
        """Keyword arguments of ``development.services.CandidateVote`` for each candidate voted on."""
        votes = []
        for case in self.candidates:
            yes = self.cleaned_data.get(f"c{case.pk}_yes")
            if yes is None:
                continue
            vote: dict[str, Any] = {
                "case": case,
                "yes": yes,
                "no": self.cleaned_data[f"c{case.pk}_no"],
                "abstain": self.cleaned_data[f"c{case.pk}_abstain"],
                "written_opinions": self.cleaned_data.get(f"c{case.pk}_written_opinions") or 0,
            }
            if self.conversion:
                vote["proposal"] = self.cleaned_data.get(f"c{case.pk}_proposal")
                vote["extension_months"] = self.cleaned_data.get(f"c{case.pk}_extension_months")
            votes.append(vote)
        return votes
