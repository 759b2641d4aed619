from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Interaction and feedback")

    def ready(self) -> None:
        from engagement import (  # noqa: F401  (registrations)
            capabilities_surveys,
            demo_comments,
            demo_surveys,
            panels_comments,
            registrations_notices,
            registrations_suggestions,
            registrations_surveys,
            sections_comments,
            services_comments,
        )

        # Comments, likes and favourites: the moderation handler, the panels on articles and lessons.
        services_comments.register()
        panels_comments.register()
        sections_comments.register()
        demo_comments.register()
        registrations_suggestions.register()  # the suggestion box
        registrations_notices.register()  # notices that ask to be acknowledged
        registrations_surveys.register()  # surveys and polls
        demo_surveys.register()
