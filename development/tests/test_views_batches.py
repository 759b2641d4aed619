"""Batches through the pages: open one, add cases, publish the public notice, and record one sitting
of the branch general meeting where each candidate is voted on separately."""

from __future__ import annotations

import pytest
from django.urls import reverse

from development.models import Batch, BatchKind, PublicNotice, Vote
from development.tests import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_candidates(tree, personas, clock):
    return [helpers.new_case_at(personas, tree.branch_a1, 15) for _ in range(2)]


def open_batch(client, tree, kind: str = BatchKind.ADMISSION) -> Batch:
    response = client.post(
        reverse("development:batches", args=[tree.branch_a1.pk]),
        {
            "batch-name": "2026 春季预备党员接收",
            "batch-kind": kind,
            "batch-semester": "2026 春",
            "batch-opened_on": "2026-03-01",
        },
    )
    batch = Batch.objects.get()
    assert response.url == reverse("development:batch", args=[batch.pk])
    return batch


def test_a_batch_meeting_with_two_candidates_where_one_passes_and_one_fails(
    client, tree, personas, two_candidates
):
    passing, failing = two_candidates
    client.force_login(personas.secretary)
    batch = open_batch(client, tree)
    page = client.get(reverse("development:batch", args=[batch.pk]))
    assert {int(value) for value, _label in page.context["add_form"].fields["cases"].choices} == {
        passing.pk,
        failing.pk,
    }
    added = client.post(
        reverse("development:batch_add", args=[batch.pk]), {"add-cases": [passing.pk, failing.pk]}
    )
    assert added.status_code == 302

    notice = client.post(
        reverse("development:batch_notice", args=[batch.pk]),
        {"notice-starts_on": helpers.NOTICE[0].isoformat(), "notice-ends_on": helpers.NOTICE[1].isoformat()},
    )
    assert notice.status_code == 302
    published = PublicNotice.objects.get(batch=batch)
    assert published.working_days == 5
    page = client.get(reverse("development:batch", args=[batch.pk]))
    html = page.content.decode()
    assert published.text in html and passing.person.name in published.text
    assert {row["case"] for row in page.context["meeting_form"].rows()} == {passing, failing}

    meeting = client.post(
        reverse("development:batch_meeting", args=[batch.pk]),
        {
            "meeting-meeting_on": helpers.DATES[15].isoformat(),
            "meeting-members_with_voting_rights": "10",
            "meeting-attended": "8",
            f"meeting-c{passing.pk}_yes": "8",
            f"meeting-c{passing.pk}_no": "0",
            f"meeting-c{passing.pk}_abstain": "0",
            f"meeting-c{failing.pk}_yes": "4",
            f"meeting-c{failing.pk}_no": "3",
            f"meeting-c{failing.pk}_abstain": "1",
            f"meeting-c{failing.pk}_written_opinions": "1",
        },
    )
    assert meeting.status_code == 302
    results = {vote.case_id: vote.result for vote in Vote.objects.filter(batch=batch)}
    assert results == {passing.pk: Vote.Result.PASSED, failing.pk: Vote.Result.FAILED}
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.current_step, passing.probation_start) == (16, helpers.DATES[15])
    assert failing.current_step == 15
    page = client.get(reverse("development:batch", args=[batch.pk]))
    assert len(page.context["votes"]) == 2
    # Only the candidate whose vote failed is still to be voted on.
    assert [row["case"] for row in page.context["meeting_form"].rows()] == [failing]


def test_a_meeting_without_quorum_records_nothing_and_names_the_candidates(
    client, tree, personas, two_candidates
):
    first, second = two_candidates
    for case in two_candidates:
        helpers.publish_notice(personas, case)
    client.force_login(personas.secretary)
    batch = open_batch(client, tree)
    client.post(reverse("development:batch_add", args=[batch.pk]), {"add-cases": [first.pk, second.pk]})
    response = client.post(
        reverse("development:batch_meeting", args=[batch.pk]),
        {
            "meeting-meeting_on": helpers.DATES[15].isoformat(),
            "meeting-members_with_voting_rights": "10",
            "meeting-attended": "5",
            **{
                f"meeting-c{case.pk}_{count}": "5" if count == "yes" else "0"
                for case in two_candidates
                for count in ("yes", "no", "abstain")
            },
        },
    )
    assert response.status_code == 200
    violations = response.context["violations"]
    assert {v["code"] for v in violations} == {"vote.quorum"}
    assert {v["person"] for v in violations} == {first.person.name, second.person.name}
    assert not Vote.objects.exists()


def test_a_meeting_row_needs_every_count(client, tree, personas, two_candidates):
    first, _second = two_candidates
    client.force_login(personas.secretary)
    batch = open_batch(client, tree)
    client.post(reverse("development:batch_add", args=[batch.pk]), {"add-cases": [first.pk]})
    response = client.post(
        reverse("development:batch_meeting", args=[batch.pk]),
        {
            "meeting-meeting_on": helpers.DATES[15].isoformat(),
            "meeting-members_with_voting_rights": "10",
            "meeting-attended": "8",
            f"meeting-c{first.pk}_yes": "8",
        },
    )
    assert set(response.context["meeting_form"].errors) == {f"c{first.pk}_no", f"c{first.pk}_abstain"}


def test_the_propaganda_member_sees_the_batch_but_cannot_change_it(client, tree, personas, two_candidates):
    client.force_login(personas.secretary)
    batch = open_batch(client, tree)
    client.force_login(personas.propaganda)
    page = client.get(reverse("development:batch", args=[batch.pk]))
    assert (
        page.status_code == 200 and page.context["add_form"] is None and page.context["meeting_form"] is None
    )
    for name in ("batch_add", "batch_notice", "batch_meeting", "batch_close"):
        assert client.post(reverse(f"development:{name}", args=[batch.pk]), {}).status_code == 403, name
    client.force_login(personas.outsider)
    assert client.post(reverse("development:batch_add", args=[batch.pk]), {}).status_code == 404
