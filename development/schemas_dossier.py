"""Schemas of what enters a dossier from outside the branch's steps: a person's own thought
reports and the history of a case transferred in (``development.api_dossier``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema
from pydantic import create_model

from development.models import ThoughtReport
from development.services_transfers import TRANSFERABLE_STEPS, step_field
from orgs.schemas import PersonRefOut, UnitRefOut


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


# --- Transfers in ---------------------------------------------------------------------------------


class TransferInFieldsIn(Schema):
    person_number: str = Field(max_length=32, description="The student or staff number of the person.")
    transferred_in_from: str = Field("", description="The university and party organisation they come from.")
    letter_number: str = Field("", description="The number of the transfer letter.")
    received_on: date | None = Field(None, description="The day the transfer letter was received.")
    dry_run: bool = Field(False, description="Only check and preview; record nothing.")
    document_steps: list[int] = Field(
        default_factory=list,
        description="For each file in `documents`, in the same order, the step it belongs to.",
    )


# One optional date per step a transferred history may hold: `step_1` … `step_23`.
_STEP_FIELDS: dict[str, Any] = {
    step_field(definition.number): (
        date | None,
        Field(None, description=f"Date of step {definition.number} ({definition.code}), if done."),
    )
    for definition in TRANSFERABLE_STEPS
}
if TYPE_CHECKING:  # the step dates are read with getattr; type checkers see the fixed fields
    TransferInIn = TransferInFieldsIn
else:
    TransferInIn = create_model("TransferInIn", __base__=TransferInFieldsIn, **_STEP_FIELDS)


class TransferredStepOut(Schema):
    number: int
    name: str
    on: date
    documents: list[str] = Field(description="The names of the files that go with the step.")


class TransferInPreviewOut(Schema):
    """What a transfer-in would record (`dry_run`); nothing is written."""

    person: PersonRefOut
    branch: UnitRefOut
    transferred_in_from: str
    letter_number: str
    received_on: date
    steps: list[TransferredStepOut]
    current_step: int = Field(description="The step the case will be at.")
    current_step_name: str
    party_status: str = Field(description="The person's party status after the transfer.")
