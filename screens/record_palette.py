"""The palette's client finder: ``Client record: NAME`` for any open or discharged client
found by name or NHS number (ctrl+p, then part of the name or the number).

The search runs through the repository in a thread (``Repository.client_hits``: one
indexed query, at most 20 hits), so typing stays quick however many clients there are.
Each hit shows the date of birth, the NHS number and whether the episode is open, so two
people with alike names are told apart before a record is opened (hazard H42).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from rich.text import Text
from textual.command import Hit, Hits, Provider
from textual.screen import ModalScreen

from duty_desk.config import Config
from duty_desk.errors import DutyDeskError
from duty_desk.nhs import format_nhs_number
from duty_desk.views import ClientHit

from .flag_marker import marker
from .literal import literal

PREFIX = "client record"


def term_of(query: str) -> str:
    """What to look for: the query without a typed ``client record:`` (or part of it)."""
    text = query.strip()
    lowered = text.casefold()
    for head in (PREFIX + ":", PREFIX, "record:", "record"):
        if lowered.startswith(head):
            return text[len(head) :].strip(" :")
    return text


def hit_prompt(hit: ClientHit, config: Config) -> Text:
    """``Client record: NAME  SG Child safeguarding  b. 01/02/1990  NHS 943 476 5919  open``
    (the name literal; the safeguarding marker only when a flag is open: hazard H60)."""
    text = Text("Client record: ", end="")
    text.append_text(literal(hit.name, "bold"))
    if hit.safeguarding:
        text.append("  ")
        text.append_text(marker(hit.safeguarding, config))
    text.append(f"  b. {hit.date_of_birth:%d/%m/%Y}", style="dim")
    text.append("  NHS ", style="dim")
    text.append_text(literal(format_nhs_number(hit.nhs_number) or "none", "dim"))
    if hit.discharged_at is not None:
        text.append(f"  discharged {hit.discharged_at:%d/%m/%Y}", style="dim")
    else:
        text.append(f"  {hit.status}", style="dim")
    return text


class ClientRecordCommands(Provider):
    """``Client record: NAME`` hits for what is typed (two characters or more)."""

    async def search(self, query: str) -> Hits:
        if isinstance(self.screen, ModalScreen):
            return  # never leave a half-typed form from the palette
        term = term_of(query)
        if len(term) < 2:
            return
        app: Any = self.app
        try:
            hits = await asyncio.to_thread(app.repo.client_hits, term)
        except DutyDeskError:
            return  # the database cannot be read just now: no hits, no noise
        from .record import open_record

        matcher = self.matcher(term)
        for hit in hits:
            score = matcher.match(hit.name) or 0.5  # an NHS number: no fuzzy score
            yield Hit(
                score,
                hit_prompt(hit, app.config),
                partial(open_record, app, hit.client_id),
                text=f"Client record: {hit.name}",
                help="Open this client's record (check the date of birth and NHS number)",
            )
