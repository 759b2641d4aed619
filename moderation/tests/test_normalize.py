"""Folding: what the matcher compares, and the map back to the text the person wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderation.normalize import fold, fold_char, is_word_char, position_map


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ｓｂ", "sb"),  # full-width letters
        ("ＳＢ", "sb"),
        ("傻　逼", "傻逼"),  # ideographic space
        ("傻 逼", "傻逼"),
        ("傻.逼", "傻逼"),
        ("傻，。！逼", "傻逼"),  # Chinese punctuation
        ("傻\u200b逼", "傻逼"),  # zero-width space
        ("傻😀逼", "傻逼"),  # a symbol
        ("BUY Followers", "buyfollowers"),
        ("b-u-y_f.o.l.l.o.w.e.r.s", "buyfollowers"),
        ("Ｃａｆé", "cafe"),  # accents dropped
        ("１３８", "138"),  # full-width digits
        ("Straße", "strasse"),
    ],
)
def test_folding_sees_through_width_case_spaces_and_punctuation(text, folded):
    assert fold(text) == folded


_tricky = st.sampled_from(list("ｓＢ傻逼 　.,，。-_\u200b\u0301\u0345ᾀßﬁ㈱Ａé1１😀\n"))
_text = st.lists(st.one_of(_tricky, st.characters()), max_size=40).map("".join)


@given(_text)
def test_folding_the_whole_text_is_folding_each_character(text):
    assert fold(text) == "".join(fold_char(char) for char in text)


@given(_text)
def test_every_folded_character_points_back_at_its_original(text):
    folded = fold(text)
    positions = position_map(text)
    assert len(positions) == len(folded)
    assert positions == sorted(positions)
    for index, original in enumerate(positions):
        assert folded[index] in fold_char(text[original])


def test_a_character_folding_to_several_maps_each_of_them_back():
    assert fold("aßb") == "assb"
    assert position_map("aßb") == [0, 1, 1, 2]


def test_latin_letters_and_digits_are_word_characters_and_chinese_is_not():
    assert is_word_char("a") and is_word_char("Ａ") and is_word_char("7")
    assert not is_word_char("傻") and not is_word_char(" ") and not is_word_char(".")
