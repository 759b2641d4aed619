from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Study")

    def ready(self) -> None:
        from learning import (  # noqa: F401  (registrations)
            capabilities,
            capabilities_quiz,
            demo,
            demo_quiz,
            media,
            sections,
        )

        demo.register()
        demo_quiz.register()
        media.register()
        sections.register()
