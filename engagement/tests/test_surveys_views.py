"""The survey pages: who may open each (out of scope 404, without the right 403, rightful 200), building
and answering through HTTP, errors naming the question in the reader's language, and fixed query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.sections import sections_for, unit_links_for
from engagement import services_surveys as services
from engagement.models.surveys import Survey, SurveyAnswer, SurveyParticipation, SurveyQuestion, SurveyStatus
from engagement.services_surveys import TargetIn
from engagement.tests.factories_surveys import add_question, answers, make_survey, opened
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404

AUTHORS = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "leader": FORBIDDEN,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


@pytest.fixture
def leader(tree):
    """A party group leader: in the scope of group A1-1, without the right to run surveys."""
    person = make_person(tree.branch_a1, name="孙组长", status=PartyStatus.FULL, group=tree.group_a1)
    appoint(person, tree.group_a1, "group_leader")
    return person


def who(personas, leader, persona):
    return leader if persona == "leader" else getattr(personas, persona)


@pytest.fixture
def group_survey(tree, personas):
    """An open survey of party group A1-1, so that its leader is in scope without the right."""
    survey = make_survey(personas.secretary, tree.group_a1, targets=[TargetIn(tree.group_a1)])
    question = add_question(personas.secretary, survey, text="小组活动安排合适吗？")
    services.survey_open(actor=personas.secretary, survey=survey)
    return survey, question


@pytest.mark.parametrize(("persona", "expected"), AUTHORS.items())
@pytest.mark.parametrize(
    "url_name",
    [
        "survey_builder",
        "survey_edit",
        "survey_results",
        "survey_export",
        "question_edit",
        "unit_surveys",
        "survey_new",
    ],
)
def test_author_pages_answer_each_persona_by_scope_and_right(
    client, tree, personas, leader, group_survey, persona, expected, url_name
):
    survey, question = group_survey
    args = {
        "question_edit": [survey.pk, question.pk],
        "unit_surveys": [tree.group_a1.pk],
        "survey_new": [tree.group_a1.pk],
    }
    client.force_login(who(personas, leader, persona))
    response = client.get(reverse(f"engagement:{url_name}", args=args.get(url_name, [survey.pk])))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", NOT_FOUND), ("leader", FORBIDDEN), ("secretary", REDIRECT)]
)
@pytest.mark.parametrize("url_name", ["survey_close", "survey_remind", "question_new"])
def test_author_actions_answer_each_persona_by_scope_and_right(
    client, personas, leader, group_survey, persona, expected, url_name
):
    survey, _question = group_survey
    client.force_login(who(personas, leader, persona))
    data = {"kind": "short_text", "text": "新问题"}
    response = client.post(reverse(f"engagement:{url_name}", args=[survey.pk]), data)
    # Adding a question to an open survey without answers is allowed; the others redirect with a message.
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", NOT_FOUND), ("student", OK), ("activist", OK), ("leader", OK), ("college_officer", OK)],
)
def test_the_answer_page_opens_for_people_asked_and_authors(
    client, tree, personas, leader, persona, expected
):
    survey, _q = opened(personas.secretary, tree.branch_a1)
    client.force_login(who(personas, leader, persona))
    assert client.get(reverse("engagement:survey_answer", args=[survey.pk])).status_code == expected


def test_a_draft_is_not_shown_to_respondents(client, tree, personas):
    survey = make_survey(personas.secretary, tree.branch_a1)
    client.force_login(personas.student)
    assert client.get(reverse("engagement:survey_answer", args=[survey.pk])).status_code == NOT_FOUND


def test_an_author_builds_a_survey_through_the_pages(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("engagement:survey_new", args=[tree.branch_a1.pk]),
        {
            "title": "食堂意见调查",
            "targets": [tree.branch_a1.pk],
            "include_subtree": "on",
            "is_anonymous": "on",
        },
    )
    assert response.status_code == REDIRECT
    survey = Survey.objects.get(title="食堂意见调查")
    assert survey.is_anonymous
    url = reverse("engagement:question_new", args=[survey.pk])
    assert (
        client.post(
            url, {"kind": "single", "text": "满意吗？", "options": "满意\n不满意", "is_required": "on"}
        ).status_code
        == REDIRECT
    )
    first = SurveyQuestion.objects.get(survey=survey)
    condition = f"{first.pk}:1"
    assert (
        client.post(url, {"kind": "long_text", "text": "为什么？", "condition": condition}).status_code
        == REDIRECT
    )
    second = SurveyQuestion.objects.get(survey=survey, text="为什么？")
    assert (second.condition_question_id, second.condition_option) == (first.pk, 1)
    page = client.get(reverse("engagement:survey_builder", args=[survey.pk])).content.decode()
    assert "满意吗？" in page and "为什么？" in page
    assert client.post(reverse("engagement:survey_open", args=[survey.pk])).status_code == REDIRECT
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN


def test_a_bad_question_is_refused_naming_the_field_in_chinese(client, tree, personas):
    survey = make_survey(personas.secretary, tree.branch_a1)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("engagement:question_new", args=[survey.pk]),
        {"kind": "single", "text": "满意吗？", "options": "只有一个"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == BAD
    assert "请至少给出两个选项" in response.content.decode()


def test_a_person_answers_on_the_form_and_a_retry_adds_nothing(client, tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    client.force_login(personas.student)
    url = reverse("engagement:survey_answer", args=[survey.pk])
    page = client.get(url).content.decode()
    assert f'data-condition-field="q{q["single"].pk}"' in page
    data = answers(q, single=["2"], why=["1"], rating=["3"], short=["多组织学习"])
    assert client.post(url, data).status_code == REDIRECT
    assert client.post(url, data).status_code == REDIRECT
    assert SurveyParticipation.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.count() == 4
    assert "You have answered this survey" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_answer_errors_name_the_question_in_the_readers_language(client, tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    client.force_login(personas.student)
    response = client.post(
        reverse("engagement:survey_answer", args=[survey.pk]),
        answers(q, single=["2"]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == BAD
    body = response.content.decode()
    assert "请回答“哪些方面不满意？”" in body
    assert f'href="#q{q["why"].pk}"' in body
    assert not SurveyParticipation.objects.exists()


def test_my_surveys_lists_what_waits_and_what_is_done(client, tree, personas):
    first, q = opened(personas.secretary, tree.branch_a1, title="第一份")
    opened(personas.secretary, tree.branch_a1, title="第二份")
    services.response_submit(actor=personas.student, survey=first, answers=answers(q, single=["0"]))
    opened(personas.outsider, tree.branch_b1, title="别的支部")
    client.force_login(personas.student)
    page = client.get(reverse("engagement:my_surveys")).content.decode()
    assert "第一份" in page and "第二份" in page
    assert "别的支部" not in page
    assert page.index("第二份") < page.index("第一份")  # waiting before answered


def test_the_results_page_shows_counts_a_table_and_the_chart_data(client, tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], short=["多谈心"])
    )
    client.force_login(personas.secretary)
    page = client.get(reverse("engagement:survey_results", args=[survey.pk])).content.decode()
    assert "vendor/echarts/echarts.simple.min.js" in page
    assert 'id="survey-charts"' in page
    assert "<caption" in page and "多谈心" in page


def test_the_unit_surveys_page_has_a_fixed_number_of_queries(client, tree, personas):
    client.force_login(personas.secretary)
    url = reverse("engagement:unit_surveys", args=[tree.branch_a1.pk])
    opened(personas.secretary, tree.branch_a1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    for index in range(4):
        opened(personas.secretary, tree.branch_a1, title=f"调查{index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == OK
    assert len(many.captured_queries) == len(few.captured_queries)


def test_my_surveys_has_a_fixed_number_of_queries(client, tree, personas):
    client.force_login(personas.student)
    url = reverse("engagement:my_surveys")
    opened(personas.secretary, tree.branch_a1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    for index in range(4):
        opened(personas.secretary, tree.branch_a1, title=f"调查{index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == OK
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_home_section_and_unit_link(tree, personas, leader):
    assert any(section["code"] == "engagement.surveys" for section in sections_for(personas.student))
    assert any(
        link["code"] == "engagement.surveys" for link in unit_links_for(personas.secretary, tree.branch_a1)
    )
    assert not any(link["code"] == "engagement.surveys" for link in unit_links_for(leader, tree.group_a1))


def test_the_results_page_has_a_fixed_number_of_queries(client, tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    client.force_login(personas.secretary)
    url = reverse("engagement:survey_results", args=[survey.pk])
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], short=["好"])
    )
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    for index in range(5):
        person = make_person(tree.branch_a2 if index % 2 else tree.branch_a1, name=f"同学{index}")
        if index % 2 == 0:
            services.response_submit(
                actor=person, survey=survey, answers=answers(q, single=["2"], why=["1"], long=["建议"])
            )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == OK
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_open_survey_keeps_its_targets_and_anonymity_when_its_details_change(client, tree, personas):
    survey, _q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("engagement:survey_edit", args=[survey.pk]),
        {"title": "新的标题", "introduction": "说明", "targets": [tree.group_a1.pk]},
    )
    assert response.status_code == REDIRECT
    survey.refresh_from_db()
    assert survey.title == "新的标题" and survey.is_anonymous
    assert [target.unit_id for target in survey.targets.all()] == [tree.branch_a1.pk]


def test_an_editor_creates_a_poll_in_an_article_through_the_pages(client, tree, personas):
    from publishing.tests.helpers import make_channel, published

    article = published(personas, make_channel(personas.secretary, tree.branch_a1))
    client.force_login(personas.secretary)
    url = reverse("engagement:survey_new", args=[tree.branch_a1.pk])
    form = client.get(url + "?poll=1").content.decode()
    assert f'value="{article.pk}"' in form
    response = client.post(
        url, {"poll": "1", "title": "你喜欢这篇文章吗？", "article": article.pk, "is_anonymous": "on"}
    )
    assert response.status_code == REDIRECT
    poll = Survey.objects.get(title="你喜欢这篇文章吗？")
    assert poll.is_poll and poll.attached_to == f"article:{article.pk}"
    assert not poll.targets.exists()
    question_url = reverse("engagement:question_new", args=[poll.pk])
    assert (
        client.post(question_url, {"kind": "single", "text": "喜欢吗", "options": "喜欢\n一般"}).status_code
        == REDIRECT
    )
    assert client.post(reverse("engagement:survey_open", args=[poll.pk])).status_code == REDIRECT
    poll.refresh_from_db()
    assert poll.status == SurveyStatus.OPEN


def test_reordering_with_htmx_returns_only_the_questions(client, tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("engagement:question_move", args=[survey.pk, q["long"].pk]),
        {"to": "up"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == OK
    assert body.lstrip().startswith('<section id="questions"') and "<html" not in body
    assert body.index("详细意见") < body.index("一句话建议")


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_from_authors_and_respondents_is_shown_harmless(client, tree, personas):
    survey = make_survey(personas.secretary, tree.branch_a1, title=f"调查{XSS}")
    single = add_question(personas.secretary, survey, text=f"题目{XSS}", options=[f"选项{XSS}", "另一个"])
    add_question(personas.secretary, survey, kind="short_text", text="建议")
    services.survey_open(actor=personas.secretary, survey=survey)
    short = survey.questions.get(text="建议")
    services.response_submit(
        actor=personas.student, survey=survey, answers={f"q{single.pk}": ["0"], f"q{short.pk}": [XSS[:150]]}
    )
    client.force_login(personas.secretary)
    for name in ("survey_builder", "survey_results", "survey_answer"):
        body = client.get(reverse(f"engagement:{name}", args=[survey.pk])).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, name
        assert "&lt;script&gt;" in body


def test_an_author_deletes_a_draft_but_never_an_opened_survey(client, tree, personas, leader):
    draft = make_survey(personas.secretary, tree.branch_a1, title="草稿问卷")
    survey, _q = opened(personas.secretary, tree.branch_a1)
    client.force_login(personas.outsider)
    assert client.post(reverse("engagement:survey_delete", args=[draft.pk])).status_code == NOT_FOUND
    client.force_login(personas.secretary)
    response = client.post(reverse("engagement:survey_delete", args=[draft.pk]))
    assert response.status_code == REDIRECT
    assert not Survey.objects.filter(pk=draft.pk).exists()
    assert client.post(reverse("engagement:survey_delete", args=[survey.pk])).status_code == REDIRECT
    assert Survey.objects.filter(pk=survey.pk).exists()
