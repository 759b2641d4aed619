"""The demo university's surveys (engagement/demo_surveys.py), loaded by seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from engagement.demo_surveys import PERSONA_BRANCH, SECRETARY_NUMBER, load_demo_surveys
from engagement.models.surveys import Survey, SurveyStatus

pytestmark = pytest.mark.django_db


def test_the_demo_branch_has_surveys_with_answers_and_a_poll_and_loading_again_adds_nothing(client):
    call_command("seed_demo", stdout=StringIO())
    surveys = Survey.objects.filter(unit__code=PERSONA_BRANCH)
    satisfaction = surveys.get(title="本学期支部组织生活满意度调查")
    assert satisfaction.is_anonymous and satisfaction.status == SurveyStatus.OPEN
    assert satisfaction.responses.count() >= 3
    assert surveys.filter(status=SurveyStatus.CLOSED).exists()
    assert surveys.filter(is_poll=True).exclude(attached_to="").exists()
    assert load_demo_surveys() == {}
    client.force_login(User.objects.get(number=SECRETARY_NUMBER))
    page = client.get(reverse("engagement:survey_results", args=[satisfaction.pk]))
    assert page.status_code == 200
    assert "你对本学期支部组织生活总体满意吗？" in page.content.decode()
