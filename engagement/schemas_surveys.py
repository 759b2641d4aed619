"""Schemas of the surveys and polls API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class SurveyMineOut(Schema):
    id: int
    title: str
    unit_name: str
    is_anonymous: bool
    status: str
    closes_at: datetime | None
    answered: bool


class SurveyQuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(description="single, multiple, rating, short_text or long_text.")
    text: str
    help_text: str
    is_required: bool
    options: list[str] = Field(description="Choice labels; an answer names them by index (0, 1, …).")
    scale_min: int
    scale_max: int
    scale_min_label: str
    scale_max_label: str
    condition_question_id: int | None = Field(
        description="Shown (and required, and stored) only when that earlier question's answer includes "
        "`condition_option`; the server applies the same rule."
    )
    condition_option: int | None


class SurveyDetailOut(Schema):
    id: int
    title: str
    introduction: str
    is_anonymous: bool
    is_poll: bool
    status: str
    closes_at: datetime | None
    answered: bool
    questions: list[SurveyQuestionOut]


class SurveyResponseIn(Schema):
    answers: dict[str, list[str | int] | str | int] = Field(
        description="By question id: option indexes for choices, the number for a rating, the text for text "
        "questions. Answers to questions that the other answers hide are ignored."
    )


class SurveyResponseOut(Schema):
    survey_id: int
    answered: bool = True
    created: bool = Field(
        description="False when this person had already answered (the first answers stand)."
    )


class PollVoteIn(Schema):
    choices: list[int] = Field(description="Option indexes (one for a single choice poll).")


class SurveyOptionCountOut(Schema):
    label: str
    count: int
    percent: int


class SurveyQuestionResultOut(Schema):
    question_id: int
    text: str
    kind: str
    answered: int
    options: list[SurveyOptionCountOut]
    average: float | None
    texts: list[str] = Field(description="Text answers readers may see (not waiting for review, not hidden).")
    texts_waiting: int


class PollResultOut(Schema):
    poll_id: int
    voted: bool
    created: bool
    result: SurveyQuestionResultOut | None


class SurveyUnitRateOut(Schema):
    unit_id: int
    unit_name: str
    asked: int
    answered: int
    percent: int


class SurveyResultsOut(Schema):
    survey_id: int
    title: str
    is_anonymous: bool
    status: str
    responses: int
    asked: int
    percent: int
    questions: list[SurveyQuestionResultOut]
    units: list[SurveyUnitRateOut]


class SurveyTargetIn(Schema):
    unit_id: int | None = Field(
        None, description="A unit of your scope; or leave it out and name an audience."
    )
    include_subtree: bool = Field(True, description="The unit and every unit below it.")
    audience_kind: str = Field(
        "", description="An audience kind of core.audiences, e.g. `development.batch`."
    )
    audience_id: int | None = None


class SurveyIn(Schema):
    title: str = Field(max_length=200)
    introduction: str = ""
    is_anonymous: bool = Field(False, description="Chosen now; it cannot change once the survey is open.")
    party_statuses: list[str] = Field(default_factory=list, description="Only people of these statuses.")
    closes_at: datetime | None = Field(
        None, description="Closed by the scheduler at this time (with offset)."
    )
    targets: list[SurveyTargetIn] = Field(default_factory=list, description="Who is asked.")


class SurveyQuestionIn(Schema):
    kind: str = Field(description="single, multiple, rating, short_text or long_text.")
    text: str
    help_text: str = ""
    is_required: bool = False
    options: list[str] = Field(default_factory=list, description="Two or more, for choice questions.")
    scale_min: int = 1
    scale_max: int = 5
    scale_min_label: str = ""
    scale_max_label: str = ""
    condition_question_id: int | None = Field(None, description="An earlier choice question of this survey.")
    condition_option: int | None = Field(None, description="The index of that question's option.")


class SurveyAuthoredOut(Schema):
    id: int
    unit_id: int
    title: str
    introduction: str
    is_anonymous: bool
    is_poll: bool
    status: str = Field(description="draft, open or closed.")
    closes_at: datetime | None
    questions: list[SurveyQuestionOut]


class SurveyRemindedOut(Schema):
    survey_id: int
    reminded: int = Field(description="People reminded now: those asked who have not answered.")
