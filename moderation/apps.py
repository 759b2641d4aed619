from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from core.sections import Section, UnitLink, register_section, register_unit_link
        from moderation import capabilities  # noqa: F401  (registers the capabilities)
        from moderation.permissions import can_manage_lexicon, can_review, has_moderation_work
        from moderation.tasks import register_jobs

        register_section(
            Section(
                code="moderation",
                label=_("Moderation"),
                description=_("Held and reported text, and the lexicon of sensitive terms"),
                url_name="moderation:index",
                is_open_to=has_moderation_work,
                order=70,
            )
        )
        register_unit_link(
            UnitLink(
                code="moderation.queue",
                label=_("Moderation queue"),
                url_name="moderation:queue",
                is_open_to=can_review,
                order=70,
            )
        )
        register_unit_link(
            UnitLink(
                code="moderation.lexicon",
                label=_("Moderation lexicon"),
                url_name="moderation:lexicon",
                is_open_to=can_manage_lexicon,
                order=71,
            )
        )
        register_jobs()
