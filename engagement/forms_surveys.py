"""Forms of the survey pages. They parse input; ``engagement.services_surveys`` decides what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.audiences import audience_kinds
from core.permissions import can
from engagement import queries_notices
from engagement.capabilities_surveys import RUN_SURVEYS
from engagement.models.surveys import QuestionKind, Survey, SurveyQuestion
from engagement.services_surveys import TargetIn
from orgs.models import OrgUnit, PartyStatus
from publishing import queries as publishing_queries

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
ARTICLE_CHOICES = 50


class LocalDateTimeInput(forms.DateTimeInput):
    """A ``datetime-local`` input in the university's local time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_INPUT)


def target_units(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The unit and the units below it that the user runs surveys for, in tree order."""
    rows = OrgUnit.objects.filter(path__startswith=unit.path).order_by("path")
    return [row for row in rows if can(user, RUN_SURVEYS, row)]


class SurveyForm(forms.Form):
    """Title, introduction, anonymity, who is asked and the closing time (a poll: where it is shown)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: no one, administrators included, can see who answered what"),
        required=False,
        help_text=_("Chosen once: it cannot be turned off after the survey opens."),
    )
    targets = forms.TypedMultipleChoiceField(
        label=_("Who is asked"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.MultipleChoiceField(
        label=_("Or groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example a batch of development targets."),
    )
    include_subtree = forms.BooleanField(
        label=_("Also the members of the units below the chosen ones"), required=False, initial=True
    )
    party_statuses = forms.MultipleChoiceField(
        label=_("Only these party statuses"),
        choices=PartyStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: everyone in the chosen units."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
        help_text=_("Optional: the survey closes by itself at this time."),
    )
    article = forms.TypedChoiceField(
        label=_("Shown in the article"), coerce=int, required=False, empty_value=None
    )
    notice = forms.TypedChoiceField(
        label=_("Or shown in the notice"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        unit: OrgUnit,
        is_poll: bool = False,
        survey: Survey | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit_rows = {row.pk: row for row in target_units(user, unit)}
        targets = cast(forms.TypedMultipleChoiceField, self.fields["targets"])
        targets.choices = [(pk, row.display_name) for pk, row in self.unit_rows.items()]
        audience_choices = [
            (f"{kind.code}:{pk}", f"{kind.label}: {label}")
            for kind in audience_kinds()
            for pk, label in kind.choices_for(user)
        ]
        if audience_choices:
            cast(forms.MultipleChoiceField, self.fields["audiences"]).choices = audience_choices
        else:  # nobody to target beyond units: no empty list, no hint at one
            del self.fields["audiences"]
        self.is_poll = is_poll
        if is_poll:
            targets.help_text = _("None chosen: every logged-in reader of the article may vote.")
            articles = publishing_queries.articles_for_polls(user, unit)[:ARTICLE_CHOICES]
            cast(forms.TypedChoiceField, self.fields["article"]).choices = [
                ("", _("Not in an article")),
                *((article.pk, f"{article.channel.name} · {article.title}") for article in articles),
            ]
            notices = queries_notices.sent_in_scope(user).filter(unit__path__startswith=unit.path)[
                :ARTICLE_CHOICES
            ]
            cast(forms.TypedChoiceField, self.fields["notice"]).choices = [
                ("", _("Not in a notice")),
                *((notice.pk, f"{notice.unit.display_name} · {notice.title}") for notice in notices),
            ]
            self.fields["is_anonymous"].initial = True
        else:
            del self.fields["article"]
            del self.fields["notice"]
        if survey is not None and survey.status != "draft":
            for name in (
                "is_anonymous",
                "targets",
                "audiences",
                "include_subtree",
                "party_statuses",
                "article",
            ):
                if name in self.fields:
                    self.fields[name].disabled = True

    @staticmethod
    def initial_for(survey: Survey) -> dict[str, Any]:
        targets = list(survey.targets.all())
        kind, _sep, ident = survey.attached_to.partition(":")
        article = ident if kind == "article" else None
        notice = ident if kind == "notice" else None
        return {
            "title": survey.title,
            "introduction": survey.introduction,
            "is_anonymous": survey.is_anonymous,
            "targets": [t.unit_id for t in targets if t.unit_id is not None],
            "audiences": [f"{t.audience_kind}:{t.audience_id}" for t in targets if t.unit_id is None],
            "include_subtree": all(t.include_subtree for t in targets if t.unit_id is not None)
            if targets
            else True,
            "party_statuses": survey.party_statuses,
            "closes_at": survey.closes_at,
            "article": int(article) if article and article.isdigit() else None,
            "notice": int(notice) if notice and notice.isdigit() else None,
        }

    def details(self) -> dict[str, Any]:
        """Keyword arguments of ``survey_create`` / ``survey_update``."""
        data = self.cleaned_data
        subtree = bool(data.get("include_subtree"))
        return {
            "title": data["title"],
            "introduction": data.get("introduction") or "",
            "is_anonymous": bool(data.get("is_anonymous")),
            "party_statuses": list(data.get("party_statuses") or []),
            "closes_at": data.get("closes_at"),
            "targets": [
                *(TargetIn(self.unit_rows[pk], subtree) for pk in data.get("targets") or []),
                *(self._audience(value) for value in data.get("audiences") or []),
            ],
        }

    @staticmethod
    def _audience(value: str) -> TargetIn:
        code, _sep, pk = value.rpartition(":")
        return TargetIn(None, False, code, int(pk))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("article") and data.get("notice"):
            self.add_error("notice", _("Show the poll in an article or in a notice, not in both."))
        return data

    def attached_to(self) -> str:
        article, notice = self.cleaned_data.get("article"), self.cleaned_data.get("notice")
        if article:
            return f"article:{article}"
        return f"notice:{notice}" if notice else ""


class QuestionForm(forms.Form):
    """One question: its kind, text, options (one a line), rating scale and condition."""

    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Explanation (optional)"), max_length=300, required=False)
    is_required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Options, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice questions."),
    )
    scale_min = forms.IntegerField(
        label=_("Lowest rating"), initial=1, min_value=0, max_value=10, required=False
    )
    scale_max = forms.IntegerField(
        label=_("Highest rating"), initial=5, min_value=1, max_value=20, required=False
    )
    scale_min_label = forms.CharField(label=_("Label of the lowest rating"), max_length=50, required=False)
    scale_max_label = forms.CharField(label=_("Label of the highest rating"), max_length=50, required=False)
    condition = forms.CharField(
        label=_("Show this question only when"),
        required=False,
        widget=forms.Select,
        help_text=_("Optional: an earlier choice question and one of its options."),
    )

    def __init__(
        self, *args: Any, survey: Survey, question: SurveyQuestion | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        earlier = [
            q
            for q in survey.questions.all()
            if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            and (question is None or q.position < question.position)
        ]
        choices: list[tuple[str, str]] = [("", str(_("Always shown")))]
        for q in earlier:
            for index, option in enumerate(q.options):
                choices.append((f"{q.pk}:{index}", f"{q.text} → {option}"))
        self.fields["condition"].widget.choices = choices
        if survey.is_poll:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                (QuestionKind.SINGLE, QuestionKind.SINGLE.label),
                (QuestionKind.MULTIPLE, QuestionKind.MULTIPLE.label),
            ]
            del self.fields["condition"]

    @staticmethod
    def initial_for(question: SurveyQuestion) -> dict[str, Any]:
        condition = (
            f"{question.condition_question_id}:{question.condition_option}"
            if question.condition_question_id
            else ""
        )
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "is_required": question.is_required,
            "options": "\n".join(question.options),
            "scale_min": question.scale_min,
            "scale_max": question.scale_max,
            "scale_min_label": question.scale_min_label,
            "scale_max_label": question.scale_max_label,
            "condition": condition,
        }

    def clean_condition(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("condition") or ""
        if not value:
            return None
        first, _sep, second = value.partition(":")
        if not (first.isdigit() and second.isdigit()):
            raise forms.ValidationError(_("Choose a condition from the list."))
        return int(first), int(second)

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        condition = data.get("condition")
        return {
            "kind": data["kind"],
            "text": data["text"],
            "help_text": data.get("help_text") or "",
            "is_required": bool(data.get("is_required")),
            "options": (data.get("options") or "").splitlines(),
            "scale_min": data.get("scale_min") if data.get("scale_min") is not None else 1,
            "scale_max": data.get("scale_max") if data.get("scale_max") is not None else 5,
            "scale_min_label": data.get("scale_min_label") or "",
            "scale_max_label": data.get("scale_max_label") or "",
            "condition_question_id": condition[0] if condition else None,
            "condition_option": condition[1] if condition else None,
        }
