"""How API clients authenticate: the page session (with CSRF for writes) or a bearer access token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessToken

pytestmark = pytest.mark.django_db

RAW = "sb_test-token-0123456789abcdefghijklmnopqrstuv"


def make_token(user, raw: str = RAW, **fields) -> AccessToken:
    return AccessToken.objects.create(
        user=user, name="t", prefix=raw[:8], digest=AccessToken.digest_of(raw), **fields
    )


def bearer(raw: str = RAW) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert error["message"]
    assert error["fields"] == {}


@pytest.mark.parametrize(
    "url", ["/api/v1/me", "/api/v1/units", "/api/v1/units/1", "/api/v1/units/1/members", "/api/v1/members/1"]
)
def test_an_anonymous_caller_gets_401_in_the_error_shape(personas, url):
    assert_unauthenticated(Client().get(url))


def test_an_anonymous_write_gets_401_not_a_csrf_refusal(personas):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/positions/1/end", json.dumps({"end_date": "2024-01-01"}), content_type="application/json"
    )
    assert_unauthenticated(response)


def test_a_valid_token_identifies_its_owner_and_records_its_use(personas):
    token = make_token(personas.secretary)
    response = Client().get("/api/v1/me", **bearer())
    assert response.status_code == 200
    assert response.json()["number"] == personas.secretary.number
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_last_use_is_written_at_most_once_a_minute(personas):
    recently = timezone.now() - timedelta(seconds=30)
    token = make_token(personas.secretary, last_used_at=recently)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/me", **bearer()).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == recently


@pytest.mark.parametrize(
    "fields",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_token_gets_401(personas, fields):
    make_token(personas.secretary, **fields)
    assert_unauthenticated(Client().get("/api/v1/me", **bearer()))


def test_a_token_that_expires_later_still_works(personas):
    make_token(personas.secretary, expires_at=timezone.now() + timedelta(days=1))
    assert Client().get("/api/v1/me", **bearer()).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", f"Bearer {RAW}x", "Bearer ", f"Token {RAW}", RAW, "Basic dXNlcjpwYXNz"],
)
def test_a_wrong_or_malformed_token_gets_401(personas, header):
    make_token(personas.secretary)
    assert_unauthenticated(Client().get("/api/v1/me", HTTP_AUTHORIZATION=header))


def test_the_token_of_a_deactivated_person_gets_401(personas):
    make_token(personas.secretary)
    personas.secretary.is_active = False
    personas.secretary.save()
    assert_unauthenticated(Client().get("/api/v1/me", **bearer()))


def test_a_session_works_for_reads(personas):
    client = Client()
    client.force_login(personas.secretary)
    assert client.get("/api/v1/me").json()["number"] == personas.secretary.number


# --- CSRF on writes ---------------------------------------------------------------------------------
# The target position does not exist: a request that passes authentication gets 404, one that does
# not gets 401 or 403, which is all these tests need to tell apart.


def end_term(client: Client, **headers):
    return client.post(
        "/api/v1/positions/999999/end",
        json.dumps({"end_date": "2024-01-01"}),
        content_type="application/json",
        **headers,
    )


def test_a_session_write_without_the_csrf_token_is_refused(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.secretary)
    response = end_term(client)
    assert response.status_code == 403
    assert response.json()["error"]["code"] in {"forbidden", "csrf_failed"}


def test_a_session_write_with_the_csrf_token_passes(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.secretary)
    client.get("/")  # a page renders the CSRF token and sets its cookie
    token = client.cookies["csrftoken"].value
    response = end_term(client, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_token_write_needs_no_csrf_token(personas):
    make_token(personas.secretary)
    response = end_term(Client(enforce_csrf_checks=True), **bearer())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_token_write_gets_401(personas):
    assert_unauthenticated(end_term(Client(enforce_csrf_checks=True), **bearer("wrong")))
