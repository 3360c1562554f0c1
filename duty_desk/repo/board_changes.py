"""Which open episodes (board rows) the changes since the board's last read touch: what
lets the board re-read only those (issue 15, "re-read only what changed").

Every change the app makes writes its audit rows in its own transaction
(``Context.audit``), in commit order (SQLite's one writer; the audit chain's lock on
PostgreSQL, taken first by every writing unit). The board keeps the newest audit row it
has read (its id and chained hash, :class:`AuditMark`); at the next read it takes the rows
after it and maps each to the clients whose episode it can change:

- ``client``: the client (core team, discharge, reversal, reopening, documents written);
- ``meeting``: the meeting's client (booked, moved, cancelled, cover, attended, outcome);
- ``referral``: the client opened from it, if any (corrected details, the network);
- ``dialog_rating``: the rating's client (its latest DIALOG).

Entities that change no episode's row (``NOT_EPISODES``) are passed over: what they do
change (staff and their absences, crisis and risk reviews, safeguarding flags, ...) the
board reads whole every time. Whenever the answer is not certain, it is "cannot tell"
(``Touched.clients`` None: read every episode): an entity not named here, no audit row
at all since the last look (a write that bypassed the audit: a test's set-up, an
administrator's SQL), a history that is not the one seen (a restore), more than
``LIMIT`` rows, or a meeting or rating that is not there.

What it cannot see: a write that bypasses the audit log (an administrator's SQL) in the
same interval as an audited one. Every write of the app audits itself (a rule of the
project), so only such a write is missed, and only until the board next reads every
episode (``FULL_SECONDS`` after the last full read, or a new day).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from msgspec import Struct
from sqlalchemy import select as sa_select
from sqlmodel import Session

from duty_desk.models import AuditLog, Client, DialogRating, Meeting

from .sql import cols, run

LIMIT = 200  # more audit rows than this since the last look: read every episode

# entity -> how its id leads to clients (the column that holds the entity's client)
BY_CLIENT = "client"
TOUCHES: dict[str, tuple[Any, Any] | None] = {
    BY_CLIENT: None,  # the id is the client's
    "meeting": (cols(Meeting).id, cols(Meeting).client_id),
    "referral": (cols(Client).referral_id, cols(Client).id),
    "dialog_rating": (cols(DialogRating).id, cols(DialogRating).client_id),
}
# Entities whose changes no episode shows (the board reads their effects whole each time,
# or never shows them): staff (the staff list is compared whole) and absences (filed under
# staff), handover notes (read whole by the screen), the duty rota, admissions, the
# network, safeguarding flags (marked on every read by the facade), FFT answers, crisis
# plans and risk summaries (their reviews are found anew each read), DIALOG+ items and
# actions (not on the board), referral imports (new referrals, no client yet).
NOT_EPISODES = frozenset(
    {
        "staff",
        "handover_note",
        "duty_rota",
        "admission",
        "network_member",
        "safeguarding_flag",
        "satisfaction_answer",
        "crisis_plan",
        "risk_summary",
        "dialog_topic",
        "dialog_action",
        "import",
    }
)
_MUST_EXIST = frozenset({"meeting", "dialog_rating"})  # a referral may have no client


class AuditMark(Struct, frozen=True):
    """The newest audit row seen: its id and chained hash (the same id with another hash
    is another history: a restore)."""

    id: int
    hash: str


class Touched(Struct, frozen=True):
    """The audit log's newest row now, and the clients changed since the mark given
    (None: cannot tell, read every episode)."""

    mark: AuditMark | None
    clients: frozenset[int] | None


def newest_mark(session: Session) -> AuditMark | None:
    """The newest audit row (None: an empty log)."""
    audit = cols(AuditLog)
    row = run(session, sa_select(audit.id, audit.hash).order_by(audit.id.desc()).limit(1)).first()
    return AuditMark(row[0], row[1]) if row is not None else None


def touched_since(session: Session, seen: AuditMark | None) -> Touched:
    """The clients whose episodes the audit rows after ``seen`` can change. Read this first
    in a unit of work: what the unit reads after it is at least as new."""
    if seen is None:
        return Touched(newest_mark(session), None)
    audit = cols(AuditLog)
    rows = run(
        session,
        sa_select(audit.id, audit.hash, audit.entity, audit.entity_id)
        .where(audit.id >= seen.id)
        .order_by(audit.id)
        .limit(LIMIT + 2),
    ).all()
    if not rows or (rows[0][0], rows[0][1]) != (seen.id, seen.hash) or len(rows) > LIMIT + 1:
        return Touched(newest_mark(session), None)  # another history, or too much at once
    mark = AuditMark(rows[-1][0], rows[-1][1])
    if len(rows) == 1:
        return Touched(mark, None)  # nothing audited: a write that bypassed the audit?
    ids: dict[str, set[int]] = defaultdict(set)
    for _, _, entity, entity_id in rows[1:]:
        if entity in NOT_EPISODES:
            continue
        if entity not in TOUCHES:
            return Touched(mark, None)
        ids[entity].add(entity_id)
    clients = set(ids.pop(BY_CLIENT, ()))
    for entity, wanted in ids.items():
        found = TOUCHES[entity]
        assert found is not None
        key, client = found
        pairs = run(session, sa_select(key, client).where(key.in_(sorted(wanted)))).all()
        if entity in _MUST_EXIST and {k for k, _ in pairs} != wanted:
            return Touched(mark, None)
        clients.update(c for _, c in pairs if c is not None)
    return Touched(mark, frozenset(clients))
