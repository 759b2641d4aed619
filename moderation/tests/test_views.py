"""The moderation pages: who may open them, the queue with highlighted hits, decisions, the lexicon."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import services
from moderation.models import LexiconEntry, ModerationDecision, ModerationItem

pytestmark = pytest.mark.django_db


def person(name, personas, study_member=None, committee_secretary=None):
    extra = {"study_member": study_member, "committee_secretary": committee_secretary}
    return extra[name] if name in extra else getattr(personas, name)


def held(personas, tree, text="你这个 sb", subject="comment:1", unit=None):
    services.submission_screen(
        actor=personas.student, text=text, unit=unit or tree.branch_a1, subject=subject
    )
    return ModerationItem.objects.get(subject=subject)


REVIEW_MATRIX = [
    ("outsider", 404),
    ("student", 404),
    ("study_member", 403),
    ("propaganda", 200),
    ("secretary", 200),
    ("college_officer", 200),
    ("university_admin", 200),
    ("system_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), REVIEW_MATRIX)
def test_the_review_queue_by_persona(client, tree, personas, study_member, default_lexicon, who, status):
    held(personas, tree)
    client.force_login(person(who, personas, study_member))
    assert client.get(reverse("moderation:queue", args=[tree.branch_a1.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), REVIEW_MATRIX)
def test_an_item_page_by_persona(client, tree, personas, study_member, default_lexicon, who, status):
    item = held(personas, tree)
    client.force_login(person(who, personas, study_member))
    assert client.get(reverse("moderation:item", args=[item.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [*REVIEW_MATRIX[:3], ("propaganda", 302), ("college_officer", 302)]
)
def test_deciding_by_persona(client, tree, personas, study_member, default_lexicon, who, status):
    item = held(personas, tree)
    client.force_login(person(who, personas, study_member))
    response = client.post(
        reverse("moderation:decide", args=[item.pk]), {"decision": "approve", "reason": "可以"}
    )
    assert response.status_code == status
    assert ModerationDecision.objects.filter(item=item).exists() is (status == 302)


LEXICON_MATRIX = [
    ("outsider", 404),
    ("student", 404),
    ("study_member", 403),
    ("propaganda", 403),
    ("secretary", 403),
    ("college_officer", 403),
    ("committee_secretary", 200),
    ("university_admin", 200),
    ("system_admin", 200),
]


@pytest.mark.parametrize(("who", "status"), LEXICON_MATRIX)
def test_a_branchs_lexicon_page_by_persona(
    client, tree, personas, study_member, committee_secretary, default_lexicon, who, status
):
    client.force_login(person(who, personas, study_member, committee_secretary))
    assert client.get(reverse("moderation:lexicon", args=[tree.branch_a1.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),
        ("secretary", 404),
        ("committee_secretary", 404),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_the_universitys_lexicon_and_its_entries_by_persona(
    client, tree, personas, committee_secretary, default_lexicon, who, status
):
    client.force_login(person(who, personas, committee_secretary=committee_secretary))
    assert client.get(reverse("moderation:lexicon", args=[tree.university.pk])).status_code == status
    entry = default_lexicon.get(term="sb")
    assert client.get(reverse("moderation:lexicon_entry", args=[entry.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("student", 404),
        ("study_member", 404),
        ("propaganda", 200),
        ("committee_secretary", 200),
        ("system_admin", 200),
    ],
)
def test_the_moderation_index_by_persona(
    client, tree, personas, study_member, committee_secretary, who, status
):
    client.force_login(person(who, personas, study_member, committee_secretary))
    assert client.get(reverse("moderation:index")).status_code == status


def test_the_queue_highlights_hits_and_escapes_everything_else(client, tree, personas, default_lexicon):
    held(personas, tree, text="<script>alert(1)</script> 你这个 sb & 电话 13812345678")
    client.force_login(personas.secretary)
    page = client.get(reverse("moderation:queue", args=[tree.branch_a1.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ">sb</mark>" in page
    assert ">138****5678</mark>" in page
    assert "13812345678" not in page


def test_the_queue_shows_pending_items_of_the_subtree_oldest_first(client, tree, personas, default_lexicon):
    held(personas, tree, text="第一条 sb", subject="comment:1")
    held(personas, tree, text="第二条 sb", subject="comment:2", unit=tree.branch_a2)
    held(personas, tree, text="乙院 sb", subject="comment:3", unit=tree.branch_b1)
    client.force_login(personas.college_officer)
    response = client.get(reverse("moderation:queue", args=[tree.college_a.pk]))
    assert [item.subject for item in response.context["items"]] == ["comment:1", "comment:2"]


def test_the_queue_costs_the_same_queries_for_one_item_or_many(client, tree, personas, default_lexicon):
    held(personas, tree, subject="comment:0")
    client.force_login(personas.secretary)
    url = reverse("moderation:queue", args=[tree.branch_a1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(1, 15):
        held(personas, tree, subject=f"comment:{number}")
        services.report_submit(
            actor=personas.activist, subject=f"comment:{number}", unit=tree.branch_a1, text="x", reason="不当"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["items"]) == 15
    assert len(many) == len(one)


def test_a_decision_from_the_queue_without_javascript_returns_to_the_queue(
    client, tree, personas, default_lexicon
):
    item = held(personas, tree)
    client.force_login(personas.secretary)
    queue_url = reverse("moderation:queue", args=[tree.branch_a1.pk])
    response = client.post(
        reverse("moderation:decide", args=[item.pk]),
        {"decision": "hide", "reason": "不文明", "next": queue_url},
    )
    assert response.status_code == 302 and response.url == queue_url
    item.refresh_from_db()
    assert item.status == "hidden"


def test_a_decision_through_htmx_returns_the_items_card(client, tree, personas, default_lexicon):
    item = held(personas, tree)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("moderation:decide", args=[item.pk]),
        {"decision": "reject", "reason": "违规"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="card moderation-item" id="item-{item.pk}"')
    assert "<html" not in body


def test_a_decision_without_a_reason_is_refused_on_the_page(client, tree, personas, default_lexicon):
    item = held(personas, tree)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("moderation:decide", args=[item.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 400
    assert not ModerationDecision.objects.exists()


def test_the_item_page_shows_the_decision_log_and_reports(client, tree, personas, default_lexicon):
    item = held(personas, tree)
    services.report_submit(
        actor=personas.activist, subject=item.subject, unit=tree.branch_a1, text="x", reason="骂人了"
    )
    services.item_decide(actor=personas.secretary, item=item, decision="hide", reason="先隐藏再说")
    client.force_login(personas.college_officer)
    page = client.get(reverse("moderation:item", args=[item.pk])).content.decode()
    assert "先隐藏再说" in page and "赵书记" in page
    assert "骂人了" in page
    assert "李积极" not in page  # reporters are not named


def test_adding_a_term_on_the_page_takes_effect_at_once(client, tree, personas, default_lexicon):
    client.force_login(personas.university_admin)
    url = reverse("moderation:lexicon", args=[tree.university.pk])
    response = client.post(url, {"term": "新增词", "category": "spam", "action": "block", "note": ""})
    assert response.status_code == 302
    entry = LexiconEntry.objects.get(term="新增词")
    assert entry.unit is None  # the university's page adds university-wide terms
    assert services.text_check(text="新 增 词", unit=tree.branch_a1).action == "block"


def test_a_college_adds_terms_for_its_own_subtree(client, tree, personas, committee_secretary):
    client.force_login(committee_secretary)
    client.post(
        reverse("moderation:lexicon", args=[tree.college_a.pk]),
        {"term": "院内词", "category": "other", "action": "hold"},
    )
    assert LexiconEntry.objects.get(term="院内词").unit == tree.college_a


def test_a_duplicate_term_is_refused_on_the_page_with_the_field_named(
    client, tree, personas, default_lexicon
):
    client.force_login(personas.university_admin)
    response = client.post(
        reverse("moderation:lexicon", args=[tree.university.pk]),
        {"term": "ＳＢ", "category": "abuse", "action": "block"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["term"]


def test_the_lexicon_can_be_searched_and_filtered(client, tree, personas, default_lexicon):
    client.force_login(personas.university_admin)
    url = reverse("moderation:lexicon", args=[tree.university.pk])
    terms = lambda response: {row["entry"].term for row in response.context["rows"]}  # noqa: E731
    assert terms(client.get(url, {"q": "ＢＵＹ"})) == {"buy followers"}
    assert terms(client.get(url, {"category": "personal_data"})) == {"national_id", "mobile"}
    spam_blocks = terms(client.get(url, {"category": "spam", "action": "block"}))
    assert "刷单" in spam_blocks and "加微信" not in spam_blocks
    response = client.get(url, {"q": "微信"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="results">')


def test_the_lexicon_page_costs_the_same_queries_for_few_entries_or_many(
    client, tree, personas, committee_secretary, default_lexicon
):
    client.force_login(committee_secretary)
    url = reverse("moderation:lexicon", args=[tree.college_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.lexicon_entries_import(
        actor=committee_secretary,
        unit=tree.college_a,
        lines="\n".join(f"词语{n}" for n in range(30)),
        category="spam",
        action="hold",
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) > 40
    assert len(many) == len(few)


def test_changing_an_entry_on_its_page(client, tree, personas, default_lexicon):
    entry = default_lexicon.get(term="sb")
    client.force_login(personas.university_admin)
    url = reverse("moderation:lexicon_entry", args=[entry.pk])
    response = client.post(url, {"category": "abuse", "action": "block", "note": "改为拦截"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.action, entry.is_active, entry.note) == (
        "block",
        False,
        "改为拦截",
    )  # unticked: switched off
    assert services.text_check(text="sb", unit=None).action == "allow"


def test_bulk_import_on_the_page(client, tree, personas, default_lexicon):
    client.force_login(personas.university_admin)
    response = client.post(
        reverse("moderation:lexicon_import", args=[tree.university.pk]),
        {"lines": "批量一\n批量二\nsb", "category": "spam", "action": "hold"},
        follow=True,
    )
    assert LexiconEntry.objects.filter(term__in=["批量一", "批量二"]).count() == 2
    assert any("sb" in str(message) for message in response.context["messages"])


def test_the_lexicon_home_goes_to_the_highest_unit_kept(client, tree, personas, committee_secretary):
    client.force_login(committee_secretary)
    response = client.get(reverse("moderation:lexicon_home"))
    assert response.url == reverse("moderation:lexicon", args=[tree.college_a.pk])
    client.force_login(personas.secretary)
    assert client.get(reverse("moderation:lexicon_home")).status_code == 404


def test_a_decision_never_redirects_to_another_site(client, tree, personas, default_lexicon):
    item = held(personas, tree)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("moderation:decide", args=[item.pk]),
        {"decision": "hide", "reason": "x", "next": "https://evil.example.com/"},
    )
    assert response.url == reverse("moderation:item", args=[item.pk])
