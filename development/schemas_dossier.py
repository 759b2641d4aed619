"""Schemas of what enters a dossier from outside the branch's steps: a person's own thought
reports and the history of a case transferred in (``development.api_dossier``)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from development.models import ThoughtReport


class ThoughtReportIn(Schema):
    received_on: date = Field(description="The date of the report.")
    period: str = Field(max_length=40, description="The period it covers, e.g. `2026 third quarter`.")


class ThoughtReportOut(Schema):
    id: int
    received_on: date
    period: str
    phase: str = Field(description="`activist` (activist or development target) or `probation`.")
    document_public_id: str | None = Field(description="Download the file from `/files/{public_id}/`.")
    document_title: str | None

    @staticmethod
    def resolve_document_public_id(obj: ThoughtReport) -> str | None:
        return str(obj.document.public_id) if obj.document is not None else None

    @staticmethod
    def resolve_document_title(obj: ThoughtReport) -> str | None:
        return obj.document.title if obj.document is not None else None
