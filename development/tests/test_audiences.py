"""A course required of a development batch (the audience kind "development.batch"): who sees it as
required, completion, the author's choices and refusals, and constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import FieldErrors
from development import audiences
from development.models import Batch, BatchKind, CaseStatus, DevelopmentCase
from learning import queries, services
from learning.models import CourseRequirement
from learning.tests.factories import make_course
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404


def make_batch(unit, name="2026年秋季发展对象") -> Batch:
    return Batch.objects.create(
        unit=unit, name=name, kind=BatchKind.TARGETS, semester="2026 autumn", opened_on=date(2026, 9, 1)
    )


def put_in(batch: Batch, person, status: str = CaseStatus.OPEN) -> DevelopmentCase:
    return DevelopmentCase.objects.create(
        person=person,
        branch=batch.unit,
        batch=batch,
        status=status,
        opened_on=date(2025, 3, 1),
        step_since=date(2025, 3, 1),
        closed_on=None if status == CaseStatus.OPEN else date(2025, 6, 1),
    )


def require_of(course, batch: Batch, **fields) -> CourseRequirement:
    return CourseRequirement.objects.create(
        course=course, audience_kind=audiences.CODE, audience_id=batch.pk, **fields
    )


@pytest.fixture
def discipline(tree):
    """The discipline member of A1: sees development cases, may not build courses."""
    person = make_person(tree.branch_a1, name="纪律委员", status=PartyStatus.FULL)
    appoint(person, tree.branch_a1, "discipline_member")
    return person


# --- The audience kind itself ---------------------------------------------------------------------


def test_a_batchs_people_are_the_persons_of_its_cases_still_in_the_procedure(tree, personas):
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    put_in(batch, personas.student, status=CaseStatus.WITHDRAWN)
    assert list(audiences.batch_people(batch.pk)) == [personas.activist.pk]
    assert list(audiences.batches_of(personas.activist.pk)) == [batch.pk]
    assert list(audiences.batches_of(personas.student.pk)) == []


def test_an_author_may_target_only_the_batches_of_units_where_they_see_cases(tree, personas):
    mine = make_batch(tree.branch_a1, name="甲一批次")
    theirs = make_batch(tree.branch_b1, name="乙一批次")
    assert [pk for pk, _label in audiences.batch_choices(personas.secretary)] == [mine.pk]
    assert [pk for pk, _label in audiences.batch_choices(personas.outsider)] == [theirs.pk]
    assert audiences.batch_choices(personas.student) == []
    assert audiences.batch_label(mine.pk).startswith("甲一批次")


# --- Readers: study home, due dates, completion ---------------------------------------------------


def test_a_batchs_people_see_the_course_as_required_and_others_do_not(client, tree, personas):
    course = make_course(tree.college_a, title="发展对象培训")
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    require_of(course, batch, due_on=date(2030, 6, 30))

    client.force_login(personas.activist)
    home = client.get(reverse("learning:home")).context["home"]
    assert [(card.course.pk, card.due_on) for card in home.required] == [(course.pk, date(2030, 6, 30))]

    client.force_login(personas.student)
    home = client.get(reverse("learning:home")).context["home"]
    assert home.required == []
    assert [card.course.pk for card in home.other] == [course.pk]


def test_the_api_gives_a_batch_member_the_due_date_of_the_batchs_requirement(client, tree, personas):
    course = make_course(tree.college_a)
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    require_of(course, batch, due_on=date(2030, 6, 30))
    CourseRequirement.objects.create(course=course, unit=tree.college_a, due_on=date(2030, 12, 31))
    assert queries.requirements_for(personas.activist) == {course.pk: date(2030, 6, 30)}
    assert queries.requirements_for(personas.student) == {course.pk: date(2030, 12, 31)}


def test_party_statuses_narrow_a_batch_requirement_too(tree, personas):
    course = make_course(tree.college_a)
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    put_in(batch, personas.student)
    require_of(course, batch, party_statuses=[PartyStatus.ACTIVIST])
    assert course.pk in queries.requirements_for(personas.activist)
    assert course.pk not in queries.requirements_for(personas.student)


def test_the_completion_page_counts_the_batchs_people(client, tree, personas):
    course = make_course(tree.college_a, lessons=2)
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    require_of(course, batch)
    client.force_login(personas.college_officer)
    response = client.get(reverse("learning:author_completion", args=[course.pk]))
    assert response.status_code == OK
    names = {row.person.name for row in response.context["page"].object_list}
    assert names == {personas.activist.name}


def test_requirements_for_a_person_take_one_query_whatever_their_batches(
    tree, personas, django_assert_num_queries
):
    batches = [make_batch(tree.branch_a1, name=f"批次{n}") for n in range(3)]
    for number, batch in enumerate(batches):
        # One open case per person: the earlier batches' cases are converted ones (still people).
        put_in(batch, personas.activist, status=CaseStatus.CONVERTED if number else CaseStatus.OPEN)
        require_of(make_course(tree.college_a, title=f"课程{number}"), batch)
    queries.requirements_for(personas.activist)  # reads and keeps the membership
    with django_assert_num_queries(1):
        assert len(queries.requirements_for(personas.activist)) == 3


def test_the_study_home_takes_the_same_queries_whatever_the_number_of_batch_requirements(
    client, tree, personas
):
    def add(count):
        for _number in range(count):
            batch = make_batch(tree.branch_a1, name=f"批次{Batch.objects.count()}")
            put_in(batch, personas.activist, status=CaseStatus.CONVERTED)
            require_of(make_course(tree.college_a, lessons=2), batch, due_on=date(2030, 1, 1))

    def queries_of_home():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("learning:home")).status_code == OK
        return len(captured)

    client.force_login(personas.activist)
    add(1)
    few = queries_of_home()
    add(5)
    assert queries_of_home() == few
    assert len(client.get(reverse("learning:home")).context["home"].required) == 6


def test_the_author_page_takes_the_same_queries_whatever_the_number_of_batch_requirements(
    client, tree, personas
):
    course = make_course(tree.branch_a1)
    client.force_login(personas.secretary)
    url = reverse("learning:author_course", args=[course.pk])

    def queries_of_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == OK
        return len(captured)

    require_of(course, make_batch(tree.branch_a1, name="批次甲"))
    few = queries_of_page()
    for number in range(4):
        require_of(course, make_batch(tree.branch_a1, name=f"批次{number}"))
    assert queries_of_page() == few
    assert "批次3" in client.get(url).content.decode()


# --- Authoring ------------------------------------------------------------------------------------


def test_the_author_requires_a_course_of_a_batch_through_the_page(client, tree, personas, time_machine):
    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    course = make_course(tree.branch_a1)
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    client.force_login(personas.secretary)
    url = reverse("learning:author_course", args=[course.pk])
    assert f"development.batch:{batch.pk}" in client.get(url).content.decode()
    response = client.post(
        url, {"action": "requirement", "audience": f"development.batch:{batch.pk}", "due_on": "2026-12-31"}
    )
    assert response.status_code == REDIRECT
    requirement = course.requirements.get()
    assert (requirement.unit, requirement.audience_kind, requirement.audience_id) == (
        None,
        "development.batch",
        batch.pk,
    )
    assert queries.requirements_for(personas.activist) == {course.pk: date(2026, 12, 31)}
    # Posted again (a retried form), it replaces the same requirement.
    client.post(url, {"action": "requirement", "audience": f"development.batch:{batch.pk}"})
    assert course.requirements.get().due_on is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "unit"),
        ({"unit": "UNIT", "audience": "BATCH"}, "audience"),
        ({"audience": "OTHER_BATCH"}, "audience"),
    ],
    ids=["neither", "both", "a batch outside the authors scope"],
)
def test_the_requirement_form_names_the_field_when_the_choice_is_wrong(client, tree, personas, data, field):
    course = make_course(tree.branch_a1)
    batch, other = make_batch(tree.branch_a1), make_batch(tree.branch_b1)
    values = {"UNIT": tree.branch_a1.pk, "BATCH": f"development.batch:{batch.pk}"}
    values["OTHER_BATCH"] = f"development.batch:{other.pk}"
    client.force_login(personas.secretary)
    response = client.post(
        reverse("learning:author_course", args=[course.pk]),
        {"action": "requirement", **{key: values[value] for key, value in data.items()}},
    )
    assert response.status_code == BAD
    assert response.context["requirement_form"].errors[field]
    assert not course.requirements.exists()


def test_the_service_refuses_a_batch_outside_the_authors_scope_or_of_an_unknown_kind(tree, personas):
    course = make_course(tree.branch_a1)
    other = make_batch(tree.branch_b1)
    with pytest.raises(FieldErrors) as refused:
        services.requirement_set(
            actor=personas.secretary, course=course, audience_kind=audiences.CODE, audience_id=other.pk
        )
    assert "audience" in refused.value.fields
    with pytest.raises(FieldErrors) as unknown:
        services.requirement_set(
            actor=personas.secretary, course=course, audience_kind="nobody.kind", audience_id=1
        )
    assert "audience" in unknown.value.fields
    assert not course.requirements.exists()


AUTHOR_MATRIX = {
    "outsider": NOT_FOUND,
    "student": FORBIDDEN,
    "discipline": FORBIDDEN,
    "secretary": REDIRECT,
    "college_officer": REDIRECT,
}


@pytest.mark.parametrize(("persona", "expected"), AUTHOR_MATRIX.items())
def test_requiring_a_course_of_a_batch_answers_each_persona(
    client, tree, personas, discipline, persona, expected
):
    course = make_course(tree.branch_a1)
    batch = make_batch(tree.branch_a1)
    person = discipline if persona == "discipline" else getattr(personas, persona)
    client.force_login(person)
    response = client.post(
        reverse("learning:author_course", args=[course.pk]),
        {"action": "requirement", "audience": f"development.batch:{batch.pk}"},
    )
    assert response.status_code == expected
    assert course.requirements.exists() == (expected == REDIRECT)


def test_removing_a_batch_requirement_stops_requiring_the_course(client, tree, personas):
    course = make_course(tree.branch_a1)
    batch = make_batch(tree.branch_a1)
    put_in(batch, personas.activist)
    requirement = require_of(course, batch)
    client.force_login(personas.secretary)
    client.post(
        reverse("learning:author_course", args=[course.pk]),
        {"action": "remove_requirement", "requirement": requirement.pk},
    )
    assert queries.requirements_for(personas.activist) == {}


def test_an_author_with_no_batch_to_target_is_not_offered_an_empty_list_of_groups(client, tree, personas):
    course = make_course(tree.branch_a1)
    make_batch(tree.branch_b1)
    client.force_login(personas.secretary)
    response = client.get(reverse("learning:author_course", args=[course.pk]))
    assert "audience" not in response.context["requirement_form"].fields
    assert 'name="audience"' not in response.content.decode()
