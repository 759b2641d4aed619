"""Capabilities of organisational life (组织生活)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

VIEW_MEETINGS = register(
    "orglife.view_meetings", _("See the unit's meetings, their attendance and their records")
)
ORGANISE_MEETINGS = register(
    "orglife.organise_meetings",
    _("Plan meetings, publish notices, decide leave, run check-in, write and close the record"),
)
VIEW_COMPLIANCE = register(
    "orglife.view_compliance", _("See whether the unit's required activities are done, due or overdue")
)
RUN_EVALUATIONS = register(
    "orglife.run_evaluations", _("Open and run the democratic evaluation of members and record its grades")
)
RECORD_TALKS = register("orglife.record_talks", _("Record one-on-one talks (谈心谈话) with members"))
