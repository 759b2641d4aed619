"""Capabilities of the organisation app."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

VIEW_UNIT = register("orgs.view_unit", _("See the unit and its sub-units"))
VIEW_MEMBERS = register("orgs.view_members", _("See members and their profiles"))
VIEW_PERSONAL_DATA = register(
    "orgs.view_personal_data", _("See full national ID and phone numbers (unmasked)")
)
EDIT_MEMBERS = register("orgs.edit_members", _("Edit members' profiles and party status"))
MANAGE_POSITIONS = register("orgs.manage_positions", _("Appoint people to positions and end terms"))
IMPORT_ROSTER = register("orgs.import_roster", _("Import rosters from spreadsheets"))
EXPORT_MEMBERS = register("orgs.export_members", _("Export member lists"))
ISSUE_PASSWORDS = register(
    "orgs.issue_passwords", _("Issue one-time passwords to members (they must change them at login)")
)
