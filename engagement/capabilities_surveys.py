"""Capabilities of surveys and polls (问卷调查与投票)."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

RUN_SURVEYS = register(
    "engagement.run_surveys",
    _(
        "Build, open and close the unit's surveys and polls, see their results and remind who has not answered"
    ),
)
