from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from archive.permissions import register_read_policy
        from core.sections import Section, UnitLink, register_section, register_unit_link
        from publishing import capabilities, demo, services, tasks  # noqa: F401  (registrations)
        from publishing.permissions import can_manage_channel, can_open_publishing
        from publishing.queries import can_read_media
        from publishing.services_channels import MEDIA_PURPOSE

        register_read_policy(MEDIA_PURPOSE, can_read_media)
        demo.register()
        tasks.register_jobs()
        register_section(
            Section(
                code="publishing",
                label=_("Publishing"),
                description=_("Articles and videos of your channels, and their review"),
                url_name="publishing:index",
                is_open_to=can_open_publishing,
                order=70,
            )
        )
        register_unit_link(
            UnitLink(
                code="publishing.channel",
                label=_("Channel"),
                url_name="publishing:channel_edit",
                is_open_to=can_manage_channel,
                order=70,
            )
        )
