"""The anonymity bar: after a person with a distinctive name answers an anonymous survey, no page, API
response, .xlsx export, admin view or moderation page shows their name or number to the author, the
college officer or the superuser — while the same pages of a named survey do (so the search works)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from engagement import services_surveys as services
from engagement.models.surveys import SurveyParticipation
from engagement.tests.factories_surveys import answers, opened
from moderation import services_lexicon
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

NAME = "欧阳独秀峰"
NUMBER = "ZX99887766"


def _text_of(response: Any) -> str:
    """Everything a reader of the response sees: the HTML or JSON, or every cell of a workbook."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return response.content.decode()


def _pages(survey: Any, tree: Any) -> list[str]:
    pages = [
        reverse("engagement:unit_surveys", args=[tree.branch_a1.pk]),
        reverse("engagement:unit_surveys", args=[tree.college_a.pk]),
        reverse("engagement:survey_builder", args=[survey.pk]),
        reverse("engagement:survey_edit", args=[survey.pk]),
        reverse("engagement:survey_results", args=[survey.pk]),
        reverse("engagement:survey_export", args=[survey.pk]),
        reverse("engagement:survey_answer", args=[survey.pk]),
        f"/api/v1/surveys/{survey.pk}",
        f"/api/v1/surveys/{survey.pk}/results",
        f"/api/v1/surveys/{survey.pk}/export",
        "/api/v1/me/surveys",
        reverse("moderation:queue", args=[tree.branch_a1.pk]),
        reverse("moderation:index"),
        "/admin/",
        "/admin/engagement/survey/",
        f"/admin/engagement/survey/{survey.pk}/change/",
        "/admin/core/auditevent/",
    ]
    return pages


@pytest.fixture
def respondent(tree):
    return make_person(tree.branch_a1, name=NAME, number=NUMBER, status=PartyStatus.ACTIVIST)


def _answer(tree, personas, respondent, *, anonymous: bool, django_capture_on_commit_callbacks) -> Any:
    services_lexicon.lexicon_entry_create(
        actor=personas.university_admin, term="罢课", category="other", action="hold", unit=None
    )
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=anonymous)
    for person in (personas.student, respondent, personas.propaganda):
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(
                actor=person,
                survey=survey,
                answers=answers(
                    q, single=["2"], why=["1"], rating=["2"], short=["食堂太贵"], long=["有人说要罢课"]
                ),
            )
    return survey


def _found(client: Client, url: str) -> tuple[int, bool]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = _text_of(response) if response.status_code == 200 else ""
    return response.status_code, NAME in text or NUMBER in text


@pytest.mark.parametrize("viewer", ["secretary", "college_officer", "system_admin", "university_admin"])
def test_no_page_reveals_who_answered_an_anonymous_survey(
    tree, personas, respondent, viewer, django_capture_on_commit_callbacks
):
    survey = _answer(
        tree,
        personas,
        respondent,
        anonymous=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    client = Client()
    client.force_login(getattr(personas, viewer))
    seen = 0
    for url in _pages(survey, tree):
        status, found = _found(client, url)
        assert not found, f"{url} shows the respondent to {viewer}"
        seen += status == 200
    assert seen >= 8  # the viewer really opened the pages, not a row of 404s
    # The moderation item of the held answer names no author.
    item_pages = [f"/moderation/items/{pk}/" for pk in _moderation_item_ids()]
    assert item_pages
    for url in item_pages:
        assert not _found(client, url)[1]


def _moderation_item_ids() -> list[int]:
    from moderation.models import ModerationItem  # read only to find the item pages to open

    return list(
        ModerationItem.objects.filter(subject__startswith=services.SUBJECT_PREFIX).values_list(
            "pk", flat=True
        )
    )


def test_the_same_search_finds_the_name_when_the_survey_is_not_anonymous(
    tree, personas, respondent, django_capture_on_commit_callbacks
):
    survey = _answer(
        tree,
        personas,
        respondent,
        anonymous=False,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    client = Client()
    client.force_login(personas.secretary)
    assert _found(client, reverse("engagement:survey_export", args=[survey.pk])) == (200, True)


def test_participation_is_known_but_not_linked_to_the_answers(
    tree, personas, respondent, django_capture_on_commit_callbacks
):
    survey = _answer(
        tree,
        personas,
        respondent,
        anonymous=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    participation = SurveyParticipation.objects.get(survey=survey, person=respondent)
    assert participation.response_id is None
    assert not hasattr(participation, "answered_at")
    # Nothing in the response rows refers back: no person, no date, random keys.
    rows = list(survey.responses.values())
    assert all(
        set(row) == {"id", "survey_id", "submitted_on"} and row["submitted_on"] is None for row in rows
    )
    assert json.dumps([str(row["id"]) for row in rows]).count("-") == 4 * len(rows)
