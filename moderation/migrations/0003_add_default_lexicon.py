"""The default lexicon: a small, mild set of abuse and spam terms in Chinese and English, and the
two personal-data detectors. Each university edits its own on the lexicon page.

The folded form (what the matcher compares) is written out here rather than computed, because a
data migration must not import app code; a test checks it equals ``moderation.normalize.fold``.
"""

import uuid

from django.db import migrations

# term, folded, category, action
DEFAULT_TERMS = [
    ("傻逼", "傻逼", "abuse", "block"),
    ("煞笔", "煞笔", "abuse", "block"),
    ("sb", "sb", "abuse", "hold"),
    ("脑残", "脑残", "abuse", "hold"),
    ("去死", "去死", "abuse", "hold"),
    ("滚蛋", "滚蛋", "abuse", "hold"),
    ("idiot", "idiot", "abuse", "hold"),
    ("shut up", "shutup", "abuse", "hold"),
    ("加微信", "加微信", "spam", "hold"),
    ("加我微信", "加我微信", "spam", "hold"),
    ("代写", "代写", "spam", "hold"),
    ("代考", "代考", "spam", "block"),
    ("刷单", "刷单", "spam", "block"),
    ("兼职日结", "兼职日结", "spam", "block"),
    ("代开发票", "代开发票", "spam", "block"),
    ("buy followers", "buyfollowers", "spam", "block"),
    ("earn money fast", "earnmoneyfast", "spam", "hold"),
]
DETECTORS = [
    ("national_id", "personal_data", "mask"),
    ("mobile", "personal_data", "mask"),
]


def add_defaults(apps, schema_editor):
    LexiconEntry = apps.get_model("moderation", "LexiconEntry")
    LexiconVersion = apps.get_model("moderation", "LexiconVersion")
    for term, folded, category, action in DEFAULT_TERMS:
        LexiconEntry.objects.get_or_create(
            kind="term",
            folded=folded,
            unit=None,
            defaults={"term": term, "category": category, "action": action, "note": ""},
        )
    for name, category, action in DETECTORS:
        LexiconEntry.objects.get_or_create(
            kind="detector",
            folded=name,
            unit=None,
            defaults={"term": name, "category": category, "action": action, "note": ""},
        )
    version, _created = LexiconVersion.objects.get_or_create(pk=1)
    version.number += 1
    version.token = uuid.uuid4()
    version.save()


def remove_defaults(apps, schema_editor):
    LexiconEntry = apps.get_model("moderation", "LexiconEntry")
    LexiconEntry.objects.filter(unit=None, kind="term", folded__in=[t[1] for t in DEFAULT_TERMS]).delete()
    LexiconEntry.objects.filter(unit=None, kind="detector", folded__in=[d[0] for d in DETECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_grant_moderation_capabilities")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
