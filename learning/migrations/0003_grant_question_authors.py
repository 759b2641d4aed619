"""Give the standard position types the question authors' capability (each university may change them)."""

from django.db import migrations

AUTHOR_QUESTIONS = "learning.author_questions"
AUTHORS = {
    "org_department_admin",
    "committee_secretary",
    "committee_deputy",
    "college_organiser",
    "secretary",
    "deputy_secretary",
    "propaganda_member",
    "study_member",
}


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.filter(code__in=AUTHORS):
        capabilities = list(position_type.capabilities or [])
        if AUTHOR_QUESTIONS not in capabilities:
            position_type.capabilities = [*capabilities, AUTHOR_QUESTIONS]
            position_type.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        if AUTHOR_QUESTIONS in capabilities:
            position_type.capabilities = [code for code in capabilities if code != AUTHOR_QUESTIONS]
            position_type.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_default_points_rules"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
