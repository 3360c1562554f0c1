"""The demo's meeting record (issue 12, meeting): notes on past meetings (one added to
later by someone else), a recorded outcome changed with its reason, and the follow-up
taken after each did-not-attend (``dna_follow_up``, written with the meeting by
``duty_desk.demo_care``). Synthetic text only, marked "(demo)".

The notes are written with the demo's tables, each with its audit entry at the time the
meeting was recorded; today's addition and outcome change go through the repository.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlmodel import Session

from . import timeutil
from .models import MeetingNote, MeetingStatus, table_of

if TYPE_CHECKING:
    from .repository import Repository

MARK = " (demo)"
NOTES = (
    "Talked about sleep and the week at college. Decided together: try the wind-down "
    "routine, Mum to check in at the weekend; meet again next week.",
    "Sister joined by phone. The family wants fewer home visits; agreed to alternate "
    "home and the team base. Medication review to be raised with the GP.",
    "Hard meeting: voices worse since the housing letter. Agreed: key worker phones "
    "the housing office; crisis numbers gone through again with everyone.",
    "Quieter week. Talked about going back to the allotment. Nothing new decided; "
    "the plan stays as it is.",
    "Friend came for the first time. Everyone said what they worry about; agreed to "
    "keep meeting twice a week for now.",
    "Talked about the benefits appointment. Peer worker to go along; next meeting "
    "after it to hear how it went.",
)
ADDITION = "Added later: the GP rang back and agreed the medication review for Friday."
CHANGE_REASON = (
    "Recorded as happened by mistake: the family rang that morning to cancel and the "
    "meeting did not take place."
)
CHANGE_FOLLOW_UP = "Phoned Mum the same day; next meeting offered for Thursday."
FOLLOW_UPS = (
    "Phoned twice, no answer; text sent offering another time.",
    "Spoke to the client's partner: unwell with flu. Rebooked for next week.",
    "No answer; letter sent and the GP informed, as agreed in the crisis plan.",
)


def dna_follow_up(meeting_id: int) -> str:
    """The follow-up taken after a demo did-not-attend (chosen by the meeting's id)."""
    return FOLLOW_UPS[meeting_id % len(FOLLOW_UPS)] + MARK


class DemoMeetingRecord:
    """The demo's meeting notes: planned from the care stories (``events``: an audit entry
    per note at the time the meeting was recorded, by a staff member who was there), their
    rows written with the other tables (``write``), then today's changes through the
    repository (``today``): an addition to a note by a colleague, and a meeting recorded as
    happened by mistake changed to did not attend with the reason and the follow-up."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.noted: list[tuple[int, str]] = []  # (meeting id, who wrote its note)

    def events(
        self, stories: Sequence[Any], writer: Any, now: dt.datetime
    ) -> list[tuple[Any, Callable[[], dict[str, object] | None]]]:
        happened = sorted(
            (
                (story, slot)
                for story in stories
                for slot in story.meetings
                if slot.outcome == MeetingStatus.happened.value
                and slot.outcome_at is not None
                and slot.outcome_at <= now
                and slot.attended
            ),
            key=lambda pair: (pair[1].outcome_at, pair[1].meeting_id),
            reverse=True,
        )[: len(NOTES) + 1]
        out: list[tuple[Any, Callable[[], dict[str, object] | None]]] = []
        for story, slot in happened:
            at = min(slot.outcome_at.add(minutes=1), now)
            out.append((at, partial(self._note, writer, story, slot, at)))
        return out

    def _note(
        self, writer: Any, story: Any, slot: Any, at: dt.datetime
    ) -> dict[str, object] | None:
        """The audit entry of one note (called in time order, so the ids 1, 2, ... follow
        the order written); None when the client was never created (nothing written)."""
        if writer.client_id(story.index) is None:
            return None
        actor = sorted(slot.attended)[0]
        self.rows.append(
            {
                "meeting_id": slot.meeting_id,
                "text": NOTES[len(self.rows) % len(NOTES)] + MARK,
                "created_at": at,
                "created_by": actor,
            }
        )
        self.noted.append((slot.meeting_id, actor))
        note = {"note_id": len(self.rows)}
        return writer.entry(actor, "add meeting note", "meeting", slot.meeting_id, None, note, at)  # type: ignore[no-any-return]

    def write(self, session: Session) -> None:
        if self.rows:  # no ids given: 1, 2, ... in this order on the new database
            session.execute(insert(table_of(MeetingNote)), self.rows)

    def today(self, now: dt.datetime, lead: Repository) -> None:
        """The team lead, today: adds to the note of a meeting someone else wrote up, and
        corrects the oldest noted meeting (recorded as happened by mistake)."""
        if len(self.noted) < 2:
            return
        with timeutil.frozen(now):
            meeting_id = next(
                (m for m, w in reversed(self.noted) if w != lead.actor), self.noted[-1][0]
            )
            lead.add_meeting_note(meeting_id, ADDITION + MARK)
            lead.change_outcome(
                self.noted[0][0],
                MeetingStatus.did_not_attend.value,
                CHANGE_REASON + MARK,
                follow_up=CHANGE_FOLLOW_UP + MARK,
            )
