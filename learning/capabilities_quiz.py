"""The capability of question authors (题库管理): write and import questions, build topic exams."""

from django.utils.translation import gettext_lazy as _

from core.capabilities import register

AUTHOR_QUESTIONS = register(
    "learning.author_questions",
    _("Write and import questions of the unit's question bank, and build its topic exams"),
)
