"""The dues API: my dues, a unit's status, amounts, payments (idempotent with a key) and
corrections, each answering by scope and right (404, 403, 2xx), with fixed query counts."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dues.models import DuesBase, DuesPayment
from dues.tests.helpers import make_member, pay, set_base

pytestmark = pytest.mark.django_db

NOT_FOUND, FORBIDDEN = 404, 403
MATRIX = {
    "outsider": NOT_FOUND,
    "student": NOT_FOUND,
    "propaganda": FORBIDDEN,
    "secretary": None,  # the endpoint's success status
    "college_officer": None,
    "university_admin": None,
    "system_admin": None,
}


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def payments_body(member, months: int = 2, key: str = "api-key-00000001") -> dict:
    return {"idempotency_key": key, "entries": [{"person_id": member.pk, "months": months}]}


def test_my_dues_answer_with_standing_and_ledger(member, personas, tree):
    pay(personas.secretary, tree.branch_a1, member, months=7)
    body = client_for(member).get("/api/v1/me/dues").json()
    assert body["category"] == "undergraduate"
    assert (body["monthly_fen"], body["monthly_yuan"]) == (20, "0.20")
    assert (body["paid_up_to"], body["months_in_arrears"], body["owed_fen"]) == ("2026-07", 3, 60)
    assert body["arrears"] == ["2026-08", "2026-09", "2026-10"]
    assert body["paid_up_this_month"] is False
    assert [row["month"] for row in body["ledger"]][:2] == ["2026-07", "2026-06"]


def test_my_dues_need_a_login(member):
    assert client_for(None).get("/api/v1/me/dues").status_code == 401


def test_my_dues_without_an_amount_say_so(personas, clock):
    body = client_for(personas.student).get("/api/v1/me/dues").json()
    assert (body["category"], body["paid_up_to"], body["ledger"]) == (None, None, [])


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_a_unit_s_dues_answer_by_scope_and_right(tree, personas, member, persona, expected):
    response = client_for(getattr(personas, persona)).get(f"/api/v1/units/{tree.branch_a1.pk}/dues")
    assert response.status_code == (expected or 200)
    if expected is None:
        # The member in arrears first; the secretary and propaganda member (no amount set) after.
        assert [row["name"] for row in response.json()] == ["钱党员", "王宣传", "赵书记"]


def test_a_unit_s_dues_need_the_same_queries_for_few_or_many(
    tree, personas, member, django_assert_num_queries
):
    client = client_for(personas.college_officer)
    url = f"/api/v1/units/{tree.college_a.pk}/dues"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _index in range(6):
        person = make_member(tree.branch_a2)
        set_base(personas.college_officer, person, date(2026, 1, 1))
        pay(personas.college_officer, tree.branch_a2, person, months=3)
    with django_assert_num_queries(len(few)):
        assert len(client.get(url).json()) == 9


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_recording_payments_answers_by_scope_and_right(tree, personas, member, persona, expected):
    response = post(
        client_for(getattr(personas, persona)),
        f"/api/v1/units/{tree.branch_a1.pk}/dues/payments",
        payments_body(member),
    )
    assert response.status_code == (expected or 201)
    assert DuesPayment.objects.count() == (0 if expected else 2)


def test_a_retried_submission_records_once_and_says_so(tree, personas, member):
    client = client_for(personas.secretary)
    url = f"/api/v1/units/{tree.branch_a1.pk}/dues/payments"
    first = post(client, url, payments_body(member, 3))
    again = post(client, url, payments_body(member, 3))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True
    assert again.json()["payments"] == first.json()["payments"]
    assert DuesPayment.objects.count() == 3


def test_a_key_reused_for_other_payments_is_a_conflict(tree, personas, member):
    client = client_for(personas.secretary)
    url = f"/api/v1/units/{tree.branch_a1.pk}/dues/payments"
    post(client, url, payments_body(member, 3))
    response = post(client, url, payments_body(member, 4))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"idempotency_key": "short", "entries": [{"person_id": 1, "months": 1}]}, "idempotency_key"),
        ({"idempotency_key": "long-enough-key", "entries": []}, "entries"),
        (
            {"idempotency_key": "long-enough-key", "entries": [{"person_id": 1, "months": 0}]},
            "entries.0.months",
        ),
    ],
)
def test_bad_payment_input_is_a_400_naming_the_field(tree, personas, member, body, field):
    response = post(client_for(personas.secretary), f"/api/v1/units/{tree.branch_a1.pk}/dues/payments", body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_person_without_an_amount_is_a_400_naming_the_row(tree, personas, member):
    unset = make_member(tree.branch_a1)
    body = {
        "idempotency_key": "api-key-unset01",
        "entries": [{"person_id": member.pk}, {"person_id": unset.pk}],
    }
    response = post(client_for(personas.secretary), f"/api/v1/units/{tree.branch_a1.pk}/dues/payments", body)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["entries.1.person_id"]
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_setting_an_amount_answers_by_scope_and_right(tree, personas, member, persona, expected):
    body = {
        "person_id": member.pk,
        "category": "graduate_stipend",
        "effective_month": "2026-09",
        "stipend_fen": 500_001,
    }
    response = post(client_for(getattr(personas, persona)), "/api/v1/dues/bases", body)
    assert response.status_code == (expected or 200)
    if expected is None:
        assert response.json()["monthly_fen"] == 7_500
        assert DuesBase.objects.filter(person=member).count() == 2


def test_a_malformed_month_is_a_400(tree, personas, member):
    body = {"person_id": member.pk, "category": "undergraduate", "effective_month": "2026-13"}
    response = post(client_for(personas.secretary), "/api/v1/dues/bases", body)
    assert response.status_code == 400
    assert "effective_month" in response.json()["error"]["fields"]


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_correcting_a_payment_answers_by_scope_and_right(tree, personas, member, persona, expected):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    response = post(
        client_for(getattr(personas, persona)),
        f"/api/v1/dues/payments/{payment.pk}/reversal",
        {"reason": "错记"},
    )
    assert response.status_code == (expected or 201)
    if expected is None:
        assert (response.json()["amount_fen"], response.json()["reverses"]) == (-20, payment.pk)


def test_correcting_twice_is_a_conflict(tree, personas, member):
    payment = pay(personas.secretary, tree.branch_a1, member).payments[0]
    client = client_for(personas.secretary)
    post(client, f"/api/v1/dues/payments/{payment.pk}/reversal", {"reason": "错记"})
    response = post(client, f"/api/v1/dues/payments/{payment.pk}/reversal", {"reason": "错记"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_reversed"


def test_my_dues_need_the_same_queries_for_few_or_many_rows(
    member, personas, tree, django_assert_num_queries
):
    client = client_for(member)
    pay(personas.secretary, tree.branch_a1, member, months=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/me/dues").status_code == 200
    pay(personas.secretary, tree.branch_a1, member, months=12)
    with django_assert_num_queries(len(few)):
        assert len(client.get("/api/v1/me/dues").json()["ledger"]) == 13


def test_setting_an_amount_for_someone_in_no_branch_is_not_found(tree, personas, member):
    body = {
        "person_id": personas.college_officer.pk,
        "category": "undergraduate",
        "effective_month": "2026-09",
    }
    response = post(client_for(personas.university_admin), "/api/v1/dues/bases", body)
    assert response.status_code == 404
