"""Deadline reminders: the daily run that tells a branch committee and the person what is coming.

Each deadline within the university's lead days is notified once: the notification's dedupe key
names the case, the deadline and its date, so a second run (or a retried one) adds nothing, and a
deadline that moves (a new assessment resets the next one) is a new reminder.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.notifications import register_kind
from core.services import notifications_send
from development import capabilities as caps
from development.deadlines import LABELS
from development.models import DevelopmentCase
from development.queries import deadlines_of, local_rules_by_root, open_cases_with_deadlines, rules_for_path
from orgs.models import Position

DEADLINE_KIND = register_kind(
    "development.deadline",
    _("Development deadlines"),
    description=_("Reminders of steps, assessments and thought reports that are due in a development case."),
)


def dedupe_key(case_id: int, code: str, due_on: date) -> str:
    return f"development.deadline:{case_id}:{code}:{due_on.isoformat()}"


def _committees(branch_ids: set[int], on: date) -> dict[int, list[User]]:
    """The people holding a position with development.record_steps in each branch (one query)."""
    members: dict[int, list[User]] = defaultdict(list)
    positions = (
        Position.objects.active(on)
        .filter(unit_id__in=branch_ids, person__is_active=True)
        .select_related("person", "position_type")
    )
    for position in positions:
        if caps.RECORD_STEPS in position.position_type.capabilities:
            members[position.unit_id].append(position.person)
    return members


def deadline_reminders_send(*, today: date) -> int:
    """Notify every deadline due within the lead days (from today); returns the notifications sent."""
    by_root = local_rules_by_root()
    due: list[tuple[DevelopmentCase, str, date]] = []
    for case in open_cases_with_deadlines(DevelopmentCase.objects.all()):
        local = rules_for_path(by_root, case.branch.path)
        for deadline in deadlines_of(case, local):
            if 0 <= deadline.days_left(today) <= local.reminder_lead_days:
                due.append((case, deadline.code, deadline.due_on))
    committees = _committees({case.branch_id for case, _code, _due in due}, today)
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in={case.person_id for case, _c, _d in due}, is_active=True)
    }
    sent = 0
    for case, code, due_on in due:
        committee = {person.pk: person for person in committees.get(case.branch_id, [])}
        # The committee opens the case page; the person opens their own timeline.
        audiences = [(list(committee.values()), reverse("development:case", args=[case.pk]))]
        if case.person_id in people and case.person_id not in committee:
            audiences.append(([people[case.person_id]], reverse("development:my_case")))
        for recipients, url in audiences:
            sent += len(
                notifications_send(
                    recipients=recipients,
                    kind=DEADLINE_KIND,
                    title=_("%(deadline)s due on %(due_on)s: %(person)s"),
                    body=_("In the development case of %(person)s, “%(deadline)s” is due on %(due_on)s."),
                    params={
                        "deadline": LABELS[code],
                        "due_on": due_on.isoformat(),
                        "person": case.person.name,
                    },
                    url=url,
                    dedupe_key=dedupe_key(case.pk, code, due_on),
                )
            )
    return sent
