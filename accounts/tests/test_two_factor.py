from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SECOND_STEP_PENDING
from accounts.tests.helpers import PASSWORD, current_code, logged_in, make_device, wrong_code
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/accounts/two-factor/"


def allow_next_try(device: TOTPDevice) -> None:
    """Let the throttle's waiting time pass, as if the person waited."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


# --- Who may open the setup page -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("student", 403),
        ("activist", 403),
        ("propaganda", 403),
        ("secretary", 403),
        ("outsider", 403),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_only_staff_accounts_may_open_two_factor_setup(personas, persona, status):
    assert logged_in(getattr(personas, persona)).get(PAGE).status_code == status


@pytest.mark.parametrize("url", [f"{PAGE}start/", f"{PAGE}confirm/", f"{PAGE}disable/", f"{PAGE}cancel/"])
def test_a_student_cannot_set_up_two_factor_login(personas, url):
    response = logged_in(personas.student).post(url, {"code": "123456", "password": PASSWORD})
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=personas.student).exists()


# --- Setting it up ---------------------------------------------------------------------------------


def test_starting_setup_shows_a_qr_code_and_the_key(personas):
    officer = personas.college_officer
    client = logged_in(officer)
    assert client.post(f"{PAGE}start/")["Location"] == PAGE
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    page = client.get(PAGE).content.decode()
    assert '<svg viewBox="' in page
    assert 'class="qr-code"' in page
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert secret[:4] in page
    assert secret.replace(" ", "") == "".join(
        page.split('class="otp-secret">', 1)[1].split("</code>", 1)[0].split()
    )
    assert AuditEvent.objects.filter(action="accounts.two_factor.setup_start", actor=officer).exists()


def test_starting_again_replaces_an_unfinished_setup(personas):
    client = logged_in(personas.college_officer)
    client.post(f"{PAGE}start/")
    first = TOTPDevice.objects.get(user=personas.college_officer)
    client.post(f"{PAGE}start/")
    second = TOTPDevice.objects.get(user=personas.college_officer)
    assert first.pk != second.pk
    assert first.key != second.key


def test_a_wrong_code_is_shown_under_the_code_field(personas):
    client = logged_in(personas.college_officer)
    client.post(f"{PAGE}start/")
    device = TOTPDevice.objects.get(user=personas.college_officer)
    response = client.post(f"{PAGE}confirm/", {"code": wrong_code(device)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_code_errors"' in page
    assert "That code is not right" in page
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1


def test_a_code_that_is_not_six_digits_is_refused_before_it_is_checked(personas):
    client = logged_in(personas.college_officer)
    client.post(f"{PAGE}start/")
    response = client.post(f"{PAGE}confirm/", {"code": "12ab"})
    assert "Enter the 6 digits" in response.content.decode()
    assert TOTPDevice.objects.get(user=personas.college_officer).throttling_failure_count == 0


def test_the_right_code_turns_two_factor_login_on(personas):
    officer = personas.college_officer
    client = logged_in(officer)
    client.post(f"{PAGE}start/")
    device = TOTPDevice.objects.get(user=officer)
    code = current_code(device)
    # Codes typed with a space or full-width digits are accepted too.
    spaced = code[:3] + " " + "".join(chr(ord(c) + 0xFEE0) for c in code[3:])
    response = client.post(f"{PAGE}confirm/", {"code": spaced})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="accounts.two_factor.enable", actor=officer).exists()
    page = client.get(PAGE).content.decode()
    assert "Two-factor login is on" in page
    assert "otp-secret" not in page  # the key is never shown again
    # This session counts as verified: nothing asks for a code now.
    assert client.get("/accounts/me/").status_code == 200


def test_wrong_codes_are_throttled_with_a_clear_message(personas):
    client = logged_in(personas.college_officer)
    client.post(f"{PAGE}start/")
    device = TOTPDevice.objects.get(user=personas.college_officer)
    client.post(f"{PAGE}confirm/", {"code": wrong_code(device)})
    client.post(f"{PAGE}confirm/", {"code": wrong_code(device)})
    response = client.post(f"{PAGE}confirm/", {"code": current_code(device)})
    assert "Too many wrong codes. Wait" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_confirming_without_a_setup_says_to_start_first(personas):
    response = logged_in(personas.college_officer).post(f"{PAGE}confirm/", {"code": "123456"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Start the setup first" in response.content.decode()


def test_cancel_drops_an_unfinished_setup(personas):
    client = logged_in(personas.college_officer)
    client.post(f"{PAGE}start/")
    client.post(f"{PAGE}cancel/")
    assert not TOTPDevice.objects.filter(user=personas.college_officer).exists()


def test_cancel_does_not_turn_off_a_confirmed_device(personas):
    make_device(personas.college_officer)
    logged_in(personas.college_officer).post(f"{PAGE}cancel/")
    assert TOTPDevice.objects.filter(user=personas.college_officer, confirmed=True).exists()


def test_starting_setup_when_it_is_on_changes_nothing(personas):
    client = logged_in(personas.university_admin)
    device = make_device(personas.university_admin)
    response = client.post(f"{PAGE}start/", follow=True)
    assert "already on" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=personas.university_admin)) == [device]


# --- Turning it off --------------------------------------------------------------------------------


def test_turning_it_off_needs_the_password(personas):
    officer = personas.college_officer
    client = logged_in(officer)  # a session from before two-factor login was turned on
    make_device(officer)
    response = client.post(f"{PAGE}disable/", {"password": "not my password"})
    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()

    response = client.post(f"{PAGE}disable/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor.disable", actor=officer).exists()


# --- The second login step -----------------------------------------------------------------------


def password_login(user, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    data = {"username": user.number, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(url, data)


def test_people_without_two_factor_are_not_asked_for_a_code(personas):
    client, response = password_login(personas.student, "/accounts/me/")
    assert response["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200


def test_after_the_password_every_page_leads_to_the_code_page(personas):
    officer = personas.college_officer
    make_device(officer)
    client, response = password_login(officer, "/accounts/me/")
    assert client.session[SECOND_STEP_PENDING] is True
    followed = client.get(response["Location"])
    assert followed.status_code == 302
    assert followed["Location"] == "/accounts/verify/?next=%2Faccounts%2Fme%2F"
    assert client.get("/accounts/verify/?next=/accounts/me/").status_code == 200
    assert client.get("/admin/")["Location"].startswith("/accounts/verify/")


def test_htmx_requests_are_sent_to_the_code_page_as_a_whole(personas):
    make_device(personas.college_officer)
    client, _ = password_login(personas.college_officer)
    response = client.get("/accounts/me/?reveal=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/verify/?next=")


def test_the_api_answers_401_until_the_second_step_is_done(personas):
    make_device(personas.college_officer)
    client, _ = password_login(personas.college_officer)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "second_step_required"


def test_the_right_code_completes_the_login_and_goes_to_next(personas):
    officer = personas.college_officer
    device = make_device(officer)
    client, _ = password_login(officer)
    response = client.post("/accounts/verify/", {"code": current_code(device), "next": "/accounts/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    assert SECOND_STEP_PENDING not in client.session
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get("/accounts/me/").status_code == 200


def test_a_wrong_code_keeps_the_person_at_the_code_page(personas):
    officer = personas.college_officer
    device = make_device(officer)
    client, _ = password_login(officer)
    response = client.post("/accounts/verify/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.session[SECOND_STEP_PENDING] is True
    assert AuditEvent.objects.filter(action="accounts.two_factor.failure", actor=officer).count() == 1
    assert client.get("/accounts/me/").status_code == 302


def test_repeated_wrong_codes_make_the_person_wait(personas):
    officer = personas.college_officer
    device = make_device(officer)
    client, _ = password_login(officer)
    client.post("/accounts/verify/", {"code": wrong_code(device)})
    throttled = client.post("/accounts/verify/", {"code": current_code(device)})
    assert "Too many wrong codes. Wait 1 second before trying again." in throttled.content.decode()
    assert client.session[SECOND_STEP_PENDING] is True
    allow_next_try(device)
    done = client.post("/accounts/verify/", {"code": current_code(device)})
    assert done.status_code == 302
    assert SECOND_STEP_PENDING not in client.session


def test_a_code_cannot_be_used_twice(personas):
    officer = personas.college_officer
    device = make_device(officer)
    code = current_code(device)
    first, _ = password_login(officer)
    assert first.post("/accounts/verify/", {"code": code}).status_code == 302
    second, _ = password_login(officer)
    assert second.post("/accounts/verify/", {"code": code}).status_code == 200
    assert second.session[SECOND_STEP_PENDING] is True


def test_the_code_page_never_sends_people_to_another_site(personas):
    device = make_device(personas.college_officer)
    client, _ = password_login(personas.college_officer)
    response = client.post(
        "/accounts/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_code_page_lets_people_through_who_are_not_asked(personas):
    response = logged_in(personas.student).get("/accounts/verify/?next=/accounts/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"


def test_a_device_removed_meanwhile_ends_the_second_step(personas):
    officer = personas.college_officer
    device = make_device(officer)
    client, _ = password_login(officer)
    device.delete()
    response = client.get("/accounts/verify/")
    assert response.status_code == 302
    assert SECOND_STEP_PENDING not in client.session


def test_logging_out_works_at_the_code_page(personas):
    make_device(personas.college_officer)
    client, _ = password_login(personas.college_officer)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
