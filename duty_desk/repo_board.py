"""The repository's part for the clinician continuity board: core teams, key
workers, absences, discharges, caseloads and continuity figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from .repo_base import RepositoryBase
from .views import AbsenceView, BoardData, EpisodeView, MeetingView, StaffLoad


class BoardRepository(RepositoryBase):
    """Board reads and writes; mixed into ``duty_desk.repository.Repository``.

    CONTRACT (filled in by the board work): names and types are fixed, bodies to come.
    """

    def board(self, staff_id: int | None = None) -> BoardData:
        """Open episodes (filtered to those where ``staff_id`` is core team or key worker),
        the continuity breaks, and every active staff member's load, as of ``timeutil.now()``."""
        raise NotImplementedError

    def episode(self, client_id: int) -> EpisodeView:
        raise NotImplementedError

    def client_for_referral(self, referral_id: int) -> int | None:
        """The episode opened from this referral, if it was accepted."""
        raise NotImplementedError

    def suggest_staff(self, client_id: int | None = None) -> list[StaffLoad]:
        """Active staff, the most room in their caseload first (absent today last)."""
        raise NotImplementedError

    def set_core_team(self, client_id: int, staff_ids: Sequence[int], key_worker_id: int,
                      reason: str, *, expected_version: int | None = None) -> None:
        """Replace the core team (2-3 active staff) and key worker (one of them), with a reason.
        Audited against the client ("core team") with before/after staff logins."""
        raise NotImplementedError

    def record_absence(self, staff_id: int, starts_on: dt.date, ends_on: dt.date, kind: str,
                       note: str = "") -> int:
        raise NotImplementedError

    def cancel_absence(self, absence_id: int, *, expected_version: int | None = None) -> None:
        raise NotImplementedError

    def absences(self, staff_id: int | None = None) -> list[AbsenceView]:
        """Current and future absences (not cancelled)."""
        raise NotImplementedError

    def absence_impact(self, absence_id: int) -> list[tuple[EpisodeView, tuple[MeetingView, ...],
                                                           tuple[StaffLoad, ...]]]:
        """Each affected open episode (the absent person is in its core team), its booked
        meetings in the absence with that person expected, and suggested cover from the
        rest of the core team (then anyone with room)."""
        raise NotImplementedError

    def discharge(self, client_id: int, kind: str, on: dt.date, reason: str, *,
                  expected_version: int | None = None) -> None:
        """End the episode (transfer to primary care, or other) on a local date, with a reason."""
        raise NotImplementedError

    def set_capacity(self, login: str, capacity: int) -> None:
        raise NotImplementedError

    def clients_for_export(self, include_discharged: bool = True) -> Iterator[EpisodeView]:
        raise NotImplementedError
