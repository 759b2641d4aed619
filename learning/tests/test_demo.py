"""The demo university's study material (learning/demo.py), loaded by seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from learning import queries
from learning.models import Course, Lesson
from orgs.models import Membership

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_a_demo_student_finds_a_required_course_and_the_intensive_track(client):
    seed()
    member = Membership.objects.select_related("person").first()
    home = queries.study_home(member.person)
    assert len(home.required) == 1 and home.required[0].due_on is not None
    assert home.recommended and home.micro
    hours = queries.training_hours(member.person, "intensive")
    assert (hours.hours, hours.required_hours) == (0, 24)
    client.force_login(member.person)
    assert client.get(reverse("learning:home")).status_code == 200


def test_loading_the_demo_again_creates_nothing():
    seed()
    counts = (Course.objects.count(), Lesson.objects.count())
    seed()
    assert (Course.objects.count(), Lesson.objects.count()) == counts
