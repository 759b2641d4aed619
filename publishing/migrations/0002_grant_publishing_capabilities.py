"""Give the standard position types publishing's capabilities (each university may change them)."""

from django.db import migrations

WRITE = "publishing.write"
REVIEW = "publishing.review"
APPROVE = "publishing.approve"
MANAGE_CHANNEL = "publishing.manage_channel"
ALL = (WRITE, REVIEW, APPROVE, MANAGE_CHANNEL)

COLLEGE_OFFICERS = {"committee_secretary", "committee_deputy", "college_organiser"}
ORG_DEPARTMENT = {"org_department_admin"}
EVERYTHING = COLLEGE_OFFICERS | ORG_DEPARTMENT | {"secretary"}

GRANTS = {
    WRITE: EVERYTHING | {"propaganda_member", "study_member"},
    REVIEW: EVERYTHING | {"propaganda_member"},
    APPROVE: EVERYTHING,
    MANAGE_CHANNEL: EVERYTHING,
}


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        missing = [code for code in ALL if position_type.code in GRANTS[code] and code not in capabilities]
        if missing:
            position_type.capabilities = capabilities + missing
            position_type.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        kept = [code for code in capabilities if code not in ALL]
        if kept != capabilities:
            position_type.capabilities = kept
            position_type.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_add_publishing"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
