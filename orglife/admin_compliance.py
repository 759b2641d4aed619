"""Admin of the compliance rules and theme party days, evaluations and talks.

Ballots are not in the admin at all, and votes cast only as a count on the campaign: nothing here
can show who voted what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orglife.compliance import defaults_as_json
from orglife.models_compliance import BranchThemeDay, ComplianceConfig
from orglife.models_evaluation import BallotCast, EvaluationCampaign, EvaluationParticipant, Talk


@admin.register(ComplianceConfig)
class ComplianceConfigAdmin(admin.ModelAdmin):
    """Each university's compliance rules; the change form shows the defaults that apply when left out."""

    list_display = ("root_unit", "parameters", "updated_at")
    raw_id_fields = ("root_unit",)
    readonly_fields = ("defaults",)
    fields = ("root_unit", "parameters", "defaults")

    @admin.display(description=_("defaults"))
    def defaults(self, obj: ComplianceConfig | None = None) -> dict[str, Any]:
        return defaults_as_json()


@admin.register(BranchThemeDay)
class BranchThemeDayAdmin(admin.ModelAdmin):
    list_display = ("branch", "day", "updated_at")
    raw_id_fields = ("branch",)


class ReadOnly(admin.ModelAdmin):
    """Written through the pages and the API only, where the rules are checked."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EvaluationCampaign)
class EvaluationCampaignAdmin(ReadOnly):
    list_display = ("branch", "year", "status", "votes", "meeting_on")
    list_filter = ("status", "year")
    list_select_related = ("branch",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvaluationCampaign]:
        voted = BallotCast.objects.filter(campaign=OuterRef("pk")).values("campaign").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(vote_count=Subquery(voted.values("n")[:1]))

    @admin.display(description=_("votes cast"))
    def votes(self, obj: EvaluationCampaign) -> int:
        return getattr(obj, "vote_count", None) or 0


@admin.register(EvaluationParticipant)
class EvaluationParticipantAdmin(ReadOnly):
    list_display = ("campaign", "person", "party_status", "final_grade")
    list_filter = ("final_grade",)
    list_select_related = ("campaign__branch", "person")


@admin.register(Talk)
class TalkAdmin(ReadOnly):
    list_display = ("branch", "person", "talked_on", "talked_by", "topic")
    list_select_related = ("branch", "person", "talked_by")
    date_hierarchy = "talked_on"
