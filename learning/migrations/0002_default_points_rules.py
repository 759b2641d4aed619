"""The default points rules of DOMAIN.md §5 (local: each university edits them)."""

from django.db import migrations

# code, name, English name, points per unit, seconds per unit, daily cap
DEFAULT_RULES = [
    ("login", "每日登录", "Daily login", 1, None, 1),
    ("reading", "阅读文章", "Reading an article", 1, None, 6),
    ("reading_time", "阅读时长", "Reading time", 1, 120, 6),
    ("video_time", "视听时长", "Watching and listening time", 1, 180, 6),
    ("daily_quiz", "每日答题", "Daily quiz", 1, None, 5),
    ("weekly_quiz", "每周答题", "Weekly quiz", 1, None, 5),
    ("topic_exam", "专题考试", "Topic exam", 1, None, 10),
    ("challenge", "挑战答题", "Challenge", 1, None, 6),
    ("comment", "发表评论", "Commenting", 1, None, 2),
]


def add_rules(apps, schema_editor):
    PointsRule = apps.get_model("learning", "PointsRule")
    for order, (code, name, name_en, points, unit_seconds, cap) in enumerate(DEFAULT_RULES):
        PointsRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "points": points,
                "unit_seconds": unit_seconds,
                "daily_cap": cap,
                "order": (order + 1) * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_add_points_ledger")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
