"""Print the demo personas' logins (``make run`` calls it before serving).

Only personas whose account still has its demo password are listed, so a real database never has
its accounts printed here. The passwords are demo-only: the demo database is for trying the
platform, never for real data.
"""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper

from accounts.models import User
from orgs.management.demo_plan import PERSONAS


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_logins(out: OutputWrapper) -> None:
    """Write the table of persona logins whose demo password still works, and the address."""
    accounts = {
        u.number: u for u in User.objects.filter(number__in=[p.number for p in PERSONAS], is_active=True)
    }
    rows = [("Role", "Number", "Password", "Can see")]
    for persona in PERSONAS:
        account = accounts.get(persona.number)
        if account is not None and account.check_password(persona.password):
            rows.append((persona.role, persona.number, persona.password, persona.sees))
    if len(rows) == 1:
        out.write("No demo logins: the demo university is not loaded (or its passwords were changed).")
        return
    widths = [max(_width(row[column]) for row in rows) for column in range(4)]
    rule = "+".join("-" * (width + 2) for width in widths)
    out.write("")
    out.write("Demo logins (DEMO ONLY: these passwords are public; never put real data in this database)")
    out.write(rule)
    for index, row in enumerate(rows):
        out.write(
            " " + " | ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            out.write(rule)
    out.write(rule)
    out.write(
        f"Open http://127.0.0.1:{os.environ.get('PORT') or '8000'}/ and log in with a number and its password."
    )
    out.write("")


class Command(BaseCommand):
    help = "Print the demo personas' numbers and demo-only passwords."

    def handle(self, *args: Any, **options: Any) -> None:
        write_logins(self.stdout)
