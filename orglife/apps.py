from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = _("Organisational life")

    def ready(self) -> None:
        from orglife import capabilities, sections, services  # noqa: F401  (registrations)

        sections.register()
