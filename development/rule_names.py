"""Short names of the rules and of the dates they name, for pages that list broken rules.

A rule's message says what went wrong in a sentence; its name is the few words a secretary
recognises in a list ("Talk within one month"), and each date a violation carries gets a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from development.rule_engine import RULES, Violation, params_from_json

RULE_NAMES: Mapping[str, Promise] = {
    "application.birth_date_known": _("Date of birth recorded"),
    "application.min_age": _("Applicant at least 18"),
    "application.talk_within_one_month": _("Talk within one month"),
    "application.talker_position": _("Who holds the talk"),
    "activist.months_after_application": _("Time from application to activist"),
    "activist.league_recommendation": _("Youth League recommendation (推优)"),
    "activist.contacts": _("Contacts are full members"),
    "assessment.every_six_months": _("Assessment every six months"),
    "thought_report.interval": _("Regular thought reports"),
    "target.one_year_as_activist": _("One year as an activist"),
    "target.introducers_count": _("Two introducers"),
    "target.introducer_full_member": _("Introducers are full members"),
    "target.introducer_not_on_party_probation": _("Introducers not under party probation"),
    "target.political_review_passed": _("Political review passed"),
    "target.training_duration": _("Length of the intensive training"),
    "admission.public_notice": _("Public notice before the meeting"),
    "admission.political_review_valid": _("Political review still valid"),
    "vote.quorum": _("Quorum of the branch general meeting"),
    "vote.majority": _("Majority of the vote"),
    "approval.within_three_months": _("Approval within three months"),
    "approval.within_six_months": _("Approval within six months at most"),
    "probation.cancel_by_vote": _("Cancellation only by vote"),
    "probation.conversion_not_before_end": _("Conversion not before the end of probation"),
    "probation.extension_once": _("Probation extended only once"),
    "probation.extension_months": _("Length of an extension"),
    "steps.order": _("Steps in order"),
    "steps.date_order": _("Dates in order"),
}

DATE_LABELS: Mapping[str, Promise] = {
    "applied_on": _("Application dated"),
    "adult_on": _("Turns 18 on"),
    "received_on": _("Application received"),
    "deadline": _("Deadline"),
    "talk_on": _("Talk recorded on"),
    "earliest": _("Earliest allowed"),
    "on": _("Date recorded"),
    "since": _("Counted from"),
    "due": _("Due by"),
    "activist_on": _("Activist since"),
    "meeting_on": _("Meeting"),
    "review_on": _("Political review concluded"),
    "valid_until": _("Valid until"),
    "probation_end": _("Probation ends"),
    "previous_on": _("Previous step dated"),
}


def rule_name(code: str) -> str:
    """The rule's short name in the active language (its code when it has none)."""
    name = RULE_NAMES.get(code)
    return str(name) if name is not None else code


def describe(violation: Violation) -> dict[str, Any]:
    """A broken rule as a page shows it: name, message, source, whether national, and its dates."""
    rule = RULES.get(violation.code)
    return {
        "code": violation.code,
        "name": rule_name(violation.code),
        "message": violation.message if rule is not None else violation.code,
        "source": violation.source if rule is not None else "",
        "national": rule is not None and str(rule.scope) == "national",
        "waivable": violation.waivable if rule is not None else True,
        "warning": str(violation.level) == "warning",
        "case_id": violation.params.get("case_id"),
        "dates": [
            {"label": str(DATE_LABELS.get(name, name)), "date": value}
            for name, value in violation.params.items()
            if isinstance(value, date)
        ],
    }


def describe_stored(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """A rule stored with a step record or an exception (params as JSON), described as above."""
    return describe(Violation(code, params_from_json(params)))
