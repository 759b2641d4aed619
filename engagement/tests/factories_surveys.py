"""Builders for the survey tests: a survey with one question of each kind, opened, and answers."""

from __future__ import annotations

from typing import Any

from engagement import services_surveys as services
from engagement.models.surveys import QuestionKind, Survey, SurveyQuestion
from engagement.services_surveys import TargetIn
from orgs.models import OrgUnit


def make_survey(
    author: Any,
    unit: OrgUnit,
    *,
    title: str = "支部工作满意度调查",
    is_anonymous: bool = False,
    targets: list[TargetIn] | None = None,
    **fields: Any,
) -> Survey:
    return services.survey_create(
        actor=author,
        unit=unit,
        title=title,
        introduction="请如实填写。",
        is_anonymous=is_anonymous,
        targets=targets if targets is not None else [TargetIn(unit, True)],
        **fields,
    )


def add_question(
    author: Any, survey: Survey, kind: str = QuestionKind.SINGLE, **fields: Any
) -> SurveyQuestion:
    values: dict[str, Any] = {"text": f"问题 {kind}", "options": []}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        values["options"] = ["满意", "一般", "不满意"]
    values.update(fields)
    return services.question_save(actor=author, survey=survey, kind=kind, **values)


def full_survey(author: Any, unit: OrgUnit, **fields: Any) -> tuple[Survey, dict[str, SurveyQuestion]]:
    """A draft with a required single choice, a multiple choice shown only after "不满意", a rating and two
    text questions."""
    survey = make_survey(author, unit, **fields)
    single = add_question(author, survey, QuestionKind.SINGLE, text="你对支部工作满意吗？", is_required=True)
    why = add_question(
        author,
        survey,
        QuestionKind.MULTIPLE,
        text="哪些方面不满意？",
        options=["组织生活", "学习安排", "信息公开"],
        is_required=True,
        condition_question_id=single.pk,
        condition_option=2,
    )
    rating = add_question(
        author,
        survey,
        QuestionKind.RATING,
        text="给学习安排打分",
        scale_min=1,
        scale_max=5,
        scale_min_label="很差",
        scale_max_label="很好",
    )
    short = add_question(author, survey, QuestionKind.SHORT_TEXT, text="一句话建议")
    long = add_question(author, survey, QuestionKind.LONG_TEXT, text="详细意见")
    return survey, {"single": single, "why": why, "rating": rating, "short": short, "long": long}


def opened(author: Any, unit: OrgUnit, **fields: Any) -> tuple[Survey, dict[str, SurveyQuestion]]:
    survey, questions = full_survey(author, unit, **fields)
    survey = services.survey_open(actor=author, survey=survey)
    return survey, questions


def answers(questions: dict[str, SurveyQuestion], **values: list[str]) -> dict[str, list[str]]:
    """The submission by question key (``single=["0"]``), as the form sends it."""
    return {f"q{questions[key].pk}": value for key, value in values.items()}
