"""The handover in words: sentences made from :class:`~duty_desk.handover_views.HandoverData`
at the edge (the ``duty-desk handover`` command prints them; the handover screen uses the
same phrases for its rows). Plain text, times in the team's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .config import Config
from .handover_views import ClaimHeld, HandoverData
from .opening import ClosedSpell
from .timeutil import as_utc, fmt_date, fmt_duration, fmt_local


def closed_words(spell: ClosedSpell, tz: str) -> str:
    """``Team closed (Christmas Day): reopens Tue 29 Dec 08:00``."""
    why = f" ({spell.holiday})" if spell.holiday else ""
    if spell.reopens is None:
        return f"Team closed{why}: no opening in the next weeks (check [team] days)"
    return f"Team closed{why}: reopens {fmt_local(spell.reopens, tz, 'day')}"


def held_for(claim: ClaimHeld, at: dt.datetime) -> str:
    return fmt_duration(as_utc(at) - as_utc(claim.since))


def flag_words(claim: ClaimHeld) -> str:
    """``FLAGGED: held long, away today`` or ``""``."""
    return "FLAGGED: " + ", ".join(str(f) for f in claim.flags) if claim.flags else ""


def handover_lines(data: HandoverData, config: Config) -> Iterator[str]:
    """The handover as lines of plain text: a heading, then one section after another."""
    tz = config.team.timezone
    yield f"Handover for {config.team.name}, {fmt_local(data.at, tz, 'long')}"
    if data.closed is not None:
        yield closed_words(data.closed, tz)
        yield f"Out of hours: {config.handover.out_of_hours_contact}"
    else:
        yield "Team open now"
    yield ""
    yield f"On duty {fmt_date(data.day)}:"
    if data.rota_set:
        yield from (f"  {s.name} ({s.login})" for s in data.on_duty)
    else:
        yield "  nobody recorded (set the rota from the handover screen, r)"
    yield ""
    yield "Overdue, due soon, or due before the team reopens:"
    if not data.due:
        yield "  none"
    for due in data.due:
        when = fmt_local(due.respond_by, tz, "day")
        handed = f"; handed over to {due.handed_over_to}" if due.handed_over_to else ""
        yield f"  {due.state}: {due.name}, respond by {when}{handed}"
    yield ""
    yield "Claims held:"
    if not data.claims:
        yield "  none"
    for claim in data.claims:
        flags = flag_words(claim)
        yield (
            f"  {claim.name}: {claim.holder} ({claim.login}) for {held_for(claim, data.at)}"
            + (f"; {flags}" if flags else "")
        )
    yield ""
    yield "Accepted with no first meeting booked:"
    if not data.unbooked:
        yield "  none"
    for item in data.unbooked:
        yield f"  {item.name}, first meeting due by {fmt_local(item.respond_by, tz, 'day')}"
    yield ""
    yield f"Meetings {fmt_date(data.day)} with a staff member away:"
    if not data.absent_meetings:
        yield "  none"
    for meeting in data.absent_meetings:
        start = fmt_local(meeting.starts_at, tz, "short")
        yield f"  {start} {meeting.client_name}: away {', '.join(meeting.absent)}"
    yield ""
    yield "Open handover notes:"
    if not data.open_notes:
        yield "  none"
    for note in data.open_notes:
        when = fmt_local(note.created_at, tz, "short")
        yield f"  {note.name}: {' '.join(note.text.split())} ({note.created_by}, {when})"
