from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "dues"
    verbose_name = _("Party dues")

    def ready(self) -> None:
        from dues import capabilities, demo, services_warnings, tasks  # noqa: F401  (registrations)

        tasks.register_jobs()

        from dues import sections

        sections.register()
        demo.register()
