"""The rules of the procedure: each a small pure function of a ``RuleContext``.

A rule has a stable code, a message in both languages (gettext, with named placeholders for the
dates and values involved), its source, and whether it is **national** (fixed by the 2014 rules,
in code) or **local** (a parameter of ``development.config``). A rule returns a ``Violation`` or
None; the services decide what a violation means (refused, or recorded as an exception or warning).

Periods are calendar periods, see ``development.periods``: "within one month" of 31 January is on
or before 28/29 February; "three months" after 30 November is 28 February.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from development.periods import add_months, add_years, anniversary
from development.rule_engine import (
    Level,
    RuleContext,
    Scope,
    Violation,
    rule,
    violation,
)

TALKER_POSITIONS = frozenset({"secretary", "deputy_secretary", "organisation_member"})
MIN_AGE = 18
LEAGUE_RECOMMENDATION_AGE = 28
ASSESSMENT_INTERVAL_MONTHS = 6
TRAINING_MIN_HOURS = 24
TRAINING_MIN_DAYS = 3
INTRODUCERS_REQUIRED = 2
APPROVAL_MONTHS = 3
APPROVAL_MAX_MONTHS = 6
EXTENSION_MIN_MONTHS = 6
EXTENSION_MAX_MONTHS = 12
PROBATION_YEARS = 1
FULL = "full"


# --- Sources ------------------------------------------------------------------------------------

SOURCE_GENERAL = _("Detailed Rules on Developing Party Members (2014), chapter 1 (General provisions)")
SOURCE_APPLICATION_AGE = _("Detailed Rules on Developing Party Members (2014), article 5")
SOURCE_TALK = _("Detailed Rules on Developing Party Members (2014), article 7")
SOURCE_APPLICATION = _("Detailed Rules on Developing Party Members (2014), chapter 2 (Application)")
SOURCE_ACTIVIST = _(
    "Detailed Rules on Developing Party Members (2014), chapter 3 (Confirming and educating activists)"
)
SOURCE_TARGET = _(
    "Detailed Rules on Developing Party Members (2014), chapter 4 (Confirming and examining development targets)"
)
SOURCE_ADMISSION = _(
    "Detailed Rules on Developing Party Members (2014), chapter 5 (Admitting probationary members)"
)
SOURCE_PROBATION = _(
    "Detailed Rules on Developing Party Members (2014), chapter 6 (Education, examination and conversion of probationary members)"
)
SOURCE_APPROVAL = _(
    "Detailed Rules on Developing Party Members (2014), chapters 5 and 6 (admission and conversion approval)"
)
SOURCE_LOCAL = _("The university's own rules on developing party members (local setting)")


# --- Stage 1: application -----------------------------------------------------------------------


def _written_on(context: RuleContext) -> date:
    written = context.data.get("written_on")
    return written if isinstance(written, date) else context.on


@rule(
    "application.birth_date_known",
    message=_(
        "The applicant's date of birth is not recorded, so their age on %(applied_on)s cannot be checked."
    ),
    source=SOURCE_APPLICATION_AGE,
)
def birth_date_known(context: RuleContext) -> Violation | None:
    if context.birth_date is None:
        return violation("application.birth_date_known", applied_on=_written_on(context))
    return None


@rule(
    "application.min_age",
    message=_(
        "An applicant must be at least 18 on the date of the application (%(applied_on)s); "
        "this applicant turns 18 on %(adult_on)s."
    ),
    source=SOURCE_APPLICATION_AGE,
    waivable=False,
)
def min_age(context: RuleContext) -> Violation | None:
    if context.birth_date is None:
        return None
    applied_on = _written_on(context)
    adult_on = anniversary(context.birth_date, MIN_AGE)
    if applied_on < adult_on:
        return violation("application.min_age", applied_on=applied_on, adult_on=adult_on)
    return None


def talk_deadline(received_on: date) -> date:
    """The last day of "within one month" of receiving the application."""
    return add_months(received_on, 1)


@rule(
    "application.talk_within_one_month",
    message=_(
        "The talk must take place within one month of receiving the application (%(received_on)s), "
        "that is on or before %(deadline)s; it is recorded on %(talk_on)s."
    ),
    source=SOURCE_TALK,
)
def talk_within_one_month(context: RuleContext) -> Violation | None:
    received_on = context.step_dates.get(1)
    if received_on is None:
        return None
    deadline = talk_deadline(received_on)
    if context.on > deadline:
        return violation(
            "application.talk_within_one_month",
            received_on=received_on,
            deadline=deadline,
            talk_on=context.on,
        )
    return None


@rule(
    "application.talker_position",
    message=_(
        "The talk is held by the branch secretary, deputy secretary or organisation member; "
        "%(person)s held none of these positions in the branch on %(talk_on)s."
    ),
    source=SOURCE_APPLICATION,
)
def talker_position(context: RuleContext) -> Violation | None:
    talker_id = context.data.get("talker")
    if talker_id is None:
        return None
    facts = context.persons.get(talker_id)
    if facts is None or not facts.positions_in_branch & TALKER_POSITIONS:
        name = facts.name if facts else str(talker_id)
        return violation("application.talker_position", person=name, talk_on=context.on)
    return None


# --- Stage 2: activist --------------------------------------------------------------------------


@rule(
    "activist.months_after_application",
    message=_(
        "An applicant becomes an activist at least %(months)s months after the application "
        "(%(received_on)s), that is on or after %(earliest)s; this is %(on)s."
    ),
    source=SOURCE_LOCAL,
    scope=Scope.LOCAL,
)
def months_after_application(context: RuleContext) -> Violation | None:
    received_on = context.step_dates.get(1)
    if received_on is None:
        return None
    months = context.local.months_application_to_activist
    earliest = add_months(received_on, months)
    if context.on < earliest:
        return violation(
            "activist.months_after_application",
            months=months,
            received_on=received_on,
            earliest=earliest,
            on=context.on,
        )
    return None


@rule(
    "activist.league_recommendation",
    message=_(
        "A Youth League member under 28 is normally recommended by the Youth League (推优); "
        "this one, aged under 28 on %(on)s, was not."
    ),
    source=SOURCE_ACTIVIST,
    level=Level.WARNING,
)
def league_recommendation(context: RuleContext) -> Violation | None:
    # "Normally": a warning that stays with the step, not a refusal (a League member may also be
    # recommended by party members, e.g. when the League branch has not met yet).
    if not context.league_member or context.birth_date is None:
        return None
    if context.on >= anniversary(context.birth_date, LEAGUE_RECOMMENDATION_AGE):
        return None
    if context.data.get("method") in ("league", "both"):
        return None
    return violation("activist.league_recommendation", on=context.on)


@rule(
    "activist.contacts",
    message=_("Contacts must be full members; %(person)s is not."),
    source=SOURCE_ACTIVIST,
)
def contacts(context: RuleContext) -> Violation | None:
    for person_id in context.data.get("contacts") or ():
        facts = context.persons.get(person_id)
        if facts is None or facts.party_status != FULL or person_id == context.person_id:
            return violation("activist.contacts", person=facts.name if facts else str(person_id))
    return None


def next_assessment_due(last: date) -> date:
    """The day the next six-monthly assessment is due after one made (or a phase begun) on ``last``."""
    return add_months(last, ASSESSMENT_INTERVAL_MONTHS)


def _phase_start(context: RuleContext) -> date | None:
    return context.probation_start if context.step >= 19 else context.activist_on


@rule(
    "assessment.every_six_months",
    message=_(
        "An activist or probationary member is assessed every six months: after %(since)s the next "
        "assessment was due by %(due)s, and none is recorded between them."
    ),
    source=SOURCE_ACTIVIST,
)
def assessed_every_six_months(context: RuleContext) -> Violation | None:
    start = _phase_start(context)
    if start is None:
        return None
    previous = start
    for assessed_on in sorted(d for d in context.assessments if start <= d <= context.on):
        if assessed_on > next_assessment_due(previous):
            return violation("assessment.every_six_months", since=previous, due=next_assessment_due(previous))
        previous = assessed_on
    if context.on > next_assessment_due(previous):
        return violation("assessment.every_six_months", since=previous, due=next_assessment_due(previous))
    return None


@rule(
    "thought_report.interval",
    message=_(
        "Thought reports are handed in about every %(days)s days: after %(since)s the next was due by "
        "%(due)s, and none is recorded between them."
    ),
    source=SOURCE_LOCAL,
    scope=Scope.LOCAL,
    level=Level.WARNING,
)
def thought_report_interval(context: RuleContext) -> Violation | None:
    # "Roughly quarterly" in DOMAIN.md: a gap is noted with the step, never refused.
    start = _phase_start(context)
    if start is None:
        return None
    days = context.local.thought_report_interval_days
    received = sorted(d for d in context.thought_reports if start <= d <= context.on)
    previous = start
    for current in [*received, context.on]:
        if (current - previous).days > days:
            return violation(
                "thought_report.interval", days=days, since=previous, due=previous + timedelta(days=days)
            )
        previous = current
    return None


# --- Stage 3: development target ----------------------------------------------------------------


@rule(
    "target.one_year_as_activist",
    message=_(
        "A development target must have been an activist for at least one year: activist since "
        "%(activist_on)s, so not before %(earliest)s; this is %(on)s."
    ),
    source=SOURCE_TARGET,
)
def one_year_as_activist(context: RuleContext) -> Violation | None:
    activist_on = context.step_dates.get(3) or context.activist_on
    if activist_on is None:
        return None
    earliest = add_years(activist_on, 1)
    if context.on < earliest:
        return violation(
            "target.one_year_as_activist", activist_on=activist_on, earliest=earliest, on=context.on
        )
    return None


@rule(
    "target.introducers_count",
    message=_("A development target needs exactly two introducers (入党介绍人); %(count)s are chosen."),
    source=SOURCE_TARGET,
)
def introducers_count(context: RuleContext) -> Violation | None:
    ids = list(context.data.get("introducers") or ())
    if len(ids) != INTRODUCERS_REQUIRED:
        return violation("target.introducers_count", count=len(ids))
    return None


@rule(
    "target.introducer_full_member",
    message=_("An introducer must be a full member, other than the candidate; %(person)s is not."),
    source=SOURCE_TARGET,
)
def introducer_full_member(context: RuleContext) -> Violation | None:
    for person_id in context.data.get("introducers") or ():
        facts = context.persons.get(person_id)
        if facts is None or facts.party_status != FULL or person_id == context.person_id:
            return violation("target.introducer_full_member", person=facts.name if facts else str(person_id))
    return None


@rule(
    "target.introducer_not_on_party_probation",
    message=_("A member under party probation (留党察看) cannot be an introducer; %(person)s is."),
    source=SOURCE_TARGET,
)
def introducer_not_on_party_probation(context: RuleContext) -> Violation | None:
    for person_id in context.data.get("introducers") or ():
        facts = context.persons.get(person_id)
        if facts is not None and facts.on_party_probation:
            return violation("target.introducer_not_on_party_probation", person=facts.name)
    return None


@rule(
    "target.political_review_passed",
    message=_(
        "The political review must end in a written conclusion that it was passed (conclusion of %(on)s)."
    ),
    source=SOURCE_TARGET,
)
def political_review_passed(context: RuleContext) -> Violation | None:
    if context.data.get("conclusion") != "passed":
        return violation("target.political_review_passed", on=context.on)
    return None


@rule(
    "target.training_duration",
    message=_(
        "The short intensive training lasts at least 3 days or 24 class hours; "
        "recorded: %(days)s days, %(hours)s class hours."
    ),
    source=SOURCE_TARGET,
)
def training_duration(context: RuleContext) -> Violation | None:
    hours = context.data.get("class_hours") or 0
    days = context.data.get("days") or 0
    if hours >= TRAINING_MIN_HOURS or days >= TRAINING_MIN_DAYS:
        return None
    return violation("target.training_duration", days=days, hours=hours)


# --- Stage 4: admission -------------------------------------------------------------------------


@rule(
    "admission.public_notice",
    message=_(
        "Before the branch general meeting of %(meeting_on)s the candidate is publicly announced (公示) "
        "for at least %(working_days)s working days, ending before the meeting; no such notice is recorded."
    ),
    source=SOURCE_LOCAL,
    scope=Scope.LOCAL,
)
def public_notice(context: RuleContext) -> Violation | None:
    needed = context.local.public_notice_working_days
    for notice in context.notices:
        if notice.ends_on < context.on and notice.working_days >= needed:
            return None
    return violation("admission.public_notice", meeting_on=context.on, working_days=needed)


@rule(
    "admission.political_review_valid",
    message=_(
        "The political review conclusion (%(review_on)s) is valid for %(months)s months, until "
        "%(valid_until)s; the meeting is on %(meeting_on)s."
    ),
    source=SOURCE_LOCAL,
    scope=Scope.LOCAL,
)
def political_review_valid(context: RuleContext) -> Violation | None:
    review_on = context.step_dates.get(10)
    if review_on is None:
        return None
    months = context.local.political_review_valid_months
    valid_until = add_months(review_on, months)
    if context.on > valid_until:
        return violation(
            "admission.political_review_valid",
            review_on=review_on,
            months=months,
            valid_until=valid_until,
            meeting_on=context.on,
        )
    return None


@rule(
    "vote.quorum",
    message=_(
        "The meeting can vote only when more than half of the %(members)s full members with voting "
        "rights are present; %(attended)s were present on %(meeting_on)s."
    ),
    source=SOURCE_ADMISSION,
    waivable=False,
)
def quorum(context: RuleContext) -> Violation | None:
    counts = context.vote
    if counts is None:
        return None
    if counts.attended * 2 > counts.members_with_voting_rights:
        return None
    return violation(
        "vote.quorum",
        members=counts.members_with_voting_rights,
        attended=counts.attended,
        meeting_on=context.on,
    )


@rule(
    "vote.majority",
    message=_(
        "A resolution passes only when the yes votes (written opinions of absentees included) are more "
        "than half of the %(members)s full members with voting rights who should attend; it had %(yes)s."
    ),
    source=SOURCE_ADMISSION,
    waivable=False,
)
def majority(context: RuleContext) -> Violation | None:
    counts = context.vote
    if counts is None:
        return None
    if counts.yes * 2 > counts.members_with_voting_rights:
        return None
    return violation("vote.majority", members=counts.members_with_voting_rights, yes=counts.yes)


def _meeting_date(context: RuleContext) -> date | None:
    meeting_step = 15 if context.step <= 17 else 23
    return context.step_dates.get(meeting_step)


def approval_deadline(meeting_on: date) -> date:
    """The last day of "within three months" of the branch general meeting."""
    return add_months(meeting_on, APPROVAL_MONTHS)


@rule(
    "approval.within_three_months",
    message=_(
        "The higher committee approves within three months of the branch general meeting "
        "(%(meeting_on)s), that is by %(deadline)s; this approval is dated %(on)s."
    ),
    source=SOURCE_APPROVAL,
)
def within_three_months(context: RuleContext) -> Violation | None:
    meeting_on = _meeting_date(context)
    if meeting_on is None:
        return None
    deadline = approval_deadline(meeting_on)
    if context.on > deadline:
        return violation(
            "approval.within_three_months", meeting_on=meeting_on, deadline=deadline, on=context.on
        )
    return None


@rule(
    "approval.within_six_months",
    message=_(
        "Even in special cases the approval comes at most six months after the branch general meeting "
        "(%(meeting_on)s), that is by %(deadline)s; this approval is dated %(on)s."
    ),
    source=SOURCE_APPROVAL,
    waivable=False,
)
def within_six_months(context: RuleContext) -> Violation | None:
    meeting_on = _meeting_date(context)
    if meeting_on is None:
        return None
    deadline = add_months(meeting_on, APPROVAL_MAX_MONTHS)
    if context.on > deadline:
        return violation(
            "approval.within_six_months", meeting_on=meeting_on, deadline=deadline, on=context.on
        )
    return None


# --- Stage 5: probation and conversion ------------------------------------------------------------


def probation_end(start: date, extension_months: int | None = None) -> date:
    """The last day of probation: one year after the admission meeting, plus any extension."""
    end = add_years(start, PROBATION_YEARS)
    return add_months(end, extension_months) if extension_months else end


def _proposal(context: RuleContext) -> str | None:
    if context.step == 24:
        return context.step_data.get(23, {}).get("proposal")
    value = context.data.get("proposal")
    return value if isinstance(value, str) else None


def _extension_months(context: RuleContext) -> int | None:
    if context.step == 24:
        value = context.step_data.get(23, {}).get("extension_months")
    else:
        value = context.data.get("extension_months")
    return value if isinstance(value, int) else None


@rule(
    "probation.cancel_by_vote",
    message=_(
        "A probationary membership is cancelled only by a vote of the branch general meeting (step 23) "
        "and the higher committee's approval (step 24); this case is at step %(step)s."
    ),
    source=SOURCE_PROBATION,
    waivable=False,
)
def cancel_by_vote(context: RuleContext) -> Violation | None:
    # ``step`` is the case's current step: past the admission approval the person is probationary.
    if context.step > 17:
        return violation("probation.cancel_by_vote", step=context.step)
    return None


@rule(
    "probation.conversion_not_before_end",
    message=_(
        "The probation lasts one year: the meeting to convert may be held from %(probation_end)s, "
        "not on %(meeting_on)s."
    ),
    source=SOURCE_PROBATION,
    waivable=False,
)
def conversion_not_before_end(context: RuleContext) -> Violation | None:
    if _proposal(context) != "convert" or context.probation_end is None:
        return None
    if context.on < context.probation_end:
        return violation(
            "probation.conversion_not_before_end", probation_end=context.probation_end, meeting_on=context.on
        )
    return None


@rule(
    "probation.extension_once",
    message=_("The probation can be extended only once; it was already extended."),
    source=SOURCE_PROBATION,
    waivable=False,
)
def extension_once(context: RuleContext) -> Violation | None:
    if _proposal(context) == "extend" and context.extended_once:
        return violation("probation.extension_once")
    return None


@rule(
    "probation.extension_months",
    message=_("An extension of the probation lasts from 6 to 12 months, not %(months)s."),
    source=SOURCE_PROBATION,
    waivable=False,
)
def extension_months(context: RuleContext) -> Violation | None:
    if _proposal(context) != "extend":
        return None
    months = _extension_months(context)
    if months is None or not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        return violation("probation.extension_months", months=months if months is not None else "—")
    return None


# --- Order --------------------------------------------------------------------------------------


@rule(
    "steps.order",
    message=_("Steps are done in order: the step to record now is step %(expected)s, not step %(step)s."),
    source=SOURCE_GENERAL,
)
def steps_order(context: RuleContext) -> Violation | None:
    expected = context.expected_step
    if expected is not None and expected != context.step:
        return violation("steps.order", expected=expected, step=context.step)
    return None


@rule(
    "steps.date_order",
    message=_(
        "A step cannot be dated before the step before it: step %(previous_step)s is dated "
        "%(previous_on)s, this one %(on)s."
    ),
    source=SOURCE_GENERAL,
)
def steps_date_order(context: RuleContext) -> Violation | None:
    earlier = [(number, day) for number, day in context.step_dates.items() if number < context.step]
    if not earlier:
        return None
    previous_step, previous_on = max(earlier)
    if context.on < previous_on:
        return violation(
            "steps.date_order", previous_step=previous_step, previous_on=previous_on, on=context.on
        )
    return None
