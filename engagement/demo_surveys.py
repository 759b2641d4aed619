"""Surveys and polls of the demo university, so that `make run` shows them.

The persona branch (YH-CS-U2024) gets an open anonymous satisfaction survey (every kind of question,
a condition) that about two thirds of its members have answered, a closed named survey with its
results, and a poll in the newest published article of its channel (when publishing's demo made
one). Everything goes through the services, so moderation and audit see it as real use; only the
"new survey" inbox notices are left out, like the other demo loaders' (the inbox shows the welcome). Idempotent: nothing happens once the branch has a survey.
"""

from __future__ import annotations

import random

from django.db import transaction

from accounts.models import User
from core.demo import DemoLoader, register_demo_loader
from engagement import queries_surveys as queries
from engagement import services_surveys as services
from engagement.models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyStatus
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import OrgUnit
from publishing import queries as publishing_queries

SEED = "yunhu-demo-surveys"
PERSONA_BRANCH = f"{UNIVERSITY_CODE}-CS-U2024"
SECRETARY_NUMBER = "2024020003"
SUGGESTIONS = (
    "希望组织生活多一些讨论，少一些念稿。",
    "学习安排可以提前一周通知，方便协调课程。",
    "建议多组织志愿服务类的主题党日。",
    "线上学习资料可以更新得更及时一些。",
    "",
)


def _satisfaction(secretary: User, branch: OrgUnit) -> tuple[Survey, dict[str, SurveyQuestion]]:
    survey = services.survey_create(
        actor=secretary,
        unit=branch,
        title="本学期支部组织生活满意度调查",
        introduction="本问卷为匿名问卷，支部委员会只能看到统计结果，看不到任何人的具体回答。请如实填写。",
        is_anonymous=True,
        targets=[services.TargetIn(branch, True)],
    )
    q: dict[str, SurveyQuestion] = {}
    q["single"] = services.question_save(
        actor=secretary,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="你对本学期支部组织生活总体满意吗？",
        options=["非常满意", "比较满意", "一般", "不满意"],
        is_required=True,
    )
    q["why"] = services.question_save(
        actor=secretary,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="你认为哪些方面需要改进？",
        options=["会议形式", "学习内容", "时间安排", "通知及时性"],
        is_required=True,
        condition_question_id=q["single"].pk,
        condition_option=3,
    )
    q["rating"] = services.question_save(
        actor=secretary,
        survey=survey,
        kind=QuestionKind.RATING,
        text="请为“三会一课”的学习效果打分",
        scale_min=1,
        scale_max=5,
        scale_min_label="收获很少",
        scale_max_label="收获很大",
        is_required=True,
    )
    q["topic"] = services.question_save(
        actor=secretary, survey=survey, kind=QuestionKind.SHORT_TEXT, text="下学期你最想学习的主题是？"
    )
    q["advice"] = services.question_save(
        actor=secretary, survey=survey, kind=QuestionKind.LONG_TEXT, text="对支部工作的其他意见和建议"
    )
    return services.survey_open(actor=secretary, survey=survey, notify=False), q


def _answer_all(survey: Survey, q: dict[str, SurveyQuestion], people: list[User], rng: random.Random) -> int:
    topics = ("党史学习", "科技创新与青年担当", "基层治理", "志愿服务", "")
    count = 0
    for person in people:
        single = rng.choices(["0", "1", "2", "3"], weights=[5, 6, 3, 1])[0]
        submitted: dict[str, list[str]] = {
            services.field_name(q["single"]): [single],
            services.field_name(q["rating"]): [str(rng.choices([2, 3, 4, 5], weights=[1, 3, 5, 4])[0])],
            services.field_name(q["topic"]): [rng.choice(topics)],
            services.field_name(q["advice"]): [rng.choice(SUGGESTIONS)],
        }
        if single == "3":
            submitted[services.field_name(q["why"])] = rng.sample(["0", "1", "2", "3"], 2)
        _participation, created = services.response_submit(actor=person, survey=survey, answers=submitted)
        count += created
    return count


def _named_closed(secretary: User, branch: OrgUnit, people: list[User], rng: random.Random) -> int:
    survey = services.survey_create(
        actor=secretary,
        unit=branch,
        title="主题党日活动地点征集",
        introduction="请选择你希望的下次主题党日活动地点（实名）。",
        targets=[services.TargetIn(branch, True)],
    )
    question = services.question_save(
        actor=secretary,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="下次主题党日去哪里？",
        options=["红色教育基地", "社区服务中心", "校史馆", "科技馆"],
        is_required=True,
    )
    services.survey_open(actor=secretary, survey=survey, notify=False)
    count = 0
    for person in people:
        answer = {services.field_name(question): [str(rng.randrange(4))]}
        count += services.response_submit(actor=person, survey=survey, answers=answer)[1]
    services.survey_close(actor=secretary, survey=survey)
    return count


def _article_poll(secretary: User, branch: OrgUnit) -> int:
    article = publishing_queries.articles_for_polls(secretary, branch).filter(status="published").first()
    if article is None:
        return 0
    poll = services.survey_create(
        actor=secretary,
        unit=branch,
        title="读完这篇文章，你有什么收获？",
        is_anonymous=True,
        is_poll=True,
        attached_to=f"article:{article.pk}",
    )
    services.question_save(
        actor=secretary,
        survey=poll,
        kind=QuestionKind.SINGLE,
        text="你的收获是？",
        options=["很有启发", "有一些收获", "还想了解更多"],
    )
    services.survey_open(actor=secretary, survey=poll, notify=False)
    return 1


def load_demo_surveys() -> dict[str, int]:
    branch = OrgUnit.objects.filter(code=PERSONA_BRANCH).first()
    secretary = User.objects.filter(number=SECRETARY_NUMBER).first()
    if branch is None or secretary is None or Survey.objects.filter(unit=branch).exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    with transaction.atomic():
        survey, q = _satisfaction(secretary, branch)
        people = list(queries.asked_people(survey).order_by("number"))
        answered = people[: max(1, len(people) * 2 // 3)]
        responses = _answer_all(survey, q, [p for p in answered if p.pk != secretary.pk], rng)
        responses += _named_closed(secretary, branch, people[: max(1, len(people) // 2)], rng)
        polls = _article_poll(secretary, branch)
    open_count = Survey.objects.filter(unit=branch, status=SurveyStatus.OPEN, is_poll=False).count()
    return {"surveys": 2, "open surveys": open_count, "responses": responses, "polls": polls}


def register() -> None:
    register_demo_loader(DemoLoader(name="engagement.surveys", load=load_demo_surveys, order=80))
