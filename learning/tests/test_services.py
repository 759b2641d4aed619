"""Authoring services (courses, lessons with media, requirements, library), tracks with class hours and
certificates, and the points managers' services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from archive.models import Document
from archive.tests import files
from core.errors import DomainError, FieldErrors
from learning import queries, services
from learning.models import Certificate, LessonKind, PointsRule, PublicationStatus
from learning.services_study import lesson_heartbeat, lesson_quiz_passed
from learning.tests.factories import make_course

pytestmark = pytest.mark.django_db


def test_a_video_lesson_stores_its_file_and_poster_in_the_archive_with_the_learning_purpose(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="视频课程")
    lesson = services.lesson_create(
        actor=personas.secretary,
        course=course,
        title="开篇",
        kind=LessonKind.VIDEO,
        length_seconds=754,
        media_file=files.upload(files.mp4(), "intro.mp4"),
        poster_file=files.upload(files.png(), "poster.png"),
    )
    assert lesson.media.purpose == "learning" and lesson.media.unit == tree.branch_a1
    assert lesson.poster.current_version.is_image
    assert lesson.length_seconds == 754


def test_a_video_lesson_needs_its_real_length(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="视频课程")
    with pytest.raises(FieldErrors) as refused:
        services.lesson_create(
            actor=personas.secretary,
            course=course,
            title="开篇",
            kind=LessonKind.VIDEO,
            media_file=files.upload(files.mp4(), "intro.mp4"),
        )
    assert "length_seconds" in refused.value.fields


def test_a_video_lessons_length_is_read_from_its_file_whatever_was_typed(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="视频课程")
    lesson = services.lesson_create(
        actor=personas.secretary,
        course=course,
        title="开篇",
        kind=LessonKind.VIDEO,
        length_seconds=3600,  # an author's guess, longer than the video plays
        media_file=files.upload(files.mp4_playing(754.2), "intro.mp4"),
    )
    assert (lesson.length_seconds, lesson.length_from_file) == (755, True)
    assert lesson.media.current_version.size > 0  # the file was stored whole after being read

    edited = services.lesson_update(
        actor=personas.secretary, lesson=lesson, title="开篇", body="", length_seconds=9999, quiz=None
    )
    assert edited.length_seconds == 755  # the file's length cannot be typed over


def test_a_video_whose_length_cannot_be_read_takes_the_typed_one(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="视频课程")
    lesson = services.lesson_create(
        actor=personas.secretary,
        course=course,
        title="开篇",
        kind=LessonKind.VIDEO,
        length_seconds=300,
        media_file=files.upload(files.webm(), "intro.webm"),
    )
    assert (lesson.length_seconds, lesson.length_from_file) == (300, False)


def test_a_file_of_the_wrong_type_is_refused_on_the_media_field_and_nothing_is_kept(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="视频课程")
    with pytest.raises(FieldErrors) as refused:
        services.lesson_create(
            actor=personas.secretary,
            course=course,
            title="开篇",
            kind=LessonKind.VIDEO,
            length_seconds=60,
            media_file=files.upload(files.pdf(), "not-a-video.mp4"),
        )
    assert "media_file" in refused.value.fields
    assert not course.lessons.exists()
    assert not Document.objects.filter(purpose="learning").exists()


def test_a_text_lesson_is_sanitised_and_its_length_estimated_from_its_words(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="文字课程")
    lesson = services.lesson_create(
        actor=personas.secretary,
        course=course,
        title="党章",
        kind=LessonKind.TEXT,
        body='<p onclick="x()">' + "字" * 800 + "</p><script>alert(1)</script>",
    )
    assert "onclick" not in lesson.body and "script" not in lesson.body
    assert lesson.length_seconds == 120  # 800 characters at 400 a minute


def test_a_course_is_published_only_with_a_lesson_and_archived_ones_go_back_to_draft_first(tree, personas):
    course = services.course_create(actor=personas.secretary, unit=tree.branch_a1, title="空课程")
    with pytest.raises(DomainError) as refused:
        services.course_set_status(
            actor=personas.secretary, course=course, status=PublicationStatus.PUBLISHED
        )
    assert refused.value.code == "course_without_lessons"
    services.lesson_create(
        actor=personas.secretary, course=course, title="一", kind="text", body="<p>内容</p>"
    )
    services.course_set_status(actor=personas.secretary, course=course, status=PublicationStatus.ARCHIVED)
    with pytest.raises(DomainError):
        services.course_set_status(
            actor=personas.secretary, course=course, status=PublicationStatus.PUBLISHED
        )


def test_the_discipline_member_in_scope_is_forbidden_and_the_outsider_not_found(tree, personas, discipline):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=discipline, unit=tree.branch_a1, title="无权")
    with pytest.raises(Http404):
        services.course_create(actor=personas.outsider, unit=tree.branch_a1, title="越权")


def test_a_requirement_must_name_a_unit_in_the_authors_scope_inside_the_course_unit(tree, personas):
    course = make_course(tree.college_a)
    with pytest.raises(FieldErrors) as outside_scope:
        services.requirement_set(actor=personas.college_officer, course=course, unit=tree.branch_b1)
    branch_course = make_course(tree.branch_a1)
    with pytest.raises(FieldErrors) as outside_course:
        services.requirement_set(actor=personas.college_officer, course=branch_course, unit=tree.branch_a2)
    assert "unit" in outside_scope.value.fields and "unit" in outside_course.value.fields


def test_a_requirement_refuses_a_due_date_in_the_past_and_unknown_statuses(tree, personas, time_machine):
    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    course = make_course(tree.college_a)
    with pytest.raises(FieldErrors) as past:
        services.requirement_set(
            actor=personas.college_officer, course=course, unit=tree.branch_a1, due_on=date(2026, 1, 1)
        )
    with pytest.raises(FieldErrors) as unknown:
        services.requirement_set(
            actor=personas.college_officer, course=course, unit=tree.branch_a1, party_statuses=["x"]
        )
    assert "due_on" in past.value.fields and "party_statuses" in unknown.value.fields


def test_setting_a_requirement_again_replaces_it(tree, personas, time_machine):
    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    course = make_course(tree.college_a)
    services.requirement_set(
        actor=personas.college_officer, course=course, unit=tree.branch_a1, due_on=date(2026, 12, 1)
    )
    services.requirement_set(
        actor=personas.college_officer,
        course=course,
        unit=tree.branch_a1,
        due_on=date(2026, 12, 31),
        party_statuses=["activist"],
    )
    [requirement] = course.requirements.all()
    assert (requirement.due_on, requirement.party_statuses) == (date(2026, 12, 31), ["activist"])
    assert queries.requirements_for(personas.activist) == {course.pk: date(2026, 12, 31)}
    assert queries.requirements_for(personas.student) == {}


def test_library_tags_are_normalised_and_only_pdfs_accepted(tree, personas):
    item = services.library_item_create(
        actor=personas.college_officer,
        unit=tree.college_a,
        title="习近平谈治国理政",
        category="理论",
        tags="新时代， 治国理政,新时代",
        uploaded_file=files.upload(files.pdf(), "book.pdf"),
    )
    assert item.tag_list == ["新时代", "治国理政"]
    with pytest.raises(FieldErrors) as refused:
        services.library_item_create(
            actor=personas.college_officer,
            unit=tree.college_a,
            title="视频",
            category="理论",
            uploaded_file=files.upload(files.mp4(), "v.mp4"),
        )
    assert "uploaded_file" in refused.value.fields


def test_course_media_follow_the_lessons_reach_in_the_archives_own_download(client, tree, personas):
    course = services.course_create(actor=personas.college_officer, unit=tree.college_a, title="视频课程")
    lesson = services.lesson_create(
        actor=personas.college_officer,
        course=course,
        title="开篇",
        kind=LessonKind.DOCUMENT,
        media_file=files.upload(files.pdf(), "doc.pdf"),
    )
    url = reverse("archive:download", args=[lesson.media.public_id])
    client.force_login(personas.student)
    assert client.get(url).status_code in (403, 404)  # a draft course: not yet open to learners
    services.course_set_status(
        actor=personas.college_officer, course=course, status=PublicationStatus.PUBLISHED
    )
    assert client.get(url).status_code == 200
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


# --- Tracks -------------------------------------------------------------------------------------------

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def study_through(person, lesson, start=T0):
    lesson_heartbeat(person=person, lesson=lesson, tab="t", visible=True, at=start)
    for step in range(1, lesson.length_seconds // 15 + 2):
        lesson_heartbeat(
            person=person, lesson=lesson, tab="t", visible=True, at=start + timedelta(seconds=15 * step)
        )


@pytest.fixture
def intensive(tree, personas):
    track = services.track_create(
        actor=personas.university_admin,
        unit=tree.university,
        code="intensive",
        name="发展对象集中培训",
        required_hours=24,
    )
    first = make_course(tree.university, title="党的基本理论", length=30)
    second = make_course(tree.university, title="党的纪律", length=30)
    services.track_course_add(actor=personas.university_admin, track=track, course=first, class_hours=16)
    services.track_course_add(actor=personas.university_admin, track=track, course=second, class_hours=8)
    return track, first, second


def test_training_hours_count_the_completed_courses_of_the_track(personas, intensive):
    track, first, _second = intensive
    assert queries.training_hours(personas.activist, "intensive").hours == 0
    study_through(personas.activist, first.lessons.get())
    hours = queries.training_hours(personas.activist, "intensive")
    assert (hours.hours, hours.required_hours, hours.completed) == (16, 24, False)
    assert hours.url == reverse("learning:track_record", args=[track.pk, personas.activist.pk])
    assert queries.training_hours(personas.activist, "no-such-track") is None


def test_completing_the_track_issues_one_certificate_with_its_hours(client, personas, intensive):
    track, first, second = intensive
    study_through(personas.activist, first.lessons.get())
    study_through(personas.activist, second.lessons.get(), start=T0 + timedelta(hours=1))
    certificate = Certificate.objects.get(person=personas.activist, track=track)
    assert certificate.class_hours == 24
    assert queries.training_hours(personas.activist, "intensive").completed
    client.force_login(personas.activist)
    response = client.get(reverse("learning:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("persona", "expected"),
    {
        "outsider": 404,
        "student": 403,
        "discipline": 403,
        "activist": 200,
        "secretary": 200,
        "college_officer": 200,
    }.items(),
)
def test_a_persons_track_record_opens_to_them_and_to_authors_over_their_branch(
    client, personas, discipline, intensive, persona, expected
):
    track, _first, _second = intensive
    client.force_login(discipline if persona == "discipline" else getattr(personas, persona))
    url = reverse("learning:track_record", args=[track.pk, personas.activist.pk])
    assert client.get(url).status_code == expected


def test_the_quiz_hook_passes_a_lesson_without_a_quiz(tree, personas):
    lesson = make_course(tree.college_a).lessons.get()
    assert lesson_quiz_passed(personas.student, lesson) is True


# --- Points managers ------------------------------------------------------------------------------------


def test_only_the_organisation_department_changes_a_points_rule(personas):
    rule = PointsRule.objects.get(code="video_time")
    with pytest.raises(PermissionDenied):
        services.points_rule_update(
            actor=personas.secretary, rule=rule, points=1, daily_cap=9, unit_seconds=180, active=True
        )
    updated = services.points_rule_update(
        actor=personas.university_admin, rule=rule, points=1, daily_cap=9, unit_seconds=120, active=True
    )
    assert (updated.daily_cap, updated.unit_seconds) == (9, 120)


def test_rankings_are_turned_on_only_with_the_right_over_the_unit(tree, personas):
    with pytest.raises(PermissionDenied):
        services.ranking_set(actor=personas.secretary, unit=tree.branch_a1, enabled=True)
    services.ranking_set(actor=personas.university_admin, unit=tree.branch_a1, enabled=True)
    assert queries.rankings_enabled(tree.branch_a1)
    assert list(queries.ranking_units(personas.student)) == [tree.branch_a1]


def test_a_study_member_without_the_upload_right_is_told_so_on_the_file_field(tree, personas):
    from orgs.models import PartyStatus
    from orgs.tests.factories import appoint, make_person

    study_member = make_person(tree.branch_a1, name="学习委员", status=PartyStatus.FULL)
    appoint(study_member, tree.branch_a1, "study_member")
    course = services.course_create(actor=study_member, unit=tree.branch_a1, title="学习委员的课")
    services.lesson_create(actor=study_member, course=course, title="图文", kind="text", body="<p>内容</p>")
    with pytest.raises(FieldErrors) as refused:
        services.lesson_create(
            actor=study_member,
            course=course,
            title="视频",
            kind=LessonKind.VIDEO,
            length_seconds=60,
            media_file=files.upload(files.mp4(), "v.mp4"),
        )
    assert refused.value.fields["media_file"] == [str(services.UPLOAD_REFUSED)]
