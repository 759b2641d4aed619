"""The home tile of study."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, register_section


def register() -> None:
    register_section(
        Section(
            code="learning.study",
            label=_("Study"),
            description=_(
                "Required and recommended courses, the online library, micro-lessons and your points"
            ),
            url_name="learning:home",
            is_open_to=lambda user: bool(user.is_authenticated),
            order=30,
        )
    )
