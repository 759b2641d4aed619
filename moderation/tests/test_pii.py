"""Personal-data detectors: real ID and mobile numbers are found and masked in place; lookalikes are not."""

from __future__ import annotations

import pytest

from core.text import national_id_check_digit
from moderation import pii

VALID_ID = "11010519491231002X"
BAD_CHECKSUM_ID = "110105194912310021"


def masked(text: str) -> str:
    result = list(text)
    for detection in pii.detect(text):
        result[detection.start : detection.end] = detection.masked
    return "".join(result)


def test_the_fixture_numbers_are_what_they_claim():
    assert national_id_check_digit(VALID_ID[:17]) == "X"
    assert national_id_check_digit(BAD_CHECKSUM_ID[:17]) != BAD_CHECKSUM_ID[17]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"我的身份证号是{VALID_ID}，请核对", "我的身份证号是110***********002X，请核对"),
        ("身份证 110105 19491231 002x 已登记", "身份证 110*** ******** 002x 已登记"),
        ("１１０１０５１９４９１２３１００２Ｘ", "１１０" + "*" * 11 + "００２Ｘ"),  # full-width
    ],
)
def test_a_national_id_number_is_masked_where_it_stands(text, expected):
    assert masked(text) == expected
    assert len(masked(text)) == len(text)


@pytest.mark.parametrize(
    "text",
    [
        f"编号 {BAD_CHECKSUM_ID} 不是身份证",  # wrong check digit
        "110105194913310027 日期不对",  # month 13
        f"订单 {VALID_ID}9 太长",  # nineteen characters
    ],
)
def test_numbers_that_are_not_national_ids_are_left_alone(text):
    assert [d for d in pii.detect(text) if d.detector == pii.NATIONAL_ID] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", "电话138****5678"),
        ("call 138 1234 5678 now", "call 138 **** 5678 now"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+86-138-1234-5678", "+86-138-****-5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
    ],
)
def test_a_mobile_number_is_masked_in_every_usual_spelling(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1381234567",  # ten digits
        "138123456789",  # twelve digits
        "12812345678",  # no mobile number starts with 12
        "金额 23812345678 元",  # does not start with 1
    ],
)
def test_numbers_that_are_not_mobile_numbers_are_left_alone(text):
    assert pii.detect(text) == []


def test_an_id_number_is_not_also_taken_for_a_phone_number():
    found = pii.detect("身份证 110105 19491231 002X 手机 13912345678")
    assert [d.detector for d in found] == [pii.NATIONAL_ID, pii.MOBILE]
