from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Interaction and feedback")

    def ready(self) -> None:
        pass
        # Surveys and polls.
        from engagement import admin_surveys, capabilities_surveys, demo_surveys, registrations_surveys  # noqa: F401

        registrations_surveys.register()
        demo_surveys.register()
