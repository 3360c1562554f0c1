"""Steps 2 and 3 of accepting a referral, and the clients left part-way.

After the confirmation (``screens.accept_dialog``) has accepted and the queue has painted
the row gone and the places recounted, step 2 (opened a frame later; keys typed meanwhile
wait for it, ``KeysInOrder.hold_keys``) chooses the core team (staff free for a first
meeting before the respond-by time listed first) and step 3 books the first meeting (the
respond-by time shown in the dialog). Escape at either step keeps the decision: the client
shows at the top of the queue as "needs core team" or "needs first meeting"
(``repo.awaiting_setup``), and Enter or ``a`` on that row comes back here at the step it
needs. The words for those rows live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text

from duty_desk import timeutil
from duty_desk.views import AwaitingSetup, ReferralView, SetupNeed

from .literal import literal, visible

if TYPE_CHECKING:
    from textual.screen import Screen

    from .booking import Booked

SETUP_WORDS: Mapping[str, str] = {
    SetupNeed.core_team: "needs core team",
    SetupNeed.first_meeting: "needs first meeting",
}
SETUP_TAG: Mapping[str, str] = {  # before the name on the queue row: short, so the name shows
    SetupNeed.core_team: "NEEDS TEAM",
    SetupNeed.first_meeting: "NEEDS MTG",
}
SETUP_SHORT: Mapping[str, str] = {
    SetupNeed.core_team: "no team",
    SetupNeed.first_meeting: "no mtg",
}


def setup_cells(cells: Mapping[str, Text], need: SetupNeed) -> dict[str, Text]:
    """A queue row for a client left part-way: the words before the name, in reverse (seen
    without colour), and a short status."""
    out = dict(cells)
    name = Text(" ", end="", no_wrap=True, overflow="ellipsis")
    name.append(SETUP_TAG[need], style="bold reverse")
    name.append(" ")
    name.append_text(cells["name"][1:] if cells["name"].plain.startswith(" ") else cells["name"])
    out["name"] = name
    out["status"] = Text(" " + SETUP_SHORT[need], style="bold", end="", no_wrap=True)
    return out


def setup_header(item: AwaitingSetup, tz: str) -> Text:
    """The detail pane's first lines for a client left part-way: what it needs, the keys."""
    referral = item.referral
    text = Text(end="")
    text.append(SETUP_WORDS[item.need].upper(), style="bold reverse")
    text.append(
        f": accepted {timeutil.fmt_local(referral.decided_at, tz, 'day')}"
        f" by {referral.decided_by or '?'}. Enter or a goes on; u reverses the accept.\n"
    )
    return text


def reversal_line(referral: ReferralView, tz: str) -> Text:
    """``Decision reversed by login at Tue 1 Dec 10:00: reason`` (empty if never reversed)."""
    if referral.reversed_at is None:
        return Text("", end="")
    text = Text(end="")
    text.append("Decision reversed", style="bold")
    text.append(
        f" by {referral.reversed_by or '?'} at "
        f"{timeutil.fmt_local(referral.reversed_at, tz, 'day')}: "
    )
    text.append_text(literal(referral.reversal_reason or "", multiline=True))
    text.append("\n")
    return text


def continue_accept(
    screen: Screen[Any],
    client_id: int,
    name: str,
    deadline: dt.datetime | None,
    step: SetupNeed,
    done: Callable[[], None],
) -> None:
    """Run the accept flow from ``step`` for an accepted client; ``done`` when it stops
    (finished, or left with escape: the notice says what the client still needs)."""
    person = visible(name)

    def book() -> None:
        from .booking import open_booking

        open_booking(screen, client_id, booked, deadline=deadline)

    def team_saved(saved: bool | None) -> None:
        if saved:
            screen.notify(f"Core team saved: {person}. Next: the first meeting.", markup=False)
            book()
            return
        screen.notify(
            f"{person} needs a core team: shown at the top of the queue "
            "(Enter or a there goes on).",
            severity="warning",
            markup=False,
        )
        done()

    def booked(result: Booked | None) -> None:
        if result is not None:
            screen.notify(f"First meeting booked: {person}, {result.words}.", markup=False)
        else:
            screen.notify(
                f"{person} needs a first meeting: shown at the top of the queue "
                "(Enter or a there goes on).",
                severity="warning",
                markup=False,
            )
        done()

    if step is SetupNeed.core_team:
        from .core_team_dialog import CoreTeamDialog

        screen.app.push_screen(
            CoreTeamDialog(client_id, name, reason="Chosen on acceptance", deadline=deadline),
            team_saved,
        )
    else:
        book()
