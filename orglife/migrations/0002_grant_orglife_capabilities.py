"""Give the standard position types organisational life's capabilities (each university may change them)."""

from django.db import migrations

VIEW_MEETINGS = "orglife.view_meetings"
ORGANISE_MEETINGS = "orglife.organise_meetings"
VIEW_COMPLIANCE = "orglife.view_compliance"
RUN_EVALUATIONS = "orglife.run_evaluations"
RECORD_TALKS = "orglife.record_talks"
ALL = (VIEW_MEETINGS, ORGANISE_MEETINGS, VIEW_COMPLIANCE, RUN_EVALUATIONS, RECORD_TALKS)

BRANCH_COMMITTEE = {
    "secretary",
    "deputy_secretary",
    "organisation_member",
    "propaganda_member",
    "discipline_member",
    "study_member",
}
BRANCH_OFFICERS = {"secretary", "deputy_secretary", "organisation_member"}
COLLEGE_OFFICERS = {"committee_secretary", "committee_deputy", "college_organiser"}
ORG_DEPARTMENT = {"org_department_admin"}
HIGHER = COLLEGE_OFFICERS | ORG_DEPARTMENT

GRANTS = {
    VIEW_MEETINGS: BRANCH_COMMITTEE | {"group_leader"} | HIGHER,
    # A party group leader runs the group's own meeting; the propaganda member helps but does not organise.
    ORGANISE_MEETINGS: BRANCH_OFFICERS | {"group_leader"} | HIGHER,
    VIEW_COMPLIANCE: BRANCH_COMMITTEE | HIGHER,
    RUN_EVALUATIONS: BRANCH_OFFICERS | HIGHER,
    # Talks are held by every member of the branch committee (DOMAIN.md §3).
    RECORD_TALKS: BRANCH_COMMITTEE | HIGHER,
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
    dependencies = [("orglife", "0001_initial"), ("orgs", "0002_default_position_types")]
    operations = [migrations.RunPython(grant, revoke)]
