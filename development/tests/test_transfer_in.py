"""A student arriving with a dossier in progress (转入): the check that names every bad field, the
all-or-nothing recording with documents, the page (preview, then record) and its permissions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Document
from archive.tests import files
from core.errors import FieldErrors
from development import services
from development.documents import DOSSIER_PURPOSE
from development.models import DevelopmentCase, StepDocument, StepRecord
from development.tests import helpers
from orgs.models import Membership, PartyStatus

pytestmark = pytest.mark.django_db

HISTORY = {
    1: date(2024, 3, 1),
    2: date(2024, 3, 20),
    3: date(2024, 9, 10),
    4: date(2024, 9, 20),
    5: date(2024, 9, 20),
}


def transfer(personas, person, *, history=None, uploads=None, **fields: Any) -> DevelopmentCase:
    arguments: dict[str, Any] = {
        "transferred_in_from": "某大学数学学院第二党支部",
        "letter_number": "数党转〔2025〕12号",
        "received_on": date(2025, 3, 1),
        **fields,
    }
    return services.case_transfer_in(
        actor=fields.pop("actor", personas.secretary),
        person=person,
        history=HISTORY if history is None else history,
        uploads=uploads,
        **{k: v for k, v in arguments.items() if k != "actor"},
    )


@pytest.fixture
def arriving(tree, clock):
    return helpers.make_applicant(tree.branch_a1)


def test_a_transfer_records_the_history_the_letter_and_the_documents(tree, personas, arriving):
    uploads = {1: [files.upload(files.pdf(), "申请书.pdf")], 3: [files.upload(files.png(), "推荐.png")]}
    case = transfer(personas, arriving, uploads=uploads)
    assert (case.transferred_in_from, case.transfer_letter_number, case.transferred_in_on) == (
        "某大学数学学院第二党支部",
        "数党转〔2025〕12号",
        date(2025, 3, 1),
    )
    assert (case.current_step, case.branch) == (6, tree.branch_a1)
    assert StepRecord.objects.filter(case=case, transferred_in=True).count() == 5
    attached = {(a.record.step, a.kind) for a in StepDocument.objects.filter(record__case=case)}
    assert attached == {(1, "application_letter"), (3, "recommendation")}
    documents = Document.objects.filter(purpose=DOSSIER_PURPOSE, owner=arriving)
    assert documents.count() == 2 and all(d.unit == tree.branch_a1 for d in documents)
    assert Membership.objects.get(person=arriving).party_status == PartyStatus.ACTIVIST


def test_every_bad_field_is_named_at_once(personas, arriving):
    history = {1: date(2024, 3, 1), 2: date(2024, 2, 1), 4: date(2024, 9, 20), 5: date(2029, 1, 1)}
    with pytest.raises(FieldErrors) as refusal:
        transfer(
            personas,
            arriving,
            history=history,
            transferred_in_from=" ",
            letter_number="",
            received_on=None,
            uploads={7: [files.upload(files.pdf(), "x.pdf")], 1: [files.upload(files.exe(), "x.pdf")]},
        )
    fields = refusal.value.fields
    assert set(fields) == {
        "transferred_in_from",
        "letter_number",
        "received_on",
        "step_2",  # before step 1
        "step_3",  # missing
        "step_5",  # in the future
        "document_7",  # a step not in the history
        "document_1",  # an executable
    }
    assert "2024-03-01" in fields["step_2"][0]
    assert not DevelopmentCase.objects.filter(person=arriving).exists()


def test_the_history_must_start_with_the_application(personas, arriving):
    with pytest.raises(FieldErrors) as refusal:
        transfer(personas, arriving, history={2: date(2024, 3, 20)})
    assert set(refusal.value.fields) == {"step_1"}


def test_the_letter_cannot_be_received_before_the_last_step(personas, arriving):
    with pytest.raises(FieldErrors) as refusal:
        transfer(personas, arriving, received_on=date(2024, 9, 1))
    assert set(refusal.value.fields) == {"received_on"}


def test_a_history_beyond_the_conversion_meeting_is_refused(personas, arriving):
    with pytest.raises(FieldErrors) as refusal:
        transfer(personas, arriving, history={**HISTORY, 24: date(2025, 1, 1)})
    assert set(refusal.value.fields) == {"history"}


def test_a_failing_upload_leaves_nothing_behind(personas, arriving, monkeypatch):
    from development import services_transfers

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_transfers, "document_create", broken)
    with pytest.raises(RuntimeError):
        transfer(personas, arriving, uploads={1: [files.upload(files.pdf(), "a.pdf")]})
    assert not DevelopmentCase.objects.filter(person=arriving).exists()
    assert not StepRecord.objects.exists()
    assert Membership.objects.get(person=arriving).party_status == PartyStatus.NONE


def test_a_person_with_an_open_case_cannot_be_transferred_in(personas, arriving):
    helpers.open_case(personas, arriving)
    from core.errors import DomainError

    with pytest.raises(DomainError) as refusal:
        transfer(personas, arriving)
    assert refusal.value.code == "case_already_open"


def test_a_probationary_member_arrives_with_probation_dates(personas, arriving):
    history = {n: helpers.DATES[n] for n in helpers.DATES if n <= 20}
    history[6] = history[7]
    case = transfer(personas, arriving, history=history, received_on=date(2026, 6, 1))
    assert (case.current_step, case.probation_start) == (21, helpers.DATES[15])
    assert Membership.objects.get(person=arriving).party_status == PartyStatus.PROBATIONARY


# --- The page ---------------------------------------------------------------------------------------------


def page_url(tree) -> str:
    return reverse("development:case_transfer_in", args=[tree.branch_a1.pk])


def posted(person, **extra: Any) -> dict[str, Any]:
    data = {
        "transfer-number": person.number,
        "transfer-transferred_in_from": "某大学数学学院第二党支部",
        "transfer-letter_number": "数党转〔2025〕12号",
        "transfer-received_on": "2025-03-01",
    }
    data.update({f"transfer-step_{n}": day.isoformat() for n, day in HISTORY.items()})
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 404), ("propaganda", 403), ("college_officer", 403), ("secretary", 200)],
)
def test_the_page_is_404_out_of_scope_403_without_the_right_and_open_to_the_secretary(
    tree, personas, clock, persona, status
):
    client = Client()
    client.force_login(getattr(personas, persona))
    assert client.get(page_url(tree)).status_code == status


def test_the_case_list_links_to_the_page_for_those_who_record_steps(tree, personas, clock):
    client = Client()
    client.force_login(personas.secretary)
    assert (
        page_url(tree) in client.get(reverse("development:cases", args=[tree.branch_a1.pk])).content.decode()
    )
    client.force_login(personas.college_officer)
    html = client.get(reverse("development:cases", args=[tree.college_a.pk])).content.decode()
    assert "transfer-in" not in html


def test_the_preview_shows_what_would_be_recorded_and_records_nothing(tree, personas, arriving):
    client = Client()
    client.force_login(personas.secretary)
    response = client.post(page_url(tree), {**posted(arriving), "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="transfer-preview"' in html and "<form" not in html  # only the preview fragment
    assert "数党转〔2025〕12号" in html and "2024-09-10" in html
    assert not DevelopmentCase.objects.filter(person=arriving).exists()


def test_the_preview_names_each_bad_field(tree, personas, arriving):
    client = Client()
    client.force_login(personas.secretary)
    response = client.post(
        page_url(tree),
        {
            **posted(arriving, **{"transfer-step_2": "2024-01-01", "transfer-letter_number": ""}),
            "action": "preview",
        },
    )
    form = response.context["form"]
    assert set(form.errors) == {"step_2", "letter_number"}
    assert not DevelopmentCase.objects.filter(person=arriving).exists()


def test_recording_opens_the_case_and_the_case_page_shows_the_transfer(tree, personas, arriving):
    client = Client()
    client.force_login(personas.secretary)
    response = client.post(
        page_url(tree),
        {
            **posted(arriving),
            "transfer-document_1": files.upload(files.pdf(), "申请书.pdf"),
            "action": "record",
        },
    )
    case = DevelopmentCase.objects.get(person=arriving)
    assert response.status_code == 302 and response["Location"] == reverse("development:case", args=[case.pk])
    html = client.get(response["Location"]).content.decode()
    assert "某大学数学学院第二党支部" in html and "数党转〔2025〕12号" in html
    assert StepDocument.objects.filter(record__case=case, kind="application_letter").count() == 1


def test_an_unknown_number_is_named_on_its_field(tree, personas, arriving):
    client = Client()
    client.force_login(personas.secretary)
    response = client.post(page_url(tree), {**posted(arriving), "transfer-number": "nobody"})
    assert response.context["form"].errors["number"]
    stranger = helpers.make_applicant(tree.branch_b1)
    response = client.post(page_url(tree), posted(stranger))
    assert response.context["form"].errors["number"]
    assert not DevelopmentCase.objects.exists()


# --- The API ----------------------------------------------------------------------------------------------

API = "/api/v1/transfers-in"


def api_body(person, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_number": person.number,
        "transferred_in_from": "某大学数学学院第二党支部",
        "letter_number": "数党转〔2025〕12号",
        "received_on": "2025-03-01",
    }
    body.update({f"step_{n}": day.isoformat() for n, day in HISTORY.items()})
    body.update(extra)
    return body


def api_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("college_officer", 403),
        ("secretary", 201),
    ],
)
def test_the_endpoint_is_404_out_of_scope_403_without_the_right_and_201_for_the_secretary(
    personas, arriving, persona, status
):
    response = api_client(getattr(personas, persona)).post(API, api_body(arriving))
    assert response.status_code == status, response.content
    assert DevelopmentCase.objects.filter(person=arriving).exists() == (status == 201)


def test_the_endpoint_records_the_transfer_with_documents(personas, arriving):
    response = api_client(personas.secretary).post(
        API,
        {
            **api_body(arriving),
            "documents": [files.upload(files.pdf(), "申请书.pdf"), files.upload(files.png(), "推荐.png")],
            "document_steps": ["1", "3"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["transferred_in_from"], body["transfer_letter_number"], body["transferred_in_on"]) == (
        "某大学数学学院第二党支部",
        "数党转〔2025〕12号",
        "2025-03-01",
    )
    assert body["current_step"] == 6
    case = DevelopmentCase.objects.get(person=arriving)
    assert StepDocument.objects.filter(record__case=case).count() == 2


def test_a_dry_run_previews_and_records_nothing(personas, arriving):
    response = api_client(personas.secretary).post(API, {**api_body(arriving), "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [step["number"] for step in body["steps"]] == [1, 2, 3, 4, 5]
    assert (body["current_step"], body["party_status"]) == (6, PartyStatus.ACTIVIST)
    assert not DevelopmentCase.objects.filter(person=arriving).exists()


def test_the_endpoint_names_every_bad_field(personas, arriving):
    response = api_client(personas.secretary).post(
        API,
        {
            **api_body(arriving, step_2="2024-01-01", letter_number=""),
            "documents": [files.upload(files.exe(), "x.pdf")],
            "document_steps": ["1"],
        },
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"step_2", "letter_number", "document_1"}
    assert not DevelopmentCase.objects.exists()


def test_a_person_with_an_open_case_is_a_409(personas, arriving):
    helpers.open_case(personas, arriving)
    response = api_client(personas.secretary).post(API, api_body(arriving))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "case_already_open"


def test_the_dossier_shows_the_letter_and_the_date_received(personas, arriving):
    from development.dossier import build_dossier

    case = transfer(personas, arriving)
    dossier = build_dossier(case, viewer=personas.secretary)
    assert (dossier.transfer_letter_number, dossier.transferred_in_on) == (
        "数党转〔2025〕12号",
        date(2025, 3, 1),
    )
    client = Client()
    client.force_login(personas.secretary)
    html = client.get(reverse("dossier:case", args=[case.pk])).content.decode()
    assert "数党转〔2025〕12号" in html and "2025-03-01" in html
