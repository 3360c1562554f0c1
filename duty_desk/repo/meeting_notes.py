"""The meeting record: recording a meeting as happened in one step (who came, cover
added on the spot, and the note of what was talked about and decided together), adding
to a meeting's note later (append-only: a new entry with its own time and author, never
an overwrite), and changing a recorded outcome (happened <-> did not attend) only with a
reason, kept beside the audit entry so both outcomes and the reason stay visible.

Every write is one transaction with its audit entry; attendance changes refresh the
board's continuity figures in the same transaction, as ``attendance`` does. A meeting
read at one version and changed since is refused naming who changed what.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.models import (
    Client,
    Meeting,
    MeetingNote,
    MeetingOutcomeChange,
    MeetingStatus,
    NetworkMember,
)
from duty_desk.validation import MAX_NOTES, MAX_REASON, clean_text
from duty_desk.views import (
    MeetingDetail,
    MeetingNoteView,
    MeetingToRecord,
    OutcomeChangeView,
)

from .attendance import (
    check_recordable,
    current_meeting,
    mark_did_not_attend,
    mark_happened,
    validate_follow_up,
)
from .base import Aggregate
from .continuity import refresh_continuity
from .meetings import meeting_views
from .network import member_view
from .sql import chunks

RECORDED = (MeetingStatus.happened.value, MeetingStatus.did_not_attend.value)


def validate_meeting_note(text: str | None, *, required: bool = True) -> str:
    """A meeting note entry: several lines, up to 4000 characters, no control characters."""
    try:
        return clean_text(text, label="note", required=required, max_len=MAX_NOTES, multiline=True)
    except ValueError as exc:
        raise InputErrors({"note": str(exc)}) from None


def validate_outcome_reason(text: str | None) -> str:
    """Why a recorded outcome is changed: required, up to 2000 characters."""
    try:
        return clean_text(text, label="reason", required=True, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        raise InputErrors({"reason": str(exc)}) from None


def _utc(value: dt.datetime) -> dt.datetime:
    return timeutil.as_utc(value)


def details(session: Session, meeting_ids: Sequence[int] | Any) -> dict[int, MeetingDetail]:
    """The notes, outcome changes and follow-up of each of ``meeting_ids`` that has any.
    ``meeting_ids``: a list, or a query selecting them (read inside each query: a client's
    hundreds of meetings then cost no list of ids to build and bind)."""
    notes: dict[int, list[MeetingNoteView]] = defaultdict(list)
    outcomes: dict[int, list[OutcomeChangeView]] = defaultdict(list)
    follow: dict[int, str] = {}
    scopes = (
        [meeting_ids.scalar_subquery()]
        if isinstance(meeting_ids, Select)
        else chunks(sorted(set(meeting_ids)))
    )
    for chunk in scopes:
        for note in session.exec(
            select(MeetingNote)
            .where(col(MeetingNote.meeting_id).in_(chunk))
            .order_by(col(MeetingNote.created_at), col(MeetingNote.id))
        ):
            notes[note.meeting_id].append(
                MeetingNoteView(
                    note.id or 0,
                    note.meeting_id,
                    note.text,
                    _utc(note.created_at),
                    note.created_by,
                )
            )
        for change in session.exec(
            select(MeetingOutcomeChange)
            .where(col(MeetingOutcomeChange.meeting_id).in_(chunk))
            .order_by(col(MeetingOutcomeChange.changed_at), col(MeetingOutcomeChange.id))
        ):
            outcomes[change.meeting_id].append(
                OutcomeChangeView(
                    change.id or 0,
                    change.meeting_id,
                    MeetingStatus(change.from_status),
                    MeetingStatus(change.to_status),
                    change.reason,
                    _utc(change.changed_at),
                    change.changed_by,
                )
            )
        for meeting_id, text in session.exec(
            select(Meeting.id, Meeting.follow_up).where(
                col(Meeting.id).in_(chunk), col(Meeting.follow_up).is_not(None)
            )
        ):
            follow[meeting_id or 0] = text or ""
    found = set(notes) | set(outcomes) | set(follow)
    return {m: MeetingDetail(m, tuple(notes[m]), tuple(outcomes[m]), follow.get(m)) for m in found}


class MeetingNoteRepository(Aggregate):
    def _meeting(self, session: Session, meeting_id: int, expected_version: int | None) -> Meeting:
        return current_meeting(self.ctx, session, meeting_id, expected_version)

    def _has_note(self, session: Session, meeting_id: int) -> bool:
        return (
            session.exec(
                select(MeetingNote.id).where(MeetingNote.meeting_id == meeting_id).limit(1)
            ).first()
            is not None
        )

    def _add_note(self, session: Session, meeting_id: int, text: str, now: dt.datetime) -> int:
        note = MeetingNote(
            meeting_id=meeting_id, text=text, created_at=now, created_by=self.ctx.actor
        )
        session.add(note)
        session.flush()
        assert note.id is not None
        return note.id

    # -- reading ---------------------------------------------------------------------------
    def meeting_to_record(self, meeting_id: int) -> MeetingToRecord:
        with self.ctx.unit() as session:
            row = session.get(Meeting, meeting_id)
            if row is None:
                raise NotFound(f"No meeting number {meeting_id}")
            client = session.get(Client, row.client_id)
            assert client is not None
            meeting = meeting_views(session, [row])[0]
            expected = {person.id for person in meeting.network}
            # removed members are not offered, unless this meeting expected them (issue 12)
            network = tuple(
                member_view(m)
                for m in session.exec(
                    select(NetworkMember)
                    .where(NetworkMember.referral_id == client.referral_id)
                    .order_by(col(NetworkMember.id))
                )
                if m.removed_at is None or m.id in expected
            )
            detail = details(session, [meeting_id]).get(meeting_id, MeetingDetail(meeting_id))
            return MeetingToRecord(meeting, client.referral_id, network, detail)

    def meeting_details(self, client_id: int) -> tuple[MeetingDetail, ...]:
        """The notes, outcome changes and follow-ups of one client's meetings (only the
        meetings that have any), oldest meeting first."""
        with self.ctx.unit() as session:
            ids = list(
                session.exec(
                    select(Meeting.id)
                    .where(Meeting.client_id == client_id)
                    .order_by(col(Meeting.starts_at), col(Meeting.id))
                ).all()
            )
            found = details(session, select(Meeting.id).where(Meeting.client_id == client_id))
            return tuple(found[i] for i in ids if i is not None and i in found)

    # -- writing ---------------------------------------------------------------------------
    def record_meeting(
        self,
        meeting_id: int,
        staff_attended: Sequence[int],
        network_attended: Sequence[int],
        note: str,
        *,
        expected_version: int | None = None,
    ) -> int | None:
        """The meeting took place: who came (staff not expected are added as cover) and the
        note of what was talked about and decided, in one transaction with the continuity
        figures. The note is required the first time; when the meeting already has a note
        (recorded again to correct who came) an empty one adds nothing. Returns the new
        note entry's id, if any. A did-not-attend is changed with :meth:`change_outcome`."""
        text = validate_meeting_note(note, required=False)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = self._meeting(session, meeting_id, expected_version)
            check_recordable(self.ctx, row, now, "record who attended once it has taken place")
            if row.status == MeetingStatus.did_not_attend.value:
                raise Conflict(
                    "This meeting is recorded as did not attend: change the recorded outcome "
                    "(with a reason) to record that it happened; nothing was changed"
                )
            if not text and not self._has_note(session, meeting_id):
                raise InputErrors(
                    {"note": "write what was talked about and decided together (a line will do)"}
                )
            before, after = mark_happened(
                self.ctx, session, row, staff_attended, network_attended, added_as_cover=True
            )
            note_id = self._add_note(session, meeting_id, text, now) if text else None
            if note_id is not None:
                after["note_id"] = note_id
            self.ctx.audit(session, "record happened", "meeting", meeting_id, before, after, now)
            refresh_continuity(session, row.client_id)
            return note_id

    def add_meeting_note(self, meeting_id: int, text: str) -> int:
        """Add to a recorded meeting's note: a new entry with its own time and author."""
        text = validate_meeting_note(text)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = self._meeting(session, meeting_id, None)
            if row.status not in RECORDED:
                raise Conflict(
                    "Only a meeting recorded as happened or did not attend has a note: "
                    "record it first; nothing was saved"
                )
            note_id = self._add_note(session, meeting_id, text, now)
            self.ctx.audit(
                session, "add meeting note", "meeting", meeting_id, None, {"note_id": note_id}, now
            )
            return note_id

    def change_outcome(
        self,
        meeting_id: int,
        to_status: str,
        reason: str,
        *,
        follow_up: str | None = None,
        staff_attended: Sequence[int] = (),
        network_attended: Sequence[int] = (),
        expected_version: int | None = None,
    ) -> int:
        """Change a recorded outcome, happened <-> did not attend, with the reason: to did
        not attend with the follow-up taken, to happened with who came. The old and new
        outcomes and the reason are kept (``meeting_outcome_change`` and the audit log)."""
        errors: dict[str, str] = {}
        if to_status not in RECORDED:
            raise InputErrors({"outcome": "the outcome is happened or did not attend"})
        try:
            reason = validate_outcome_reason(reason)
        except InputErrors as exc:
            errors.update(exc.errors)
        if to_status == MeetingStatus.did_not_attend.value:
            try:
                follow_up = validate_follow_up(follow_up)
            except InputErrors as exc:
                errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = self._meeting(session, meeting_id, expected_version)
            was = row.status
            if was not in RECORDED:
                raise Conflict(
                    "This meeting has no recorded outcome to change (it is "
                    f"{was.replace('_', ' ')}); nothing was changed"
                )
            if was == to_status:
                raise Conflict(
                    f"This meeting is already recorded as {to_status.replace('_', ' ')}; "
                    "nothing was changed"
                )
            if to_status == MeetingStatus.happened.value:
                before, after = mark_happened(
                    self.ctx, session, row, staff_attended, network_attended, added_as_cover=True
                )
            else:
                assert follow_up is not None
                before, after = mark_did_not_attend(session, row, follow_up)
            change = MeetingOutcomeChange(
                meeting_id=meeting_id,
                from_status=was,
                to_status=to_status,
                reason=reason,
                changed_at=now,
                changed_by=self.ctx.actor,
            )
            session.add(change)
            session.flush()
            assert change.id is not None
            before["status"] = was
            after.update(status=to_status, reason=reason)
            self.ctx.audit(session, "change outcome", "meeting", meeting_id, before, after, now)
            refresh_continuity(session, row.client_id)
            return change.id
