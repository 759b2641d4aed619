from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Interaction and feedback")

    def ready(self) -> None:
        # Comments, likes and favourites: the moderation handler and the panels on articles and lessons.
        from engagement import demo_comments, panels_comments, sections_comments, services_comments

        services_comments.register()
        panels_comments.register()
        sections_comments.register()
        demo_comments.register()

        from engagement import registrations_suggestions  # the suggestion box

        registrations_suggestions.register()
        from engagement import registrations_notices  # notices that ask to be acknowledged

        registrations_notices.register()

        # Surveys and polls.
        from engagement import capabilities_surveys, demo_surveys, registrations_surveys  # noqa: F401

        registrations_surveys.register()
        demo_surveys.register()
