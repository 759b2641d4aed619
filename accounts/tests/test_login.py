from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
GENERIC = "do not match an account"


@pytest.fixture
def person() -> User:
    return make_user(name="刘登录", number="20240001", phone="13812345678", email="Liu.Login@example.edu.cn")


def log_in(client: Client, username: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "identifier",
    [
        "20240001",
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "１３８１２３４５６７８",
        "liu.login@example.edu.cn",
        "LIU.LOGIN@EXAMPLE.EDU.CN",
    ],
)
def test_it_logs_in_with_any_identifier(client, person, identifier):
    response = log_in(client, identifier)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(person.pk)


def test_it_goes_to_a_safe_next_page_after_login(client, person):
    response = client.post(
        f"{LOGIN}?next=/accounts/me/", {"username": "20240001", "password": PASSWORD, "next": "/accounts/me/"}
    )
    assert response["Location"] == "/accounts/me/"


def test_it_ignores_a_next_page_on_another_site(client, person):
    response = client.post(
        LOGIN, {"username": "20240001", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("identifier", "password"),
    [
        ("20240001", "wrong password"),
        ("13812345678", "wrong password"),
        ("no-such-person", PASSWORD),
        ("nobody@example.edu.cn", "wrong password"),
    ],
)
def test_a_wrong_login_shows_the_same_generic_message(client, person, identifier, password):
    response = log_in(client, identifier, password)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_disabled_account_cannot_log_in(client, person):
    person.is_active = False
    person.save(update_fields=["is_active"])
    response = log_in(client, "20240001")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_the_login_page_labels_its_fields(client, db):
    page = client.get(LOGIN).content.decode()
    assert 'for="id_username"' in page
    assert 'for="id_password"' in page
    assert 'autocomplete="username"' in page


def test_it_locks_an_account_after_too_many_failures_from_different_addresses(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(2):
        assert log_in(client, "20240001", "wrong", address=f"10.0.0.{n + 1}").status_code == 200
    # The third failure, typed as a phone number, still counts against the same account.
    locked = log_in(client, "138 1234 5678", "wrong", address="10.0.0.3")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password from a fresh address is refused while the account is locked.
    again = log_in(Client(), "liu.login@example.edu.cn", address="10.0.0.9")
    assert again.status_code == 429
    assert logged_in_user_id(client) is None


def test_it_locks_an_address_that_tries_many_accounts(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("someone1", "someone2"):
        assert log_in(client, name, "wrong", address="10.1.1.1").status_code == 200
    assert log_in(client, "someone3", "wrong", address="10.1.1.1").status_code == 429
    # The person's own correct login from that address is refused too …
    assert log_in(client, "20240001", address="10.1.1.1").status_code == 429
    # … but works from another address, since the account itself has no failures.
    other = Client()
    assert log_in(other, "20240001", address="10.2.2.2").status_code == 302
    assert logged_in_user_id(other) == str(person.pk)


def test_the_lockout_page_says_how_long_to_wait(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    page = log_in(client, "20240001", "wrong").content.decode()
    assert "30 minutes" in page


def test_a_successful_login_clears_the_failures_of_the_account(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    log_in(client, "20240001", "wrong")
    log_in(client, "20240001", "wrong")
    assert log_in(client, "20240001").status_code == 302
    assert not AccessAttempt.objects.filter(username="20240001", failures_since_start__gt=0).exists()


def test_logout_needs_a_post_and_ends_the_session(client, person):
    log_in(client, "20240001")
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(person.pk)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/me/",
        "/accounts/password/",
        "/accounts/two-factor/",
        "/accounts/verify/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/tokens/",
        "/accounts/tokens/1/revoke/",
        "/accounts/two-factor/start/",
        "/accounts/two-factor/confirm/",
        "/accounts/two-factor/disable/",
        "/accounts/two-factor/cancel/",
    ],
)
def test_anonymous_posts_are_sent_to_the_login_page(client, db, url):
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_the_lockout_page_speaks_chinese_by_default(client, person, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.AXES_FAILURE_LIMIT = 1
    page = log_in(client, "20240001", "wrong").content.decode()
    assert "登录失败次数过多" in page
    assert "15 分钟" in page
