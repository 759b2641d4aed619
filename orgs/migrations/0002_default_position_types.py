"""The standard position types and what they may do; each university edits them in the admin."""

from django.db import migrations

VIEW = ["orgs.view_unit", "orgs.view_members"]
OFFICER = [*VIEW, "orgs.view_personal_data", "orgs.edit_members", "orgs.manage_positions", "orgs.export_members"]
ADMIN = [*OFFICER, "orgs.import_roster"]

DEFAULT_TYPES = [
    # code, name, English name, capabilities, unit kinds, max holders, rank
    ("org_department_admin", "组织部管理员", "Organisation department administrator", ADMIN, ["university"], None, 10),
    ("committee_secretary", "党委书记", "Party committee secretary", OFFICER, ["university", "college"], 1, 20),
    ("committee_deputy", "党委副书记", "Party committee deputy secretary", OFFICER, ["university", "college"], None, 30),
    ("college_organiser", "组织员", "College organiser", OFFICER, ["college", "general_branch"], None, 40),
    ("secretary", "支部书记", "Branch secretary", OFFICER, ["general_branch", "branch"], 1, 50),
    ("deputy_secretary", "支部副书记", "Deputy branch secretary", [*VIEW, "orgs.edit_members", "orgs.export_members"], ["general_branch", "branch"], None, 60),
    ("organisation_member", "组织委员", "Organisation member", [*VIEW, "orgs.view_personal_data", "orgs.edit_members", "orgs.export_members"], ["general_branch", "branch"], 1, 70),
    ("propaganda_member", "宣传委员", "Propaganda member", VIEW, ["general_branch", "branch"], 1, 80),
    ("discipline_member", "纪检委员", "Discipline member", VIEW, ["general_branch", "branch"], 1, 90),
    ("study_member", "学习委员", "Study member", VIEW, ["branch"], None, 100),
    ("group_leader", "党小组组长", "Party group leader", VIEW, ["group"], 1, 110),
]


def add_types(apps, schema_editor):
    PositionType = apps.get_model("orgs", "PositionType")
    for code, name, name_en, caps, kinds, max_holders, rank in DEFAULT_TYPES:
        PositionType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "capabilities": caps,
                "unit_kinds": kinds,
                "max_holders": max_holders,
                "rank": rank,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
