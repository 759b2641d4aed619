"""Capabilities of the membership development procedure (发展党员)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

VIEW_CASES = register(
    "development.view_cases", _("See the development cases of the unit and their timelines")
)
RECORD_STEPS = register(
    "development.record_steps", _("Record the branch's steps of development cases, votes and assessments")
)
APPROVE = register(
    "development.approve", _("Record the higher committee's steps: pre-review, talk, approval, filing")
)
RECORD_EXCEPTION = register(
    "development.record_exception",
    _("Record an exception to a development rule, with a reason that stays in the dossier"),
)
VIEW_DOSSIER = register(
    "development.view_dossier", _("Open the full development dossier of a person, with its documents")
)
