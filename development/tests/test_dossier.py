"""The dossier (全程纪实) page and PDF: who may open them, that every opening is audited, what they
show (steps, votes, opinions, exceptions, returns, documents with checksums), and what it costs."""

from __future__ import annotations

import re
import time
import zlib
from datetime import date
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import pdf as core_pdf
from core.models import AuditEvent
from development import dossier as dossier_module
from development import services, steps, views_dossier
from development.dossier import build_dossier
from development.models import DevelopmentCase, Vote
from development.rule_names import rule_name
from development.tests import helpers
from orgs.models import PositionType

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
EXCEPTION_REASON = "支部书记外出学习，经学院党委同意延期谈话"
RETURN_REASON = "政审材料缺少本人签字"


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def page_url(case: DevelopmentCase) -> str:
    return reverse("dossier:case", args=[case.pk])


def pdf_url(case: DevelopmentCase) -> str:
    return reverse("dossier:case_pdf", args=[case.pk])


def attach(personas, case, step: int, kind: str, title: str) -> None:
    document = helpers.upload(personas.secretary, case, title)
    services.step_add_documents(actor=personas.secretary, case=case, step=step, documents=[(kind, document)])


def late_talk_with_exception(personas, case) -> None:
    """Step 2 a day past its month, excused by the college officer with a reason."""
    services.step_record(
        actor=personas.college_officer,
        case=case,
        step=2,
        data={"date": date(2024, 7, 4), "talker": personas.secretary.pk},
        exception_reason=EXCEPTION_REASON,
    )


@pytest.fixture
def person(tree):
    return helpers.make_applicant(tree.branch_a1, national_id=VALID_ID, phone="13812345678")


@pytest.fixture
def early_case(personas, person, clock):
    """A case at step 3 whose talk came late and was excused: small, with one exception."""
    case = helpers.open_case(personas, person)
    late_talk_with_exception(personas, case)
    case.refresh_from_db()
    return case


@pytest.fixture
def full_case(tree, personas, clock):
    """A whole journey of 25 steps: a late talk excused, a failed vote, a return, and documents."""
    case = helpers.open_case(personas, helpers.make_applicant(tree.branch_a1))
    attach(personas, case, 1, "application_letter", "入党申请书")
    late_talk_with_exception(personas, case)
    case = helpers.drive(personas, case, 13)
    services.case_return(actor=personas.college_officer, case=case, reason=RETURN_REASON)
    services.case_resubmit(actor=personas.secretary, case=case, note="已补签字")
    case = helpers.drive(personas, case, 15)
    helpers.publish_notice(personas, case)
    services.vote_record(
        actor=personas.secretary,
        case=case,
        meeting_on=date(2026, 3, 18),
        members_with_voting_rights=10,
        attended=8,
        yes=5,
        no=3,
        abstain=0,
    )
    case = helpers.drive(personas, case, 26)
    assert case.status == "closed_converted"
    return DevelopmentCase.objects.select_related("person", "branch", "batch").get(pk=case.pk)


# --- Who may open a dossier ---------------------------------------------------------------------

MATRIX = {
    "outsider": 404,
    "student": 404,  # another student of the same branch
    "propaganda": 403,  # sees the branch's cases, not their dossiers
    "secretary": 200,
    "college_officer": 200,
    "university_admin": 200,
    "system_admin": 200,
    "owner": 200,
}


def viewer(personas, case, persona: str):
    return case.person if persona == "owner" else getattr(personas, persona)


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_the_dossier_page_answers_each_persona(personas, early_case, persona, expected):
    response = client_for(viewer(personas, early_case, persona)).get(page_url(early_case))
    assert response.status_code == expected
    opened = AuditEvent.objects.filter(action="development.dossier.read").count()
    assert opened == (1 if expected == 200 else 0)


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_the_dossier_pdf_answers_each_persona(personas, early_case, persona, expected):
    response = client_for(viewer(personas, early_case, persona)).get(pdf_url(early_case))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")


def test_an_anonymous_visitor_is_sent_to_log_in(early_case):
    for url in (page_url(early_case), pdf_url(early_case)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="development.dossier.read").exists()


def test_an_unknown_case_is_not_found(personas, clock):
    assert client_for(personas.secretary).get(reverse("dossier:case", args=[999999])).status_code == 404


def test_every_opening_writes_an_audit_event_with_actor_case_and_unit(tree, personas, early_case):
    client = client_for(personas.college_officer)
    client.get(page_url(early_case))
    client.get(page_url(early_case))
    client.get(pdf_url(early_case))
    client_for(early_case.person).get(page_url(early_case))
    events = list(AuditEvent.objects.filter(action="development.dossier.read").order_by("id"))
    assert [(e.actor, e.data["kind"]) for e in events] == [
        (personas.college_officer, "page"),
        (personas.college_officer, "page"),
        (personas.college_officer, "pdf"),
        (early_case.person, "page"),
    ]
    assert {(e.object_type, e.object_id, e.unit_id) for e in events} == {
        ("development.developmentcase", str(early_case.pk), tree.branch_a1.pk)
    }


def test_the_page_and_the_pdf_are_never_cached(personas, early_case):
    client = client_for(personas.secretary)
    for url in (page_url(early_case), pdf_url(early_case)):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control


# --- What the page shows ----------------------------------------------------------------------


def test_the_page_shows_steps_votes_opinions_returns_and_the_exception(personas, full_case):
    with translation.override("zh-hans"):
        talk_rule_name = rule_name("application.talk_within_one_month")
        failed = str(Vote.Result.FAILED.label)
    html = client_for(personas.secretary).get(page_url(full_case)).content.decode()
    assert full_case.person.name in html
    for text in (
        "递交入党申请书",  # step 1
        "材料归档",  # step 25
        EXCEPTION_REASON,
        talk_rule_name,  # the exception's rule, by name
        "钱组织员",  # who recorded the exception
        RETURN_REASON,
        "已补签字",
        "党员和群众意见良好",  # opinions heard at step 7
        failed,  # the failed vote stays
        "入党申请书",
    ):
        assert text in html, text
    assert html.count('class="alert warning dossier-exception"') == 1


def test_the_page_lists_documents_with_checksum_and_a_checked_download_link(personas, full_case):
    record = full_case.records.get(step=1)
    version = record.attachments.get().document.current_version
    html = client_for(personas.secretary).get(page_url(full_case)).content.decode()
    assert version.sha256 in html
    download = reverse("archive:download", args=[version.document.public_id])
    assert f'href="{download}"' in html
    # The link leads to the archive's own check: the secretary may read it, an outsider may not.
    assert client_for(personas.secretary).get(download).status_code == 200
    assert client_for(personas.outsider).get(download).status_code == 404


def test_the_owner_sees_the_document_but_no_link_to_what_others_uploaded(personas, full_case):
    version = full_case.records.get(step=1).attachments.get().document.current_version
    html = client_for(full_case.person).get(page_url(full_case)).content.decode()
    assert version.sha256 in html
    assert reverse("archive:download", args=[version.document.public_id]) not in html


def test_the_id_number_is_full_for_those_who_may_see_it_and_masked_for_others(personas, early_case):
    assert VALID_ID in client_for(personas.secretary).get(page_url(early_case)).content.decode()
    assert VALID_ID in client_for(early_case.person).get(page_url(early_case)).content.decode()
    organiser = PositionType.objects.get(code="college_organiser")
    organiser.capabilities = [c for c in organiser.capabilities if c != "orgs.view_personal_data"]
    organiser.save()
    html = client_for(personas.college_officer).get(page_url(early_case)).content.decode()
    assert VALID_ID not in html and "110***********002X" in html


def test_the_page_speaks_the_viewers_language(personas, early_case):
    html = client_for(personas.secretary, "en").get(page_url(early_case)).content.decode()
    assert "Stage 1" in html and "Talk with the applicant" in html and EXCEPTION_REASON in html


def test_steps_not_yet_done_are_listed_with_what_is_due(personas, early_case):
    dossier = build_dossier(early_case, viewer=personas.secretary)
    assert [step.number for step in dossier.remaining][:2] == [3, 4]
    assert dossier.remaining[0].state == "current"
    assert len(dossier.remaining) == 23
    assert dossier.done_count == 2


def test_the_dossier_tree_names_people_and_labels_choices(personas, full_case):
    dossier = build_dossier(full_case, viewer=personas.secretary)
    steps_by_number = {step.number: step for stage in dossier.stages for step in stage.steps}
    assert len(steps_by_number) == 25
    introducers = str(steps.STEPS_BY_NUMBER[9].fields[0].label)
    fields = {f.label: f.value for f in steps_by_number[9].fields}
    assert fields == {introducers: f"{personas.secretary.name}, {personas.propaganda.name}"}
    assert {f.value for f in steps_by_number[10].fields} == {str(steps.REVIEW_CONCLUSIONS[0][1])}
    votes = steps_by_number[15].votes
    assert [(v.yes, v.passed) for v in votes] == [(5, False), (8, True)]
    assert [e.rule_code for e in steps_by_number[2].exceptions] == ["application.talk_within_one_month"]
    assert [r.reason for r in steps_by_number[13].returns] == [RETURN_REASON]
    assert len(dossier.assessments) == 4 and len(dossier.thought_reports) == 8


# --- The PDF ------------------------------------------------------------------------------------


def inflated(pdf: bytes) -> bytes:
    """Every compressed stream of the PDF, inflated: fonts are named inside object streams."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return pdf + b"".join(streams)


def test_the_pdf_is_a_real_pdf_with_the_chinese_font_and_a_named_attachment(personas, full_case):
    started = time.perf_counter()
    response = client_for(personas.secretary).get(pdf_url(full_case))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert b"NotoSansCJK" in inflated(response.content) or b"Noto-Sans-CJK" in inflated(response.content)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    name = unquote(disposition.split("filename*=utf-8''", 1)[1])
    assert name == f"发展党员全程纪实-{full_case.person.name}-{full_case.person.number}.pdf"
    print(f"\nPDF of a 25-step dossier: {elapsed:.2f} s, {len(response.content) // 1024} KB")


def test_the_pdf_lays_out_every_stage_the_exception_and_the_checksums(personas, full_case, monkeypatch):
    rendered: list[str] = []
    real = views_dossier.render_pdf

    def capture(html: str) -> bytes:
        rendered.append(html)
        return real(html)

    monkeypatch.setattr(views_dossier, "render_pdf", capture)
    response = client_for(personas.secretary).get(pdf_url(full_case))
    (html,) = rendered
    assert "中国共产党发展党员全程纪实" in html
    assert full_case.person.name in html
    for number in range(1, 6):
        assert f"第{number}阶段" in html or f"Stage {number}" in html
    assert html.count('class="exception"') == 2  # in the summary and at its step
    assert EXCEPTION_REASON in html and RETURN_REASON in html
    version = full_case.records.get(step=1).attachments.get().document.current_version
    assert version.sha256 in html
    pages = re.findall(rb"/Type\s*/Page(?![a-z])", inflated(response.content))
    assert len(pages) >= 3  # a cover, then the stages


def test_the_pdf_is_in_english_for_an_english_reader(personas, early_case, monkeypatch):
    rendered: list[str] = []
    monkeypatch.setattr(views_dossier, "render_pdf", lambda html: rendered.append(html) or b"%PDF-")
    client_for(personas.secretary, "en").get(pdf_url(early_case))
    assert "Full-process record of developing a member of the Communist Party of China" in rendered[0]
    assert "Stage 2" in rendered[0]


def test_text_typed_into_a_step_cannot_make_the_pdf_fetch_anything(personas, early_case, monkeypatch):
    crafted = (
        '<img src="http://169.254.169.254/latest/meta-data/"><link rel=stylesheet href="file:///etc/passwd">'
    )
    case = helpers.drive(personas, early_case, 7)
    helpers.assess(personas, case, helpers.ACTIVIST_ASSESSMENTS)
    helpers.report(personas, case, helpers.ACTIVIST_REPORTS)
    services.step_record(
        actor=personas.secretary,
        case=case,
        step=7,
        data={**helpers.step_data(personas, 7), "opinions_heard": crafted},
    )
    rendered: list[str] = []
    fetched: list[str] = []
    real_render, real_fetcher = views_dossier.render_pdf, core_pdf.local_only_fetcher

    def recording_fetcher():
        fetcher = real_fetcher()
        fetch = fetcher.fetch

        def record(url, headers=None):
            fetched.append(url)
            return fetch(url, headers)

        fetcher.fetch = record
        return fetcher

    monkeypatch.setattr(views_dossier, "render_pdf", lambda html: rendered.append(html) or real_render(html))
    monkeypatch.setattr(core_pdf, "local_only_fetcher", recording_fetcher)
    assert client_for(personas.secretary).get(pdf_url(case)).status_code == 200
    assert "&lt;img src=" in rendered[0] and "<img" not in rendered[0]
    assert fetched == []


# --- Cost -----------------------------------------------------------------------------------------


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_building_a_dossier_costs_the_same_queries_for_2_or_25_steps(personas, early_case, full_case):
    attach(personas, early_case, 1, "application_letter", "入党申请书")
    small = DevelopmentCase.objects.select_related("person", "branch", "batch").get(pk=early_case.pk)
    few = count_queries(lambda: build_dossier(small, viewer=personas.secretary))
    many = count_queries(lambda: build_dossier(full_case, viewer=personas.secretary))
    # Only a development target's dossier asks the study app for the training track (one query
    # when the university has none, three when it has).
    assert few + 1 == many
    assert many <= 15


def test_the_page_costs_the_same_queries_for_2_or_25_steps(personas, early_case, full_case):
    attach(personas, early_case, 1, "application_letter", "入党申请书")
    client = client_for(personas.secretary)
    client.get(page_url(early_case))  # warm the session and the templates
    few = count_queries(lambda: client.get(page_url(early_case)))
    many = count_queries(lambda: client.get(page_url(full_case)))
    assert few + 1 == many  # the training track, asked only for a development target


def test_the_file_name_keeps_out_path_separators_and_quotes(personas, early_case):
    early_case.person.name = '张/三"\\'
    name = dossier_module.dossier_file_name(build_dossier(early_case, viewer=personas.secretary))
    assert name.endswith(".pdf") and "/" not in name and '"' not in name and "\\" not in name


def test_a_person_named_in_no_step_still_gets_a_full_dossier_when_transferred_in(tree, personas, clock):
    person = helpers.make_applicant(tree.branch_a1)
    case = services.case_transfer_in(
        actor=personas.secretary,
        person=person,
        history={1: date(2025, 1, 5), 2: date(2025, 1, 20)},
        transferred_in_from="某大学某支部",
        letter_number="转字〔2025〕1号",
        received_on=date(2025, 2, 1),
    )
    html = client_for(personas.secretary).get(page_url(case)).content.decode()
    assert "某大学某支部" in html
