"""The NHS Friends and Family Test (issue 14, fft): recording a person's answer to
"Overall, how was your experience of our service?", correcting one, and an episode's
answers.

An answer belongs to an episode (``client``): it may be given at any time from the day the
referral was received, during the episode, at discharge (``at_discharge``) or after it (an
answer may come back later); never for an acceptance that was reversed (there was no
episode). Every write checks the acting staff member, validates
(``validation.validate_fft_answer``: one of the six answers, a comment of at most 2000
characters, the day not in the future nor before the referral was received) and writes its
audit row against the answer (``entity`` "satisfaction_answer", the client's id in the row)
in the same transaction.

A correction (the wrong answer keyed, a comment mistyped, the wrong day) changes the SAME
row as a new version (``correct_fft_answer``): refused when the answer changed since it was
read, naming who changed what; the audit log keeps the fields before and after, so the
record's history shows what it was. It is never a second row: a row is one time the person
was asked, and the team report counts rows, so a mistake put right is not counted twice.
The person answering again later (asked again, or changing their mind) is a new row
(``record_fft_answer``), and the report's figures for a period count both.

Errors: InputErrors (fields ``answer``, ``comment``, ``answered_on``); Conflict (changed by
someone else since it was read, naming who); NotFound; NotPermitted.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import InputErrors, NotFound
from duty_desk.models import Client, ClientStatus, Referral, SatisfactionAnswer
from duty_desk.validation import FftInput, validate_fft_answer
from duty_desk.views import FftAnswerView
from duty_desk.vocabulary import FftAnswer

from .base import Aggregate

ENTITY = "satisfaction_answer"


def fft_view(row: SatisfactionAnswer) -> FftAnswerView:
    assert row.id is not None
    return FftAnswerView(
        id=row.id,
        client_id=row.client_id,
        answered_on=row.answered_on,
        answer=FftAnswer(row.answer),
        comment=row.comment,
        at_discharge=row.at_discharge,
        recorded_by=row.recorded_by,
        recorded_at=timeutil.as_utc(row.recorded_at),
        version=row.version,
    )


class SatisfactionRepository(Aggregate):
    def _checked(
        self,
        session: Session,
        client_id: int,
        answer: str | None,
        comment: str | None,
        answered_on: dt.date | None,
        today: dt.date,
    ) -> FftInput:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound(f"No client number {client_id}")
        if client.status == ClientStatus.reversed:
            raise InputErrors(
                {
                    "answer": "this acceptance was reversed (there was no episode): "
                    "there is no experience of the service to record"
                }
            )
        referral = session.get(Referral, client.referral_id)
        assert referral is not None
        received_on = timeutil.to_local(referral.received_at, self.ctx.tz).date()
        return validate_fft_answer(
            answer, comment, answered_on, today=today, received_on=received_on
        )

    def record_fft_answer(
        self,
        client_id: int,
        answer: str | None,
        comment: str | None,
        answered_on: dt.date | None,
        at_discharge: bool = False,
    ) -> int:
        """Record an answer given by client ``client_id`` (an episode); returns its id."""
        now = timeutil.now()
        today = self.ctx.today(now)
        validate_fft_answer(answer, comment, answered_on, today=today)  # before any lookup
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            checked = self._checked(session, client_id, answer, comment, answered_on, today)
            row = SatisfactionAnswer(
                client_id=client_id,
                answered_on=checked.answered_on,
                answer=checked.answer,
                comment=checked.comment,
                at_discharge=bool(at_discharge),
                recorded_by=self.ctx.actor,
                recorded_at=now,
            )
            return self.ctx.insert(
                session,
                row,
                "record FFT answer",
                ENTITY,
                {
                    "client_id": client_id,
                    "answer": checked.answer,
                    "comment": checked.comment,
                    "answered_on": checked.answered_on,
                    "at_discharge": bool(at_discharge),
                },
                now,
            )

    def correct_fft_answer(
        self,
        answer_id: int,
        answer: str | None,
        comment: str | None,
        answered_on: dt.date | None,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Correct a recorded answer (a new version of the same row; the audit row keeps
        what it was). Refused, naming who changed what, when it changed since
        ``expected_version`` was read."""
        now = timeutil.now()
        today = self.ctx.today(now)
        validate_fft_answer(answer, comment, answered_on, today=today)
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(SatisfactionAnswer, answer_id)
            if row is None:
                raise NotFound(f"No Friends and Family Test answer number {answer_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, ENTITY, answer_id, "Friends and Family Test answer")
            checked = self._checked(session, row.client_id, answer, comment, answered_on, today)
            self.ctx.change(
                session,
                row,
                ENTITY,
                "correct FFT answer",
                now,
                answer=checked.answer,
                comment=checked.comment,
                answered_on=checked.answered_on,
            )

    def fft_answer(self, answer_id: int) -> FftAnswerView:
        with self.ctx.unit() as session:
            row = session.get(SatisfactionAnswer, answer_id)
            if row is None:
                raise NotFound(f"No Friends and Family Test answer number {answer_id}")
            return fft_view(row)

    def fft_answers(self, client_id: int) -> list[FftAnswerView]:
        """An episode's answers, newest first (by the day given, then as recorded)."""
        with self.ctx.unit() as session:
            rows = session.exec(
                select(SatisfactionAnswer)
                .where(SatisfactionAnswer.client_id == client_id)
                .order_by(
                    col(SatisfactionAnswer.answered_on).desc(), col(SatisfactionAnswer.id).desc()
                )
            ).all()
            return [fft_view(row) for row in rows]


def fft_related(session: Session, client_id: int, referral_id: int) -> list[tuple[str, list[int]]]:
    """A client's answers, for the history on the client record (``record.RELATED``)."""
    ids = session.exec(
        select(SatisfactionAnswer.id).where(SatisfactionAnswer.client_id == client_id)
    ).all()
    return [(ENTITY, [i for i in ids if i is not None])]
