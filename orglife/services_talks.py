"""Writes of one-on-one talks (谈心谈话): a committee member records a talk held with a member."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.errors import DomainError, FieldErrors
from core.permissions import can, require
from moderation.services import blocked_message, text_check
from orglife import capabilities as caps
from orglife.models_evaluation import Talk
from orgs.models import Membership, OrgUnit, PartyStatus, UnitKind

TOPIC_MAX = 200
SUMMARY_MAX = 5000
MEMBER_STATUSES = (PartyStatus.FULL, PartyStatus.PROBATIONARY)


def _checked(person: Any, branch: OrgUnit, talked_on: date, topic: str, summary: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not Membership.objects.filter(person=person, unit=branch, party_status__in=MEMBER_STATUSES).exists():
        problems["person"] = [str(_("Choose a full or probationary member of this branch."))]
    if talked_on > timezone.localdate():
        problems["talked_on"] = [str(_("A talk cannot be recorded before it is held."))]
    elif talked_on.year < 2000:
        problems["talked_on"] = [str(_("Enter the date of the talk."))]
    if not topic:
        problems["topic"] = [str(_("Say what the talk was about."))]
    elif len(topic) > TOPIC_MAX:
        problems["topic"] = [str(_("Keep the topic under %(max)d characters.") % {"max": TOPIC_MAX})]
    if len(summary) > SUMMARY_MAX:
        problems["summary"] = [str(_("Keep the summary under %(max)d characters.") % {"max": SUMMARY_MAX})]
    return problems


def talk_record(
    *,
    actor: Any,
    branch: OrgUnit,
    person: Any,
    talked_on: date,
    topic: str,
    summary: str = "",
    talked_by: Any = None,
) -> Talk:
    """Record a talk with a member of ``branch``; a retried identical record returns the first one.

    ``talked_by`` (the actor when left out) must be someone who may record talks over the branch.
    """
    require(actor, caps.RECORD_TALKS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise DomainError("not_a_branch", _("Talks are recorded in a branch."))
    talker = talked_by or actor
    topic, summary = (topic or "").strip(), (summary or "").strip()
    problems = _checked(person, branch, talked_on, topic, summary)
    if talker.pk != actor.pk and not can(talker, caps.RECORD_TALKS, branch):
        problems["talked_by"] = [str(_("Choose a member of the branch committee or a higher committee."))]
    if problems:
        raise FieldErrors(problems, _("Some fields are not valid."))
    checked = text_check(text=f"{topic}\n{summary}", unit=branch)
    if checked.action == "block":
        raise DomainError("moderation.blocked", blocked_message(checked))
    topic, _newline, summary = checked.masked_text.partition("\n")
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=branch.pk).first()
        existing = Talk.objects.filter(
            branch=branch, person=person, talked_on=talked_on, talked_by=talker, topic=topic
        ).first()
        if existing is not None:
            return existing
        talk = Talk.objects.create(
            branch=branch,
            person=person,
            talked_on=talked_on,
            talked_by=talker,
            topic=topic,
            summary=summary,
            recorded_by=actor,
        )
        # The summary stays out of the log: it is the committee's alone.
        audit_record(
            actor=actor,
            action="orglife.talk.record",
            target=talk,
            unit_id=branch.pk,
            data={"person": person.pk, "talked_on": talked_on.isoformat(), "talked_by": talker.pk},
        )
    return talk
