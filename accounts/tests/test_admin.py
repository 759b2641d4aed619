from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.models import AccessToken, User
from accounts.tests.helpers import PASSWORD, logged_in, make_user
from core import crypto
from core.models import AuditEvent
from core.text import national_id_check_digit

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"
ID_FIRST17 = "44030419900101001"
NATIONAL_ID = ID_FIRST17 + national_id_check_digit(ID_FIRST17)


def change_url(user: User) -> str:
    return f"{CHANGELIST}{user.pk}/change/"


def change_data(user: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "number": user.number,
        "name": user.name,
        "kind": user.kind,
        "gender": user.gender,
        "birth_date": "",
        "grade": user.grade or "",
        "major": user.major,
        "language": user.language,
        "email": user.email or "",
        "phone": user.phone,
        "national_id": user.national_id,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [("student", 302), ("secretary", 302), ("college_officer", 302), ("system_admin", 200)],
)
def test_only_administrators_reach_the_people_list(personas, persona, status):
    assert logged_in(getattr(personas, persona)).get(CHANGELIST).status_code == status


def test_the_people_list_shows_and_searches_numbers_and_names(personas, django_assert_max_num_queries):
    client = logged_in(personas.system_admin)
    with django_assert_max_num_queries(12):
        page = client.get(CHANGELIST).content.decode()
    assert personas.student.number in page
    assert "field-kind" in page
    assert "field-grade" in page
    found = client.get(CHANGELIST, {"q": personas.student.name}).content.decode()
    assert personas.student.number in found
    assert personas.secretary.number not in found
    filtered = client.get(CHANGELIST, {"kind__exact": "staff"}).content.decode()
    assert personas.college_officer.number in filtered
    assert personas.student.number not in filtered


def test_the_people_list_query_count_does_not_grow_with_people(personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(personas.system_admin)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for n in range(20):
        make_user(name=f"新人{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_an_administrator_adds_a_person_with_a_password(personas):
    client = logged_in(personas.system_admin)
    response = client.post(
        f"{CHANGELIST}add/",
        {"number": "20259999", "name": "新同学", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(number="20259999")
    assert person.name == "新同学"
    assert person.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user.create", object_id=str(person.pk)).exists()


def test_the_add_form_checks_the_password_rules(personas):
    response = logged_in(personas.system_admin).post(
        f"{CHANGELIST}add/", {"number": "20259998", "name": "新同学", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(number="20259998").exists()


def test_phone_and_id_numbers_are_normalised_and_stored_encrypted(personas):
    student = personas.student
    client = logged_in(personas.system_admin)
    response = client.post(
        change_url(student),
        change_data(student, phone="１３８ 1234 5678", national_id=NATIONAL_ID.lower()),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    student.refresh_from_db()
    assert student.phone == "13812345678"
    assert student.national_id == NATIONAL_ID
    assert student.phone_digest == crypto.digest("phone", "13812345678")
    event = AuditEvent.objects.get(action="accounts.user.change", object_id=str(student.pk))
    assert event.data == {"fields": ["national_id", "phone"]}
    assert "13812345678" not in str(event.data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "11-digit mainland mobile"),
        ("national_id", "1234", "18 characters"),
        ("national_id", ID_FIRST17 + ("0" if NATIONAL_ID[-1] != "0" else "1"), "does not match"),
        ("national_id", "11010519491331002" + "X", "date of birth"),
    ],
)
def test_invalid_personal_numbers_are_refused_by_field(personas, field, value, message):
    student = personas.student
    response = logged_in(personas.system_admin).post(
        change_url(student), change_data(student, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_persons_phone_number_is_refused(personas):
    personas.activist.phone = "13900001111"
    personas.activist.save()
    student = personas.student
    response = logged_in(personas.system_admin).post(
        change_url(student), change_data(student, phone="139 0000 1111")
    )
    assert response.status_code == 200
    assert "already has this phone number" in response.content.decode()


def test_the_change_page_links_to_the_password_form(personas):
    client = logged_in(personas.system_admin)
    page = client.get(change_url(personas.student)).content.decode()
    assert "../password/" in page
    assert client.get(f"{CHANGELIST}{personas.student.pk}/password/").status_code == 200
    response = client.post(
        f"{CHANGELIST}{personas.student.pk}/password/",
        {
            "password1": "another long passphrase",
            "password2": "another long passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    personas.student.refresh_from_db()
    assert personas.student.check_password("another long passphrase")


def test_tokens_in_the_admin_show_no_secret_and_can_be_revoked(personas):
    token, raw = services.access_token_create(user=personas.student, name="script")
    client = logged_in(personas.system_admin)
    page = client.get(f"/admin/accounts/accesstoken/{token.pk}/change/").content.decode()
    assert raw not in page
    assert token.digest in page  # read-only
    assert client.get("/admin/accounts/accesstoken/add/").status_code == 403
    response = client.post(
        "/admin/accounts/accesstoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "1 token revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="accounts.token.revoke")
    assert event.actor == personas.system_admin
    assert event.data["by_admin"] is True


def test_only_administrators_may_revoke_anyones_tokens(personas):
    token, _raw = services.access_token_create(user=personas.student, name="script")
    with pytest.raises(PermissionDenied):
        services.access_tokens_revoke_as_admin(actor=personas.secretary, token_ids=[token.pk])
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None
