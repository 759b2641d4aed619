"""Capabilities of the moderation app: reviewing held and reported text, and keeping the lexicon."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

REVIEW = register(
    "moderation.review", _("Review held and reported text: approve, reject or hide it, with a reason")
)
MANAGE_LEXICON = register(
    "moderation.manage_lexicon", _("Keep the moderation lexicon: add, change and switch off terms")
)
