"""API of the organisation: units, members and positions, scoped to the caller."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["organisation"])
