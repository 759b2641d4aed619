"""Errors that services raise and that pages and the API turn into clear messages."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused action or state transition; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


class FieldErrors(Exception):
    """Invalid input, with the messages per field name (``"__all__"`` for the whole input)."""

    def __init__(self, fields: dict[str, list[str]], message: str | Promise = "") -> None:
        super().__init__(str(message) or "invalid input")
        self.fields = fields
        self.message = message or "invalid input"

    @classmethod
    def single(cls, field: str, message: str | Promise) -> FieldErrors:
        return cls({field: [str(message)]}, message)
