"""Capabilities of study (学习): building courses and the library, and running points and rankings."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

AUTHOR_COURSES = register(
    "learning.author_courses",
    _("Build courses and the library, upload their media, set who must take a course, see completion"),
)
MANAGE_POINTS = register(
    "learning.manage_points", _("Edit the points rules and turn points rankings on or off for a unit")
)
