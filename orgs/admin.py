"""The admin site for the organisation: the unit tree, position types, positions and memberships.

For system administrators: everyday appointments and member changes go through the pages, which
check the org scope and write the audit log. Changes made here are audited too.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.models import User
from core import capabilities
from core.audit import audit_record
from orgs.models import Membership, OrgUnit, Position, PositionType, StatusChange, UnitKind


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ("name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_en", "code")

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="orgs.unit.admin_change" if change else "orgs.unit.admin_add",
            target=obj,
            unit_id=obj.pk,
            data={"fields": sorted(form.changed_data)},
        )


class PositionTypeForm(forms.ModelForm):
    """Capabilities and unit kinds are chosen from lists, so no unknown code can be stored."""

    capabilities = forms.MultipleChoiceField(
        label=_("capabilities"), required=False, widget=forms.CheckboxSelectMultiple
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("held in units of kind"),
        required=False,
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means any kind."),
    )

    class Meta:
        model = PositionType
        fields = ("code", "name", "name_en", "capabilities", "unit_kinds", "max_holders", "rank")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read at form time: apps register their capabilities when they start.
        capabilities_field = cast(forms.MultipleChoiceField, self.fields["capabilities"])
        capabilities_field.choices = capabilities.choices()


@admin.register(PositionType)
class PositionTypeAdmin(admin.ModelAdmin):
    form = PositionTypeForm
    list_display = ("name", "name_en", "code", "max_holders", "rank")
    search_fields = ("name", "name_en", "code")
    ordering = ("rank", "code")


class TermFilter(admin.SimpleListFilter):
    title = _("term")
    parameter_name = "term"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("Current")), ("ended", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "active":
            return Position.objects.active(today).filter(pk__in=queryset.values("pk"))
        if self.value() == "ended":
            return queryset.filter(end_date__lt=today)
        return queryset


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "position_type", "start_date", "end_date")
    list_filter = (TermFilter, "position_type", "unit__kind")
    search_fields = ("person__name", "person__number", "unit__name", "unit__code")
    raw_id_fields = ("person", "unit", "appointed_by", "ended_by")
    list_select_related = ("person", "unit", "position_type")
    date_hierarchy = "start_date"

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="orgs.position.admin_change" if change else "orgs.position.admin_add",
            target=obj,
            unit_id=obj.unit_id,
            data={"fields": sorted(form.changed_data)},
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "group", "party_status", "status_since", "league_member")
    list_filter = ("party_status", "unit__kind", "league_member")
    search_fields = ("person__name", "person__number")
    raw_id_fields = ("person", "unit", "group")
    list_select_related = ("person", "unit", "group")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        previous = Membership.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if previous is None or previous.party_status != obj.party_status or previous.unit_id != obj.unit_id:
            # The status history stays complete whichever way the membership was changed.
            StatusChange.objects.create(
                person=obj.person,
                from_status=previous.party_status if previous else "",
                to_status=obj.party_status,
                from_unit=previous.unit if previous else None,
                to_unit=obj.unit,
                changed_on=obj.status_since or timezone.localdate(),
                recorded_by=cast(User, request.user),
                reason=str(_("Changed in the admin site")),
            )
        audit_record(
            actor=request.user,
            action="orgs.member.admin_change" if change else "orgs.member.admin_add",
            target=obj.person,
            unit_id=obj.unit_id,
            data={"fields": sorted(form.changed_data)},
        )


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The status history is append-only: shown here, never edited."""

    list_display = ("person", "from_status", "to_status", "changed_on", "to_unit", "recorded_by")
    list_filter = ("to_status",)
    search_fields = ("person__name", "person__number")
    list_select_related = ("person", "to_unit", "recorded_by")
    readonly_fields: ClassVar = [
        "person",
        "from_status",
        "to_status",
        "from_unit",
        "to_unit",
        "changed_on",
        "recorded_by",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
