"""Let the officers who keep a branch's roster give its members a first (one-time) password."""

from django.db import migrations

CAPABILITY = "orgs.issue_passwords"
HOLDERS = [
    "org_department_admin",
    "committee_secretary",
    "committee_deputy",
    "college_organiser",
    "secretary",
    "organisation_member",
]


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.filter(code__in=HOLDERS):
        if CAPABILITY not in position_type.capabilities:
            position_type.capabilities = [*position_type.capabilities, CAPABILITY]
            position_type.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.filter(code__in=HOLDERS):
        position_type.capabilities = [c for c in position_type.capabilities if c != CAPABILITY]
        position_type.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_add_membership_on_party_probation")]
    operations = [migrations.RunPython(grant, revoke)]
