"""The development pages: who may open each (out of scope 404, without the right 403, rightful 200),
the sections and unit link, and fixed query counts on the lists."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from development import services_batches
from development.models import BatchKind
from development.tests import helpers

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# Every committee page of branch A1, as each persona sees it.
UNIT_PAGES = ("development:cases", "development:due", "development:batches")
MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "activist": NOT_FOUND,
    "propaganda": OK,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}


@pytest.fixture
def a1_case(tree, personas, clock):
    return helpers.new_case_at(personas, tree.branch_a1, 3)


@pytest.fixture
def a1_batch(tree, personas, clock):
    return services_batches.batch_open(
        actor=personas.secretary,
        unit=tree.branch_a1,
        name="2026 春季发展对象",
        kind=BatchKind.TARGETS,
        semester="2026 春",
    )


@pytest.mark.parametrize("url_name", UNIT_PAGES)
@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_unit_pages_answer_each_persona_by_scope_and_right(
    client, tree, personas, url_name, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse(url_name, args=[tree.branch_a1.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_the_case_page_answers_each_persona_by_scope_and_right(client, personas, a1_case, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("development:case", args=[a1_case.pk]))
    assert response.status_code == expected
    if expected == OK:
        assert a1_case.person.name in response.content.decode()


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_the_batch_page_answers_each_persona_by_scope_and_right(
    client, personas, a1_batch, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("development:batch", args=[a1_batch.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    {**MATRIX, "propaganda": FORBIDDEN}.items(),
)
def test_recording_a_paper_application_needs_the_right_to_record_steps_or_exceptions(
    client, tree, personas, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("development:case_new", args=[tree.branch_a1.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", NOT_FOUND), ("student", NOT_FOUND), ("propaganda", FORBIDDEN)],
)
def test_recording_a_step_through_the_page_needs_the_right(client, personas, a1_case, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("development:case", args=[a1_case.pk]),
        {"step_number": "3", "step-date": "2024-12-05", "step-method": "party_members"},
    )
    assert response.status_code == expected
    a1_case.refresh_from_db()
    assert a1_case.current_step == 3


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", NOT_FOUND), ("propaganda", FORBIDDEN), ("secretary", 302), ("college_officer", 302)],
)
def test_opening_a_batch_needs_an_organiser(client, tree, personas, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("development:batches", args=[tree.branch_a1.pk]),
        {
            "batch-name": "2026 秋季积极分子",
            "batch-kind": "activists",
            "batch-semester": "2026 秋",
            "batch-opened_on": "2026-09-01",
        },
    )
    assert response.status_code == expected


def test_a_student_sees_their_own_case_on_their_page_and_never_another(client, tree, personas, clock):
    for person in (personas.student, personas.activist):
        person.birth_date = date(2004, 1, 1)
        person.save(update_fields=["birth_date"])
    own = helpers.open_case(personas, personas.student)
    other = helpers.open_case(personas, personas.activist)
    client.force_login(personas.student)
    page = client.get(reverse("development:my_case"))
    assert page.status_code == 200
    assert page.context["case"] == own
    assert client.get(reverse("development:case", args=[own.pk])).url == reverse("development:my_case")
    assert client.get(reverse("development:case", args=[other.pk])).status_code == NOT_FOUND


def test_my_application_needs_a_login(client):
    response = client.get(reverse("development:my_case"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_timeline_is_an_ordered_list_with_the_current_step_marked(client, personas, a1_case):
    client.force_login(personas.secretary)
    html = client.get(reverse("development:case", args=[a1_case.pk])).content.decode()
    assert '<ol class="timeline dev-timeline"' in html
    assert html.count('aria-current="step"') == 1
    assert 'class="dev-step state-current" aria-current="step" id="step-3"' in html


def test_the_person_lookup_names_only_people_within_reach(client, tree, personas):
    url = reverse("development:person_lookup", args=[tree.branch_a1.pk])
    client.force_login(personas.secretary)
    found = client.get(url, {"number": personas.propaganda.number}).content.decode()
    assert personas.propaganda.name in found
    hidden = client.get(url, {"number": personas.outsider.number}).content.decode()
    assert personas.outsider.name not in hidden
    client.force_login(personas.outsider)
    assert client.get(url, {"number": personas.secretary.number}).status_code == NOT_FOUND


# --- Sections and the unit link -------------------------------------------------------------------------


def test_home_offers_my_application_to_everyone_and_development_to_committees(client, tree, personas):
    client.force_login(personas.student)
    sections = [s["code"] for s in client.get(reverse("home")).context["sections"]]
    assert "development.my_case" in sections and "development.cases" not in sections
    client.force_login(personas.college_officer)
    sections = [s["code"] for s in client.get(reverse("home")).context["sections"]]
    assert "development.cases" in sections


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("college_officer", "college_a"), ("secretary", "branch_a1"), ("university_admin", "university")],
)
def test_development_leads_to_the_topmost_unit_where_the_person_sees_cases(
    client, tree, personas, persona, unit
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("development:index"))
    assert response.url == reverse("development:cases", args=[getattr(tree, unit).pk])


def test_the_unit_card_links_to_the_cases_for_those_who_see_them(client, tree, personas):
    client.force_login(personas.secretary)
    html = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).content.decode()
    assert reverse("development:cases", args=[tree.branch_a1.pk]) in html


# --- Lists keep a fixed number of queries ----------------------------------------------------------------


def _make_cases(tree, count: int) -> None:
    steps_ = (2, 4, 6, 9, 13, 16, 17, 21, 24)
    for index in range(count):
        helpers.case_row(
            tree.branch_a1 if index % 2 else tree.branch_a2,
            steps_[index % len(steps_)],
            date(2025, 1, 1 + index % 27),
            activist_on=date(2025, 6, 1),
            probation_start=date(2026, 1, 1),
            probation_end=date(2027, 1, 1),
        )


@pytest.mark.parametrize("url_name", ["development:cases", "development:due"])
def test_the_lists_take_the_same_number_of_queries_for_5_and_30_cases(
    client, tree, personas, clock, url_name, django_assert_num_queries
):
    client.force_login(personas.college_officer)
    url = reverse(url_name, args=[tree.college_a.pk])
    _make_cases(tree, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _make_cases(tree, 25)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "development:cases":
        assert response.context["page"].paginator.count == 30
        assert len(response.context["results"]) == 30
    else:
        assert len(response.context["overdue"]) + len(response.context["due_soon"]) > 5


def test_the_cases_list_filters_by_stage_and_search_and_answers_htmx_with_the_results_only(
    client, tree, personas, clock
):
    early = helpers.case_row(tree.branch_a1, 2, date(2026, 5, 1))
    late = helpers.case_row(tree.branch_a1, 9, date(2024, 5, 1))
    client.force_login(personas.secretary)
    url = reverse("development:cases", args=[tree.branch_a1.pk])
    assert [r["case"] for r in client.get(url, {"stage": 3}).context["results"]] == [late]
    assert [r["case"] for r in client.get(url, {"q": early.person.name}).context["results"]] == [early]
    fragment = client.get(url, {"stage": 1}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html
    assert early.person.name in html and late.person.name not in html


def test_the_cases_list_marks_overdue_cases(client, tree, personas, clock):
    clock.set(date(2026, 6, 1))
    overdue = helpers.case_row(tree.branch_a1, 2, date(2026, 4, 1))
    client.force_login(personas.secretary)
    response = client.get(reverse("development:cases", args=[tree.branch_a1.pk]))
    row = next(r for r in response.context["results"] if r["case"] == overdue)
    assert [d.code for d in row["overdue"]] == ["talk"]
    assert "badge bad" in response.content.decode()


def test_the_due_view_lists_overdue_worst_first_with_links_to_the_cases(client, tree, personas, clock):
    clock.set(date(2026, 6, 1))
    older = helpers.case_row(tree.branch_a1, 2, date(2026, 3, 1))
    newer = helpers.case_row(tree.branch_a2, 2, date(2026, 4, 20))
    client.force_login(personas.college_officer)
    response = client.get(reverse("development:due", args=[tree.college_a.pk]))
    assert [row["item"].case for row in response.context["overdue"]] == [older, newer]
    html = response.content.decode()
    assert reverse("development:case", args=[older.pk]) in html
