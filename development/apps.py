from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Membership development")

    def ready(self) -> None:
        from development import (  # noqa: F401  (registrations)
            audiences,
            capabilities,
            demo,
            documents,
            imports_apply,
            services_reminders,
            tasks,
        )

        audiences.register()
        demo.register()
        documents.register()
        imports_apply.register()
        tasks.register_jobs()

        from development import sections

        sections.register()
