"""Study pages: who may open each (out of reach 404, in reach without the right 403, rightful 200),
what they show, and fixed query counts on the lists."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from learning.models import CourseRequirement, PublicationStatus
from learning.services_points import points_award
from learning.tests.factories import make_course, make_library_item, make_video_lesson

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404


def get(client, person, url):
    client.force_login(person)
    return client.get(url)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == OK
    return len(captured)


# --- Learner pages ----------------------------------------------------------------------------------

LEARNER_MATRIX = {
    "outsider": NOT_FOUND,
    "student": OK,
    "activist": OK,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "system_admin": OK,
}


@pytest.fixture
def college_course(tree, personas):
    course = make_course(tree.college_a, lessons=2)
    make_video_lesson(course, personas.college_officer)
    return course


@pytest.mark.parametrize(("persona", "expected"), LEARNER_MATRIX.items())
def test_a_college_course_and_its_lessons_open_to_the_colleges_members_only(
    client, personas, college_course, persona, expected
):
    person = getattr(personas, persona)
    lesson = college_course.lessons.first()
    video = college_course.lessons.last()
    for url in (
        reverse("learning:course", args=[college_course.pk]),
        reverse("learning:lesson", args=[lesson.pk]),
        reverse("learning:lesson_media", args=[video.pk]),
        reverse("learning:lesson_poster", args=[video.pk]),
    ):
        assert get(client, person, url).status_code == expected, url


@pytest.mark.parametrize(
    ("persona", "expected"),
    {"outsider": NOT_FOUND, "student": FORBIDDEN, "propaganda": FORBIDDEN, "college_officer": OK}.items(),
)
def test_a_draft_course_is_refused_to_learners_who_know_its_unit(client, tree, personas, persona, expected):
    draft = make_course(tree.college_a, status=PublicationStatus.DRAFT)
    assert (
        get(client, getattr(personas, persona), reverse("learning:course", args=[draft.pk])).status_code
        == expected
    )


@pytest.mark.parametrize(
    "url_name", ["learning:home", "learning:library", "learning:my_points", "learning:tracks"]
)
@pytest.mark.parametrize("persona", ["outsider", "student", "system_admin"])
def test_every_person_has_a_study_home_library_points_and_tracks(client, personas, url_name, persona):
    assert get(client, getattr(personas, persona), reverse(url_name)).status_code == OK


def test_the_study_home_lists_required_courses_first_with_their_due_dates(
    client, tree, personas, time_machine
):
    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    required = make_course(tree.university, title="必修党史")
    make_course(tree.college_a, title="推荐课程", is_recommended=True)
    make_course(tree.college_a, title="微课一则", is_micro=True)
    make_course(tree.college_b, title="乙学院课程")
    CourseRequirement.objects.create(course=required, unit=tree.branch_a1, due_on=date(2026, 12, 31))
    html = get(client, personas.student, reverse("learning:home")).content.decode()
    assert html.index("必修党史") < html.index("推荐课程") < html.index("微课一则")
    assert "2026-12-31" in html
    assert "乙学院课程" not in html


def test_a_requirement_for_other_party_statuses_does_not_apply(client, tree, personas):
    course = make_course(tree.college_a, title="预备党员必修")
    CourseRequirement.objects.create(course=course, unit=tree.branch_a1, party_statuses=["probationary"])
    response = get(client, personas.student, reverse("learning:home"))
    assert [card.course.pk for card in response.context["home"].required] == []
    assert [card.course.pk for card in response.context["home"].other] == [course.pk]


def test_the_study_home_takes_the_same_queries_whatever_the_number_of_courses(client, tree, personas):
    def add(count):
        for number in range(count):
            course = make_course(tree.college_a, title=f"课程{number}", lessons=2)
            CourseRequirement.objects.create(
                course=course, unit=tree.branch_a1, due_on=date(2030, 1, number + 1)
            )
            make_library_item(tree.college_a, personas.college_officer, title=f"书{number}")

    client.force_login(personas.student)
    add(1)
    few = queries_of(client, reverse("learning:home"))
    add(6)
    assert queries_of(client, reverse("learning:home")) == few


def test_the_course_page_takes_the_same_queries_whatever_the_number_of_lessons(client, tree, personas):
    client.force_login(personas.student)
    short = make_course(tree.college_a, lessons=1)
    long = make_course(tree.college_a, lessons=8)
    assert queries_of(client, reverse("learning:course", args=[long.pk])) == queries_of(
        client, reverse("learning:course", args=[short.pk])
    )


def test_opening_a_lesson_makes_it_the_one_to_resume(client, tree, personas):
    course = make_course(tree.college_a, lessons=3)
    third = course.lessons.order_by("order")[2]
    client.force_login(personas.student)
    client.get(reverse("learning:lesson", args=[third.pk]))
    response = client.get(reverse("learning:course", args=[course.pk]))
    assert response.context["resume_id"] == third.pk


def test_the_video_is_served_with_byte_ranges_for_seeking(client, tree, personas, college_course):
    video = college_course.lessons.last()
    client.force_login(personas.student)
    response = client.get(reverse("learning:lesson_media", args=[video.pk]), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 0-99/")
    assert response["Content-Type"] == "video/mp4"


def test_the_lesson_page_carries_the_heartbeat_script_and_resume_position(
    client, tree, personas, college_course
):
    video = college_course.lessons.last()
    html = get(client, personas.student, reverse("learning:lesson", args=[video.pk])).content.decode()
    assert "js/study.js" in html
    assert 'data-heartbeat-url="/api/v1/study/heartbeats"' in html
    assert 'data-resume="0"' in html
    assert "<video" in html and "poster=" in html


# --- Library ---------------------------------------------------------------------------------------------


def test_the_library_filters_by_category_and_tag(client, tree, personas):
    make_library_item(
        tree.college_a, personas.college_officer, title="资本论", category="经典著作", tags=",马克思,"
    )
    make_library_item(
        tree.college_a, personas.college_officer, title="二十大报告", category="文件", tags=",报告,"
    )
    client.force_login(personas.student)
    by_category = client.get(reverse("learning:library"), {"category": "文件"})
    by_tag = client.get(reverse("learning:library"), {"tag": "马克思"})
    assert [item.title for item in by_category.context["page"].object_list] == ["二十大报告"]
    assert [item.title for item in by_tag.context["page"].object_list] == ["资本论"]


def test_the_library_list_takes_the_same_queries_whatever_its_length(client, tree, personas):
    client.force_login(personas.student)
    make_library_item(tree.college_a, personas.college_officer)
    few = queries_of(client, reverse("learning:library"))
    for number in range(5):
        make_library_item(tree.college_a, personas.college_officer, title=f"书{number}")
    assert queries_of(client, reverse("learning:library")) == few


@pytest.mark.parametrize(("persona", "expected"), LEARNER_MATRIX.items())
def test_a_library_item_opens_to_the_members_below_its_unit(client, tree, personas, persona, expected):
    item = make_library_item(tree.college_a, personas.college_officer)
    person = getattr(personas, persona)
    assert get(client, person, reverse("learning:library_item", args=[item.pk])).status_code == expected
    assert get(client, person, reverse("learning:library_file", args=[item.pk])).status_code == expected


def test_opening_a_library_item_earns_reading_points_once_a_day(client, tree, personas):
    item = make_library_item(tree.college_a, personas.college_officer)
    client.force_login(personas.student)
    client.get(reverse("learning:library_item", args=[item.pk]))
    client.get(reverse("learning:library_item", args=[item.pk]))
    from learning.models import PointsEntry

    assert PointsEntry.objects.filter(person=personas.student, rule__code="reading").count() == 1


def test_a_favourite_is_marked_and_shown_with_htmx(client, tree, personas):
    item = make_library_item(tree.college_a, personas.college_officer)
    client.force_login(personas.student)
    response = client.post(
        reverse("learning:library_favourite", args=[item.pk]), {"favourite": "1"}, HTTP_HX_REQUEST="true"
    )
    assert 'aria-pressed="true"' in response.content.decode()
    favourites = client.get(reverse("learning:library"), {"favourites": "on"})
    assert [row.pk for row in favourites.context["page"].object_list] == [item.pk]


# --- My points, rankings, rules ---------------------------------------------------------------------------


def test_my_points_shows_today_per_rule_and_the_history_in_constant_queries(client, personas):
    client.force_login(personas.student)
    points_award(person=personas.student, rule_code="login", key="l1", reason="登录")
    few = queries_of(client, reverse("learning:my_points"))
    for number in range(5):
        points_award(person=personas.student, rule_code="comment", key=f"c{number}", reason="评论")
    response = client.get(reverse("learning:my_points"))
    assert queries_of(client, reverse("learning:my_points")) == few
    today = {row.rule.code: row.earned for row in response.context["today"]}
    assert (today["login"], today["comment"], response.context["total"]) == (1, 2, 3)


@pytest.mark.parametrize(
    ("persona", "expected"),
    {"outsider": NOT_FOUND, "student": OK, "propaganda": OK, "university_admin": OK}.items(),
)
def test_a_units_ranking_page_opens_to_its_members_and_managers(client, tree, personas, persona, expected):
    assert (
        get(
            client, getattr(personas, persona), reverse("learning:unit_ranking", args=[tree.college_a.pk])
        ).status_code
        == expected
    )


def test_a_ranking_shows_points_only_once_the_unit_turned_it_on(client, tree, personas):
    points_award(person=personas.activist, rule_code="login", key="l1", reason="登录")
    url = reverse("learning:unit_ranking", args=[tree.college_a.pk])
    assert "李积极" not in get(client, personas.student, url).content.decode()
    client.force_login(personas.secretary)
    assert client.post(url, {"enabled": "1"}).status_code == FORBIDDEN
    client.force_login(personas.university_admin)
    assert client.post(url, {"enabled": "1"}).status_code == 302
    html = get(client, personas.student, url).content.decode()
    assert "李积极" in html
    assert "秒" not in html and "seconds" not in html


@pytest.mark.parametrize(
    ("persona", "expected"),
    {
        "student": FORBIDDEN,
        "secretary": FORBIDDEN,
        "college_officer": FORBIDDEN,
        "university_admin": OK,
    }.items(),
)
def test_the_points_rules_page_is_for_the_organisation_department(client, personas, persona, expected):
    assert get(client, getattr(personas, persona), reverse("learning:points_rules")).status_code == expected


def test_the_organisation_department_edits_a_rules_daily_cap(client, personas):
    from learning.models import PointsRule

    rule = PointsRule.objects.get(code="reading")
    client.force_login(personas.university_admin)
    prefix = f"rule{rule.pk}"
    response = client.post(
        reverse("learning:points_rules"),
        {"rule": rule.pk, f"{prefix}-points": 2, f"{prefix}-daily_cap": 8, f"{prefix}-active": "on"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.points, rule.daily_cap) == (2, 8)


def test_a_bad_daily_cap_is_refused_naming_the_field(client, personas):
    from learning.models import PointsRule

    rule = PointsRule.objects.get(code="reading")
    client.force_login(personas.university_admin)
    prefix = f"rule{rule.pk}"
    response = client.post(
        reverse("learning:points_rules"), {"rule": rule.pk, f"{prefix}-points": 1, f"{prefix}-daily_cap": 0}
    )
    assert response.status_code == 400
    assert "daily_cap" in dict(response.context["rows"])[rule].errors


# --- Authors ------------------------------------------------------------------------------------------

AUTHOR_MATRIX = {
    "outsider": NOT_FOUND,
    "student": FORBIDDEN,
    "discipline": FORBIDDEN,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


@pytest.mark.parametrize(("persona", "expected"), AUTHOR_MATRIX.items())
def test_author_pages_of_a_branch_course_answer_each_persona(
    client, tree, personas, discipline, persona, expected
):
    person = discipline if persona == "discipline" else getattr(personas, persona)
    course = make_course(tree.branch_a1, lessons=1)
    for url in (
        reverse("learning:author_course", args=[course.pk]),
        reverse("learning:author_completion", args=[course.pk]),
        reverse("learning:author_lesson", args=[course.lessons.get().pk]),
    ):
        assert get(client, person, url).status_code == expected, url


@pytest.mark.parametrize(
    ("persona", "expected"), {"student": FORBIDDEN, "discipline": FORBIDDEN, "propaganda": OK}.items()
)
def test_the_authors_home_needs_the_right_somewhere(client, personas, discipline, persona, expected):
    person = discipline if persona == "discipline" else getattr(personas, persona)
    assert get(client, person, reverse("learning:author_home")).status_code == expected
    assert get(client, person, reverse("learning:author_library_new")).status_code == expected


def test_an_author_builds_publishes_and_requires_a_course_through_the_pages(
    client, tree, personas, time_machine
):
    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    client.force_login(personas.propaganda)
    created = client.post(
        reverse("learning:author_home"),
        {"unit": tree.branch_a1.pk, "title": "学习二十大", "summary": "<p>概要</p>"},
    )
    course_url = created["Location"]
    refused = client.post(course_url, {"action": "status", "status": "published"}, follow=True)
    assert "Add at least one lesson" in refused.content.decode() or "至少" in refused.content.decode()
    client.post(
        course_url,
        {"action": "lesson", "title": "第一课", "kind": "text", "body": "<p>内容</p><script>x</script>"},
    )
    client.post(course_url, {"action": "status", "status": "published"})
    client.post(course_url, {"action": "requirement", "unit": tree.branch_a1.pk, "due_on": "2026-12-31"})
    response = get(client, personas.student, reverse("learning:home"))
    [card] = response.context["home"].required
    assert (card.course.title, card.due_on) == ("学习二十大", date(2026, 12, 31))
    assert "<script>" not in card.course.lessons.get().body


def test_the_completion_page_lists_people_in_scope_in_constant_queries(client, tree, personas):
    course = make_course(tree.college_a, lessons=2)
    CourseRequirement.objects.create(course=course, unit=tree.college_a)
    client.force_login(personas.college_officer)
    url = reverse("learning:author_completion", args=[course.pk])
    few = queries_of(client, url)
    from orgs.tests.factories import make_person

    for number in range(5):
        make_person(tree.branch_a2, name=f"学生{number}")
    response = client.get(url)
    assert queries_of(client, url) == few
    names = {row.person.name for row in response.context["page"].object_list}
    assert {"张学生", "学生4"} <= names
    assert "周外人" not in names


def test_the_secretary_sees_only_their_branch_in_a_college_courses_completion(client, tree, personas):
    course = make_course(tree.branch_a1, lessons=1)
    CourseRequirement.objects.create(course=course, unit=tree.branch_a1)
    from orgs.tests.factories import make_person

    make_person(tree.branch_a2, name="甲二学生")
    response = get(client, personas.secretary, reverse("learning:author_completion", args=[course.pk]))
    names = {row.person.name for row in response.context["page"].object_list}
    assert "张学生" in names and "甲二学生" not in names


def test_services_are_refused_to_an_author_outside_the_unit(tree, personas):
    from django.http import Http404

    with pytest.raises(Http404):
        services.course_create(actor=personas.outsider, unit=tree.branch_a1, title="越权")


def test_the_home_page_has_a_study_tile_for_everyone(client, personas):
    html = get(client, personas.student, reverse("home")).content.decode()
    assert reverse("learning:home") in html


def test_the_authors_course_list_takes_the_same_queries_whatever_its_length(client, tree, personas):
    client.force_login(personas.college_officer)
    make_course(tree.college_a)
    few = queries_of(client, reverse("learning:author_home"))
    for number in range(5):
        make_course(tree.branch_a1, title=f"课{number}", lessons=2)
        make_library_item(tree.college_a, personas.college_officer, title=f"书{number}")
    assert queries_of(client, reverse("learning:author_home")) == few


def test_a_ranking_takes_the_same_queries_whatever_its_length(client, tree, personas):
    from orgs.tests.factories import make_person

    services.ranking_set(actor=personas.university_admin, unit=tree.college_a, enabled=True)
    points_award(person=personas.activist, rule_code="login", key="l0", reason="登录")
    url = reverse("learning:unit_ranking", args=[tree.college_a.pk])
    client.force_login(personas.student)
    few = queries_of(client, url)
    for number in range(5):
        person = make_person(tree.branch_a2, name=f"学生{number}")
        points_award(person=person, rule_code="login", key=f"l{number + 1}", reason="登录")
    assert queries_of(client, url) == few
    assert len(client.get(url).context["rows"]) == 6


# --- Training tracks (authors) ------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), AUTHOR_MATRIX.items())
def test_a_branch_tracks_page_answers_each_persona(client, tree, personas, discipline, persona, expected):
    person = discipline if persona == "discipline" else getattr(personas, persona)
    track = services.track_create(
        actor=personas.secretary, unit=tree.branch_a1, code="news", name="新闻写作", required_hours=8
    )
    assert get(client, person, reverse("learning:author_track", args=[track.pk])).status_code == expected


def test_an_author_sets_up_a_track_and_its_class_hours_through_the_pages(client, tree, personas):
    course = make_course(tree.branch_a1, title="新闻写作基础")
    client.force_login(personas.secretary)
    created = client.post(
        reverse("learning:author_tracks"),
        {"unit": tree.branch_a1.pk, "code": "news", "name": "新闻写作", "required_hours": 8},
    )
    assert created.status_code == 302
    response = client.post(created["Location"], {"course": course.pk, "class_hours": 8})
    assert response.status_code == 302
    from learning.models import Track

    track = Track.objects.get(code="news")
    assert list(track.track_courses.values_list("course__title", "class_hours")) == [("新闻写作基础", 8)]
    duplicate = client.post(
        reverse("learning:author_tracks"),
        {"unit": tree.branch_a1.pk, "code": "news", "name": "重复", "required_hours": 8},
    )
    assert duplicate.status_code == 400 and "code" in duplicate.context["form"].errors


def test_the_authors_track_list_takes_the_same_queries_whatever_its_length(client, tree, personas):
    client.force_login(personas.college_officer)
    services.track_create(
        actor=personas.college_officer, unit=tree.college_a, code="t0", name="班0", required_hours=8
    )
    few = queries_of(client, reverse("learning:author_tracks"))
    for number in range(1, 6):
        services.track_create(
            actor=personas.college_officer,
            unit=tree.branch_a1,
            code=f"t{number}",
            name=f"班{number}",
            required_hours=8,
        )
    assert queries_of(client, reverse("learning:author_tracks")) == few


# --- The remaining writes and files, by persona ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"), {"outsider": NOT_FOUND, "student": 302, "system_admin": 302}.items()
)
def test_marking_a_favourite_answers_by_reach(client, tree, personas, persona, expected):
    item = make_library_item(tree.college_a, personas.college_officer)
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("learning:library_favourite", args=[item.pk]), {"favourite": "1"})
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    {"outsider": NOT_FOUND, "student": FORBIDDEN, "discipline": FORBIDDEN, "college_officer": 302}.items(),
)
def test_publishing_a_library_item_answers_each_persona(
    client, tree, personas, discipline, persona, expected
):
    item = make_library_item(tree.college_a, personas.college_officer, status=PublicationStatus.DRAFT)
    client.force_login(discipline if persona == "discipline" else getattr(personas, persona))
    response = client.post(reverse("learning:author_library_status", args=[item.pk]), {"status": "published"})
    assert response.status_code == expected
    item.refresh_from_db()
    assert (item.status == PublicationStatus.PUBLISHED) == (expected == 302)


@pytest.mark.parametrize(
    ("persona", "expected"),
    {"outsider": NOT_FOUND, "student": FORBIDDEN, "discipline": FORBIDDEN, "secretary": OK}.items(),
)
def test_a_certificate_opens_to_its_holder_and_authors_over_their_branch(
    client, tree, personas, discipline, persona, expected
):
    from learning.models import Certificate, Track

    track = Track.objects.create(code="news", name="新闻写作", unit=tree.university, required_hours=8)
    certificate = Certificate.objects.create(person=personas.activist, track=track, class_hours=8)
    client.force_login(discipline if persona == "discipline" else getattr(personas, persona))
    assert client.get(reverse("learning:certificate_pdf", args=[certificate.pk])).status_code == expected
