"""The dues pages: who may open each (out of scope 404, in scope without the right 403, rightful
200), the forms, the export, the home tile and unit link, and fixed query counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from core.sections import sections_for, unit_links_for
from dues.models import DuesBase, DuesCategory, DuesPayment
from dues.tests.helpers import make_member, pay, set_base

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# A student or activist holds no position, so no unit is in their scope: 404, as everywhere.
VIEW_MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "activist": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": OK,
    "college_officer": OK,
    "university_admin": OK,
    "system_admin": OK,
}
RECORD_MATRIX = {
    **VIEW_MATRIX,
    "secretary": 302,
    "college_officer": 302,
    "university_admin": 302,
    "system_admin": 302,
}


def unit_urls(tree, member) -> dict[str, str]:
    return {
        "unit": reverse("dues:unit", args=[tree.branch_a1.pk]),
        "export": reverse("dues:unit_export", args=[tree.branch_a1.pk]),
        "member": reverse("dues:member", args=[tree.branch_a1.pk, member.pk]),
    }


@pytest.mark.parametrize("page", ["unit", "export", "member"])
@pytest.mark.parametrize(("persona", "expected"), VIEW_MATRIX.items())
def test_unit_pages_answer_each_persona_by_scope_and_right(
    client, tree, personas, member, page, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.get(unit_urls(tree, member)[page])
    assert response.status_code == expected


@pytest.mark.parametrize("persona", VIEW_MATRIX)
def test_everyone_opens_their_own_dues(client, personas, member, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("dues:mine"))
    assert response.status_code == OK
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_my_dues_show_amount_paid_up_to_arrears_and_months_paid(client, member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=7)
    client.force_login(member)
    response = client.get(reverse("dues:mine"))
    page = response.content.decode()
    assert "0.20" in page
    assert "2026-07" in page  # paid up to
    assert response.context["arrears"] == ["2026-08", "2026-09", "2026-10"]
    assert '<span class="dues-month">2026-10</span>' in page
    assert "0.60" in page  # owed
    assert page.count('data-label="Month"') == 7


@pytest.mark.parametrize(("persona", "expected"), RECORD_MATRIX.items())
def test_recording_payments_answers_each_persona_by_scope_and_right(
    client, tree, personas, member, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("dues:payments", args=[tree.branch_a1.pk]),
        {
            "people": [member.pk],
            "months": 2,
            "paid_on": "2026-11-15",
            "idempotency_key": f"page-key-{persona}",
        },
    )
    assert response.status_code == expected
    assert DuesPayment.objects.count() == (2 if expected == 302 else 0)


def test_the_payment_form_sent_twice_records_once(client, tree, personas, member):
    client.force_login(personas.secretary)
    data = {"people": [member.pk], "months": 3, "paid_on": "2026-11-15", "idempotency_key": "double-click-1"}
    url = reverse("dues:payments", args=[tree.branch_a1.pk])
    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)
    assert DuesPayment.objects.count() == 3
    assert "Recorded 3 months of dues, 0.60 yuan in all." in first.content.decode()
    assert "nothing was recorded twice" in second.content.decode()


def test_a_bad_payment_form_names_the_person_and_records_nothing(client, tree, personas, member):
    unset = make_member(tree.branch_a1, name="吴未设")
    client.force_login(personas.secretary)
    response = client.post(
        reverse("dues:payments", args=[tree.branch_a1.pk]),
        {
            "people": [member.pk, unset.pk],
            "months": 1,
            "paid_on": "2026-11-15",
            "idempotency_key": "bad-form-01",
        },
    )
    assert response.status_code == OK
    assert "吴未设 has no monthly dues amount yet" in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_months_out_of_range_are_refused_naming_the_field(client, tree, personas, member):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("dues:payments", args=[tree.branch_a1.pk]),
        {"people": [member.pk], "months": 30, "paid_on": "2026-11-15", "idempotency_key": "bad-form-02"},
    )
    assert response.status_code == OK
    assert response.context["form"].errors["months"]
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), RECORD_MATRIX.items())
def test_setting_the_monthly_amount_answers_each_persona_by_scope_and_right(
    client, tree, personas, member, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("dues:member", args=[tree.branch_a1.pk, member.pk]),
        {"category": DuesCategory.GRADUATE_STIPEND, "effective_month": "2026-09", "stipend": "3,000.00"},
    )
    assert response.status_code == expected
    if expected == 302:
        assert DuesBase.objects.get(person=member, effective_month=date(2026, 9, 1)).monthly_fen == 1_500


def test_a_graduate_without_a_stipend_is_told_which_field_is_missing(client, tree, personas, member):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("dues:member", args=[tree.branch_a1.pk, member.pk]),
        {"category": DuesCategory.GRADUATE_STIPEND, "effective_month": "2026-09", "stipend": ""},
    )
    assert response.status_code == OK
    assert response.context["base_form"].errors["stipend"]


def test_a_malformed_month_or_amount_is_refused_naming_the_field(client, tree, personas, member):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("dues:member", args=[tree.branch_a1.pk, member.pk]),
        {"category": DuesCategory.OTHER, "effective_month": "九月", "amount": "1.234"},
    )
    errors = response.context["base_form"].errors
    assert set(errors) == {"effective_month", "amount"}


@pytest.mark.parametrize(("persona", "expected"), RECORD_MATRIX.items())
def test_correcting_a_payment_answers_each_persona_by_scope_and_right(
    client, tree, personas, member, persona, expected
):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("dues:reversal", args=[payment.pk]), {"reason": "重复记录"})
    assert response.status_code == expected
    assert DuesPayment.objects.count() == (2 if expected == 302 else 1)


def test_the_unit_page_lists_arrears_first(client, tree, personas, member):
    paid = make_member(tree.branch_a1, name="甲已缴")
    set_base(personas.secretary, paid, date(2026, 1, 1))
    pay(personas.secretary, tree.branch_a1, paid, months=11)
    client.force_login(personas.college_officer)
    response = client.get(reverse("dues:unit", args=[tree.college_a.pk]))
    names = [item["row"].person.name for item in response.context["rows"]]
    assert names.index("钱党员") < names.index("甲已缴")
    assert response.context["in_arrears"] == 1


def _members_with_payments(tree, personas, count: int) -> None:
    for _index in range(count):
        person = make_member(tree.branch_a2)
        set_base(personas.college_officer, person, date(2026, 1, 1))
        pay(personas.college_officer, tree.branch_a2, person, months=2)


@pytest.mark.parametrize("page", ["dues:unit", "dues:unit_export"])
def test_the_unit_pages_need_the_same_queries_for_few_or_many_members(
    client, tree, personas, member, page, django_assert_num_queries
):
    client.force_login(personas.college_officer)
    url = reverse(page, args=[tree.college_a.pk])
    _members_with_payments(tree, personas, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    _members_with_payments(tree, personas, 8)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == OK


def test_the_export_holds_each_member_and_keeps_formulas_inert(client, tree, personas, member):
    member.name = "=HYPERLINK(1)"
    member.save(update_fields=["name"])
    pay(personas.secretary, tree.branch_a1, member, months=7)
    client.force_login(personas.secretary)
    response = client.get(reverse("dues:unit_export", args=[tree.branch_a1.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Number", "Name")
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][5:] == (0.2, "2026-07", 3, 0.6)
    assert AuditEvent.objects.filter(action="dues.status.export").count() == 1


def test_the_home_tile_is_for_everyone_and_the_unit_link_for_officers(tree, personas):
    assert "dues.mine" in {s["code"] for s in sections_for(personas.student)}
    assert "dues.status" in {link["code"] for link in unit_links_for(personas.secretary, tree.branch_a1)}
    assert "dues.status" not in {link["code"] for link in unit_links_for(personas.propaganda, tree.branch_a1)}


@pytest.mark.parametrize(
    ("persona", "target"),
    [("student", "/dues/me/"), ("secretary", "unit:branch_a1"), ("college_officer", "unit:college_a")],
)
def test_the_dues_entry_leads_officers_to_their_unit_and_others_to_their_own(
    client, tree, personas, persona, target
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("dues:index"))
    if target.startswith("unit:"):
        target = reverse("dues:unit", args=[getattr(tree, target[5:]).pk])
    assert response.status_code == 302
    assert response["Location"] == target


def test_the_pages_speak_chinese_to_a_chinese_browser(tree, personas, member):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(personas.secretary)
    page = client.get(reverse("dues:unit", args=[tree.branch_a1.pk])).content.decode()
    assert "甲一支部的党费" in page
    assert "登记缴纳" in page


@pytest.mark.parametrize(("persona", "expected"), VIEW_MATRIX.items())
def test_the_amounts_page_answers_each_persona_by_scope_and_right(
    client, tree, personas, member, persona, expected
):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("dues:amounts", args=[tree.branch_a1.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), RECORD_MATRIX.items())
def test_setting_several_amounts_answers_each_persona_by_scope_and_right(
    client, tree, personas, member, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("dues:amounts", args=[tree.branch_a1.pk]),
        {
            "people": [personas.secretary.pk, personas.propaganda.pk],
            "category": "undergraduate",
            "effective_month": "2026-09",
        },
    )
    assert response.status_code == expected
    assert DuesBase.objects.filter(effective_month=date(2026, 9, 1)).count() == (2 if expected == 302 else 0)


def test_several_members_get_the_same_amount_from_a_month(client, tree, personas, member):
    client.force_login(personas.secretary)
    client.post(
        reverse("dues:amounts", args=[tree.branch_a1.pk]),
        {
            "people": [member.pk, personas.secretary.pk],
            "category": "other",
            "effective_month": "2026-10",
            "amount": "2",
        },
    )
    assert sorted(
        DuesBase.objects.filter(effective_month=date(2026, 10, 1)).values_list("monthly_fen", flat=True)
    ) == [
        200,
        200,
    ]


def test_graduates_are_not_set_in_a_batch_and_nothing_is_saved(client, tree, personas, member):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("dues:amounts", args=[tree.branch_a1.pk]),
        {"people": [member.pk], "category": "graduate_stipend", "effective_month": "2026-10"},
    )
    assert response.status_code == OK
    assert response.context["form"].errors["category"]
    assert DuesBase.objects.count() == 1


def test_a_batch_with_someone_outside_the_unit_saves_nothing(tree, personas, member):
    from core.errors import FieldErrors
    from dues import services

    elsewhere = make_member(tree.branch_a2)
    with pytest.raises(FieldErrors) as error:
        services.dues_bases_set_many(
            actor=personas.secretary,
            unit=tree.branch_a1,
            person_ids=[member.pk, elsewhere.pk],
            category="undergraduate",
            effective_month=date(2026, 10, 1),
        )
    assert list(error.value.fields) == ["people.1"]
    assert DuesBase.objects.count() == 1


@pytest.mark.parametrize("page", ["mine", "member"])
def test_the_ledger_pages_need_the_same_queries_for_few_or_many_rows(
    client, tree, personas, member, page, django_assert_num_queries
):
    from dues import services

    url = (
        reverse("dues:mine")
        if page == "mine"
        else reverse("dues:member", args=[tree.branch_a1.pk, member.pk])
    )
    client.force_login(member if page == "mine" else personas.secretary)
    pay(personas.secretary, tree.branch_a1, member, months=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == OK
    payments = pay(personas.secretary, tree.branch_a1, member, months=12).payments
    services.payment_reverse(actor=personas.secretary, payment=payments[0], reason="错记")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["ledger"]) == 14
