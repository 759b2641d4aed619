"""The data migrations: the default lexicon and the standard positions' moderation rights."""

from __future__ import annotations

import importlib

import pytest

from moderation.models import LexiconEntry, LexiconVersion
from moderation.normalize import fold
from orgs.models import PositionType

pytestmark = pytest.mark.django_db

defaults = importlib.import_module("moderation.migrations.0003_add_default_lexicon")


def test_the_written_out_folded_forms_are_what_the_matcher_folds():
    for term, folded, _category, _action in defaults.DEFAULT_TERMS:
        assert fold(term) == folded, term


def test_the_default_lexicon_covers_abuse_spam_and_personal_data(default_lexicon):
    entries = LexiconEntry.objects.filter(unit=None, is_active=True)
    assert {entry.category for entry in entries} == {"abuse", "spam", "personal_data"}
    assert set(entries.filter(kind="detector").values_list("term", "action")) == {
        ("national_id", "mask"),
        ("mobile", "mask"),
    }
    assert (
        entries.filter(
            kind="term", term__in=["傻逼", "加微信", "代写", "刷单", "兼职日结", "buy followers"]
        ).count()
        == 6
    )
    assert LexiconVersion.objects.filter(pk=1).exists()


def test_replaying_the_default_lexicon_adds_nothing_twice(default_lexicon):
    count = LexiconEntry.objects.count()
    from django.apps import apps

    defaults.add_defaults(apps, None)
    assert LexiconEntry.objects.count() == count


def test_the_standard_positions_get_their_moderation_rights():
    rights = {t.code: set(t.capabilities) for t in PositionType.objects.all()}
    review, keep = "moderation.review", "moderation.manage_lexicon"
    for code in (
        "propaganda_member",
        "secretary",
        "college_organiser",
        "committee_secretary",
        "org_department_admin",
    ):
        assert review in rights[code], code
    assert {code for code, caps in rights.items() if keep in caps} == {
        "org_department_admin",
        "committee_secretary",
    }
    assert review not in rights["study_member"] and review not in rights["deputy_secretary"]
