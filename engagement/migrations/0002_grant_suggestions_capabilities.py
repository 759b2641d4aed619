"""Give the standard position types the capabilities of the suggestion box and of notices (each
university may change them)."""

from django.db import migrations

HANDLE = "engagement.handle_suggestions"
MANAGE = "engagement.manage_suggestions"
SEND_NOTICES = "engagement.send_notices"
ALL = (HANDLE, MANAGE, SEND_NOTICES)

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

GRANTS = {
    # The mailbox duty (书记信箱): branch secretaries, committee secretaries, the organisation department.
    HANDLE: {"secretary", "committee_secretary"} | ORG_DEPARTMENT,
    # Oversight: the unit's officers see the box and its reply times and reassign items.
    MANAGE: BRANCH_OFFICERS | COLLEGE_OFFICERS | ORG_DEPARTMENT,
    # Notices: the branch committee and above.
    SEND_NOTICES: BRANCH_COMMITTEE | COLLEGE_OFFICERS | ORG_DEPARTMENT,
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
    dependencies = [("engagement", "0001_initial"), ("orgs", "0002_default_position_types")]
    operations = [migrations.RunPython(grant, revoke)]
