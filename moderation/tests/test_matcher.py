"""The matcher: evasions, positions in the original text, scopes, the strictest action, and lexicon
edits taking effect without a restart, in this process and in others."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from moderation import matcher, services
from moderation.matcher import Matcher, SourceEntry
from moderation.services import text_check

pytestmark = pytest.mark.django_db


def check(text, unit=None):
    return text_check(text=text, unit=unit)


@pytest.mark.parametrize(
    ("text", "term", "action"),
    [
        ("你真是个ｓｂ", "sb", "hold"),  # full-width
        ("你真是个 SB 啊", "sb", "hold"),  # case
        ("傻　逼", "傻逼", "block"),  # ideographic space
        ("傻 逼", "傻逼", "block"),
        ("傻.逼", "傻逼", "block"),
        ("傻…逼！", "傻逼", "block"),
        ("BUY Followers today", "buy followers", "block"),
        ("b.u.y f-o-l-l-o-w-e-r-s", "buy followers", "block"),
        ("兼 职 日 结，加 微 信", "兼职日结", "block"),
    ],
)
def test_the_default_lexicon_sees_through_evasions(default_lexicon, text, term, action):
    result = check(text)
    assert term in [hit.term for hit in result.hits]
    assert result.action == action


def test_a_hit_points_at_the_characters_the_person_wrote(default_lexicon):
    text = "同学们好，你这个傻.逼！"
    (hit,) = check(text).hits
    assert text[hit.start : hit.end] == "傻.逼"
    assert (hit.term, hit.category, hit.action) == ("傻逼", "abuse", "block")


def test_a_latin_term_does_not_match_inside_a_longer_word(default_lexicon):
    assert check("Asbestos is banned; this bag is mine").action == "allow"
    assert check("you sb.").action == "hold"


def test_clean_text_is_allowed_unchanged(default_lexicon):
    result = check("支部召开主题党日活动，同学们积极发言。")
    assert (result.action, result.hits, result.masked_text) == (
        "allow",
        (),
        "支部召开主题党日活动，同学们积极发言。",
    )


def test_a_mask_term_is_hidden_in_place_and_the_rest_kept(tree, personas, add_term):
    add_term("坏话", action="mask")
    result = check("他说了 坏 话 然后走了")
    assert result.action == "mask"
    assert result.masked_text == "他说了 *** 然后走了"


def test_personal_data_is_masked_in_the_original_text(default_lexicon):
    text = "联系我：+86 138-1234-5678，身份证11010519491231002X。"
    result = check(text)
    assert result.action == "mask"
    assert result.masked_text == "联系我：+86 138-****-5678，身份证110***********002X。"
    assert len(result.masked_text) == len(text)
    assert {hit.term for hit in result.hits} == {"mobile", "national_id"}
    assert {hit.category for hit in result.hits} == {"personal_data"}


def test_a_number_with_a_bad_checksum_or_ten_digits_is_not_masked(default_lexicon):
    result = check("订单号110105194912310021，工号1381234567")
    assert result.action == "allow"


def test_the_strictest_action_wins(tree, personas, add_term, default_lexicon):
    add_term("小广告", action="mask", category="spam")
    assert check("小广告 13812345678").action == "mask"
    assert check("小广告 去死").action == "hold"
    assert check("去死 小广告 傻逼 13812345678").action == "block"
    result = check("去死 小广告 傻逼")
    assert [hit.action for hit in result.hits] == ["hold", "mask", "block"]
    assert result.categories == ["abuse"]  # the categories that decided the action


def test_an_entry_of_a_unit_applies_there_and_below_only(tree, personas, add_term):
    add_term("甲院禁语", action="block", unit=tree.college_a)
    assert check("甲院禁语", tree.college_a).action == "block"
    assert check("甲院禁语", tree.group_a1).action == "block"
    assert check("甲院禁语", tree.college_b).action == "allow"
    assert check("甲院禁语", tree.university).action == "allow"
    assert check("甲院禁语", None).action == "allow"


def test_a_stricter_unit_entry_overrides_a_university_entry_in_its_unit(tree, personas, add_term):
    add_term("某词语", action="mask")
    add_term("某词语", action="block", unit=tree.branch_a1)
    assert check("某词语", tree.branch_a1).action == "block"
    assert check("某词语", tree.branch_a2).action == "mask"


def test_a_detector_can_be_made_stricter_or_switched_off(default_lexicon, personas):
    detector = default_lexicon.get(kind="detector", term="mobile")
    services.lexicon_entry_update(
        actor=personas.university_admin,
        entry=detector,
        category="personal_data",
        action="hold",
        is_active=True,
    )
    assert check("13812345678").action == "hold"
    services.lexicon_entry_update(
        actor=personas.university_admin,
        entry=detector,
        category="personal_data",
        action="hold",
        is_active=False,
    )
    assert check("13812345678").action == "allow"


def test_a_lexicon_edit_takes_effect_at_the_next_check_without_a_restart(tree, personas, add_term):
    entry = add_term("新词汇", action="hold")
    assert check("出现新词汇").action == "hold"
    services.lexicon_entry_update(
        actor=personas.university_admin, entry=entry, category="abuse", action="block", is_active=True
    )
    assert check("出现新词汇").action == "block"
    services.lexicon_entry_update(
        actor=personas.university_admin, entry=entry, category="abuse", action="block", is_active=False
    )
    assert check("出现新词汇").action == "allow"


def test_another_process_sees_an_edit_made_elsewhere(tree, personas, add_term, django_assert_num_queries):
    entry = add_term("跨进程", action="hold")
    assert check("跨进程").action == "hold"  # "process A" builds and shares the matcher
    matcher.forget_process_copy()  # "process B" starts: it loads the shared matcher, no rebuild
    with django_assert_num_queries(1):  # the version only
        assert check("跨进程").action == "hold"
    # An edit in B; A still holds its old copy in memory (simulated by restoring it afterwards).
    copy_of_a = matcher._process_copy
    services.lexicon_entry_update(
        actor=personas.university_admin, entry=entry, category="abuse", action="block", is_active=True
    )
    matcher._process_copy = copy_of_a
    assert check("跨进程").action == "block"


def test_the_matcher_is_shared_through_the_cache_by_version_token(tree, personas, add_term):
    add_term("缓存词", action="hold")
    check("缓存词")
    token = matcher.current_token()
    shared = cache.get(matcher.cache_key(token))
    assert isinstance(shared, Matcher) and shared.token == token


def test_a_rolled_back_lexicon_change_leaves_no_stale_matcher(tree, personas, add_term):
    with pytest.raises(RuntimeError), transaction.atomic():
        add_term("回滚词", action="block")
        assert check("回滚词").action == "block"  # built and cached for the uncommitted version
        raise RuntimeError
    assert check("回滚词").action == "allow"
    add_term("另一个词", action="hold")  # the next version must not reuse the rolled-back one
    assert check("回滚词").action == "allow"
    assert check("另一个词").action == "hold"


def test_a_matcher_survives_pickling_unchanged():
    import pickle

    built = Matcher("t", [SourceEntry(1, "term", "坏词", "坏词", "abuse", "hold", "")])
    loaded = pickle.loads(pickle.dumps(built))  # noqa: S301
    assert loaded.check("一个坏词", None) == built.check("一个坏词", None)


def test_an_empty_lexicon_allows_everything():
    assert Matcher("t", []).check("任何内容 13812345678", None).action == "allow"


def test_several_texts_are_checked_with_one_version_read(default_lexicon, django_assert_num_queries):
    check("warm up")
    with django_assert_num_queries(1):
        results = services.texts_check(texts=["好的", "傻逼", "13812345678"], unit=None)
    assert [result.action for result in results] == ["allow", "block", "mask"]
