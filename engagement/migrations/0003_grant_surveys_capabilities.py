"""Give the standard position types the capability to run surveys (each university may change them)."""

from django.db import migrations

RUN_SURVEYS = "engagement.run_surveys"
ALL = (RUN_SURVEYS,)

BRANCH_COMMITTEE = {
    "secretary",
    "deputy_secretary",
    "organisation_member",
    "propaganda_member",
    "discipline_member",
    "study_member",
}
COLLEGE_OFFICERS = {"committee_secretary", "committee_deputy", "college_organiser"}
ORG_DEPARTMENT = {"org_department_admin"}
HIGHER = COLLEGE_OFFICERS | ORG_DEPARTMENT

GRANTS = {
    # Every member of the branch committee asks the members' opinion (DOMAIN.md §7); a party group
    # leader does not: the group's members are asked through their branch.
    RUN_SURVEYS: BRANCH_COMMITTEE | HIGHER,
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
    dependencies = [("engagement", "0002_grant_suggestions_capabilities"), ("orgs", "0002_default_position_types")]
    operations = [migrations.RunPython(grant, revoke)]
