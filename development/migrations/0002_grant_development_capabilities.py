"""Give the standard position types the development procedure's capabilities (each university may change them)."""

from django.db import migrations

VIEW_CASES = "development.view_cases"
RECORD_STEPS = "development.record_steps"
APPROVE = "development.approve"
RECORD_EXCEPTION = "development.record_exception"
VIEW_DOSSIER = "development.view_dossier"
ALL = (VIEW_CASES, RECORD_STEPS, APPROVE, RECORD_EXCEPTION, VIEW_DOSSIER)

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

GRANTS = {
    VIEW_CASES: BRANCH_COMMITTEE | COLLEGE_OFFICERS | ORG_DEPARTMENT,
    RECORD_STEPS: {"secretary", "deputy_secretary", "organisation_member"},
    # The higher committee's steps: pre-review, talk, approval, filing, archiving.
    APPROVE: COLLEGE_OFFICERS | ORG_DEPARTMENT,
    # An exception to a rule is a serious act: a college officer or the organisation department only.
    RECORD_EXCEPTION: COLLEGE_OFFICERS | ORG_DEPARTMENT,
    VIEW_DOSSIER: {"secretary", "organisation_member"} | COLLEGE_OFFICERS | ORG_DEPARTMENT,
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
        ("development", "0001_add_development_cases"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
