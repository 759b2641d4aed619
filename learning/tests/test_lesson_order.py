"""Authors reorder and remove lessons; a lesson someone has studied stays."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learning.models import Lesson, LessonProgress
from learning.tests.factories import make_course

pytestmark = pytest.mark.django_db


def titles(course) -> list[str]:
    return list(course.lessons.order_by("order", "id").values_list("title", flat=True))


def post(client, person, course, action, lesson):
    client.force_login(person)
    return client.post(
        reverse("learning:author_course", args=[course.pk]), {"action": action, "lesson": lesson.pk}
    )


def test_an_author_moves_lessons_up_and_down(client, tree, personas):
    course = make_course(tree.branch_a1, title="课", lessons=3)
    first, _second, third = course.lessons.order_by("order")

    assert post(client, personas.propaganda, course, "lesson_up", third).status_code == 302
    assert titles(course) == ["课 第1课", "课 第3课", "课 第2课"]
    post(client, personas.propaganda, course, "lesson_down", first)
    assert titles(course) == ["课 第3课", "课 第1课", "课 第2课"]
    post(client, personas.propaganda, course, "lesson_up", third)  # already first: nothing moves
    assert titles(course) == ["课 第3课", "课 第1课", "课 第2课"]
    assert list(course.lessons.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_a_lesson_nobody_studied_is_removed_and_a_studied_one_stays(client, tree, personas):
    course = make_course(tree.branch_a1, title="课", lessons=2)
    first, second = course.lessons.order_by("order")
    LessonProgress.objects.create(person=personas.student, lesson=first, credited_seconds=60)

    refused = post(client, personas.propaganda, course, "remove_lesson", first)
    assert refused.status_code == 200
    assert "studied already" in refused.content.decode() or "已有人学习" in refused.content.decode()
    assert Lesson.objects.filter(pk=first.pk).exists()

    assert post(client, personas.propaganda, course, "remove_lesson", second).status_code == 302
    assert titles(course) == ["课 第1课"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 403), ("propaganda", 302), ("college_officer", 302)],
)
def test_moving_and_removing_need_the_authors_right_over_the_course(client, tree, personas, persona, status):
    course = make_course(tree.branch_a1, title="课", lessons=2)
    first, second = course.lessons.order_by("order")
    assert post(client, getattr(personas, persona), course, "lesson_down", first).status_code == status
    assert post(client, getattr(personas, persona), course, "remove_lesson", second).status_code == status
    assert course.lessons.count() == (1 if status == 302 else 2)


def test_a_lesson_of_another_course_is_not_found(client, tree, personas):
    course = make_course(tree.branch_a1, title="课", lessons=1)
    other = make_course(tree.branch_a1, title="别的课", lessons=1)
    response = post(client, personas.propaganda, course, "remove_lesson", other.lessons.get())
    assert response.status_code == 404


def test_the_edit_page_of_a_lesson_timed_by_its_file_offers_no_length_field(client, tree, personas):
    from archive.tests import files
    from learning import services

    course = make_course(tree.branch_a1, title="课", lessons=0)
    lesson = services.lesson_create(
        actor=personas.secretary,
        course=course,
        title="视频",
        kind="video",
        media_file=files.upload(files.mp4_playing(90), "v.mp4"),
    )
    client.force_login(personas.secretary)
    url = reverse("learning:author_lesson", args=[lesson.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="length_seconds"' not in page and "read from the file" in page

    saved = client.post(url, {"title": "新标题", "body": ""})
    assert saved.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.length_seconds) == ("新标题", 90)
