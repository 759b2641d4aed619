"""Give the standard position types the moderation capabilities (each university may change them)."""

from django.db import migrations

REVIEW = "moderation.review"
MANAGE_LEXICON = "moderation.manage_lexicon"

REVIEWERS = {
    "propaganda_member",
    "secretary",
    "college_organiser",
    "committee_secretary",
    "org_department_admin",
}
LEXICON_KEEPERS = {"org_department_admin", "committee_secretary"}


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        wanted = []
        if position_type.code in REVIEWERS:
            wanted.append(REVIEW)
        if position_type.code in LEXICON_KEEPERS:
            wanted.append(MANAGE_LEXICON)
        missing = [code for code in wanted if code not in capabilities]
        if missing:
            position_type.capabilities = capabilities + missing
            position_type.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        kept = [code for code in capabilities if code not in (REVIEW, MANAGE_LEXICON)]
        if kept != capabilities:
            position_type.capabilities = kept
            position_type.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_add_lexicon_queue_reports_decisions"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
