"""Step 11 shows the class hours of the intensive-training track, read from the study app."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from development import steps
from development.models import DevelopmentConfig
from development.tests import helpers
from learning.models import Certificate, Enrolment, Track, TrackCourse
from learning.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def track(tree):
    """The intensive training: two courses of 16 and 8 class hours, 24 needed."""
    track = Track.objects.create(
        code="intensive", name="发展对象集中培训", unit=tree.university, required_hours=24
    )
    for title, hours in (("党的基本理论", 16), ("党的纪律", 8)):
        TrackCourse.objects.create(
            track=track, course=make_course(tree.university, title=title), class_hours=hours
        )
    return track


def complete(person, track, *, courses: int) -> None:
    for link in track.track_courses.order_by("id")[:courses]:
        Enrolment.objects.create(person=person, course=link.course, completed_at=timezone.now())
    if courses == track.track_courses.count():
        Certificate.objects.create(person=person, track=track, class_hours=track.required_hours)


@pytest.fixture(autouse=True)
def english(personas):
    """The secretary reads the pages in English (the translations are checked elsewhere)."""
    personas.secretary.language = "en"
    personas.secretary.save(update_fields=["language"])


@pytest.fixture
def target_case(tree, personas, clock):
    return helpers.new_case_at(personas, tree.branch_a1, steps.TRAINING)


def training_part(html: str) -> str:
    start = html.index('id="step-11"')
    return html[start : html.index("</li>", start)]


def test_the_case_page_shows_the_completed_track_hours_with_a_link_to_the_record(
    client, personas, track, target_case
):
    complete(target_case.person, track, courses=2)
    client.force_login(personas.secretary)
    part = training_part(client.get(reverse("development:case", args=[target_case.pk])).content.decode())
    assert "training complete" in part
    assert "24 of 24 class hours" in part
    assert reverse("learning:track_record", args=[track.pk, target_case.person_id]) in part


def test_the_case_page_shows_the_hours_done_and_not_complete_before_the_track_is_finished(
    client, personas, track, target_case
):
    complete(target_case.person, track, courses=1)
    client.force_login(personas.secretary)
    part = training_part(client.get(reverse("development:case", args=[target_case.pk])).content.decode())
    assert "training not complete" in part
    assert "16 of 24 class hours" in part


def test_the_link_on_the_case_page_opens_the_persons_track_record_for_the_secretary(
    client, personas, track, target_case
):
    complete(target_case.person, track, courses=2)
    client.force_login(personas.secretary)
    response = client.get(reverse("learning:track_record", args=[track.pk, target_case.person_id]))
    assert response.status_code == 200
    assert target_case.person.name in response.content.decode()


def test_the_track_code_is_local_configuration_of_the_university(client, tree, personas, track, target_case):
    complete(target_case.person, track, courses=2)
    DevelopmentConfig.objects.create(
        root_unit=tree.university, parameters={"intensive_training_track": "other"}
    )
    client.force_login(personas.secretary)
    html = client.get(reverse("development:case", args=[target_case.pk])).content.decode()
    assert "class hours" not in training_part(html)
    Track.objects.create(code="other", name="另一培训班", unit=tree.university, required_hours=30)
    part = training_part(client.get(reverse("development:case", args=[target_case.pk])).content.decode())
    assert "另一培训班: 0 of 30 class hours" in part


def test_an_activist_case_shows_no_training_hours(client, tree, personas, track, clock):
    case = helpers.new_case_at(personas, tree.branch_a1, steps.TARGET_CONFIRMATION)
    client.force_login(personas.secretary)
    assert "class hours" not in training_part(
        client.get(reverse("development:case", args=[case.pk])).content.decode()
    )


def test_the_dossier_shows_the_track_hours_at_step_11(client, personas, track, target_case):
    complete(target_case.person, track, courses=1)
    client.force_login(personas.secretary)
    html = client.get(reverse("dossier:case", args=[target_case.pk])).content.decode()
    assert "16 of 24 class hours" in html
    assert reverse("learning:track_record", args=[track.pk, target_case.person_id]) in html


def test_the_training_hours_cost_the_case_page_three_queries_whatever_the_courses(
    client, personas, track, target_case
):
    url = reverse("development:case", args=[target_case.pk])
    client.force_login(personas.secretary)
    client.get(url)
    with CaptureQueriesContext(connection) as two_courses:
        client.get(url)
    for title in ("三", "四", "五"):
        TrackCourse.objects.create(track=track, course=make_course(track.unit, title=title), class_hours=2)
    complete(target_case.person, track, courses=5)
    with CaptureQueriesContext(connection) as five_courses:
        client.get(url)
    TrackCourse.objects.all().delete()
    Certificate.objects.all().delete()
    track.delete()
    with CaptureQueriesContext(connection) as no_track:
        client.get(url)
    assert len(two_courses) == len(five_courses) == len(no_track) + 2


@pytest.mark.parametrize("value", ["", "has space", 24, "x" * 51])
def test_a_track_code_that_is_not_a_short_code_is_refused_naming_the_parameter(value):
    from development.config import parameter_problems

    assert list(parameter_problems({"intensive_training_track": value})) == ["intensive_training_track"]


def test_a_valid_track_code_is_kept_in_the_local_rules():
    from development.config import local_rules, parameter_problems

    assert parameter_problems({"intensive_training_track": "dev-2026_A"}) == {}
    assert local_rules({"intensive_training_track": "dev-2026_A"}).intensive_training_track == "dev-2026_A"


def test_a_secretary_reading_in_chinese_sees_the_hours_in_chinese(client, personas, track, target_case):
    personas.secretary.language = "zh-hans"
    personas.secretary.save(update_fields=["language"])
    complete(target_case.person, track, courses=1)
    client.force_login(personas.secretary)
    part = training_part(client.get(reverse("development:case", args=[target_case.pk])).content.decode())
    assert "培训未结业" in part and "已完成 16 学时，需 24 学时" in part
