"""The repository's part for network meetings: the day view, booking,
rescheduling, cancelling and recording who attended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from .repo_base import RepositoryBase
from .views import BookingDefaults, DayData, MeetingView, ScheduleProblem


class MeetingRepository(RepositoryBase):
    """Meeting reads and writes; mixed into ``duty_desk.repository.Repository``.

    CONTRACT (filled in by the meetings work): names and types are fixed, bodies to come.
    """

    def day(self, day: dt.date, staff_id: int | None = None) -> DayData:
        """Everything the day view shows for one local date."""
        raise NotImplementedError

    def meeting(self, meeting_id: int) -> MeetingView:
        raise NotImplementedError

    def meetings_for_client(self, client_id: int) -> list[MeetingView]:
        raise NotImplementedError

    def booking_defaults(self, client_id: int) -> BookingDefaults:
        """Attendees = core team, minutes from config, place = the last meeting's place."""
        raise NotImplementedError

    def check_booking(self, client_id: int, starts_at: dt.datetime, minutes: int,
                      staff_ids: Sequence[int], place_kind: str, *,
                      moving: int | None = None) -> list[ScheduleProblem]:
        """Problems with a booking, found before confirming (``moving``: the meeting being
        rescheduled, ignored when looking for clashes)."""
        raise NotImplementedError

    def book(self, client_id: int, starts_at: dt.datetime, minutes: int, staff_ids: Sequence[int],
             place_kind: str, place_detail: str = "", network_ids: Sequence[int] = (), *,
             override_reason: str | None = None) -> int:
        """Book in one write transaction (checks again inside it). Blocking problems raise
        Conflict; warnings without ``override_reason`` raise BookingWarnings."""
        raise NotImplementedError

    def reschedule(self, meeting_id: int, starts_at: dt.datetime, minutes: int, *,
                   override_reason: str | None = None,
                   expected_version: int | None = None) -> None:
        raise NotImplementedError

    def cancel_meeting(self, meeting_id: int, by: str, reason: str, *,
                       expected_version: int | None = None) -> None:
        raise NotImplementedError

    def record_happened(self, meeting_id: int, staff_attended: Sequence[int],
                        network_attended: Sequence[int] = (), *,
                        expected_version: int | None = None) -> None:
        raise NotImplementedError

    def record_did_not_attend(self, meeting_id: int, *,
                              expected_version: int | None = None) -> None:
        raise NotImplementedError

    def next_free_slot(self, client_id: int, minutes: int, staff_ids: Sequence[int],
                       after: dt.datetime | None = None) -> dt.datetime | None:
        """The earliest start from ``after`` (default now), on the slot grid, within team hours
        and days, when every one of ``staff_ids`` (and the client) is free and not absent."""
        raise NotImplementedError

    def meetings_for_export(self, start: dt.date, end: dt.date,
                            staff_login: str | None = None) -> Iterator[MeetingView]:
        raise NotImplementedError
