from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch

from accounts import views
from accounts.models import User
from accounts.tests.helpers import logged_in, make_device
from core.models import AuditEvent
from core.text import national_id_check_digit

pytestmark = pytest.mark.django_db

ME = "/accounts/me/"
ID_FIRST17 = "11010519491231002"
NATIONAL_ID = ID_FIRST17 + national_id_check_digit(ID_FIRST17)


@pytest.fixture
def student(personas) -> User:
    person = personas.student
    person.phone = "13812345678"
    person.national_id = NATIONAL_ID
    person.email = "zhang@example.edu.cn"
    person.major = "Chemistry"
    person.save()
    return person


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
def test_everyone_has_their_own_page(personas, persona):
    person = getattr(personas, persona)
    response = logged_in(person).get(ME)
    assert response.status_code == 200
    page = response.content.decode()
    assert person.number in page
    assert person.name in page


def test_the_page_is_never_cached(personas):
    response = logged_in(personas.student).get(ME)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_phone_and_id_numbers_are_masked_by_default(student):
    page = logged_in(student).get(ME).content.decode()
    assert "138****5678" in page
    assert "110***********" + NATIONAL_ID[-4:] in page
    assert "13812345678" not in page
    assert NATIONAL_ID not in page
    assert "Chemistry" in page


def test_a_person_may_reveal_their_own_full_numbers(student):
    page = logged_in(student).get(f"{ME}?reveal=1").content.decode()
    assert "13812345678" in page
    assert NATIONAL_ID in page
    assert "Hide full numbers" in page


def test_revealing_with_htmx_swaps_only_the_profile(student):
    response = logged_in(student).get(f"{ME}?reveal=1", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card" id="profile"')
    assert "13812345678" in page
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_nobody_without_numbers_gets_a_reveal_button(personas):
    page = logged_in(personas.activist).get(ME).content.decode()
    assert "Show full numbers" not in page


def test_only_staff_accounts_see_the_two_factor_link(personas):
    assert "/accounts/two-factor/" not in logged_in(personas.student).get(ME).content.decode()
    officer_page = logged_in(personas.college_officer).get(ME).content.decode()
    assert "/accounts/two-factor/" in officer_page
    assert 'badge warn">Off' in officer_page


def test_the_two_factor_link_says_when_it_is_on(personas):
    client = logged_in(personas.college_officer)
    make_device(personas.college_officer)
    assert 'badge ok">On' in client.get(ME).content.decode()


def test_the_page_links_to_password_change(personas):
    assert "/accounts/password/" in logged_in(personas.student).get(ME).content.decode()


def test_the_page_links_to_notification_preferences_when_that_page_exists(personas):
    page = logged_in(personas.student).get(ME).content.decode()
    try:
        url = views.reverse("core:notification_preferences")
    except NoReverseMatch:
        assert "Notification preferences" not in page
    else:
        assert f'href="{url}"' in page


def test_the_page_still_renders_without_notification_preferences(personas, monkeypatch):
    real_reverse = views.reverse

    def reverse_without_preferences(name: str, *args, **kwargs):
        if name == "core:notification_preferences":
            raise NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(views, "reverse", reverse_without_preferences)
    response = logged_in(personas.student).get(ME)
    assert response.status_code == 200
    assert "Notification preferences" not in response.content.decode()


# --- Language ----------------------------------------------------------------------------------------


def test_the_language_choice_is_saved_on_the_account(personas):
    client = logged_in(personas.student)
    response = client.post("/accounts/language/", {"language": "en", "next": ME})
    assert response["Location"] == ME
    personas.student.refresh_from_db()
    assert personas.student.language == "en"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert AuditEvent.objects.filter(action="accounts.language.change", actor=personas.student).exists()
    page = client.get(ME).content.decode()
    assert '<option value="en" selected>' in page


def test_the_chosen_language_follows_the_person_to_a_new_device(personas):
    personas.student.language = "zh-hans"
    personas.student.save(update_fields=["language"])
    page = logged_in(personas.student).get(ME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-CN">' in page


def test_choosing_the_browsers_language_clears_the_choice(personas):
    personas.student.language = "zh-hans"
    personas.student.save(update_fields=["language"])
    client = logged_in(personas.student)
    response = client.post("/accounts/language/", {"language": "", "next": ME})
    personas.student.refresh_from_db()
    assert personas.student.language == ""
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert '<html lang="en">' in client.get(ME, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_unknown_language_changes_nothing(personas):
    logged_in(personas.student).post("/accounts/language/", {"language": "fr", "next": ME})
    personas.student.refresh_from_db()
    assert personas.student.language == ""


def test_the_language_switch_never_sends_people_to_another_site(personas):
    response = logged_in(personas.student).post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_visitors_may_switch_language_before_logging_in(db):
    response = Client().post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_language_switch_needs_a_post(db):
    assert Client().get("/accounts/language/").status_code == 405


def test_the_page_reads_in_chinese_by_default(personas, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = logged_in(personas.student).get(ME).content.decode()
    assert "我的账号" in page
    assert "访问令牌" in page
