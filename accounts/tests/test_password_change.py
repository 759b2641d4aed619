from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.helpers import PASSWORD, logged_in
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
NEW = "a brand-new passphrase 2026"


@pytest.mark.parametrize(
    "persona",
    [
        "student",
        "activist",
        "propaganda",
        "secretary",
        "college_officer",
        "university_admin",
        "system_admin",
        "outsider",
    ],
)
def test_everyone_may_open_their_password_page(personas, persona):
    page = logged_in(getattr(personas, persona)).get(PAGE)
    assert page.status_code == 200
    assert 'for="id_old_password"' in page.content.decode()


def test_changing_the_password_keeps_this_session_and_records_it(personas):
    student = personas.student
    client = logged_in(student)
    response = client.post(
        PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert response.redirect_chain == [("/accounts/me/", 302)]
    assert "Your password has been changed." in response.content.decode()
    assert client.get("/accounts/me/").status_code == 200  # still logged in
    student.refresh_from_db()
    assert student.check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password.change", actor=student).count() == 1


def test_other_sessions_end_when_the_password_changes(personas):
    student = personas.student
    other_device = logged_in(student)
    logged_in(student).post(PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert other_device.get("/accounts/me/").status_code == 302


def test_the_new_password_logs_in_and_the_old_one_does_not(personas):
    student = personas.student
    logged_in(student).post(PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    old = Client().post("/accounts/login/", {"username": student.number, "password": PASSWORD})
    assert old.status_code == 200
    new = Client().post("/accounts/login/", {"username": student.number, "password": NEW})
    assert new.status_code == 302


def test_a_wrong_old_password_is_refused(personas):
    response = logged_in(personas.student).post(
        PAGE, {"old_password": "not it", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert 'id="id_old_password_errors"' in response.content.decode()
    personas.student.refresh_from_db()
    assert personas.student.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("20394857610293", "entirely numeric"),
    ],
)
def test_the_configured_password_rules_apply(personas, new_password, message):
    response = logged_in(personas.student).post(
        PAGE, {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.password.change").exists()


def test_a_password_like_the_persons_email_is_refused(personas):
    User.objects.filter(pk=personas.student.pk).update(email="zhangxuesheng@example.edu.cn")
    response = logged_in(personas.student).post(
        PAGE, {"old_password": PASSWORD, "new_password1": "zhangxuesheng", "new_password2": "zhangxuesheng"}
    )
    assert "too similar" in response.content.decode()


def test_the_two_new_passwords_must_match(personas):
    response = logged_in(personas.student).post(
        PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert "didn’t match" in response.content.decode()
