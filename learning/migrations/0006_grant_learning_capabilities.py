"""Give the standard position types the capabilities of study (each university may change them).

Course authors upload media through the archive, which needs ``archive.upload_documents``; the
branch's study member does not hold it by default, so they author text lessons unless the
university grants it.
"""

from django.db import migrations

AUTHOR_COURSES = "learning.author_courses"
AUTHOR_QUESTIONS = "learning.author_questions"
MANAGE_POINTS = "learning.manage_points"
ALL = (AUTHOR_COURSES, AUTHOR_QUESTIONS, MANAGE_POINTS)

COLLEGE_OFFICERS = {"committee_secretary", "committee_deputy", "college_organiser"}
ORG_DEPARTMENT = {"org_department_admin"}
AUTHORS = {"study_member", "propaganda_member", "secretary"} | COLLEGE_OFFICERS | ORG_DEPARTMENT

GRANTS = {
    AUTHOR_COURSES: AUTHORS,
    AUTHOR_QUESTIONS: AUTHORS,
    MANAGE_POINTS: ORG_DEPARTMENT,
}


def grant(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for position_type in PositionType.objects.all():
        capabilities = list(position_type.capabilities or [])
        missing = [code for code, holders in GRANTS.items() if position_type.code in holders and code not in capabilities]
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
        ("learning", "0005_add_courses_library_tracks"),
        ("orgs", "0002_default_position_types"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
