"""The home tile of "My favourites"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.sections import Section, register_section


def register() -> None:
    register_section(
        Section(
            code="engagement.favourites",
            label=_("My favourites"),
            description=_("The articles, videos and lessons you saved"),
            url_name="engagement:favourites",
            is_open_to=lambda user: bool(user.is_authenticated and user.is_active),
            order=90,
        )
    )
