"""The positions page: who sees it, who appoints and ends terms, and the person look-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Notification
from orgs.models import Position, PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def positions_url(unit) -> str:
    return reverse("orgs:positions", args=[unit.pk])


def appoint_data(person, code="study_member", **overrides):
    data = {
        "number": person.number,
        "position_type": PositionType.objects.get(code=code).pk,
        "start_date": "2026-09-01",
        "end_date": "",
        "note": "",
    }
    data.update(overrides)
    return data


def end_data(position, **overrides):
    data = {
        f"end-{position.pk}-end_date": timezone.localdate().isoformat(),
        f"end-{position.pk}-reason": "换届",
    }
    data.update({f"end-{position.pk}-{key}": value for key, value in overrides.items()})
    return data


@pytest.mark.parametrize(
    ("persona", "status", "form_shown"),
    [
        ("outsider", 404, False),
        ("student", 404, False),
        ("propaganda", 200, False),
        ("secretary", 200, True),
        ("college_officer", 200, True),
        ("university_admin", 200, True),
        ("system_admin", 200, True),
    ],
)
def test_the_positions_page_by_persona(client, tree, personas, persona, status, form_shown):
    client.force_login(getattr(personas, persona))
    response = client.get(positions_url(tree.branch_a1))
    assert response.status_code == status
    if status == 200:
        assert (response.context["appoint_form"] is not None) is form_shown
        assert "赵书记" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 404), ("propaganda", 403), ("secretary", 302), ("college_officer", 302)],
)
def test_appointing_by_persona(client, tree, personas, persona, status):
    client.force_login(getattr(personas, persona))
    response = client.post(positions_url(tree.branch_a1), appoint_data(personas.activist))
    assert response.status_code == status
    assert Position.objects.filter(person=personas.activist).exists() is (status == 302)


def test_an_appointment_notifies_and_shows_in_the_list(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        positions_url(tree.branch_a1), appoint_data(personas.activist, note="选举产生"), follow=True
    )
    html = response.content.decode()
    assert "李积极" in html and "选举产生" in html
    assert Notification.objects.filter(recipient=personas.activist).count() == 1
    assert AuditEvent.objects.filter(action="orgs.position.appoint").count() == 1


def test_position_types_offered_fit_the_unit(client, tree, personas):
    client.force_login(personas.college_officer)
    form = client.get(positions_url(tree.branch_a1)).context["appoint_form"]
    offered = {
        PositionType.objects.get(pk=pk).code for pk, _label in form.fields["position_type"].choices if pk
    }
    assert "secretary" in offered and "study_member" in offered
    assert "group_leader" not in offered and "committee_secretary" not in offered


def test_a_refused_appointment_explains_why(client, tree, personas):
    client.force_login(personas.college_officer)
    response = client.post(
        positions_url(tree.branch_a1),
        appoint_data(personas.activist, code="secretary"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["appoint_form"].non_field_errors()
    assert "at most 1" in errors[0]
    assert "at most 1" in response.content.decode()


def test_an_unknown_or_unreachable_number_is_a_field_error(client, tree, personas):
    stranger = make_person(tree.branch_b1)
    client.force_login(personas.secretary)
    for number in ("NOPE0000", stranger.number):
        response = client.post(positions_url(tree.branch_a1), appoint_data(stranger, number=number))
        assert "number" in response.context["appoint_form"].errors
    assert not Position.objects.filter(person=stranger, unit=tree.branch_a1).exists()


def test_an_end_before_the_start_is_shown_on_the_end_date(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        positions_url(tree.branch_a1),
        appoint_data(personas.activist, end_date="2026-08-01"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "end_date" in response.context["appoint_form"].errors


def test_ending_a_term(client, tree, personas):
    position = appoint(personas.activist, tree.branch_a1, "study_member")
    client.force_login(personas.secretary)
    response = client.post(reverse("orgs:position_end", args=[position.pk]), end_data(position))
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.end_date == timezone.localdate()
    assert position.ended_by == personas.secretary


def test_ended_terms_show_in_the_history_with_their_reason(client, tree, personas):
    position = appoint(personas.activist, tree.branch_a1, "study_member")
    client.force_login(personas.secretary)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    client.post(reverse("orgs:position_end", args=[position.pk]), end_data(position, end_date=yesterday))
    response = client.get(positions_url(tree.branch_a1))
    assert [row["position"].pk for row in response.context["past"]] == [position.pk]
    assert response.context["past"][0]["reason"] == "换届"
    assert "换届" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 404), ("propaganda", 403), ("college_officer", 302)],
)
def test_ending_by_persona(client, tree, personas, persona, status):
    position = personas.secretary.positions.get()
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("orgs:position_end", args=[position.pk]), end_data(position))
    assert response.status_code == status


def test_ending_is_post_only(client, tree, personas):
    position = personas.secretary.positions.get()
    client.force_login(personas.secretary)
    assert client.get(reverse("orgs:position_end", args=[position.pk])).status_code == 405


def test_an_end_before_the_start_is_shown_on_that_row(client, tree, personas):
    position = appoint(personas.activist, tree.branch_a1, "study_member", start=date(2026, 1, 1))
    client.force_login(personas.secretary)
    response = client.post(
        reverse("orgs:position_end", args=[position.pk]),
        end_data(position, end_date="2025-12-31"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    row = next(row for row in response.context["current"] if row["position"].pk == position.pk)
    assert "end_date" in row["end_form"].errors
    assert "<details open" in response.content.decode()
    position.refresh_from_db()
    assert position.end_date is None


def test_ending_an_ended_term_is_refused(client, tree, personas):
    position = appoint(personas.activist, tree.branch_a1, "study_member")
    position.end_date = timezone.localdate() - timedelta(days=2)
    position.save()
    client.force_login(personas.secretary)
    response = client.post(reverse("orgs:position_end", args=[position.pk]), end_data(position))
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="orgs.position.end").exists()


def test_the_look_up_names_the_person(client, tree, personas):
    client.force_login(personas.secretary)
    url = reverse("orgs:person_lookup", args=[tree.branch_a1.pk])
    html = client.get(url, {"number": personas.activist.number}).content.decode()
    assert "李积极" in html and "<html" not in html
    stranger = make_person(tree.branch_b1, name="外单位的人")
    html = client.get(url, {"number": stranger.number}).content.decode()
    assert "外单位的人" not in html


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("propaganda", 403), ("secretary", 200)])
def test_the_look_up_by_persona(client, tree, personas, persona, status):
    client.force_login(getattr(personas, persona))
    url = reverse("orgs:person_lookup", args=[tree.branch_a1.pk])
    assert client.get(url, {"number": personas.activist.number}).status_code == status


def test_the_positions_page_query_count_does_not_grow(client, tree, personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_terms():
        ended = appoint(make_person(tree.branch_a1), tree.branch_a1, "study_member")
        ended.end_date = date(2021, 1, 1)
        ended.save()
        appoint(make_person(tree.branch_a1), tree.branch_a1, "study_member")

    add_terms()
    client.force_login(personas.secretary)
    url = positions_url(tree.branch_a1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        add_terms()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
