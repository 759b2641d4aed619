"""The record page, its forms and the record API: who may read and write, locking, amendments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.tests import files
from orglife import services_record
from orglife.models import CheckIn, CheckInMethod, Meeting, MeetingStatus
from orglife.models_record import Amendment, FollowUpTask, MeetingMinutes, Resolution
from orglife.tests import factories_record
from orglife.tests.factories_record import client_for
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Fixtures shared by the check-in and record tests.
during = factories_record.during
media = factories_record.media
meeting = factories_record.meeting

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
READ_MATRIX = {
    "outsider": NOT_FOUND,
    "student": OK,  # invited
    "propaganda": OK,  # views the unit's meetings
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
WRITE_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": 302,
    "college_officer": 302,
    "system_admin": 302,
}


@pytest.mark.parametrize(("persona", "expected"), READ_MATRIX.items())
def test_the_record_page_answers_each_persona(personas, meeting, during, persona, expected):
    response = client_for(getattr(personas, persona)).get(reverse("orglife:record", args=[meeting.pk]))
    assert response.status_code == expected


def test_a_member_of_the_branch_who_is_not_invited_does_not_find_the_record(meeting, during, tree):
    stranger = make_person(tree.branch_a1, name="未受邀")
    assert client_for(stranger).get(reverse("orglife:record", args=[meeting.pk])).status_code == NOT_FOUND


@pytest.mark.parametrize(("persona", "expected"), WRITE_MATRIX.items())
@pytest.mark.parametrize(
    "form",
    ["minutes", "resolution_add", "resolution_remove", "task_add", "photo_add", "amendment_add", "close"],
)
def test_record_forms_answer_each_persona(personas, meeting, during, media, persona, expected, form):
    """Each form of the record page: 404 out of scope, 403 in scope without the right, done for organisers."""
    resolution = services_record.resolution_add(actor=personas.secretary, meeting=meeting, text="决议")
    requests = {
        "minutes": ("orglife:record_minutes", [meeting.pk], {"minutes": "<p>纪要</p>"}),
        "resolution_add": ("orglife:record_resolution_add", [meeting.pk], {"text": "决议一"}),
        "resolution_remove": ("orglife:record_resolution_remove", [meeting.pk, resolution.pk], {}),
        "task_add": (
            "orglife:record_task_add",
            [meeting.pk],
            {"title": "任务", "owner": personas.student.pk, "due_on": "2027-03-20"},
        ),
        "photo_add": ("orglife:record_photo_add", [meeting.pk], {"file": files.upload(files.png(), "p.png")}),
        "amendment_add": ("orglife:record_amendment_add", [meeting.pk], {"text": "更正"}),
        "close": ("orglife:record_close", [meeting.pk], {}),
    }
    url_name, args, data = requests[form]
    if form == "amendment_add":
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    client = client_for(getattr(personas, persona))
    response = client.post(reverse(url_name, args=args), data)
    assert response.status_code == expected
    if expected == 302:  # done: back on the record page with the confirmation
        assert response["Location"] == reverse("orglife:record", args=[meeting.pk])
        assert '<li class="success">' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "orglife:record",
        "orglife:checkin_screen",
        "orglife:attendance",
        "orglife:checkin_live",
        "orglife:checkin_meeting",
    ],
)
def test_pages_send_anonymous_visitors_to_the_login(meeting, during, url_name):
    response = client_for(None).get(reverse(url_name, args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_organiser_writes_the_record_through_the_page(personas, meeting, during, media):
    client = client_for(personas.secretary)
    record = reverse("orglife:record", args=[meeting.pk])
    page = client.get(record).content.decode()
    assert "data-richtext" in page
    client.post(reverse("orglife:record_minutes", args=[meeting.pk]), {"minutes": "<p>学习<b>党章</b></p>"})
    client.post(reverse("orglife:record_resolution_add", args=[meeting.pk]), {"text": "按时缴纳党费"})
    client.post(
        reverse("orglife:record_task_add", args=[meeting.pk]),
        {"title": "收集心得", "owner": personas.activist.pk, "due_on": "2027-03-20"},
    )
    client.post(
        reverse("orglife:record_photo_add", args=[meeting.pk]),
        {"title": "合影", "file": files.upload(files.png(), "photo.png")},
    )
    assert MeetingMinutes.objects.get().html == "<p>学习<b>党章</b></p>"
    assert Resolution.objects.get().text == "按时缴纳党费"
    assert FollowUpTask.objects.get().owner == personas.activist
    html = client_for(personas.student).get(record).content.decode()
    assert "<b>党章</b>" in html and "按时缴纳党费" in html and "收集心得" in html
    assert "/thumb/" in html
    assert "data-richtext" not in html  # readers get no forms


def test_a_bad_task_names_the_field(personas, meeting, during):
    response = client_for(personas.secretary).post(
        reverse("orglife:record_task_add", args=[meeting.pk]), {"title": "任务", "owner": personas.student.pk}
    )
    assert response.status_code == 400
    assert "Due on is required." in response.content.decode()


def test_after_closing_the_page_offers_amendments_and_refuses_edits(personas, meeting, during):
    client = client_for(personas.secretary)
    client.post(reverse("orglife:record_minutes", args=[meeting.pk]), {"minutes": "<p>原纪要</p>"})
    client.post(reverse("orglife:record_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    refused = client.post(reverse("orglife:record_minutes", args=[meeting.pk]), {"minutes": "<p>偷偷改</p>"})
    assert refused.status_code == 409
    assert "locked" in refused.content.decode()
    assert MeetingMinutes.objects.get().html == "<p>原纪要</p>"
    client.post(reverse("orglife:record_amendment_add", args=[meeting.pk]), {"text": "第三段应为“全体通过”"})
    page = client.get(reverse("orglife:record", args=[meeting.pk])).content.decode()
    assert "第三段应为“全体通过”" in page
    assert personas.secretary.name in page
    assert page.index("原纪要") < page.index("第三段应为")  # amendments are shown under the minutes
    assert Amendment.objects.count() == 1


def test_the_owner_marks_their_task_done_on_the_page(personas, meeting, during):
    task = services_record.task_add(
        actor=personas.secretary,
        meeting=meeting,
        title="写心得",
        owner_id=personas.student.pk,
        due_on=meeting.starts_at.date(),
    )
    response = client_for(personas.student).post(
        reverse("orglife:record_task_done", args=[meeting.pk, task.pk]), {"done": "1"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done
    other = client_for(personas.activist).post(
        reverse("orglife:record_task_done", args=[meeting.pk, task.pk]), {"done": "0"}
    )
    assert other.status_code == FORBIDDEN


API_MATRIX = {
    "outsider": NOT_FOUND,
    "student": OK,
    "propaganda": OK,
    "secretary": OK,
    "university_admin": OK,
}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_the_record_api_answers_each_persona(personas, meeting, during, persona, expected):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/meetings/{meeting.pk}/record")
    assert response.status_code == expected


def test_the_record_api_shows_the_locked_record_with_amendments(personas, meeting, during):
    services_record.minutes_save(actor=personas.secretary, meeting=meeting, html="<p>纪要</p>")
    services_record.resolution_add(actor=personas.secretary, meeting=meeting, text="决议")
    CheckIn.objects.create(meeting=meeting, person=personas.student, method=CheckInMethod.QR)
    services_record.meeting_close(actor=personas.secretary, meeting=meeting)
    services_record.amendment_add(actor=personas.secretary, meeting=meeting, text="更正一处")
    body = client_for(personas.student).get(f"/api/v1/meetings/{meeting.pk}/record").json()
    assert body["locked"] is True and body["status"] == "closed"
    assert body["minutes_html"] == "<p>纪要</p>"
    assert [r["text"] for r in body["resolutions"]] == ["决议"]
    assert body["amendments"][0]["author_name"] == personas.secretary.name
    assert body["counts"] == {"invited": 4, "present": 1, "on_leave": 0, "absent": 3}


def test_the_record_page_takes_a_fixed_number_of_queries(personas, meeting, during, media):
    client = client_for(personas.propaganda)
    url = reverse("orglife:record", args=[meeting.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(5):
        services_record.resolution_add(actor=personas.secretary, meeting=meeting, text=f"决议{index}")
        services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title=f"任务{index}",
            owner_id=personas.student.pk,
            due_on=meeting.starts_at.date() + timedelta(days=index),
        )
        services_record.photo_add(
            actor=personas.secretary,
            meeting=meeting,
            title=f"照片{index}",
            uploaded_file=files.upload(files.png(), "p.png"),
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
