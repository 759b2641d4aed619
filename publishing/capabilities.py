"""Capabilities of publishing (宣传): writing, the review levels (三审) and channels."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

WRITE = register("publishing.write", _("Write articles and post short videos for the unit's channel"))
REVIEW = register(
    "publishing.review", _("Review submitted articles before the final approval (first levels)")
)
APPROVE = register(
    "publishing.approve", _("Give the final approval of articles and publish, schedule or withdraw them")
)
MANAGE_CHANNEL = register(
    "publishing.manage_channel", _("Create and edit the unit's channel: name, logo, colours, introduction")
)
ALL = (WRITE, REVIEW, APPROVE, MANAGE_CHANNEL)
