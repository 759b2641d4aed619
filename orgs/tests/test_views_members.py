"""The member list: who may open it, search and filters, masking, htmx fragment, query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import PartyStatus, PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def members_url(unit, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("orgs:members", args=[unit.pk])
    return f"{url}?{urlencode(query)}" if query else url


def listed(response) -> list[str]:
    return [row["membership"].person.name for row in response.context["results"]]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 200),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_member_list_by_persona(client, tree, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(members_url(tree.branch_a1)).status_code == status


def test_the_member_list_needs_the_members_right_within_scope(client, tree, personas):
    PositionType.objects.create(code="viewer", name="只看单位", capabilities=["orgs.view_unit"])
    viewer = make_person(tree.branch_a1)
    appoint(viewer, tree.branch_a1, "viewer")
    client.force_login(viewer)
    assert client.get(members_url(tree.branch_a1)).status_code == 403


def test_a_college_sees_every_branch_below_it(client, tree, personas):
    make_person(tree.branch_a2, name="甲二成员")
    make_person(tree.branch_b1, name="乙一成员")
    client.force_login(personas.college_officer)
    names = listed(client.get(members_url(tree.college_a)))
    assert "甲二成员" in names and "张学生" in names
    assert "乙一成员" not in names


def test_search_by_name_or_number_prefix(client, tree, personas):
    client.force_login(personas.secretary)
    assert listed(client.get(members_url(tree.branch_a1, q="积极"))) == ["李积极"]
    number = personas.activist.number
    assert listed(client.get(members_url(tree.branch_a1, q=number[:-1]))) != []
    assert "李积极" in listed(client.get(members_url(tree.branch_a1, q=number)))
    assert listed(client.get(members_url(tree.branch_a1, q=number[1:]))) == []  # a prefix, not "contains"


def test_filters_by_status_grade_and_group(client, tree, personas):
    make_person(tree.branch_a1, name="老同学", grade=2021, status=PartyStatus.FULL)
    client.force_login(personas.secretary)
    assert listed(client.get(members_url(tree.branch_a1, status="activist"))) == ["李积极"]
    assert listed(client.get(members_url(tree.branch_a1, grade=2021))) == ["老同学"]
    assert listed(client.get(members_url(tree.branch_a1, group=tree.group_a1.pk))) == ["张学生"]
    full = set(listed(client.get(members_url(tree.branch_a1, status="full", grade=2021))))
    assert full == {"老同学"}


def test_group_choices_are_the_party_groups_inside_the_unit(client, tree, personas):
    client.force_login(personas.secretary)
    form = client.get(members_url(tree.branch_a1)).context["form"]
    assert [value for value, _label in form.fields["group"].choices if value] == [tree.group_a1.pk]


def test_bad_filter_values_are_ignored_not_errors(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.get(
        members_url(tree.branch_a1, status="bogus", grade="abc", group=tree.branch_b1.pk, page="x")
    )
    assert response.status_code == 200
    assert len(listed(response)) == 4


def test_pages_of_25(client, tree, personas):
    for index in range(30):
        make_person(tree.branch_a2, name=f"成员{index:02d}")
    client.force_login(personas.college_officer)
    first = client.get(members_url(tree.branch_a2))
    assert len(listed(first)) == 25
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(members_url(tree.branch_a2, page=2))
    assert len(listed(second)) == 5
    html = first.content.decode()
    assert 'rel="next"' in html and "page=2" in html


def test_paging_keeps_the_filters(client, tree, personas):
    for index in range(30):
        make_person(tree.branch_a2, name=f"成员{index:02d}", grade=2022)
    client.force_login(personas.college_officer)
    html = client.get(members_url(tree.branch_a2, grade=2022)).content.decode()
    assert "grade=2022&amp;page=2" in html


def test_the_query_count_does_not_grow_with_the_rows(client, tree, personas, django_assert_num_queries):
    for _index in range(5):
        make_person(tree.branch_a2, status=PartyStatus.FULL, phone=f"1380000{_index:04d}")
    client.force_login(personas.college_officer)
    url = members_url(tree.branch_a2)
    client.get(url)  # warm up whatever is computed once per process
    with CaptureQueriesContext(connection) as five:
        assert len(listed(client.get(url))) == 5
    for index in range(35):
        make_person(tree.branch_a2, status=PartyStatus.FULL, phone=f"1390000{index:04d}", group=None)
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get(url)
    assert len(listed(response)) == 25
    assert response.context["page"].paginator.count == 40


def test_phones_are_masked_without_the_personal_data_right(client, tree, personas):
    personas.activist.phone = "13812345678"
    personas.activist.save()
    client.force_login(personas.propaganda)
    html = client.get(members_url(tree.branch_a1)).content.decode()
    assert "13812345678" not in html
    assert "138****5678" in html
    client.force_login(personas.secretary)
    assert "13812345678" in client.get(members_url(tree.branch_a1)).content.decode()


def test_rows_are_cards_on_a_phone(client, tree, personas):
    client.force_login(personas.secretary)
    html = client.get(members_url(tree.branch_a1)).content.decode()
    assert 'class="list members"' in html
    assert html.count("<td data-label=") + html.count('<td class="primary-cell" data-label=') == 4 * 7


def test_htmx_gets_only_the_results_fragment(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.get(members_url(tree.branch_a1, q="积极"), HTTP_HX_REQUEST="true")
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<div id="results">')
    assert "<html" not in html and "<form" not in html
    assert "李积极" in html and "张学生" not in html
    assert "HX-Request" in response["Vary"]


def test_the_full_page_also_varies_on_htmx_and_works_without_it(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.get(members_url(tree.branch_a1, q="积极"))
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert "<html" in html and 'method="get"' in html
    assert 'hx-get="' in html and 'hx-target="#results"' in html and 'hx-push-url="true"' in html


def test_a_history_restore_gets_the_whole_page(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.get(
        members_url(tree.branch_a1), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_a_party_groups_members_are_found_through_their_group(client, tree, personas):
    client.force_login(personas.secretary)
    assert listed(client.get(members_url(tree.group_a1))) == ["张学生"]


def test_the_export_link_carries_the_filters_on_screen(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.get(
        reverse("orgs:members", args=[tree.branch_a1.pk]), {"status": "applicant", "q": "张"}
    )
    body = response.content.decode()
    assert f"{reverse('roster:export')}?unit={tree.branch_a1.pk}&amp;q=%E5%BC%A0&amp;status=applicant" in body


def test_the_export_link_is_absent_without_the_right(client, tree, personas):
    client.force_login(personas.propaganda)
    body = client.get(reverse("orgs:members", args=[tree.branch_a1.pk])).content.decode()
    assert reverse("roster:export") not in body
