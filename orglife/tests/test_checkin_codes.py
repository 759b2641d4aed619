"""The rotating codes: signed per meeting and window, good for the current and the previous window only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orglife import checkin_codes as codes

SECRET = "s3cret-of-meeting-7"
NOW = datetime(2027, 3, 10, 11, 5, 10, tzinfo=UTC)


def test_a_window_lasts_thirty_seconds():
    assert codes.window_at(NOW) == codes.window_at(NOW + timedelta(seconds=19))
    assert codes.window_at(NOW + timedelta(seconds=20)) == codes.window_at(NOW) + 1


def test_the_short_code_has_six_unambiguous_characters_and_changes_with_the_window():
    window = codes.window_at(NOW)
    first = codes.short_code(SECRET, 7, window)
    assert len(first) == 6
    assert set(first) <= set(codes.ALPHABET)
    assert not set(first) & set("01IOL")
    assert codes.short_code(SECRET, 7, window + 1) != first
    assert codes.short_code(SECRET, 8, window) != first
    assert codes.short_code("another secret", 7, window) != first


def test_a_token_is_accepted_in_its_window_and_the_next():
    token = codes.token(SECRET, 7, codes.window_at(NOW))
    assert codes.verify_token(SECRET, 7, token, NOW) == codes.window_at(NOW)
    assert codes.verify_token(SECRET, 7, token, NOW + timedelta(seconds=30)) == codes.window_at(NOW)


def test_a_token_two_windows_old_has_expired():
    token = codes.token(SECRET, 7, codes.window_at(NOW))
    with pytest.raises(codes.CodeRefused) as refused:
        codes.verify_token(SECRET, 7, token, NOW + timedelta(seconds=60))
    assert refused.value.reason == "expired"


@pytest.mark.parametrize(
    "tampered",
    [
        "garbage",
        "",
        "123.",
        ".abc",
    ],
)
def test_a_malformed_token_is_invalid(tampered):
    with pytest.raises(codes.CodeRefused) as refused:
        codes.verify_token(SECRET, 7, tampered, NOW)
    assert refused.value.reason == "invalid"


def test_a_token_of_another_meeting_or_a_changed_window_is_invalid_not_expired():
    window = codes.window_at(NOW)
    other = codes.token(SECRET, 8, window)
    forged_window = codes.token(SECRET, 7, window - 5).replace(str(window - 5), str(window), 1)
    for token in (other, forged_window):
        with pytest.raises(codes.CodeRefused) as refused:
            codes.verify_token(SECRET, 7, token, NOW)
        assert refused.value.reason == "invalid"


def test_a_token_from_the_future_is_invalid():
    token = codes.token(SECRET, 7, codes.window_at(NOW) + 1)
    with pytest.raises(codes.CodeRefused):
        codes.verify_token(SECRET, 7, token, NOW)


def test_a_typed_code_is_accepted_in_any_case_and_with_spaces():
    code = codes.short_code(SECRET, 7, codes.window_at(NOW))
    typed = f" {code[:3].lower()} {code[3:]} "
    assert codes.verify_short_code(SECRET, 7, typed, NOW + timedelta(seconds=25)) == codes.window_at(NOW)


def test_an_old_typed_code_is_recognised_as_expired_and_a_strange_one_as_invalid():
    old = codes.short_code(SECRET, 7, codes.window_at(NOW) - 3)
    with pytest.raises(codes.CodeRefused) as refused:
        codes.verify_short_code(SECRET, 7, old, NOW)
    assert refused.value.reason == "expired"
    other_meeting = codes.short_code(SECRET, 8, codes.window_at(NOW))
    with pytest.raises(codes.CodeRefused) as refused:
        codes.verify_short_code(SECRET, 7, other_meeting, NOW)
    assert refused.value.reason == "invalid"


def test_the_screen_says_how_long_the_code_still_shows():
    shown = codes.screen_codes(SECRET, 7, NOW)
    assert shown.seconds_left == 20
    assert shown.short_code == codes.short_code(SECRET, 7, shown.window)
    assert codes.verify_token(SECRET, 7, shown.token, NOW) == shown.window
