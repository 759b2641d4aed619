"""The 25 steps of developing a member (DOMAIN.md §2), as data, in order.

Each step says its stage, who records it (a capability over the case's branch), the fields it needs
(validated by ``clean_step_data``), the documents it expects (listed as missing until attached) and
the rules that guard it (codes of ``development.rules``). Steps 6 and 21 are *ongoing*: education
and assessment that last until the next step is recorded, which completes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import FieldErrors
from development.capabilities import APPROVE, RECORD_STEPS

APPLICATION = 1
TALK = 2
ACTIVIST_CONFIRMATION = 3
CONTACTS = 5
ACTIVIST_EDUCATION = 6
TARGET_CONFIRMATION = 7
INTRODUCERS = 9
POLITICAL_REVIEW = 10
TRAINING = 11
PRE_REVIEW = 13
ADMISSION_MEETING = 15
ADMISSION_APPROVAL = 17
ADMISSION_FILING = 18
PROBATION_EDUCATION = 21
CONVERSION_APPLICATION = 22
CONVERSION_MEETING = 23
CONVERSION_APPROVAL = 24
ARCHIVE = 25

# Steps recorded through their own service rather than ``step_record``.
VOTE_STEPS = frozenset({ADMISSION_MEETING, CONVERSION_MEETING})
APPROVAL_STEPS = frozenset({PRE_REVIEW, ADMISSION_APPROVAL, CONVERSION_APPROVAL})
PROBATION_STEPS = frozenset(range(PROBATION_EDUCATION, ARCHIVE + 1))

STAGES: Mapping[int, Promise] = {
    1: gettext_lazy("Application"),
    2: gettext_lazy("Activist"),
    3: gettext_lazy("Development target"),
    4: gettext_lazy("Admission"),
    5: gettext_lazy("Probation and conversion"),
}


class FieldKind(StrEnum):
    DATE = "date"
    PERSON = "person"
    PERSONS = "persons"
    CHOICE = "choice"
    INT = "int"
    TEXT = "text"
    BOOL = "bool"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a step's form: its name in ``data``, its type and whether it must be given."""

    name: str
    kind: FieldKind
    label: Promise
    required: bool = True
    choices: tuple[tuple[str, Promise], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000


@dataclass(frozen=True)
class DocumentSpec:
    """A document a step expects (e.g. the application form); shown as missing until attached."""

    kind: str
    label: Promise
    required: bool = True


@dataclass(frozen=True)
class StepDefinition:
    number: int
    stage: int
    code: str
    name: Promise
    capability: str
    date_label: Promise
    fields: tuple[FieldSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    rules: tuple[str, ...] = ()
    ongoing: bool = False
    # The party status the person has from this step's date on (None: unchanged).
    sets_status: str | None = None
    field_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_names", frozenset(f.name for f in self.fields))

    @property
    def stage_name(self) -> Promise:
        return STAGES[self.stage]

    @property
    def is_higher_committee_step(self) -> bool:
        return self.capability == APPROVE


def _text(name: str, label: Promise, *, required: bool = False, max_length: int = 2000) -> FieldSpec:
    return FieldSpec(name, FieldKind.TEXT, label, required=required, max_length=max_length)


_OPINION = _text("opinion", gettext_lazy("Opinion"), required=False)

RECOMMENDATION_METHODS = (
    ("party_members", gettext_lazy("Recommended by party members")),
    ("league", gettext_lazy("Recommended by the Youth League (推优)")),
    ("both", gettext_lazy("Recommended by party members and the Youth League")),
)
REVIEW_CONCLUSIONS = (
    ("passed", gettext_lazy("Passed")),
    ("not_passed", gettext_lazy("Not passed")),
)
PROPOSALS = (
    ("convert", gettext_lazy("Convert to full member on time")),
    ("extend", gettext_lazy("Extend the probation")),
    ("cancel", gettext_lazy("Cancel the probationary membership")),
)
_VOTE_FIELDS = (
    FieldSpec(
        "members_with_voting_rights",
        FieldKind.INT,
        gettext_lazy("Full members with voting rights who should attend"),
        minimum=1,
        maximum=1000,
    ),
    FieldSpec("attended", FieldKind.INT, gettext_lazy("Of them present"), minimum=0, maximum=1000),
    FieldSpec(
        "written_opinions",
        FieldKind.INT,
        gettext_lazy("Written opinions of absentees"),
        required=False,
        minimum=0,
        maximum=1000,
    ),
    FieldSpec("yes", FieldKind.INT, gettext_lazy("Yes (written opinions included)"), minimum=0, maximum=1000),
    FieldSpec("no", FieldKind.INT, gettext_lazy("No (written opinions included)"), minimum=0, maximum=1000),
    FieldSpec("abstain", FieldKind.INT, gettext_lazy("Abstentions"), minimum=0, maximum=1000),
)

STEPS: tuple[StepDefinition, ...] = (
    StepDefinition(
        1,
        1,
        "application",
        gettext_lazy("Written application"),
        RECORD_STEPS,
        gettext_lazy("Application received on"),
        fields=(
            FieldSpec("written_on", FieldKind.DATE, gettext_lazy("Date on the application"), required=False),
        ),
        documents=(
            DocumentSpec("application_letter", gettext_lazy("Written application for party membership")),
        ),
        rules=("application.birth_date_known", "application.min_age"),
        sets_status="applicant",
    ),
    StepDefinition(
        2,
        1,
        "talk",
        gettext_lazy("Talk with the applicant"),
        RECORD_STEPS,
        gettext_lazy("Date of the talk"),
        fields=(
            FieldSpec("talker", FieldKind.PERSON, gettext_lazy("Talked with by")),
            _text("summary", gettext_lazy("Summary of the talk")),
        ),
        documents=(DocumentSpec("talk_record", gettext_lazy("Record of the talk"), required=False),),
        rules=("application.talk_within_one_month", "application.talker_position"),
    ),
    StepDefinition(
        3,
        2,
        "activist_confirmation",
        gettext_lazy("Recommendation and confirmation as activist"),
        RECORD_STEPS,
        gettext_lazy("Confirmed by the branch committee on"),
        fields=(
            FieldSpec(
                "method",
                FieldKind.CHOICE,
                gettext_lazy("Recommendation method"),
                choices=RECOMMENDATION_METHODS,
            ),
            FieldSpec(
                "participants",
                FieldKind.INT,
                gettext_lazy("People taking part in the recommendation"),
                required=False,
                minimum=0,
                maximum=10000,
            ),
            FieldSpec(
                "in_favour",
                FieldKind.INT,
                gettext_lazy("Of them recommending"),
                required=False,
                minimum=0,
                maximum=10000,
            ),
        ),
        documents=(DocumentSpec("recommendation", gettext_lazy("Recommendation record")),),
        rules=("activist.months_after_application", "activist.league_recommendation"),
        sets_status="activist",
    ),
    StepDefinition(
        4,
        2,
        "activist_filing",
        gettext_lazy("Activist filed with the higher committee"),
        RECORD_STEPS,
        gettext_lazy("Filed on"),
        fields=(_text("reference", gettext_lazy("Filing reference"), max_length=100),),
    ),
    StepDefinition(
        5,
        2,
        "contacts",
        gettext_lazy("Contacts assigned"),
        RECORD_STEPS,
        gettext_lazy("Assigned on"),
        fields=(
            FieldSpec(
                "contacts", FieldKind.PERSONS, gettext_lazy("Contacts (培养联系人)"), minimum=1, maximum=2
            ),
        ),
        rules=("activist.contacts",),
    ),
    StepDefinition(
        6,
        2,
        "activist_education",
        gettext_lazy("Education and assessment"),
        RECORD_STEPS,
        gettext_lazy("Completed on"),
        ongoing=True,
    ),
    StepDefinition(
        7,
        3,
        "target_confirmation",
        gettext_lazy("Confirmation as development target"),
        RECORD_STEPS,
        gettext_lazy("Confirmed by the branch committee on"),
        fields=(
            _text(
                "opinions_heard", gettext_lazy("Opinions heard (party members, group, others)"), required=True
            ),
        ),
        documents=(DocumentSpec("opinions", gettext_lazy("Record of the opinions heard")),),
        rules=(
            "target.one_year_as_activist",
            "assessment.every_six_months",
            "thought_report.interval",
        ),
        sets_status="target",
    ),
    StepDefinition(
        8,
        3,
        "target_filing",
        gettext_lazy("Development target filed with the higher committee"),
        RECORD_STEPS,
        gettext_lazy("Filed on"),
        fields=(_text("reference", gettext_lazy("Filing reference"), max_length=100),),
    ),
    StepDefinition(
        9,
        3,
        "introducers",
        gettext_lazy("Introducers assigned"),
        RECORD_STEPS,
        gettext_lazy("Assigned on"),
        fields=(
            FieldSpec(
                "introducers",
                FieldKind.PERSONS,
                gettext_lazy("Introducers (入党介绍人)"),
                minimum=1,
                maximum=4,
            ),
        ),
        rules=(
            "target.introducers_count",
            "target.introducer_full_member",
            "target.introducer_not_on_party_probation",
        ),
    ),
    StepDefinition(
        10,
        3,
        "political_review",
        gettext_lazy("Political review"),
        RECORD_STEPS,
        gettext_lazy("Date of the written conclusion"),
        fields=(
            FieldSpec("conclusion", FieldKind.CHOICE, gettext_lazy("Conclusion"), choices=REVIEW_CONCLUSIONS),
            _text("summary", gettext_lazy("Summary")),
        ),
        documents=(
            DocumentSpec("political_review", gettext_lazy("Written conclusion of the political review")),
        ),
        rules=("target.political_review_passed",),
    ),
    StepDefinition(
        11,
        3,
        "training",
        gettext_lazy("Short intensive training"),
        RECORD_STEPS,
        gettext_lazy("Training completed on"),
        fields=(
            FieldSpec(
                "class_hours",
                FieldKind.INT,
                gettext_lazy("Class hours"),
                required=False,
                minimum=0,
                maximum=500,
            ),
            FieldSpec("days", FieldKind.INT, gettext_lazy("Days"), required=False, minimum=0, maximum=60),
        ),
        documents=(DocumentSpec("training_certificate", gettext_lazy("Training certificate")),),
        rules=("target.training_duration",),
    ),
    StepDefinition(
        12,
        4,
        "branch_review",
        gettext_lazy("Review by the branch committee"),
        RECORD_STEPS,
        gettext_lazy("Reviewed on"),
        fields=(_OPINION,),
    ),
    StepDefinition(
        13,
        4,
        "pre_review",
        gettext_lazy("Pre-review by the higher committee"),
        APPROVE,
        gettext_lazy("Pre-reviewed on"),
        fields=(_OPINION,),
    ),
    StepDefinition(
        14,
        4,
        "application_form",
        gettext_lazy("Application form filled in"),
        RECORD_STEPS,
        gettext_lazy("Filled in on"),
        fields=(_text("form_number", gettext_lazy("Form number"), max_length=60),),
        documents=(DocumentSpec("application_form", gettext_lazy("Application form (入党志愿书)")),),
    ),
    StepDefinition(
        15,
        4,
        "admission_meeting",
        gettext_lazy("Branch general meeting: discussion and vote"),
        RECORD_STEPS,
        gettext_lazy("Meeting date"),
        fields=_VOTE_FIELDS,
        documents=(DocumentSpec("minutes", gettext_lazy("Minutes of the meeting")),),
        rules=("admission.public_notice", "admission.political_review_valid", "vote.quorum"),
    ),
    StepDefinition(
        16,
        4,
        "higher_talk",
        gettext_lazy("Talk by the higher committee"),
        APPROVE,
        gettext_lazy("Date of the talk"),
        fields=(
            FieldSpec("talker", FieldKind.PERSON, gettext_lazy("Talked with by")),
            _text("summary", gettext_lazy("Summary of the talk")),
        ),
    ),
    StepDefinition(
        17,
        4,
        "admission_approval",
        gettext_lazy("Approval by the higher committee"),
        APPROVE,
        gettext_lazy("Approved on"),
        fields=(_OPINION,),
        documents=(DocumentSpec("approval", gettext_lazy("Approval document"), required=False),),
        rules=("approval.within_three_months", "approval.within_six_months"),
        sets_status="probationary",
    ),
    StepDefinition(
        18,
        4,
        "admission_filing",
        gettext_lazy("Filed with the organisation department"),
        APPROVE,
        gettext_lazy("Filed on"),
        fields=(_text("reference", gettext_lazy("Filing reference"), max_length=100),),
    ),
    StepDefinition(
        19,
        5,
        "placement",
        gettext_lazy("Placed in a branch and party group"),
        RECORD_STEPS,
        gettext_lazy("Placed on"),
        fields=(_text("group", gettext_lazy("Party group"), max_length=100),),
    ),
    StepDefinition(
        20,
        5,
        "oath",
        gettext_lazy("Oath"),
        RECORD_STEPS,
        gettext_lazy("Date of the oath"),
        fields=(_text("place", gettext_lazy("Place"), max_length=200),),
    ),
    StepDefinition(
        21,
        5,
        "probation_education",
        gettext_lazy("Continued education and assessment"),
        RECORD_STEPS,
        gettext_lazy("Completed on"),
        ongoing=True,
    ),
    StepDefinition(
        22,
        5,
        "conversion_application",
        gettext_lazy("Conversion application"),
        RECORD_STEPS,
        gettext_lazy("Application received on"),
        documents=(
            DocumentSpec("conversion_application", gettext_lazy("Written application for conversion")),
        ),
        rules=("assessment.every_six_months", "thought_report.interval"),
    ),
    StepDefinition(
        23,
        5,
        "conversion_meeting",
        gettext_lazy("Branch general meeting: conversion vote"),
        RECORD_STEPS,
        gettext_lazy("Meeting date"),
        fields=(
            FieldSpec("proposal", FieldKind.CHOICE, gettext_lazy("Proposal voted on"), choices=PROPOSALS),
            FieldSpec(
                "extension_months",
                FieldKind.INT,
                gettext_lazy("Extension in months"),
                required=False,
                minimum=1,
                maximum=24,
            ),
            *_VOTE_FIELDS,
        ),
        documents=(DocumentSpec("minutes", gettext_lazy("Minutes of the meeting")),),
        rules=(
            "probation.conversion_not_before_end",
            "probation.extension_once",
            "probation.extension_months",
            "vote.quorum",
        ),
    ),
    StepDefinition(
        24,
        5,
        "conversion_approval",
        gettext_lazy("Conversion approved by the higher committee"),
        APPROVE,
        gettext_lazy("Approved on"),
        fields=(_OPINION,),
        documents=(DocumentSpec("approval", gettext_lazy("Approval document"), required=False),),
        rules=(
            "approval.within_three_months",
            "approval.within_six_months",
            "probation.extension_once",
            "probation.extension_months",
        ),
    ),
    StepDefinition(
        25,
        5,
        "archive",
        gettext_lazy("Dossier archived"),
        APPROVE,
        gettext_lazy("Archived on"),
        fields=(_text("location", gettext_lazy("Where the paper dossier is kept"), max_length=200),),
    ),
)

STEPS_BY_NUMBER: Mapping[int, StepDefinition] = {step.number: step for step in STEPS}
STEPS_BY_CODE: Mapping[str, StepDefinition] = {step.code: step for step in STEPS}


def get(number: int) -> StepDefinition:
    """The definition of step ``number``; a ``FieldErrors`` on "step" when there is no such step."""
    definition = STEPS_BY_NUMBER.get(number)
    if definition is None:
        raise FieldErrors.single("step", _("There is no step %(step)s.") % {"step": number})
    return definition


def stage_steps(stage: int) -> tuple[int, int]:
    """The first and last step of ``stage``."""
    numbers = [step.number for step in STEPS if step.stage == stage]
    return numbers[0], numbers[-1]


def next_recordable(current_step: int) -> int:
    """The step that can be recorded now: the current one, or after an ongoing step the one after it."""
    if STEPS_BY_NUMBER[current_step].ongoing:
        return current_step + 1
    return current_step
