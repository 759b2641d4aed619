"""Give the standard position types the dues capabilities (each university may change them)."""

from django.db import migrations

VIEW_DUES = "dues.view_dues"
RECORD_PAYMENTS = "dues.record_payments"
ALL = (VIEW_DUES, RECORD_PAYMENTS)

COLLEGE_OFFICERS = {"committee_secretary", "committee_deputy", "college_organiser"}
ORG_DEPARTMENT = {"org_department_admin"}

GRANTS = {
    VIEW_DUES: {"secretary", "deputy_secretary", "organisation_member"} | COLLEGE_OFFICERS | ORG_DEPARTMENT,
    # The organisation member (组织委员) collects dues; the secretary stands in for them.
    RECORD_PAYMENTS: {"secretary", "organisation_member"} | COLLEGE_OFFICERS | ORG_DEPARTMENT,
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
    dependencies = [("dues", "0001_add_dues_ledger"), ("orgs", "0002_default_position_types")]
    operations = [migrations.RunPython(grant, revoke)]
