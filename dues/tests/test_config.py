"""The arithmetic of dues: the bands of DOMAIN.md §4 with their boundaries, rounding, yuan input,
and a university's own parameters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dues.config import DEFAULTS, Band, dues_rules, parameter_problems, parse_yuan, share_of_stipend, yuan

# (monthly stipend in fen, monthly dues in fen)
BANDS = [
    (100_000, 500),  # 1,000 yuan at 0.5% = 5.00
    (299_999, 1_500),  # 2,999.99 × 0.5% = 14.99995 → 15.00 (half up)
    (300_000, 1_500),  # exactly 3,000: still the first band
    (300_001, 3_000),  # 3,000.01 × 1% = 30.0001 → 30.00: the whole stipend moves to 1%
    (400_000, 4_000),
    (500_000, 5_000),  # exactly 5,000: 1%
    (500_001, 7_500),  # 5,000.01 × 1.5% = 75.00015 → 75.00
    (1_000_000, 15_000),  # exactly 10,000: 1.5%
    (1_000_001, 20_000),  # 10,000.01 × 2% = 200.0002 → 200.00
    (1_234_567, 24_691),  # 12,345.67 × 2% = 246.9134 → 246.91
    (333_350, 3_334),  # 3,333.50 × 1% = 33.335 → 33.34 (half up, not to even)
]


@pytest.mark.parametrize(("stipend_fen", "dues_fen"), BANDS)
def test_a_graduate_pays_the_share_of_their_band_on_the_whole_stipend(stipend_fen, dues_fen):
    assert share_of_stipend(stipend_fen) == dues_fen


def test_half_a_fen_rounds_up():
    assert share_of_stipend(100, (Band(None, Decimal("0.005")),)) == 1  # 0.5 fen → 1 fen
    assert share_of_stipend(300, (Band(None, Decimal("0.005")),)) == 2  # 1.5 fen → 2 fen


def test_a_negative_stipend_is_refused():
    with pytest.raises(ValueError):
        share_of_stipend(-1)


def test_the_defaults_are_those_of_the_party_rules():
    assert DEFAULTS.undergraduate_fen == 20
    assert DEFAULTS.warning_months == 3
    assert [band.upper_fen for band in DEFAULTS.bands] == [300_000, 500_000, 1_000_000, None]


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("3000", 300_000),
        ("3,000.50", 300_050),
        ("０.２", 20),
        ("¥5", 500),
        ("0", 0),
        ("1.234", None),
        ("-1", None),
        ("abc", None),
        ("NaN", None),
    ],
)
def test_yuan_typed_by_a_person_becomes_fen(typed, fen):
    assert parse_yuan(typed) == fen


def test_fen_are_written_as_yuan():
    assert (yuan(20), yuan(300_050), yuan(-20), yuan(0)) == ("0.20", "3000.50", "-0.20", "0.00")


def test_a_university_may_set_its_own_bands_and_amounts():
    rules = dues_rules(
        {"undergraduate_fen": 50, "bands": [[200_000, "0.01"], [None, "0.02"]], "warning_months": 2}
    )
    assert rules.undergraduate_fen == 50
    assert rules.warning_months == 2
    assert share_of_stipend(200_000, rules.bands) == 2_000
    assert share_of_stipend(200_001, rules.bands) == 4_000


@pytest.mark.parametrize(
    "raw",
    [
        {"undergraduate_fen": -1},
        {"warning_months": 6},
        {"bands": [[300_000, "0.005"]]},  # no open-ended last band
        {"bands": [[500_000, "0.01"], [300_000, "0.02"], [None, "0.03"]]},  # limits falling
        {"bands": [[None, "2"]]},  # more than the whole stipend
        {"unknown": 1},
    ],
)
def test_bad_parameters_are_refused_by_name_and_the_defaults_stay(raw):
    problems = parameter_problems(raw)
    assert set(problems) == set(raw)
    assert dues_rules(raw) == DEFAULTS
