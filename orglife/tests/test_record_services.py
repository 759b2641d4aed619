"""Writing the record: sanitised minutes, resolutions, tasks, photos; closing locks it; amendments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from archive.models import Document
from archive.permissions import can_read_document
from archive.tests import files
from core.errors import DomainError, FieldErrors
from core.models import AuditEvent, Notification
from orglife import services_record
from orglife.models import MeetingStatus
from orglife.models_record import Amendment, FollowUpTask, MeetingMinutes, MeetingPhoto, Resolution
from orglife.tests import factories_record
from orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

# Fixtures shared by the check-in and record tests.
during = factories_record.during
media = factories_record.media
meeting = factories_record.meeting


def close(personas, meeting):
    return services_record.meeting_close(actor=personas.secretary, meeting=meeting)


def test_minutes_are_sanitised_before_they_are_stored(personas, meeting, during):
    services_record.minutes_save(
        actor=personas.secretary,
        meeting=meeting,
        html='<h2>议程</h2><p onclick="x()">讨论<script>alert(1)</script></p><img src="https://evil/x.png">',
    )
    stored = MeetingMinutes.objects.get(meeting=meeting).html
    assert "<h2>议程</h2>" in stored
    assert "script" not in stored and "onclick" not in stored and "evil" not in stored


def test_saving_the_same_minutes_twice_writes_one_audit_event(personas, meeting, during):
    for _attempt in range(2):
        services_record.minutes_save(actor=personas.secretary, meeting=meeting, html="<p>纪要</p>")
    assert AuditEvent.objects.filter(action="orglife.minutes.save").count() == 1


def test_a_task_tells_its_owner_and_needs_an_owner_and_a_due_date(
    personas, meeting, during, django_capture_on_commit_callbacks
):
    with pytest.raises(FieldErrors) as refused:
        services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="整理材料",
            owner_id=None,
            due_on=date(2027, 3, 20),
        )
    assert "owner" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="整理材料",
            owner_id=personas.student.pk,
            due_on=None,
        )
    assert "due_on" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="整理材料",
            owner_id=personas.outsider.pk,
            due_on=date(2027, 3, 20),
        )
    assert "owner" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="整理材料",
            owner_id=personas.student.pk,
            due_on=date(2027, 3, 1),
        )
    assert "due_on" in refused.value.fields
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        task = services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="整理材料",
            owner_id=personas.student.pk,
            due_on=date(2027, 3, 20),
        )
    assert task.owner == personas.student
    assert callbacks
    assert (
        Notification.objects.filter(recipient=personas.student, kind=services_record.TASK_ASSIGNED).count()
        == 1
    )


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_closing_locks_the_record(personas, meeting, during, english):
    services_record.resolution_add(actor=personas.secretary, meeting=meeting, text="同意接收张三为预备党员")
    closed = close(personas, meeting)
    assert closed.status == MeetingStatus.CLOSED and closed.closed_at is not None
    writes = [
        lambda: services_record.minutes_save(actor=personas.secretary, meeting=meeting, html="<p>改</p>"),
        lambda: services_record.resolution_add(actor=personas.secretary, meeting=meeting, text="新决议"),
        lambda: services_record.resolution_remove(
            actor=personas.secretary, meeting=meeting, resolution_id=Resolution.objects.get().pk
        ),
        lambda: services_record.task_add(
            actor=personas.secretary,
            meeting=meeting,
            title="任务",
            owner_id=personas.student.pk,
            due_on=date(2027, 4, 1),
        ),
        lambda: services_record.photo_add(
            actor=personas.secretary,
            meeting=meeting,
            title="合影",
            uploaded_file=files.upload(files.png(), "a.png"),
        ),
    ]
    for write in writes:
        with pytest.raises(DomainError) as refused:
            write()
        assert refused.value.code == "record_locked"
        assert "amendment" in str(refused.value.message)
    assert Resolution.objects.count() == 1
    assert not MeetingPhoto.objects.exists()


def test_closing_twice_changes_nothing_and_a_meeting_is_closed_only_once_it_began(
    personas, meeting, time_machine
):
    time_machine.move_to(meeting.starts_at - timedelta(minutes=10), tick=False)
    with pytest.raises(DomainError) as refused:
        close(personas, meeting)
    assert refused.value.code == "meeting_not_started"
    time_machine.move_to(meeting.ends_at, tick=False)
    first = close(personas, meeting)
    second = close(personas, meeting)
    assert first.closed_at == second.closed_at
    assert AuditEvent.objects.filter(action="orglife.meeting.close").count() == 1


def test_a_cancelled_meeting_cannot_be_closed(personas, meeting, during):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    with pytest.raises(DomainError) as refused:
        close(personas, meeting)
    assert refused.value.code == "meeting_cancelled"


def test_amendments_are_only_for_closed_meetings_and_keep_who_and_when(personas, meeting, during):
    with pytest.raises(DomainError) as refused:
        services_record.amendment_add(actor=personas.secretary, meeting=meeting, text="更正")
    assert refused.value.code == "record_not_locked"
    close(personas, meeting)
    with pytest.raises(FieldErrors):
        services_record.amendment_add(actor=personas.secretary, meeting=meeting, text="  ")
    first = services_record.amendment_add(
        actor=personas.secretary, meeting=meeting, text="出席人数应为 31 人"
    )
    during.shift(timedelta(days=1))
    second = services_record.amendment_add(
        actor=personas.college_officer, meeting=meeting, text="决议第二条措辞更正"
    )
    assert [a.pk for a in Amendment.objects.filter(meeting=meeting)] == [first.pk, second.pk]
    assert first.author == personas.secretary and second.author == personas.college_officer
    assert second.created_at - first.created_at == timedelta(days=1)
    assert AuditEvent.objects.filter(action="orglife.amendment.add").count() == 2


def test_tasks_can_be_marked_done_after_closing_by_their_owner(personas, meeting, during):
    task = services_record.task_add(
        actor=personas.secretary,
        meeting=meeting,
        title="上交心得",
        owner_id=personas.student.pk,
        due_on=date(2027, 3, 31),
    )
    close(personas, meeting)
    done = services_record.task_set_done(actor=personas.student, meeting=meeting, task_id=task.pk, done=True)
    assert done.done and done.done_at is not None
    with pytest.raises(PermissionDenied):
        services_record.task_set_done(actor=personas.propaganda, meeting=meeting, task_id=task.pk, done=False)
    assert FollowUpTask.objects.get().done


@pytest.mark.parametrize(
    ("persona", "error"), [("outsider", Http404), ("student", Http404), ("propaganda", PermissionDenied)]
)
def test_writing_the_record_needs_the_right_to_organise(personas, meeting, during, persona, error):
    actor = getattr(personas, persona)
    for write in (
        lambda: services_record.minutes_save(actor=actor, meeting=meeting, html="<p>x</p>"),
        lambda: services_record.resolution_add(actor=actor, meeting=meeting, text="x"),
        lambda: services_record.meeting_close(actor=actor, meeting=meeting),
    ):
        with pytest.raises(error):
            write()
    assert not MeetingMinutes.objects.exists()
    assert meeting.status == MeetingStatus.PUBLISHED


def test_photos_are_stored_in_the_archive_and_read_only_by_those_who_may_view_the_meeting(
    personas, meeting, during, media, tree
):
    photo = services_record.photo_add(
        actor=personas.secretary,
        meeting=meeting,
        title="全体合影",
        uploaded_file=files.upload(files.png((800, 600)), "p.png"),
    )
    document = Document.objects.get(pk=photo.document_id)
    assert document.purpose == "meeting_photo"
    assert document.current_version.thumbnail
    stranger = make_person(tree.branch_a1, name="同支部未受邀")
    readers = {
        "student": True,  # invited
        "propaganda": True,  # views the unit's meetings
        "college_officer": True,
        "outsider": False,
    }
    for persona, expected in readers.items():
        assert can_read_document(getattr(personas, persona), document) is expected, persona
    assert can_read_document(stranger, document) is False


def test_a_photo_must_be_an_image(personas, meeting, during, media):
    with pytest.raises(FieldErrors) as refused:
        services_record.photo_add(
            actor=personas.secretary,
            meeting=meeting,
            title="",
            uploaded_file=files.upload(b"%PDF-1.4 hello", "a.pdf"),
        )
    assert "file" in refused.value.fields
    assert not MeetingPhoto.objects.exists()
