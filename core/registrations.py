"""What the core app declares at start-up: its section, its notification kind, its periodic jobs.

Imported by ``CoreConfig.ready`` so that the scheduler process, the web processes and the task
worker all see the same registrations.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.models import EmailMode
from core.notifications import register_kind
from core.scheduler import PeriodicJob, daily_at, register_job
from core.sections import Section, register_section
from core.tasks import send_daily_digests

DAILY_DIGEST_JOB = "core.daily_digest"

ANNOUNCEMENT = register_kind(
    "core.announcement",
    _("Announcements"),
    default_email=EmailMode.DIGEST,
    description=_("Notices from the organisation department and the platform's operators."),
)


def _logged_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


register_section(
    Section(
        code="inbox",
        label=_("Inbox"),
        description=_("Notifications sent to you, and how you hear of them"),
        url_name="core:inbox",
        is_open_to=_logged_in,
        order=900,
    )
)

register_job(PeriodicJob(name=DAILY_DIGEST_JOB, task=send_daily_digests, period_of=daily_at(time(7, 0))))
