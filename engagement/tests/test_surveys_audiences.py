"""Surveys that ask an audience registered in ``core.audiences`` (e.g. a batch of development targets)."""

from __future__ import annotations

import pytest
from django.db.models import Value
from django.urls import reverse

from accounts.models import User
from core import audiences
from core.audiences import AudienceKind
from core.errors import FieldErrors
from engagement import queries_surveys as queries
from engagement import services_surveys as services
from engagement.services_surveys import TargetIn
from engagement.tests.factories_surveys import add_question, make_survey
from orgs.models import PartyStatus
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

TEAM = ("李积极", "甲二队员")


@pytest.fixture
def team_kind():
    kind = AudienceKind(
        code="test.team",
        label="Team",
        people=lambda audience_id: User.objects.filter(name__in=TEAM).values_list("pk", flat=True),
        audiences_of=lambda person_id: (
            User.objects.filter(pk=person_id, name__in=TEAM)
            .annotate(one=Value(1))
            .values_list("one", flat=True)
        ),
        choices_for=lambda user: [(1, "积极分子培训班")] if user.is_authenticated else [],
        label_of=lambda audience_id: "积极分子培训班",
    )
    audiences.register_audience_kind(kind)
    yield kind
    audiences.unregister_audience_kind(kind.code)


def test_a_survey_asks_the_people_of_an_audience(client, tree, personas, team_kind):
    member = make_person(tree.branch_a2, name="甲二队员", status=PartyStatus.ACTIVIST)
    survey = make_survey(
        personas.college_officer, tree.college_a, targets=[TargetIn(None, False, "test.team", 1)]
    )
    add_question(personas.college_officer, survey)
    survey = services.survey_open(actor=personas.college_officer, survey=survey)
    assert set(queries.asked_people(survey)) == {personas.activist, member}
    assert [s.pk for s in queries.my_surveys(member)] == [survey.pk]
    assert queries.my_surveys(personas.student) == []
    services.response_submit(actor=member, survey=survey, answers={f"q{survey.questions.get().pk}": ["0"]})
    client.force_login(personas.college_officer)
    page = client.get(reverse("engagement:survey_builder", args=[survey.pk])).content.decode()
    assert "Team: 积极分子培训班" in page


def test_an_audience_must_be_one_the_author_may_ask(tree, personas, team_kind):
    with pytest.raises(FieldErrors) as error:
        make_survey(personas.secretary, tree.branch_a1, targets=[TargetIn(None, False, "test.team", 2)])
    assert "audiences" in error.value.fields


def test_the_form_offers_the_audiences(client, tree, personas, team_kind):
    client.force_login(personas.secretary)
    url = reverse("engagement:survey_new", args=[tree.branch_a1.pk])
    assert "积极分子培训班" in client.get(url).content.decode()
    response = client.post(url, {"title": "培训班反馈", "audiences": ["test.team:1"]})
    assert response.status_code == 302
    survey = services.Survey.objects.get(title="培训班反馈")
    assert [(t.unit_id, t.audience_kind, t.audience_id) for t in survey.targets.all()] == [
        (None, "test.team", 1)
    ]
