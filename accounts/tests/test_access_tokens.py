from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import AccessToken
from accounts.tests.helpers import logged_in
from core.errors import DomainError, FieldErrors
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

ME = "/accounts/me/"
CREATE = "/accounts/tokens/"


def revoke_url(token: AccessToken) -> str:
    return f"/accounts/tokens/{token.pk}/revoke/"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- Services --------------------------------------------------------------------------------------


def test_a_new_token_is_stored_only_as_its_digest(personas):
    token, raw = services.access_token_create(user=personas.student, name="  my phone  ")
    assert raw.startswith("sb_")
    assert len(raw) == 3 + 43  # 32 random bytes, URL-safe base64
    assert token.name == "my phone"
    assert token.prefix == raw[:8]
    assert len(token.prefix) == 8
    assert token.digest == AccessToken.digest_of(raw)
    stored = AccessToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}
    event = AuditEvent.objects.get(action="accounts.token.create")
    assert event.actor == personas.student
    assert raw not in str(event.data)


def test_two_tokens_never_share_a_secret(personas):
    _first, one = services.access_token_create(user=personas.student, name="a")
    _second, two = services.access_token_create(user=personas.student, name="b")
    assert one != two


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("   ", "name"), ("x" * 101, "name")])
def test_a_token_needs_a_sensible_name(personas, name, field):
    with pytest.raises(FieldErrors) as error:
        services.access_token_create(user=personas.student, name=name)
    assert field in error.value.fields
    assert not AccessToken.objects.exists()


def test_a_token_cannot_expire_in_the_past(personas):
    with pytest.raises(FieldErrors) as error:
        services.access_token_create(
            user=personas.student, name="old", expires_at=timezone.now() - timedelta(minutes=1)
        )
    assert "expires_at" in error.value.fields


def test_a_person_has_at_most_twenty_active_tokens(personas):
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.access_token_create(user=personas.student, name=f"t{n}")
    with pytest.raises(DomainError) as error:
        services.access_token_create(user=personas.student, name="one too many")
    assert error.value.code == "too_many_tokens"
    # Revoking one makes room again.
    services.access_token_revoke(user=personas.student, token_id=AccessToken.objects.first().pk)
    services.access_token_create(user=personas.student, name="now it fits")


def test_revoking_a_token_is_recorded_once(personas):
    token, _raw = services.access_token_create(user=personas.student, name="a")
    services.access_token_revoke(user=personas.student, token_id=token.pk)
    first = AccessToken.objects.get(pk=token.pk).revoked_at
    services.access_token_revoke(user=personas.student, token_id=token.pk)
    assert AccessToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEvent.objects.filter(action="accounts.token.revoke").count() == 1


def test_nobody_can_revoke_another_persons_token(personas):
    token, _raw = services.access_token_create(user=personas.student, name="a")
    for other in (personas.secretary, personas.system_admin):
        with pytest.raises(Http404):
            services.access_token_revoke(user=other, token_id=token.pk)
    with pytest.raises(Http404):
        services.access_token_revoke(user=personas.student, token_id=token.pk + 999)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


# --- The token section of the person's page ---------------------------------------------------------


def test_a_new_token_is_shown_once_without_javascript(personas):
    client = logged_in(personas.student)
    response = client.post(CREATE, {"name": "dues script", "expires_on": ""})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    token = AccessToken.objects.get(user=personas.student)
    raw = page.split('id="new-token" class="token-secret" type="text" readonly value="', 1)[1].split('"', 1)[
        0
    ]
    assert AccessToken.digest_of(raw) == token.digest
    assert "<html" in page  # the whole page, since there was no htmx
    later = client.get(ME).content.decode()
    assert raw not in later
    assert "dues script" in later
    assert token.prefix in later


def test_a_new_token_comes_back_as_the_section_for_htmx(personas):
    response = logged_in(personas.student).post(CREATE, {"name": "phone"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<section class="card" id="tokens"')
    assert "sb_" in page
    assert "HX-Request" in response["Vary"]


def test_a_token_with_a_last_day_works_until_the_end_of_that_day(personas):
    today = timezone.localdate()
    logged_in(personas.student).post(CREATE, {"name": "one day", "expires_on": today.isoformat()})
    token = AccessToken.objects.get(user=personas.student)
    assert token.expires_at == timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def test_a_last_day_in_the_past_is_refused_on_the_form(personas):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = logged_in(personas.student).post(CREATE, {"name": "x", "expires_on": yesterday.isoformat()})
    assert 'id="id_expires_on_errors"' in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_missing_name_is_refused_on_the_form(personas):
    response = logged_in(personas.student).post(CREATE, {"name": ""}, HTTP_HX_REQUEST="true")
    assert 'id="id_name_errors"' in response.content.decode()
    assert not AccessToken.objects.exists()


def test_the_token_limit_is_explained_on_the_form(personas):
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.access_token_create(user=personas.student, name=f"t{n}")
    response = logged_in(personas.student).post(CREATE, {"name": "more"})
    assert "Revoke one you no longer use first" in response.content.decode()


def test_the_list_shows_name_prefix_dates_and_status(personas):
    active, _ = services.access_token_create(
        user=personas.student, name="active one", expires_at=timezone.now() + timedelta(days=3)
    )
    expired, _ = services.access_token_create(
        user=personas.student, name="expired one", expires_at=timezone.now() + timedelta(seconds=1)
    )
    AccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = services.access_token_create(user=personas.student, name="revoked one")
    services.access_token_revoke(user=personas.student, token_id=revoked.pk)
    page = logged_in(personas.student).get(ME).content.decode()
    tokens = page.split('id="tokens"', 1)[1]
    for token in (active, expired, revoked):
        assert token.name in tokens
        assert token.prefix in tokens
    assert tokens.count("badge ok") == 1
    assert tokens.count("badge warn") == 1
    assert tokens.count("badge bad") == 1
    assert tokens.count('class="small danger"') == 2  # the revoked one has nothing left to revoke
    assert "Never" in tokens  # last used


def test_one_person_never_sees_another_persons_tokens(personas):
    services.access_token_create(user=personas.secretary, name="secretary's script")
    page = logged_in(personas.student).get(ME).content.decode()
    assert "secretary's script" not in page


def test_revoking_from_the_page_without_javascript(personas):
    token, _raw = services.access_token_create(user=personas.student, name="old phone")
    response = logged_in(personas.student).post(revoke_url(token), follow=True)
    assert response.redirect_chain == [(f"{ME}#tokens", 302)]
    assert "no longer works" in response.content.decode()
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_revoking_with_htmx_returns_the_section(personas):
    token, _raw = services.access_token_create(user=personas.student, name="old phone")
    response = logged_in(personas.student).post(revoke_url(token), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section class="card" id="tokens"')
    assert "badge bad" in response.content.decode()


@pytest.mark.parametrize("other", ["activist", "secretary", "college_officer", "system_admin", "outsider"])
def test_revoking_another_persons_token_is_not_found(personas, other):
    token, _raw = services.access_token_create(user=personas.student, name="mine")
    response = logged_in(getattr(personas, other)).post(revoke_url(token))
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_revoking_needs_a_post(personas):
    token, _raw = services.access_token_create(user=personas.student, name="mine")
    assert logged_in(personas.student).get(revoke_url(token)).status_code == 405
    assert logged_in(personas.student).get(CREATE).status_code == 405


def test_the_token_list_costs_the_same_queries_however_long_it_is(personas, django_assert_num_queries):
    client = logged_in(personas.college_officer)
    services.access_token_create(user=personas.college_officer, name="first")
    client.get(ME)  # warm up anything cached per process
    with CaptureQueriesContext(connection) as few:
        client.get(ME)
    for n in range(15):
        services.access_token_create(user=personas.college_officer, name=f"more {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(ME)
    assert response.content.decode().count('class="small danger"') == 16


# --- Tokens at work: the API -----------------------------------------------------------------------


def test_a_token_made_on_the_page_opens_the_api_until_revoked(personas):
    client = logged_in(personas.student)
    page = client.post(CREATE, {"name": "api"}).content.decode()
    raw = page.split('readonly value="', 1)[1].split('"', 1)[0]
    api = Client()
    assert api.get("/api/v1/me", **bearer(raw)).status_code == 200
    client.post(revoke_url(AccessToken.objects.get(user=personas.student)))
    assert api.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_an_expired_or_unknown_token_is_refused_by_the_api(personas):
    token, raw = services.access_token_create(
        user=personas.student, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    api = Client()
    assert api.get("/api/v1/me", **bearer(raw)).status_code == 200
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/me", **bearer(raw)).status_code == 401
    assert api.get("/api/v1/me", **bearer(raw[:-1] + ("A" if raw[-1] != "A" else "B"))).status_code == 401
