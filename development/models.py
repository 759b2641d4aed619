"""The membership development procedure (发展党员): cases, their steps, votes, exceptions and batches.

Every change goes through ``development.services``; the rows here are the dossier (全程纪实), so
records, votes and exceptions are never edited or deleted by the application.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from archive.models import Document
from core.models import AppendOnly
from development import steps
from development.config import parameter_problems
from orgs.models import OrgUnit, Position

FIRST_STEP = 1
LAST_STEP = len(steps.STEPS)
VOTE_STEPS = (steps.ADMISSION_MEETING, steps.CONVERSION_MEETING)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONVERTED = "closed_converted", _("Closed: full member")
    CANCELLED = "closed_cancelled", _("Closed: cancelled")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Phase(models.TextChoices):
    """When an assessment or thought report was made: as an activist/target, or on probation."""

    ACTIVIST = "activist", _("Activist or development target")
    PROBATION = "probation", _("Probationary member")


class BatchKind(models.TextChoices):
    ACTIVISTS = "activists", _("Activists")
    TARGETS = "targets", _("Development targets")
    ADMISSION = "admission", _("Admission")
    CONVERSION = "conversion", _("Conversion")


class Batch(models.Model):
    """A semester batch (批次), e.g. "2026 autumn development targets", opened by a branch or college."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=BatchKind.choices)
    semester = models.CharField(_("semester"), max_length=20, help_text=_("e.g. 2026 autumn"))
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering: ClassVar = ["-opened_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=BatchKind.values), name="development_batch_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="development_batch_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class DevelopmentCase(models.Model):
    """A person's development case (发展党员工作档案), from the application to the archived dossier.

    ``current_step`` is the step being worked on (the next one to record); while the case is open
    the dates below are kept by the services from the step records, so lists and deadlines need no
    joins. ``probation_round`` is 2 after the probation was extended: steps 21–24 are then done again.
    """

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        CaseStatus.OPEN: frozenset(
            {CaseStatus.CONVERTED, CaseStatus.CANCELLED, CaseStatus.TRANSFERRED_OUT, CaseStatus.WITHDRAWN}
        ),
    }

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="development_cases",
    )
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="development_cases"
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=FIRST_STEP)
    probation_round = models.PositiveSmallIntegerField(_("probation round"), default=1)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    opened_on = models.DateField(_("application received on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    destination = models.CharField(_("transferred to"), max_length=200, blank=True)
    transferred_in_from = models.CharField(_("transferred in from"), max_length=200, blank=True)
    transfer_letter_number = models.CharField(_("transfer letter number"), max_length=60, blank=True)
    transferred_in_on = models.DateField(_("transfer letter received on"), null=True, blank=True)
    step_since = models.DateField(_("current step since"))
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    target_on = models.DateField(_("development target since"), null=True, blank=True)
    probation_start = models.DateField(_("probation starts"), null=True, blank=True)
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)
    extended_once = models.BooleanField(_("probation extended"), default=False)
    extension_months = models.PositiveSmallIntegerField(_("extension in months"), null=True, blank=True)
    converted_on = models.DateField(_("full member since"), null=True, blank=True)
    # Set when the higher committee returned the case; the branch resubmits it (see CaseReturn).
    is_returned = models.BooleanField(_("returned to the branch"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development case")
        verbose_name_plural = _("development cases")
        ordering: ClassVar = ["branch_id", "current_step", "opened_on", "id"]
        indexes: ClassVar = [
            models.Index(fields=["branch", "status", "current_step"]),
            models.Index(fields=["status", "current_step"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="development_case_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="development_case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(current_step__gte=FIRST_STEP, current_step__lte=LAST_STEP),
                name="development_case_step_valid",
            ),
            models.CheckConstraint(
                condition=Q(probation_round__in=[1, 2]), name="development_case_round_valid"
            ),
            models.CheckConstraint(
                condition=Q(extension_months__isnull=True)
                | Q(extension_months__gte=6, extension_months__lte=12),
                name="development_case_extension_months_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="development_case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {steps.STEPS_BY_NUMBER[self.current_step].name}"

    @property
    def stage(self) -> int:
        """The stage (1–5) of the current step."""
        return steps.STEPS_BY_NUMBER[self.current_step].stage

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class RuleException(AppendOnly):
    """An exception to a rule (例外), recorded with its reason by an authorised person.

    It stays in the dossier for every later reader: which rule, which step, the dates involved,
    who recorded it and by virtue of which position.
    """

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="exceptions"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    step_record = models.ForeignKey(
        "StepRecord",
        verbose_name=_("step record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exceptions",
    )
    rule_code = models.CharField(_("rule"), max_length=60)
    params = models.JSONField(_("dates and values involved"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("by virtue of the position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    recorded_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rule exception")
        verbose_name_plural = _("rule exceptions")
        ordering: ClassVar = ["case", "step", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(reason=""), name="development_exception_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step} · {self.rule_code}"


class StepRecord(AppendOnly):
    """One step done (one record per event): its date, who recorded it, its typed data and documents.

    ``data`` holds the step's own fields as validated by its definition in ``development.steps``
    (dates as ISO strings, people by id). ``warnings`` lists the warning-level rules the step did
    not meet, so every reader sees them.
    """

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="records"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    probation_round = models.PositiveSmallIntegerField(_("probation round"), default=1)
    date = models.DateField(_("date"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    transferred_in = models.BooleanField(
        _("from a transferred-in dossier"),
        default=False,
        help_text=_("Recorded from the history of another party organisation; its rules were not checked."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    documents = models.ManyToManyField(
        Document, through="StepDocument", verbose_name=_("documents"), related_name="+", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering: ClassVar = ["case", "step", "probation_round"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["case", "step", "probation_round"], name="development_step_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(step__gte=FIRST_STEP, step__lte=LAST_STEP), name="development_step_number_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step} · {self.date.isoformat()}"

    @property
    def definition(self) -> steps.StepDefinition:
        return steps.STEPS_BY_NUMBER[self.step]


class StepDocument(AppendOnly):
    """A document attached to a step record, with the kind of document it is for that step."""

    record = models.ForeignKey(StepRecord, on_delete=models.PROTECT, related_name="attachments")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    kind = models.SlugField(_("kind"), max_length=40)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("step document")
        verbose_name_plural = _("step documents")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["record", "document"], name="development_step_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.kind} · {self.document_id}"


class Assessment(AppendOnly):
    """A six-monthly assessment (考察) of an activist, development target or probationary member."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        QUALIFIED = "qualified", _("Qualified")
        UNQUALIFIED = "unqualified", _("Not qualified")

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assessments"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    period = models.CharField(_("period"), max_length=40, help_text=_("e.g. 2026 spring semester"))
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    text = models.TextField(_("assessment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering: ClassVar = ["case", "assessed_on", "id"]
        indexes: ClassVar = [models.Index(fields=["case", "-assessed_on"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="development_assessment_phase"),
            models.CheckConstraint(
                condition=Q(result__in=["excellent", "good", "qualified", "unqualified"]),
                name="development_assessment_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.assessed_on.isoformat()} · {self.result}"


class ThoughtReport(AppendOnly):
    """An ideological report (思想汇报) received from the person, roughly every quarter."""

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="thought_reports"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    received_on = models.DateField(_("received on"))
    period = models.CharField(_("period"), max_length=40, blank=True, help_text=_("e.g. 2026 third quarter"))
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thought report")
        verbose_name_plural = _("thought reports")
        ordering: ClassVar = ["case", "received_on", "id"]
        indexes: ClassVar = [models.Index(fields=["case", "-received_on"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="development_report_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.received_on.isoformat()}"


class Vote(AppendOnly):
    """A branch general meeting's vote on one candidate (steps 15 and 23).

    The counts are typed; ``result`` is computed by the rules (quorum, then yes votes — written
    opinions of absentees included — more than half of the members with voting rights who should
    attend) and stored, never typed. A failed vote stays in the dossier.
    """

    class Proposal(models.TextChoices):
        ADMIT = "admit", _("Admit as probationary member")
        CONVERT = "convert", _("Convert to full member on time")
        EXTEND = "extend", _("Extend the probation")
        CANCEL = "cancel", _("Cancel the probationary membership")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="votes"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    probation_round = models.PositiveSmallIntegerField(_("probation round"), default=1)
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    meeting_on = models.DateField(_("meeting date"))
    proposal = models.CharField(_("proposal"), max_length=20, choices=Proposal.choices)
    extension_months = models.PositiveSmallIntegerField(_("extension in months"), null=True, blank=True)
    members_with_voting_rights = models.PositiveSmallIntegerField(
        _("full members with voting rights who should attend")
    )
    attended = models.PositiveSmallIntegerField(_("of them present"))
    written_opinions = models.PositiveSmallIntegerField(_("written opinions of absentees"), default=0)
    yes = models.PositiveSmallIntegerField(_("yes (written opinions included)"))
    no = models.PositiveSmallIntegerField(_("no (written opinions included)"))
    abstain = models.PositiveSmallIntegerField(_("abstentions"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering: ClassVar = ["case", "meeting_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(step__in=[15, 23]), name="development_vote_step_valid"),
            models.CheckConstraint(
                condition=Q(attended__lte=models.F("members_with_voting_rights")),
                name="development_vote_attended_not_above_members",
            ),
            models.CheckConstraint(
                condition=Q(
                    written_opinions__lte=models.F("members_with_voting_rights") - models.F("attended")
                ),
                name="development_vote_written_only_from_absentees",
            ),
            models.CheckConstraint(
                condition=Q(
                    yes__lte=models.F("attended")
                    + models.F("written_opinions")
                    - models.F("no")
                    - models.F("abstain")
                ),
                name="development_vote_counts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["passed", "failed"]), name="development_vote_result"
            ),
            models.CheckConstraint(
                condition=Q(proposal__in=["admit", "convert", "extend", "cancel"]),
                name="development_vote_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step} · {self.meeting_on.isoformat()} · {self.result}"

    @property
    def passed(self) -> bool:
        return self.result == self.Result.PASSED


class CaseReturn(models.Model):
    """The higher committee sent a case back to the branch at one of its steps (退回), with a reason.

    The row is written once; only ``resubmitted_on``/``resubmitted_by`` are filled in later, when the
    branch sends the case up again.
    """

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="returns"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    reason = models.TextField(_("reason"))
    returned_on = models.DateField(_("returned on"))
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resubmitted_on = models.DateField(_("resubmitted on"), null=True, blank=True)
    resubmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resubmit_note = models.TextField(_("what was corrected"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("returned case")
        verbose_name_plural = _("returned cases")
        ordering: ClassVar = ["case", "returned_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(reason=""), name="development_return_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step} · {self.returned_on.isoformat()}"


class PublicNotice(models.Model):
    """A public notice (公示) of candidates, with its period; generated for a batch or one case."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("published in"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    candidates = models.ManyToManyField(DevelopmentCase, verbose_name=_("candidates"), related_name="notices")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    text = models.TextField(_("text"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering: ClassVar = ["-starts_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="development_notice_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.starts_on.isoformat()}–{self.ends_on.isoformat()}"


class DevelopmentConfig(models.Model):
    """The local rules of one university (its root unit), as a JSON object of parameters.

    Parameters left out take the defaults of DOMAIN.md §2 (see ``development.config``).
    """

    root_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("university"), on_delete=models.CASCADE, related_name="+"
    )
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_(
            'Only the parameters that differ from the defaults, e.g. {"months_application_to_activist": 3}.'
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("development rules of a university")
        verbose_name_plural = _("development rules of universities")

    def __str__(self) -> str:
        return str(self.root_unit)

    def clean(self) -> None:
        if self.root_unit_id is not None and self.root_unit.depth != 1:
            raise ValidationError({"root_unit": _("Choose a university: a unit at the top of the tree.")})
        problems = parameter_problems(self.parameters)
        if problems:
            raise ValidationError(
                {"parameters": [f"{name}: {'; '.join(msgs)}" for name, msgs in problems.items()]}
            )
