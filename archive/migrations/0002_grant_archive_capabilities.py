"""Give the standard position types the archive's capabilities (each university may change them)."""

from django.db import migrations

VIEW = "archive.view_documents"
UPLOAD = "archive.upload_documents"
DELETE = "archive.delete_documents"

UPLOADERS = {
    "secretary",
    "deputy_secretary",
    "organisation_member",
    "propaganda_member",
    "college_organiser",
    "committee_secretary",
    "committee_deputy",
    "org_department_admin",
}
DELETERS = {"secretary", "college_organiser", "committee_secretary", "org_department_admin"}


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        wanted = []
        if "orgs.view_unit" in capabilities:
            wanted.append(VIEW)
        if position_type.code in UPLOADERS:
            wanted.append(UPLOAD)
        if position_type.code in DELETERS:
            wanted.append(DELETE)
        missing = [code for code in wanted if code not in capabilities]
        if missing:
            position_type.capabilities = capabilities + missing
            position_type.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        kept = [code for code in capabilities if code not in (VIEW, UPLOAD, DELETE)]
        if kept != capabilities:
            position_type.capabilities = kept
            position_type.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_add_documents_and_versions"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
