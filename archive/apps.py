from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from archive import capabilities  # registers the capabilities; used below too
        from archive.permissions import can_browse_archive
        from archive.tasks import register_jobs
        from core.permissions import can
        from core.sections import Section, UnitLink, register_section, register_unit_link

        register_section(
            Section(
                code="archive",
                label=_("Documents"),
                description=_("The files of the units you work in"),
                url_name="archive:index",
                is_open_to=can_browse_archive,
                order=60,
            )
        )
        register_unit_link(
            UnitLink(
                code="archive.unit_documents",
                label=_("Documents"),
                url_name="archive:unit_documents",
                is_open_to=lambda user, unit: can(user, capabilities.VIEW_DOCUMENTS, unit),
                order=50,
            )
        )
        register_jobs()
