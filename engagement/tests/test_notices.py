"""Notices that ask to be acknowledged: targeting, the inbox item, read on opening, idempotent
acknowledgement, receipts for the sender and officers, reminders at most once a day, permissions."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.errors import DomainError, FieldErrors
from core.models import Notification
from engagement import queries_notices as queries
from engagement import services_notices as services
from engagement.models import Notice, NoticeReceipt
from engagement.tests.factories_suggestions import client_for, local, make_bystander
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
BODY = "<p>请于周五前提交<strong>思想汇报</strong>。</p><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(local(date(2026, 11, 23), 10), tick=False)
    return time_machine


@pytest.fixture
def group_leader(tree):
    person = make_person(tree.branch_a1, name="孙组长", status=PartyStatus.FULL, group=tree.group_a1)
    appoint(person, tree.group_a1, "group_leader")
    return person


@pytest.fixture
def notice(tree, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the delivery task runs on commit
        return services.notice_send(
            actor=personas.secretary,
            unit_id=tree.branch_a1.pk,
            title="提交思想汇报",
            body=BODY,
            requires_ack=True,
        )


def test_a_notice_reaches_every_member_with_an_inbox_item_and_clean_html(tree, personas, notice):
    people = set(NoticeReceipt.objects.filter(notice=notice).values_list("person__name", flat=True))
    assert people == {"张学生", "李积极", "王宣传", "赵书记"}
    assert "<script>" not in notice.body and "<strong>思想汇报</strong>" in notice.body
    assert Notification.objects.filter(kind=services.NOTICE_KIND, recipient=personas.student).count() == 1


def test_a_notice_can_target_only_some_party_statuses_or_only_the_unit(tree, personas):
    make_person(tree.branch_a2, status=PartyStatus.ACTIVIST)
    only = services.notice_send(
        actor=personas.college_officer,
        unit_id=tree.college_a.pk,
        title="积极分子培训",
        body="<p>报名</p>",
        party_statuses=[PartyStatus.ACTIVIST],
    )
    assert only.recipients == 2  # the activist of A1 and the one of A2
    with pytest.raises(FieldErrors) as refused:  # a college has no members of its own
        services.notice_send(
            actor=personas.college_officer,
            unit_id=tree.college_a.pk,
            title="t",
            body="<p>b</p>",
            whole_subtree=False,
        )
    assert list(refused.value.fields) == ["party_statuses"]


def test_bad_input_names_each_field(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        services.notice_send(
            actor=personas.secretary,
            unit_id=tree.branch_a1.pk,
            title=" ",
            body="<p> </p>",
            party_statuses=["nobody"],
        )
    assert set(refused.value.fields) == {"title", "body", "party_statuses"}


def test_blocked_words_are_refused_but_a_contact_number_is_kept(tree, personas):
    with pytest.raises(FieldErrors) as refused:
        services.notice_send(
            actor=personas.secretary, unit_id=tree.branch_a1.pk, title="通知", body="<p>你是个傻逼</p>"
        )
    assert list(refused.value.fields) == ["body"]
    assert "傻逼" not in str(refused.value.fields["body"])
    assert not Notice.objects.exists()
    sent = services.notice_send(
        actor=personas.secretary,
        unit_id=tree.branch_a1.pk,
        title="党课通知",
        body="<p>有事请联系 13812345678</p>",
        notify=False,
    )
    assert "13812345678" in sent.body  # an officer's contact number is meant to be read
    assert NoticeReceipt.objects.filter(notice=sent).count() == sent.recipients > 0


def test_opening_records_read_and_acknowledging_is_idempotent(personas, notice):
    client = client_for(personas.student)
    assert client.get(reverse("engagement:notice", args=[notice.pk])).status_code == 200
    receipt = NoticeReceipt.objects.get(notice=notice, person=personas.student)
    assert receipt.read_at is not None and receipt.acknowledged_at is None
    client.post(reverse("engagement:notice_acknowledge", args=[notice.pk]))
    first = NoticeReceipt.objects.get(pk=receipt.pk).acknowledged_at
    response = client.post(f"/api/v1/notices/{notice.pk}/acknowledgement")
    assert response.status_code == 200
    assert NoticeReceipt.objects.get(pk=receipt.pk).acknowledged_at == first


def test_receipts_split_who_has_acknowledged_read_or_not(personas, notice):
    services.notice_open(actor=personas.activist, notice=notice)
    services.notice_acknowledge(actor=personas.student, notice_id=notice.pk)
    receipts = queries.receipts_of(notice)
    assert [r.person for r in receipts.done] == [personas.student]
    assert [r.person for r in receipts.read_only] == [personas.activist]
    assert len(receipts.not_read) == 2


def test_reminders_go_to_those_who_have_not_and_at_most_once_a_day(
    personas, notice, clock, django_capture_on_commit_callbacks
):
    services.notice_acknowledge(actor=personas.student, notice_id=notice.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notice_remind(actor=personas.secretary, notice_id=notice.pk) == 3
    assert Notification.objects.filter(recipient=personas.activist).count() == 2  # the notice, the reminder
    assert services.notice_deliver(notice_id=notice.pk, reminder_day="2026-11-23") == 0  # a retried task
    with pytest.raises(DomainError) as refused:
        services.notice_remind(actor=personas.college_officer, notice_id=notice.pk)
    assert refused.value.code == "notice.reminded_today"
    assert Notification.objects.filter(recipient=personas.student).count() == 1  # not reminded
    clock.move_to(local(date(2026, 11, 24), 10))
    assert services.notice_remind(actor=personas.secretary, notice_id=notice.pk) == 3


def test_a_retried_send_sends_once(tree, personas, django_capture_on_commit_callbacks):
    client = client_for(personas.secretary)
    body = {"unit_id": tree.branch_a1.pk, "title": "开会", "body": "<p>周五开会</p>", "request_key": "n1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/notices", body, content_type="application/json")
        again = client.post("/api/v1/notices", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert (
        Notice.objects.count() == 1 and Notification.objects.filter(recipient=personas.student).count() == 1
    )


@pytest.mark.parametrize(
    ("persona", "page", "receipts"),
    [
        ("student", OK, FORBIDDEN),  # a recipient
        ("group_leader", OK, FORBIDDEN),  # a recipient whose position is over a party group
        ("bystander", FORBIDDEN, FORBIDDEN),  # in the branch's scope, without the right
        ("propaganda", OK, OK),  # the branch committee sends notices
        ("secretary", OK, OK),
        ("college_officer", OK, OK),
        ("system_admin", OK, OK),
        ("outsider", NOT_FOUND, NOT_FOUND),
    ],
)
def test_permission_matrix(persona, page, receipts, personas, group_leader, tree):
    personas.group_leader = group_leader
    personas.bystander = make_bystander(tree.branch_a1)
    notice = services.notice_send(
        actor=personas.secretary, unit_id=tree.branch_a1.pk, title="通知", body="<p>内容</p>"
    )
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("engagement:notice", args=[notice.pk])).status_code == page
    assert client.get(f"/api/v1/notices/{notice.pk}").status_code == page
    assert client.get(reverse("engagement:notice_receipts", args=[notice.pk])).status_code == receipts
    assert client.get(f"/api/v1/notices/{notice.pk}/receipts").status_code == receipts


def test_in_scope_without_the_right_is_refused_and_outside_is_not_found(tree, personas, group_leader):
    notice = services.notice_send(
        actor=personas.secretary,
        unit_id=tree.branch_a1.pk,
        title="通知",
        body="<p>内容</p>",
        party_statuses=[PartyStatus.APPLICANT],
    )
    page = reverse("engagement:notice", args=[notice.pk])
    assert client_for(group_leader).get(page).status_code == NOT_FOUND  # scope is the party group only
    bystander = make_bystander(tree.branch_a1)
    assert client_for(bystander).get(page).status_code == FORBIDDEN
    assert (
        client_for(personas.outsider).get(reverse("engagement:notice", args=[notice.pk])).status_code
        == NOT_FOUND
    )
    response = client_for(bystander).post(
        "/api/v1/notices",
        {"unit_id": tree.branch_a1.pk, "title": "t", "body": "b"},
        content_type="application/json",
    )
    assert response.status_code == FORBIDDEN


def test_the_send_page_and_my_notices(tree, personas):
    secretary = client_for(personas.secretary, "zh-hans")
    response = secretary.post(
        reverse("engagement:notice_new"),
        {"unit": tree.branch_a1.pk, "title": "", "body": "<p>x</p>", "whole_subtree": "subtree"},
    )
    assert response.status_code == 400 and "请填写通知标题。" in response.content.decode()
    response = secretary.post(
        reverse("engagement:notice_new"),
        {
            "unit": tree.branch_a1.pk,
            "title": "团日活动",
            "body": "<p>周六上午</p>",
            "whole_subtree": "subtree",
            "requires_ack": "on",
            "request_key": "k",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "engagement:notice_receipts", args=[notice.pk]
    )
    page = client_for(personas.student, "zh-hans").get(reverse("engagement:my_notices")).content.decode()
    assert "团日活动" in page and "请确认" in page
    assert client_for(personas.student).get(reverse("engagement:notice_new")).status_code == FORBIDDEN


def test_my_notices_takes_the_same_queries_for_one_and_for_many(
    tree, personas, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas.student)
    services.notice_send(actor=personas.secretary, unit_id=tree.branch_a1.pk, title="一", body="<p>1</p>")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    before = (count(reverse("engagement:my_notices")), count("/api/v1/notices/mine"))
    for number in range(5):
        services.notice_send(
            actor=personas.secretary, unit_id=tree.branch_a1.pk, title=f"第{number}", body="<p>x</p>"
        )
    assert (count(reverse("engagement:my_notices")), count("/api/v1/notices/mine")) == before


def test_the_unit_card_offers_to_send_a_notice_with_the_unit_chosen(tree, personas):
    page = client_for(personas.secretary).get(reverse("engagement:unit_notice_new", args=[tree.branch_a1.pk]))
    assert page.status_code == 200
    assert f'value="{tree.branch_a1.pk}" selected' in page.content.decode()


def test_the_receipts_take_the_same_queries_for_few_and_many_recipients(tree, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas.secretary)

    def count(notice: Notice) -> tuple[int, int]:
        sizes = []
        for url in (
            reverse("engagement:notice_receipts", args=[notice.pk]),
            f"/api/v1/notices/{notice.pk}/receipts",
        ):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            sizes.append(len(captured))
        return sizes[0], sizes[1]

    few = services.notice_send(
        actor=personas.secretary, unit_id=tree.branch_a1.pk, title="少", body="<p>x</p>"
    )
    for _number in range(8):
        make_person(tree.branch_a1, status=PartyStatus.FULL)
    many = services.notice_send(
        actor=personas.secretary, unit_id=tree.branch_a1.pk, title="多", body="<p>x</p>"
    )
    assert many.recipients == few.recipients + 8
    assert count(few) == count(many)
