"""The organisation: the unit tree, positions with terms, and each person's branch membership."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from core import capabilities
from core.models import AppendOnly


class UnitKind(models.TextChoices):
    UNIVERSITY_COMMITTEE = "university", _("University party committee")
    COLLEGE_COMMITTEE = "college", _("College party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    PARTY_GROUP = "group", _("Party group")


MEMBER_UNIT_KINDS = (UnitKind.BRANCH,)


class PartyStatus(models.TextChoices):
    """A person's standing in the party (政治面貌), in the order of the development procedure."""

    NONE = "none", _("Masses")
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class OrgUnit(MP_Node):
    """A unit of the party organisation (党组织): university committee down to party group."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Short stable code, used in imports.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="orgunit_kind_valid")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class PositionType(models.Model):
    """A kind of position (职务), e.g. branch secretary, and the capabilities it grants.

    Capabilities are data so that each university can adjust who may do what without a release.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    unit_kinds = models.JSONField(
        _("held in units of kind"), default=list, blank=True, help_text=_("Empty means any kind.")
    )
    max_holders = models.PositiveSmallIntegerField(
        _("holders at a time"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    rank = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("position type")
        verbose_name_plural = _("position types")
        ordering: ClassVar = ["rank", "code"]

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def unknown_capabilities(self) -> list[str]:
        return [code for code in self.capabilities if capabilities.get(code) is None]


class PositionQuerySet(models.QuerySet["Position"]):
    def active(self, on: date | None = None) -> PositionQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Position(models.Model):
    """A person holding a position type in a unit for a term (任期). Ended terms stay as history."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    position_type = models.ForeignKey(
        PositionType, verbose_name=_("position"), on_delete=models.PROTECT, related_name="positions"
    )
    start_date = models.DateField(_("term starts"))
    end_date = models.DateField(_("term ends"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering: ClassVar = ["position_type__rank", "-start_date"]
        indexes: ClassVar = [
            models.Index(fields=["person", "end_date"]),
            models.Index(fields=["unit", "end_date"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.position_type}"

    def is_active(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Membership(models.Model):
    """A person's place in a branch (组织关系) and their party status. One per person."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        OrgUnit,
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    party_status = models.CharField(
        _("party status"), max_length=20, choices=PartyStatus.choices, default=PartyStatus.NONE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    league_member = models.BooleanField(_("Youth League member"), default=False)
    # 留党察看: a member under this discipline keeps no right to vote, elect or introduce applicants.
    on_party_probation = models.BooleanField(_("under party probation (留党察看)"), default=False)
    joined_unit_on = models.DateField(_("in this branch since"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes: ClassVar = [models.Index(fields=["unit", "party_status"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(party_status__in=PartyStatus.values), name="membership_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit}"


class StatusChange(AppendOnly):
    """History of a person's party status and branch (append-only)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=PartyStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PartyStatus.choices)
    from_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering: ClassVar = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_status} → {self.to_status} ({self.changed_on})"


class RosterImport(models.Model):
    """One roster file uploaded for import (名册导入): its checked preview and, once applied, its outcome.

    The original file is kept in private storage (named by its SHA-256) and the checked rows are
    kept encrypted, so applying compares exactly what was previewed with the database again.
    Problems and planned changes are stored as codes and numbers, never as sentences, so each
    reader sees them in their own language.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    scope_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("into"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    stored_file = models.FileField(_("stored file"), upload_to="roster_imports/%Y/%m/", max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    count_new = models.PositiveIntegerField(_("new"), default=0)
    count_updated = models.PositiveIntegerField(_("updated"), default=0)
    count_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    changes = models.JSONField(_("planned changes"), default=list, blank=True)
    # Fingerprint of the planned changes: applying refuses when the database now gives another plan.
    plan_digest = models.CharField(max_length=64, blank=True)
    # The checked rows, compressed and encrypted (they hold ID and phone numbers), so that applying
    # compares them with the database again without reading and checking the file a second time.
    parsed_rows = models.TextField(blank=True, editable=False)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    failure = models.CharField(_("failure"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["scope_unit", "-created_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "applied", "failed"]), name="rosterimport_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name

    @property
    def can_apply(self) -> bool:
        return self.status != self.Status.APPLIED and self.error_count == 0
