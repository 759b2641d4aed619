from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Interaction and feedback")

    def ready(self) -> None:
        pass
        from engagement import registrations_suggestions  # the suggestion box

        registrations_suggestions.register()
        from engagement import registrations_notices  # notices that ask to be acknowledged

        registrations_notices.register()

        # Surveys and polls.
        from engagement import capabilities_surveys, demo_surveys, registrations_surveys  # noqa: F401

        registrations_surveys.register()
        demo_surveys.register()
