"""Polls inside articles and notices: the panel is the same HTML for every reader of the cached public
page, the fragment lets a logged-in person vote once and then shows the results."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from core.errors import FieldErrors
from engagement import panels_surveys
from engagement import services_surveys as services
from engagement.models.surveys import QuestionKind, Survey, SurveyParticipation
from engagement.tests.factories_surveys import add_question, make_survey
from publishing.tests.helpers import make_channel, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(tree, personas):
    channel = make_channel(personas.secretary, tree.branch_a1)
    return published(personas, channel)


def make_poll(personas, unit, attached_to: str, *, title: str = "下次主题党日去哪里？"):
    poll = make_survey(
        personas.secretary, unit, title=title, is_poll=True, targets=[], attached_to=attached_to
    )
    add_question(
        personas.secretary, poll, QuestionKind.SINGLE, text="选一个地点", options=["红色纪念馆", "博物馆"]
    )
    return services.survey_open(actor=personas.secretary, survey=poll)


def test_an_editor_attaches_a_poll_only_to_an_article_they_may_write_in(tree, personas, article):
    make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    with pytest.raises(FieldErrors) as error:
        make_survey(
            personas.college_officer,
            tree.branch_a2,
            is_poll=True,
            targets=[],
            attached_to=f"article:{article.pk}",
        )
    assert "article" in error.value.fields
    with pytest.raises(FieldErrors):
        make_survey(personas.secretary, tree.branch_a1, attached_to=f"article:{article.pk}")  # not a poll


def test_a_poll_has_one_choice_question(tree, personas):
    poll = make_survey(personas.secretary, tree.branch_a1, is_poll=True, targets=[])
    with pytest.raises(FieldErrors) as error:
        add_question(personas.secretary, poll, QuestionKind.LONG_TEXT)
    assert "kind" in error.value.fields
    add_question(personas.secretary, poll)
    with pytest.raises(FieldErrors):
        add_question(personas.secretary, poll)


def test_the_public_article_shows_the_same_poll_placeholder_to_everyone(client, tree, personas, article):
    poll = make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    url = reverse("channels:article", args=[article.channel.slug, article.pk])
    anonymous = Client().get(url).content.decode()
    reader = Client()
    reader.force_login(personas.student)
    logged_in = reader.get(url).content.decode()
    placeholder = f'hx-get="{reverse("engagement:poll", args=[poll.pk])}"'
    assert placeholder in anonymous and placeholder in logged_in
    assert "vendor/htmx/htmx.min.js" in anonymous
    assert "csrfmiddlewaretoken" not in anonymous


def test_the_article_panel_renders_nothing_personal(tree, personas, article):
    make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    first = panels_surveys.render_article_polls(request, article)
    request.user = personas.student
    assert panels_surveys.render_article_polls(request, article) == first
    assert "下次主题党日去哪里？" in first


@pytest.fixture
def notice(tree, personas):
    from engagement.services_notices import notice_send

    return notice_send(
        actor=personas.secretary,
        unit_id=tree.branch_a1.pk,
        title="关于主题党日的通知",
        body="<p>本周五下午。</p>",
        notify=False,
    )


def test_the_notice_panel_shows_the_notices_poll(tree, personas, notice):
    request = RequestFactory().get("/")
    request.user = personas.student
    assert panels_surveys.render_notice_polls(request, notice) == ""
    poll = make_poll(personas, tree.branch_a1, f"notice:{notice.pk}", title="通知里的投票")
    html = panels_surveys.render_notice_polls(request, notice)
    assert "通知里的投票" in html and reverse("engagement:poll", args=[poll.pk]) in html
    assert panels_surveys.render_notice_polls(request, SimpleNamespace(pk=notice.pk + 1)) == ""


def test_the_notice_page_shows_its_poll(client, tree, personas, notice):
    poll = make_poll(personas, tree.branch_a1, f"notice:{notice.pk}", title="通知里的投票")
    client.force_login(personas.student)
    page = client.get(reverse("engagement:notice", args=[notice.pk])).content.decode()
    assert f'hx-get="{reverse("engagement:poll", args=[poll.pk])}"' in page


def test_a_poll_goes_only_into_a_notice_of_the_unit(tree, personas, notice):
    with pytest.raises(FieldErrors) as error:
        make_survey(
            personas.outsider, tree.branch_b1, is_poll=True, targets=[], attached_to=f"notice:{notice.pk}"
        )
    assert "notice" in error.value.fields


def test_an_author_chooses_the_notice_on_the_poll_form(client, tree, personas, notice):
    client.force_login(personas.secretary)
    url = reverse("engagement:survey_new", args=[tree.branch_a1.pk])
    assert "关于主题党日的通知" in client.get(url + "?poll=1").content.decode()
    assert client.post(url, {"poll": "1", "title": "通知投票", "notice": notice.pk}).status_code == 302
    assert Survey.objects.get(title="通知投票").attached_to == f"notice:{notice.pk}"


def test_a_draft_poll_is_not_shown(tree, personas, article):
    make_survey(
        personas.secretary, tree.branch_a1, is_poll=True, targets=[], attached_to=f"article:{article.pk}"
    )
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert panels_surveys.render_article_polls(request, article) == ""


def test_the_fragment_asks_a_visitor_to_log_in(tree, personas, article):
    poll = make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    response = Client().get(reverse("engagement:poll", args=[poll.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert reverse("accounts:login") in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    refused = Client().post(
        reverse("engagement:poll", args=[poll.pk]), {"choice": "0"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 403
    assert not SurveyParticipation.objects.exists()


def test_a_member_votes_once_in_the_fragment_and_sees_the_results(tree, personas, article):
    poll = make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.student)
    url = reverse("engagement:poll", args=[poll.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="choice"' in form and "csrfmiddlewaretoken" in form
    voted = client.post(url, {"choice": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thank you for voting" in voted and "100%" in voted
    client.post(url, {"choice": "1"}, HTTP_HX_REQUEST="true")
    assert SurveyParticipation.objects.filter(survey=poll).count() == 1
    assert 'name="choice"' not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_an_empty_vote_is_refused_with_a_message(tree, personas, article):
    poll = make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.student)
    response = client.post(reverse("engagement:poll", args=[poll.pk]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Answer the question" in response.content.decode()


def test_a_poll_with_targets_is_only_for_them(tree, personas, notice):
    poll = make_survey(personas.secretary, tree.branch_a1, is_poll=True, attached_to=f"notice:{notice.pk}")
    question = add_question(personas.secretary, poll)
    poll = services.survey_open(actor=personas.secretary, survey=poll)
    with pytest.raises(PermissionDenied):  # an author outside the targets
        services.poll_vote(actor=personas.college_officer, poll=poll, choices=["0"])
    participation, created = services.poll_vote(actor=personas.student, poll=poll, choices=["1"])
    assert created and question.answers.get().choices == [1]
    assert participation.survey_id == poll.pk


def test_the_poll_page_works_without_javascript(tree, personas, article):
    poll = make_poll(personas, tree.branch_a1, f"article:{article.pk}")
    client = Client()
    client.force_login(personas.student)
    url = reverse("engagement:poll", args=[poll.pk])
    assert "<main" in client.get(url).content.decode()
    assert client.post(url, {"choice": "1"}).status_code == 302
    assert SurveyParticipation.objects.filter(survey=poll, person=personas.student).exists()


def test_the_panel_escapes_the_polls_title(tree, personas, article):
    make_poll(personas, tree.branch_a1, f"article:{article.pk}", title='<script>alert("x")</script>')
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = panels_surveys.render_article_polls(request, article)
    assert "<script>" not in html and "&lt;script&gt;" in html
