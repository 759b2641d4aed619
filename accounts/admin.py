"""The admin site's pages for people and their access tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from accounts.models import AccessToken, User
from core.audit import audit_record

# Changes to these are recorded by name only: the audit log must not become a copy of personal data.
_AUDITED_FIELDS = ("phone", "national_id", "email", "is_active", "is_staff", "is_superuser", "kind")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People, with the student/staff number as the login name and personal numbers kept encrypted."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("number", "name", "kind", "grade", "is_active", "is_staff")
    list_display_links = ("number", "name")
    list_filter = ("kind", "grade", "is_active", "is_staff")
    search_fields = ("number", "name", "email")
    search_help_text = _("Number, name or email. Phone and ID numbers are encrypted and cannot be searched.")
    ordering = ("number",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("number", "password")}),
        (
            _("Personal details"),
            {"fields": ("name", "kind", "gender", "birth_date", "grade", "major", "language")},
        ),
        (_("Contact and identity"), {"fields": ("email", "phone", "national_id")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("number", "name", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = sorted(set(form.changed_data) & set(_AUDITED_FIELDS))
        if not change:
            audit_record(actor=request.user, action="accounts.user.create", target=obj)
        elif changed:
            audit_record(
                actor=request.user, action="accounts.user.change", target=obj, data={"fields": changed}
            )


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    """Personal access tokens: nothing here reveals a token; they can only be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__number", "user__name")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ("revoke_tokens",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is created by its owner, who alone ever sees the raw value.
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        actor: Any = request.user
        count = services.access_tokens_revoke_as_admin(
            actor=actor, token_ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
