"""The study API: catalogue, course, lesson, heartbeat, progress, library, my points — each as outsider,
learner and author, and with fixed query counts on the lists."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.models import CourseRequirement, PublicationStatus
from learning.services_points import points_award
from learning.tests.factories import make_course, make_library_item, make_video_lesson

pytestmark = pytest.mark.django_db

API = "/api/v1/study"


def api_get(client, person, path, **params):
    client.force_login(person)
    return client.get(f"{API}{path}", params)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}{path}")
    assert response.status_code == 200
    return len(captured)


def test_the_api_needs_a_login(client):
    assert client.get(f"{API}/catalogue").status_code == 401


def test_the_catalogue_lists_required_courses_with_their_due_date(client, tree, personas):
    course = make_course(tree.college_a, title="必修课")
    make_course(tree.college_a, title="微课", is_micro=True)
    CourseRequirement.objects.create(course=course, unit=tree.college_a, due_on=date(2030, 1, 1))
    body = api_get(client, personas.student, "/catalogue").json()
    assert [(row["title"], row["due_on"]) for row in body["required"]] == [("必修课", "2030-01-01")]
    assert [row["title"] for row in body["micro"]] == ["微课"]


def test_the_catalogue_takes_the_same_queries_whatever_the_number_of_courses(client, tree, personas):
    client.force_login(personas.student)
    make_course(tree.college_a)
    few = count_queries(client, "/catalogue")
    for number in range(6):
        course = make_course(tree.college_a, title=f"课{number}", lessons=3)
        CourseRequirement.objects.create(course=course, unit=tree.branch_a1)
        make_library_item(tree.college_a, personas.college_officer, title=f"书{number}")
    assert count_queries(client, "/catalogue") == few


@pytest.mark.parametrize(
    ("persona", "expected"), {"outsider": 404, "student": 200, "college_officer": 200}.items()
)
def test_a_course_and_its_lesson_answer_by_reach(client, tree, personas, persona, expected):
    course = make_course(tree.college_a, lessons=2)
    person = getattr(personas, persona)
    assert api_get(client, person, f"/courses/{course.pk}").status_code == expected
    assert api_get(client, person, f"/lessons/{course.lessons.first().pk}").status_code == expected


def test_a_draft_course_is_forbidden_to_a_learner(client, tree, personas):
    draft = make_course(tree.college_a, status=PublicationStatus.DRAFT)
    response = api_get(client, personas.student, f"/courses/{draft.pk}")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_a_video_lesson_gives_its_media_and_poster_urls_and_resume_position(client, tree, personas):
    course = make_course(tree.college_a, lessons=0)
    video = make_video_lesson(course, personas.college_officer, length=900)
    body = api_get(client, personas.student, f"/lessons/{video.pk}").json()
    assert body["media_url"] == f"/study/lessons/{video.pk}/media/"
    assert body["poster_url"] == f"/study/lessons/{video.pk}/poster/"
    assert (body["media_type"], body["length_seconds"], body["progress"]["needed_seconds"]) == (
        "video/mp4",
        900,
        720,
    )


def test_heartbeats_through_the_api_credit_real_time_only(client, tree, personas, time_machine):
    lesson = make_course(tree.college_a, length=600).lessons.get()
    client.force_login(personas.student)
    time_machine.move_to("2026-11-27 10:00:00+08:00", tick=False)
    first = client.post(
        f"{API}/heartbeats", {"lesson_id": lesson.pk, "tab": "t1"}, content_type="application/json"
    )
    time_machine.move_to("2026-11-27 10:00:15+08:00", tick=False)
    second = client.post(
        f"{API}/heartbeats",
        {"lesson_id": lesson.pk, "tab": "t1", "position": 300},
        content_type="application/json",
    )
    assert first.json()["outcome"] == "started"
    assert (second.json()["credited_seconds"], second.json()["position"]) == (15, 300)
    progress = api_get(client, personas.student, "/progress").json()
    assert [row["id"] for row in progress] == [lesson.course_id]


def test_a_heartbeat_naming_no_content_is_refused(client, personas):
    client.force_login(personas.student)
    response = client.post(f"{API}/heartbeats", {"tab": "t1"}, content_type="application/json")
    assert response.status_code == 400


def test_a_heartbeat_for_a_course_out_of_reach_is_not_found(client, tree, personas):
    lesson = make_course(tree.college_a).lessons.get()
    client.force_login(personas.outsider)
    response = client.post(
        f"{API}/heartbeats", {"lesson_id": lesson.pk, "tab": "t"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_library_lists_in_constant_queries(client, tree, personas):
    client.force_login(personas.student)
    make_library_item(tree.college_a, personas.college_officer)
    few = count_queries(client, "/library")
    for number in range(5):
        make_library_item(tree.college_a, personas.college_officer, title=f"书{number}", tags=",党史,")
    assert count_queries(client, "/library") == few
    body = api_get(client, personas.student, "/library", tag="党史").json()
    assert body["count"] == 5


def test_my_points_gives_today_per_rule_and_the_ledger_in_constant_queries(client, personas):
    for number in range(3):
        points_award(person=personas.student, rule_code="comment", key=f"c{number}", reason="评论")
    body = api_get(client, personas.student, "/points").json()
    today = {row["code"]: (row["earned"], row["daily_cap"]) for row in body["today"]}
    assert (body["total"], today["comment"]) == (2, (2, 2))
    few = count_queries(client, "/points/history")
    for number in range(4):
        points_award(person=personas.student, rule_code="login", key=f"l{number}", reason="登录")
    assert count_queries(client, "/points/history") == few
    history = api_get(client, personas.student, "/points/history").json()
    assert history["count"] == 7
    assert {row["rule"] for row in history["items"]} == {"comment", "login"}


def test_my_progress_lists_started_courses_in_constant_queries(client, tree, personas):
    from learning.services_study import lesson_open

    client.force_login(personas.student)
    lesson_open(person=personas.student, lesson=make_course(tree.college_a).lessons.get())
    few = count_queries(client, "/progress")
    for number in range(5):
        lesson_open(
            person=personas.student, lesson=make_course(tree.college_a, title=f"课{number}").lessons.get()
        )
    assert count_queries(client, "/progress") == few
    assert len(api_get(client, personas.student, "/progress").json()) == 6
