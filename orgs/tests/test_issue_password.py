from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def issue(client, actor, person):
    client.force_login(actor)
    return client.post(reverse("orgs:member_issue_password", args=[person.pk]))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("student", 404),
        ("propaganda", 403),
        ("secretary", 200),
        ("college_officer", 200),
        ("university_admin", 200),
        ("system_admin", 200),
    ],
)
def test_only_officers_over_the_branch_may_issue_a_one_time_password(client, personas, persona, status):
    response = issue(client, getattr(personas, persona), personas.activist)
    assert response.status_code == status
    personas.activist.refresh_from_db()
    assert personas.activist.must_change_password is (status == 200)


def test_the_password_is_shown_once_works_and_must_be_changed_at_login(client, personas):
    response = issue(client, personas.secretary, personas.activist)
    password = response.context["password"]
    assert password in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    client.logout()

    logged_in = client.post(
        reverse("accounts:login"), {"username": personas.activist.number, "password": password}
    )
    assert logged_in.status_code == 302
    redirected = client.get(reverse("home"))
    assert redirected.status_code == 302
    assert redirected["Location"] == reverse("accounts:password_change")
    assert client.get("/api/v1/me").json()["error"]["code"] == "password_change_required"

    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "a brand new long passphrase",
            "new_password2": "a brand new long passphrase",
        },
    )
    assert changed.status_code == 302
    assert User.objects.get(pk=personas.activist.pk).must_change_password is False
    assert client.get(reverse("home")).status_code == 200


def test_the_audit_names_the_issuer_and_never_the_password(client, personas):
    response = issue(client, personas.secretary, personas.activist)
    event = AuditEvent.objects.get(action="orgs.member.issue_password")
    assert event.actor == personas.secretary
    assert event.object_id == str(personas.activist.pk)
    assert response.context["password"] not in str(event.data)


def test_it_is_refused_for_oneself_and_for_administrators(client, personas):
    own = issue(client, personas.secretary, personas.secretary)
    assert own.status_code == 403  # one's own password is changed on the account page
    personas.activist.is_staff = True
    personas.activist.save(update_fields=["is_staff"])
    admin = issue(client, personas.secretary, personas.activist)
    assert admin.status_code == 302
    assert User.objects.get(pk=personas.activist.pk).must_change_password is False


def test_the_profile_offers_the_button_only_to_those_who_may(client, personas):
    client.force_login(personas.secretary)
    url = reverse("orgs:member_issue_password", args=[personas.activist.pk])
    assert url in client.get(reverse("orgs:member", args=[personas.activist.pk])).content.decode()
    client.force_login(personas.propaganda)
    assert url not in client.get(reverse("orgs:member", args=[personas.activist.pk])).content.decode()
