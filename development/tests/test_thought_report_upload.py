"""Students hand in their own thought reports (思想汇报) as files: the owner-upload policy of the
archive, the service, the page and the multipart API endpoint."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Document
from archive.tests import files
from core.audit import AuditEvent
from core.errors import FieldErrors
from development import facts, queries, services
from development.documents import DOSSIER_PURPOSE
from development.models import Phase, ThoughtReport
from development.tests import helpers

pytestmark = pytest.mark.django_db

API = "/api/v1/me/thought-reports"


def submit(person, *, content: bytes | None = None, name: str = "思想汇报.pdf", **fields):
    return services.thought_report_submit(
        actor=person,
        received_on=fields.get("received_on", date(2028, 5, 1)),
        period=fields.get("period", "2028 第二季度"),
        uploaded_file=files.upload(files.pdf() if content is None else content, name),
    )


def download(client: Client, document: Document) -> int:
    return client.get(reverse("archive:download", kwargs={"public_id": document.public_id})).status_code


@pytest.fixture
def case(tree, personas, clock, applicant):
    return helpers.open_case(personas, applicant)


def test_the_owner_uploads_a_thought_report_into_their_dossier(case, applicant):
    report, created = submit(applicant)
    assert created
    assert (report.case, report.received_on, report.period, report.phase) == (
        case,
        date(2028, 5, 1),
        "2028 第二季度",
        Phase.ACTIVIST,
    )
    document = report.document
    assert (document.purpose, document.owner, document.unit, document.created_by) == (
        DOSSIER_PURPOSE,
        applicant,
        case.branch,
        applicant,
    )
    assert document.current_version.content_type.startswith("application/pdf")
    assert AuditEvent.objects.filter(action="development.thought_report.submit").count() == 1


def test_the_report_counts_for_the_quarterly_rule_and_shows_on_the_timeline(case, applicant):
    submit(applicant, received_on=date(2028, 4, 2))
    assert facts.thought_report_dates(case) == (date(2028, 4, 2),)
    assert [r.period for r in queries.case_timeline(case).thought_reports] == ["2028 第二季度"]


def test_the_owner_reads_their_file_and_the_branch_sees_it_but_another_student_gets_404(
    tree, personas, case, applicant
):
    report, _ = submit(applicant)
    owner = Client()
    owner.force_login(applicant)
    assert download(owner, report.document) == 200
    fellow = Client()
    fellow.force_login(helpers.make_applicant(tree.branch_a1))
    assert download(fellow, report.document) == 404
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert download(outsider, report.document) == 404
    secretary = Client()
    secretary.force_login(personas.secretary)
    assert download(secretary, report.document) == 200
    page = secretary.get(reverse("development:case", args=[case.pk])).content.decode()
    assert report.document.title in page and "2028 第二季度" in page


def test_a_file_of_a_forbidden_type_is_refused_with_a_clear_message(case, applicant):
    with pytest.raises(FieldErrors) as refusal:
        submit(applicant, content=files.exe(), name="report.pdf")
    assert "file" in refusal.value.fields
    message = refusal.value.fields["file"][0]
    assert "Windows" in message and "PDF" in message  # what it is, and what is accepted
    with pytest.raises(FieldErrors) as spreadsheet:
        submit(applicant, content=files.ooxml("xlsx"), name="report.xlsx")
    assert "PDF" in spreadsheet.value.fields["file"][0]
    assert not ThoughtReport.objects.exists()
    assert not Document.objects.filter(purpose=DOSSIER_PURPOSE).exists()


def test_every_bad_field_is_named_at_once(case, applicant):
    with pytest.raises(FieldErrors) as refusal:
        submit(applicant, content=files.exe(), period="", received_on=date(2028, 7, 1))
    assert set(refusal.value.fields) == {"file", "period", "received_on"}


def test_a_report_dated_before_the_application_is_refused(case, applicant):
    with pytest.raises(FieldErrors) as refusal:
        submit(applicant, received_on=date(2024, 1, 1))
    assert set(refusal.value.fields) == {"received_on"}


def test_a_retried_upload_of_the_same_file_does_not_create_a_duplicate(case, applicant):
    first, created = submit(applicant)
    again, created_again = submit(applicant)
    assert created and not created_again
    assert again.pk == first.pk
    assert ThoughtReport.objects.count() == 1
    assert Document.objects.filter(purpose=DOSSIER_PURPOSE).count() == 1
    _other, created_other = submit(applicant, content=files.png(), name="第二页.png")
    assert created_other and ThoughtReport.objects.count() == 2


def test_a_person_without_an_open_case_gets_404(tree, clock):
    from django.http import Http404

    with pytest.raises(Http404):
        submit(helpers.make_applicant(tree.branch_a1))


def test_the_owner_upload_policy_does_not_let_a_student_store_documents_about_someone_else(
    tree, personas, case, applicant
):
    from django.http import Http404

    from archive.services import document_create

    with pytest.raises(Http404):  # no position over the branch: the generic rule answers
        document_create(
            actor=applicant,
            unit=tree.branch_a1,
            title="x",
            uploaded_file=files.upload(files.pdf(), "x.pdf"),
            purpose=DOSSIER_PURPOSE,
            owner=personas.activist,
        )
    with pytest.raises(Http404):  # their own, but as a branch file
        document_create(
            actor=applicant, unit=tree.branch_a1, title="x", uploaded_file=files.upload(files.pdf(), "x.pdf")
        )


# --- The page -------------------------------------------------------------------------------------------


def test_the_page_hands_in_a_report_and_names_a_bad_file(client, case, applicant):
    client.force_login(applicant)
    url = reverse("development:my_thought_report")
    response = client.post(
        url,
        {
            "report-received_on": "2028-05-01",
            "report-period": "2028 第二季度",
            "report-file": files.upload(files.exe(), "汇报.pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["report_form"].errors["file"]
    response = client.post(
        url,
        {
            "report-received_on": "2028-05-01",
            "report-period": "2028 第二季度",
            "report-file": files.upload(files.pdf(), "汇报.pdf"),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("development:my_case")).content.decode()
    report = ThoughtReport.objects.get()
    assert reverse("archive:download", args=[report.document.public_id]) in page
    assert "2028 第二季度" in page


# --- The API --------------------------------------------------------------------------------------------


def api_post(user, content: bytes | None = None, **fields):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    body = {"received_on": "2028-05-01", "period": "2028 Q2", **fields}
    body["file"] = files.upload(files.pdf() if content is None else content, "report.pdf")
    return client.post(API, body)


def test_the_api_takes_a_multipart_upload_and_a_retry_answers_200(case, applicant):
    response = api_post(applicant)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["received_on"], body["period"], body["phase"]) == ("2028-05-01", "2028 Q2", "activist")
    again = api_post(applicant)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert ThoughtReport.objects.count() == 1


def test_the_api_names_the_bad_file_and_refuses_without_an_open_case(tree, case, applicant):
    refused = api_post(applicant, content=files.exe())
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["file"]
    assert api_post(helpers.make_applicant(tree.branch_a1)).status_code == 404
    assert api_post(None).status_code == 401
