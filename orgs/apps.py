from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from core.permissions import register_grant_provider
        from orgs import capabilities  # noqa: F401  (registers the capabilities)
        from orgs.queries import grants_for_user

        register_grant_provider(grants_for_user)

        from orgs import sections, services  # noqa: F401  (the notification kind registers on import)

        sections.register()
