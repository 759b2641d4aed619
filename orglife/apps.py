from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = _("Organisational life")

    def ready(self) -> None:
        from orglife import (  # noqa: F401  (registrations)
            capabilities,
            demo,
            registrations_record,
            sections,
            services,
        )
        from orglife.sections_compliance import register_all as register_compliance

        sections.register()
        registrations_record.register()
        register_compliance()
        demo.register()
