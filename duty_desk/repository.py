"""The repository: every read and write of duty-desk's data goes through here.

``Repository`` is the one facade the screens, the CLI and the exports use. It holds
one :class:`~duty_desk.repo.base.Context` (database, settings, acting login, short
transactions, audit) and hands each call to the repository of its aggregate in
``duty_desk.repo``: referrals (and intake), staff, audit, episodes (core team,
discharge), the board (episodes, breaks, caseloads), absences, meetings (reading,
booking, attendance) and continuity. Each aggregate's module is imported the first time
one of its methods is called, so a screen's first read loads only what it reads.

Each public method is one unit of work in its own short transaction. Writes check
permission, apply the domain rules, and write the audit entry in the same transaction
as the change. Methods return plain objects from ``duty_desk.views``, never table rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from .config import Config
from .db import Database
from .handover_views import ClaimHeld, HandoverData, HandoverNoteView, OohHandoverView
from .repo.base import Context
from .validation import NewReferral, validate_dates, validate_meeting_days
from .views import (
    AbsenceDecisionView,
    AbsenceView,
    AcceptPreview,
    AreaIntake,
    AuditEntry,
    AwaitingSetup,
    BoardData,
    BookingDefaults,
    ClientFilter,
    ClientHit,
    ClientRecordView,
    CoreTeamChoice,
    DayData,
    EpisodeView,
    FirstMeeting,
    MeetingView,
    NetworkMemberView,
    ReferralFilter,
    ReferralView,
    SafeguardingFlagView,
    ScheduleProblem,
    StaffLoad,
    StaffView,
    UnbookedFirst,
)
from .vocabulary import ActionOwner, ActionStatus, Consent

if TYPE_CHECKING:
    from .dialog_views import DialogData, DialogRatingView, LatestDialog
    from .record_views import (
        AdmissionSummary,
        AdmissionView,
        CrisisPlanView,
        CrisisRecordView,
        FftAnswerView,
        MeetingDetail,
        MeetingToRecord,
        PlanVersion,
        RiskSummaryView,
    )
    from .repo.absences import AbsenceRepository, Impact
    from .repo.admissions import AdmissionRepository
    from .repo.attendance import AttendanceRepository
    from .repo.audit import AuditRepository
    from .repo.board import BoardRepository
    from .repo.booking import BookingRepository
    from .repo.crisis import CrisisRepository
    from .repo.decisions import DecisionRepository
    from .repo.dialog import Answers, DialogRepository
    from .repo.documents import DocumentRepository
    from .repo.episodes import EpisodeRepository
    from .repo.handover import HandoverRepository
    from .repo.intake import IntakeRepository
    from .repo.meeting_notes import MeetingNoteRepository
    from .repo.meetings import MeetingReader
    from .repo.network import NetworkRepository
    from .repo.record import RecordReader
    from .repo.referrals import ImportedFile, ReferralRepository
    from .repo.safeguarding import FlagMarks, SafeguardingRepository
    from .repo.satisfaction import SatisfactionRepository
    from .repo.staff import StaffRepository
    from .repo.team_report import TeamReportRepository
    from .team_report import Period, TeamReport

T = TypeVar("T")
P = TypeVar("P")


class Part(Generic[P]):
    """An aggregate's repository on a :class:`Repository`: ``duty_desk.repo.MODULE``'s
    class ``NAME``, made with the repository's context (its module imported) the first
    time it is used, and kept on the instance from then on (as ``cached_property``)."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self.attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, repository: None, owner: type) -> Part[P]: ...
    @overload
    def __get__(self, repository: Repository, owner: type) -> P: ...
    def __get__(self, repository: Repository | None, owner: type) -> Part[P] | P:
        if repository is None:
            return self
        made: P = getattr(import_module(f"duty_desk.repo.{self.module}"), self.name)(
            repository._ctx
        )
        repository.__dict__[self.attribute] = made  # found before this descriptor next time
        return made


class Repository:
    """All of duty-desk's data access, acting as one login."""

    def __init__(self, db: Database, config: Config, actor: str | None = None) -> None:
        # The aggregates are private: every call goes through a method below, so a
        # MaskedRepository (privacy mode) sees and masks every answer.
        self._ctx = Context(db, config, actor)

    # Each aggregate is made, and its module imported, when first used: a screen's first
    # read imports only the repositories (and so the table groups, duty_desk/models.py)
    # it reads from (issue 15, start-up). Made once (Part, above).
    _staff: Part[StaffRepository] = Part("staff", "StaffRepository")
    _referrals: Part[ReferralRepository] = Part("referrals", "ReferralRepository")
    _intake: Part[IntakeRepository] = Part("intake", "IntakeRepository")
    _audit: Part[AuditRepository] = Part("audit", "AuditRepository")
    _board: Part[BoardRepository] = Part("board", "BoardRepository")
    _episodes: Part[EpisodeRepository] = Part("episodes", "EpisodeRepository")
    _absences: Part[AbsenceRepository] = Part("absences", "AbsenceRepository")
    _meetings: Part[MeetingReader] = Part("meetings", "MeetingReader")
    _attendance: Part[AttendanceRepository] = Part("attendance", "AttendanceRepository")
    _decisions: Part[DecisionRepository] = Part("decisions", "DecisionRepository")
    _dialog: Part[DialogRepository] = Part("dialog", "DialogRepository")
    _record: Part[RecordReader] = Part("record", "RecordReader")
    _network: Part[NetworkRepository] = Part("network", "NetworkRepository")
    _meeting_notes: Part[MeetingNoteRepository] = Part("meeting_notes", "MeetingNoteRepository")
    _safeguarding: Part[SafeguardingRepository] = Part("safeguarding", "SafeguardingRepository")
    _admissions: Part[AdmissionRepository] = Part("admissions", "AdmissionRepository")
    _documents: Part[DocumentRepository] = Part("documents", "DocumentRepository")
    _team_report: Part[TeamReportRepository] = Part("team_report", "TeamReportRepository")
    _satisfaction: Part[SatisfactionRepository] = Part("satisfaction", "SatisfactionRepository")

    @cached_property
    def _bookings(self) -> BookingRepository:
        from .repo.booking import BookingRepository

        return BookingRepository(self._ctx, self._meetings.booking_defaults)

    @cached_property
    def _handover(self) -> HandoverRepository:
        from .repo.handover import HandoverRepository

        return HandoverRepository(self._ctx, self._meetings.day)

    @property
    def db(self) -> Database:
        return self._ctx.db

    @property
    def config(self) -> Config:
        return self._ctx.config

    @property
    def actor(self) -> str:
        return self._ctx.actor

    def _meeting_days(self, **fields: dt.date | dt.datetime | None) -> None:
        """Refuse a day outside the meeting window (InputErrors naming the field), before any
        arithmetic on it can overflow: the same bounds as the forms and the CLI."""
        validate_meeting_days(fields, self._ctx.today())

    # -- staff -------------------------------------------------------------------------------
    def acting_staff(self) -> StaffView | None:
        return self._staff.acting_staff()

    def ensure_can_change(self) -> StaffView:
        return self._staff.ensure_can_change()

    def list_staff(self, include_inactive: bool = False) -> list[StaffView]:
        return self._staff.list_staff(include_inactive)

    def add_staff(
        self, login: str, name: str, role: str, *, bootstrap: bool = False, phone: str = ""
    ) -> StaffView:
        return self._staff.add_staff(login, name, role, bootstrap=bootstrap, phone=phone)

    def deactivate_staff(self, login: str) -> StaffView:
        return self._staff.deactivate_staff(login)

    def set_capacity(self, login: str, capacity: int) -> None:
        self._staff.set_capacity(login, capacity)

    # -- referrals and intake ----------------------------------------------------------------
    def open_referrals(self, search: str = "") -> list[ReferralView]:
        return self._flagged(self._referrals.open_referrals(search))

    def referral(self, referral_id: int) -> ReferralView:
        return self._flagged(self._referrals.referral(referral_id))

    def find_referrals(
        self, search: str = "", status: ReferralFilter | str = ReferralFilter.open
    ) -> list[ReferralView]:
        return self._flagged(self._referrals.find_referrals(search, status))

    def update_referral(
        self,
        referral_id: int,
        raw: Mapping[str, str | None],
        *,
        expected_version: int | None = None,
    ) -> ReferralView:
        return self._referrals.update_referral(referral_id, raw, expected_version=expected_version)

    def find_clients(
        self, search: str = "", status: ClientFilter | str = ClientFilter.open
    ) -> list[EpisodeView]:
        return self._flagged(self._board.find_clients(search, status))

    def referrals_for_export(self) -> Iterator[ReferralView]:
        return self._referrals.referrals_for_export()

    def eligibility(self, referral: ReferralView) -> list[str]:
        return self._referrals.eligibility(referral)

    def intake(self, at: dt.datetime | None = None) -> list[AreaIntake]:
        validate_dates({"at": at})
        return self._intake.intake(at)

    def intake_for(self, referral: ReferralView) -> AreaIntake | None:
        return self._intake.intake_for(referral)

    def add_referral(self, raw: Mapping[str, str | None] | NewReferral) -> int:
        return self._referrals.add_referral(raw)

    def add_referrals(
        self, rows: Iterable[NewReferral], *, source: ImportedFile | None = None
    ) -> list[int]:
        return self._referrals.add_referrals(rows, source=source)

    def claim(
        self, referral_id: int, *, take_over: bool = False, expected_version: int | None = None
    ) -> ReferralView:
        return self._referrals.claim(
            referral_id, take_over=take_over, expected_version=expected_version
        )

    def accept(
        self,
        referral_id: int,
        *,
        override_reason: str | None = None,
        order_reason: str | None = None,
        enforce_order: bool = False,
        expected_version: int | None = None,
    ) -> int:
        return self._referrals.accept(
            referral_id,
            override_reason=override_reason,
            order_reason=order_reason,
            enforce_order=enforce_order,
            expected_version=expected_version,
        )

    # -- triage decisions: the guarded accept, reversing, what an accept still needs ----------
    def accept_preview(self, referral_id: int) -> AcceptPreview:
        return self._flagged(self._decisions.accept_preview(referral_id))

    def reverse_decision(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> int:
        return self._decisions.reverse_decision(
            referral_id, reason, expected_version=expected_version
        )

    def awaiting_setup(self) -> list[AwaitingSetup]:
        return self._flagged(self._decisions.awaiting_setup())

    def core_team_choice(self, client_id: int, deadline: dt.datetime | None) -> CoreTeamChoice:
        if deadline is not None:
            validate_dates({"deadline": deadline})
        return self._decisions.core_team_choice(client_id, deadline)

    def redirect(
        self, referral_id: int, onward: str, reason: str, *, expected_version: int | None = None
    ) -> None:
        self._referrals.redirect(referral_id, onward, reason, expected_version=expected_version)

    def decline(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> None:
        self._referrals.decline(referral_id, reason, expected_version=expected_version)

    def add_network_member(
        self,
        referral_id: int,
        name: str,
        relationship: str = "",
        phone: str = "",
        *,
        takes_part: bool | str = True,
        consent: Consent | str = Consent.not_asked,
    ) -> int:
        """A new member of the person's network (at triage, or any time after acceptance);
        see :meth:`edit_network_member` for later changes (issue 12, network)."""
        return self._network.add(
            referral_id, name, relationship, phone, takes_part=takes_part, consent=consent
        )

    # -- audit -------------------------------------------------------------------------------
    def history(self, entity: str, entity_id: int) -> list[AuditEntry]:
        return self._audit.history(entity, entity_id)

    def audit_for_export(self) -> Iterator[AuditEntry]:
        return self._audit.audit_for_export()

    # -- the board and episodes --------------------------------------------------------------
    def board(self, staff_id: int | None = None) -> BoardData:
        return self._flagged(self._board.board(staff_id))

    def episode(self, client_id: int) -> EpisodeView:
        return self._flagged(self._board.episode(client_id))

    def client_for_referral(self, referral_id: int) -> int | None:
        return self._board.client_for_referral(referral_id)

    def suggest_staff(self, client_id: int | None = None) -> list[StaffLoad]:
        return self._board.suggest_staff(client_id)

    def clients_for_export(self, include_discharged: bool = True) -> Iterator[EpisodeView]:
        return self._board.clients_for_export(include_discharged)

    def set_core_team(
        self,
        client_id: int,
        staff_ids: Sequence[int],
        key_worker_id: int,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        self._episodes.set_core_team(
            client_id, staff_ids, key_worker_id, reason, expected_version=expected_version
        )

    def discharge(
        self,
        client_id: int,
        kind: str,
        on: dt.date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        validate_dates({"on": on})
        self._episodes.discharge(client_id, kind, on, reason, expected_version=expected_version)

    # -- absences ----------------------------------------------------------------------------
    def record_absence(
        self,
        staff_id: int,
        starts_on: dt.date,
        ends_on: dt.date,
        kind: str,
        note: str = "",
        *,
        starts_time: dt.time | None = None,
        ends_time: dt.time | None = None,
    ) -> int:
        self._meeting_days(starts_on=starts_on, ends_on=ends_on)
        return self._absences.record_absence(
            staff_id, starts_on, ends_on, kind, note, starts_time=starts_time, ends_time=ends_time
        )

    def cancel_absence(self, absence_id: int, *, expected_version: int | None = None) -> None:
        self._absences.cancel_absence(absence_id, expected_version=expected_version)

    def absences(self, staff_id: int | None = None) -> list[AbsenceView]:
        return self._absences.absences(staff_id)

    def absence_impact(self, absence_id: int) -> list[Impact]:
        return self._absences.absence_impact(absence_id)

    def absence(self, absence_id: int) -> AbsenceView:
        return self._absences.absence(absence_id)

    def absence_decisions(self, absence_id: int) -> dict[int, AbsenceDecisionView]:
        return self._absences.absence_decisions(absence_id)

    def decide_absence_meeting(
        self,
        absence_id: int,
        meeting_id: int,
        decision: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        self._absences.decide_absence_meeting(
            absence_id, meeting_id, decision, expected_version=expected_version
        )

    def assign_cover(
        self,
        absence_id: int,
        meeting_id: int,
        staff_id: int,
        *,
        expected_version: int | None = None,
    ) -> None:
        self._absences.assign_cover(
            absence_id, meeting_id, staff_id, expected_version=expected_version
        )

    # -- meetings ----------------------------------------------------------------------------
    def day(self, day: dt.date, staff_id: int | None = None) -> DayData:
        self._meeting_days(day=day)
        return self._flagged(self._meetings.day(day, staff_id))

    def unbooked_first(self) -> list[UnbookedFirst]:
        return self._flagged(self._meetings.unbooked_first())

    def first_meetings(self, since: dt.datetime) -> list[FirstMeeting]:
        validate_dates({"since": since})
        return self._meetings.first_meetings(since)

    def meeting(self, meeting_id: int) -> MeetingView:
        return self._flagged(self._meetings.meeting(meeting_id))

    def meetings_for_client(self, client_id: int) -> list[MeetingView]:
        return self._flagged(self._meetings.meetings_for_client(client_id))

    def booking_defaults(self, client_id: int) -> BookingDefaults:
        return self._flagged(self._meetings.booking_defaults(client_id))

    def meetings_for_export(
        self, start: dt.date, end: dt.date, staff_login: str | None = None
    ) -> Iterator[MeetingView]:
        validate_dates({"from": start, "to": end})
        return self._meetings.meetings_for_export(start, end, staff_login)

    def check_booking(
        self,
        client_id: int,
        starts_at: dt.datetime,
        minutes: int,
        staff_ids: Sequence[int],
        place_kind: str,
        *,
        moving: int | None = None,
    ) -> list[ScheduleProblem]:
        self._meeting_days(when=starts_at)
        return self._bookings.check_booking(
            client_id, starts_at, minutes, staff_ids, place_kind, moving=moving
        )

    def book(
        self,
        client_id: int,
        starts_at: dt.datetime,
        minutes: int,
        staff_ids: Sequence[int],
        place_kind: str,
        place_detail: str = "",
        network_ids: Sequence[int] | None = None,
        *,
        override_reason: str | None = None,
    ) -> int:
        self._meeting_days(when=starts_at)
        return self._bookings.book(
            client_id,
            starts_at,
            minutes,
            staff_ids,
            place_kind,
            place_detail,
            network_ids,
            override_reason=override_reason,
        )

    def reschedule(
        self,
        meeting_id: int,
        starts_at: dt.datetime,
        minutes: int,
        *,
        override_reason: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        self._meeting_days(when=starts_at)
        self._bookings.reschedule(
            meeting_id,
            starts_at,
            minutes,
            override_reason=override_reason,
            expected_version=expected_version,
        )

    def cancel_meeting(
        self, meeting_id: int, by: str, reason: str, *, expected_version: int | None = None
    ) -> None:
        self._bookings.cancel_meeting(meeting_id, by, reason, expected_version=expected_version)

    def next_free_slot(
        self,
        client_id: int,
        minutes: int,
        staff_ids: Sequence[int],
        after: dt.datetime | None = None,
        *,
        place_kind: str | None = None,
    ) -> dt.datetime | None:
        self._meeting_days(after=after)
        return self._bookings.next_free_slot(
            client_id, minutes, staff_ids, after, place_kind=place_kind
        )

    def record_happened(
        self,
        meeting_id: int,
        staff_attended: Sequence[int],
        network_attended: Sequence[int] = (),
        *,
        expected_version: int | None = None,
    ) -> None:
        self._attendance.record_happened(
            meeting_id, staff_attended, network_attended, expected_version=expected_version
        )

    def record_did_not_attend(
        self, meeting_id: int, follow_up: str, *, expected_version: int | None = None
    ) -> None:
        self._attendance.record_did_not_attend(
            meeting_id, follow_up, expected_version=expected_version
        )

    # -- closed hours and handover (duty_desk.repo.handover) -----------------------------------
    def add_note(
        self, text: str, *, referral_id: int | None = None, client_id: int | None = None
    ) -> int:
        return self._handover.add_note(text, referral_id=referral_id, client_id=client_id)

    def close_note(self, note_id: int, *, expected_version: int | None = None) -> None:
        self._handover.close_note(note_id, expected_version=expected_version)

    def notes(
        self,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
        open_only: bool = False,
    ) -> list[HandoverNoteView]:
        return self._handover.notes(
            referral_id=referral_id, client_id=client_id, open_only=open_only
        )

    def rota(self, day: dt.date) -> list[StaffView]:
        self._meeting_days(day=day)
        return self._handover.rota(day)

    def set_rota(self, day: dt.date, staff_ids: Sequence[int]) -> None:
        self._meeting_days(day=day)
        self._handover.set_rota(day, staff_ids)

    def hand_over_out_of_hours(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> int:
        return self._handover.hand_over_out_of_hours(
            referral_id, reason, expected_version=expected_version
        )

    def out_of_hours_handovers(
        self, referral_ids: Sequence[int] | None = None
    ) -> dict[int, OohHandoverView]:
        return self._handover.out_of_hours_handovers(referral_ids)

    def claims(self) -> list[ClaimHeld]:
        return self._handover.claims()

    def release_claim(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> None:
        self._handover.release_claim(referral_id, reason, expected_version=expected_version)

    def handover(self, day: dt.date | None = None) -> HandoverData:
        self._meeting_days(day=day)
        return self._handover.handover(day)

    # -- issue 13: DIALOG and DIALOG+ ----------------------------------------------------------
    def save_dialog_rating(
        self,
        client_id: int,
        answers: Answers,
        *,
        rated_on: dt.date | None = None,
        meeting_id: int | None = None,
    ) -> int:
        self._meeting_days(rated_on=rated_on)
        return self._dialog.save_rating(
            client_id, answers, rated_on=rated_on, meeting_id=meeting_id
        )

    def correct_dialog_rating(
        self, rating_id: int, answers: Answers, *, expected_version: int
    ) -> int:
        return self._dialog.correct_rating(rating_id, answers, expected_version=expected_version)

    def choose_dialog_items(self, rating_id: int, item_keys: Sequence[str]) -> tuple[int, ...]:
        return self._dialog.choose_topics(rating_id, item_keys)

    def save_dialog_steps(
        self,
        topic_id: int,
        *,
        understanding: str,
        looking_forward: str,
        options: str,
        expected_version: int,
    ) -> None:
        self._dialog.save_steps(
            topic_id,
            understanding=understanding,
            looking_forward=looking_forward,
            options=options,
            expected_version=expected_version,
        )

    def add_dialog_action(
        self,
        topic_id: int,
        what: str,
        *,
        owner: ActionOwner | str | None,
        owner_id: int | None = None,
        due_on: dt.date | None,
    ) -> int:
        self._meeting_days(due_on=due_on)
        return self._dialog.add_action(
            topic_id, what, owner=owner, owner_id=owner_id, due_on=due_on
        )

    def review_dialog_action(
        self,
        action_id: int,
        outcome: ActionStatus | str,
        note: str = "",
        *,
        rating_id: int | None = None,
        expected_version: int,
    ) -> None:
        self._dialog.review_action(
            action_id, outcome, note, rating_id=rating_id, expected_version=expected_version
        )

    def dialog(self, client_id: int) -> DialogData:
        return self._dialog.dialog(client_id)

    def latest_dialog(self, client_ids: Sequence[int] | None = None) -> dict[int, LatestDialog]:
        return self._dialog.latest(client_ids)

    def dialog_ratings(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> Iterator[DialogRatingView]:
        self._meeting_days(since=since, until=until)
        return self._dialog.rating_rows(since, until)

    # -- issue 12 (record): the client record ---------------------------------------------------
    def client_record(self, client_id: int) -> ClientRecordView:
        """One client's record in one read: episode, network, meetings, history."""
        return self._flagged(self._record.client_record(client_id))

    def client_hits(self, search: str) -> list[ClientHit]:
        """Open and discharged clients by name or NHS number (the palette's record hits)."""
        return self._flagged(self._record.client_hits(search))

    def set_staff_phone(self, login: str, phone: str) -> None:
        """A staff member's work phone (a team lead, or the person themselves)."""
        self._staff.set_staff_phone(login, phone)

    # -- issue 12 (network): the person's network after acceptance (duty_desk.repo.network) ----
    def network_members(
        self, referral_id: int, *, include_removed: bool = True
    ) -> list[NetworkMemberView]:
        """A referral's network in the order added; removed members flagged (``removed``)."""
        return self._network.members(referral_id, include_removed=include_removed)

    def client_network(
        self, client_id: int, *, include_removed: bool = True
    ) -> list[NetworkMemberView]:
        """A client's network (their referral's), removed members flagged."""
        return self._network.client_members(client_id, include_removed=include_removed)

    def network_member(self, member_id: int) -> NetworkMemberView:
        return self._network.member(member_id)

    def edit_network_member(
        self,
        member_id: int,
        changes: Mapping[str, object],
        *,
        expected_version: int | None = None,
    ) -> NetworkMemberView:
        """Change some of name, relationship, phone, takes_part, consent; a stale save is
        refused naming who changed what; consent's when and by whom are recorded here."""
        return self._network.edit(member_id, changes, expected_version=expected_version)

    def remove_network_member(
        self, member_id: int, reason: str, *, expected_version: int | None = None
    ) -> NetworkMemberView:
        """Remove with a reason: kept in the history and past attendance, not invited again."""
        return self._network.remove(member_id, reason, expected_version=expected_version)

    def network_history(self, referral_id: int) -> list[AuditEntry]:
        """Every audited change to one referral's network, oldest first."""
        return self._network.history(referral_id)

    # -- issue 12 (meeting): the meeting record (duty_desk.repo.meeting_notes) ---------------
    def meeting_to_record(self, meeting_id: int) -> MeetingToRecord:
        return self._meeting_notes.meeting_to_record(meeting_id)

    def meeting_details(self, client_id: int) -> tuple[MeetingDetail, ...]:
        return self._meeting_notes.meeting_details(client_id)

    def record_meeting(
        self,
        meeting_id: int,
        staff_attended: Sequence[int],
        network_attended: Sequence[int],
        note: str,
        *,
        expected_version: int | None = None,
    ) -> int | None:
        return self._meeting_notes.record_meeting(
            meeting_id, staff_attended, network_attended, note, expected_version=expected_version
        )

    def add_meeting_note(self, meeting_id: int, text: str) -> int:
        return self._meeting_notes.add_meeting_note(meeting_id, text)

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
        return self._meeting_notes.change_outcome(
            meeting_id,
            to_status,
            reason,
            follow_up=follow_up,
            staff_attended=staff_attended,
            network_attended=network_attended,
            expected_version=expected_version,
        )

    # -- issue 12 (safety): the crisis plan and the risk summary --------------------------------
    @property
    def _crisis(self) -> CrisisRepository:
        from .repo.crisis import CrisisRepository

        return CrisisRepository(self._ctx)  # no state of its own: made when asked

    def crisis_record(self, client_id: int) -> CrisisRecordView:
        return self._crisis.crisis_record(client_id)

    def crisis_plan(self, client_id: int) -> CrisisPlanView | None:
        return self._crisis.crisis_plan(client_id)

    def crisis_plan_history(self, client_id: int) -> list[PlanVersion]:
        return self._crisis.crisis_plan_history(client_id)

    def save_crisis_plan(
        self,
        client_id: int,
        fields: Mapping[str, str | None],
        review_on: dt.date | None,
        *,
        expected_version: int | None,
    ) -> CrisisPlanView:
        return self._crisis.save_crisis_plan(
            client_id, fields, review_on, expected_version=expected_version
        )

    def risk_summary(self, client_id: int) -> RiskSummaryView | None:
        return self._crisis.risk_summary(client_id)

    def risk_summary_history(self, client_id: int) -> list[PlanVersion]:
        return self._crisis.risk_summary_history(client_id)

    def save_risk_summary(
        self,
        client_id: int,
        summary: str | None,
        review_on: dt.date | None,
        *,
        expected_version: int | None,
    ) -> RiskSummaryView:
        return self._crisis.save_risk_summary(
            client_id, summary, review_on, expected_version=expected_version
        )

    # -- issue 12 (guard): safeguarding flags (duty_desk.repo.safeguarding) -------------------
    def _flagged(self, value: T) -> T:
        """``value`` with the open safeguarding flags' kinds in each person's
        ``safeguarding`` field (one read of every open flag, never one per row)."""
        return self._safeguarding.marked(value)

    def raise_flag(
        self,
        kind: str,
        note: str,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
    ) -> int:
        return self._safeguarding.raise_flag(
            kind, note, referral_id=referral_id, client_id=client_id
        )

    def close_flag(
        self,
        flag_id: int,
        ends_on: dt.date | None,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        if ends_on is not None:
            validate_dates({"ends_on": ends_on})
        self._safeguarding.close_flag(flag_id, ends_on, reason, expected_version=expected_version)

    def flag(self, flag_id: int) -> SafeguardingFlagView:
        return self._safeguarding.flag(flag_id)

    def flags(
        self,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
        open_only: bool = False,
    ) -> list[SafeguardingFlagView]:
        return self._safeguarding.flags(
            referral_id=referral_id, client_id=client_id, open_only=open_only
        )

    def flag_marks(self) -> FlagMarks:
        return self._safeguarding.marks()

    # -- issue 12 (docs): hospital admissions, and recording what left as a document ------------
    def add_admission(
        self,
        client_id: int,
        admitted_on: dt.date | None,
        discharged_on: dt.date | None,
        legal_status: str | None,
        mha_section: str | None,
        hospital: str | None,
    ) -> int:
        return self._admissions.add_admission(
            client_id, admitted_on, discharged_on, legal_status, mha_section, hospital
        )

    def edit_admission(
        self,
        admission_id: int,
        admitted_on: dt.date | None,
        discharged_on: dt.date | None,
        legal_status: str | None,
        mha_section: str | None,
        hospital: str | None,
        *,
        expected_version: int | None = None,
    ) -> None:
        self._admissions.edit_admission(
            admission_id,
            admitted_on,
            discharged_on,
            legal_status,
            mha_section,
            hospital,
            expected_version=expected_version,
        )

    def admission(self, admission_id: int) -> AdmissionView:
        return self._admissions.admission(admission_id)

    def admissions(self, client_id: int) -> list[AdmissionView]:
        return self._admissions.admissions(client_id)

    def admissions_summary(self, start: dt.date, end: dt.date) -> AdmissionSummary:
        validate_dates({"from": start, "to": end})
        return self._admissions.admissions_summary(start, end)

    def check_can_write_document(self, client_id: int) -> None:
        self._documents.check_can_write(client_id)

    def record_document(self, client_id: int, what: str, where: str) -> None:
        self._documents.record_document(client_id, what, where)

    # -- issue 14: the team report ---------------------------------------------------------
    def team_report(self, period: Period, area: str | None = None) -> TeamReport:
        """Every part of the team's outcomes report for ``period`` and ``area`` (None:
        every area); an unknown area or a date out of range is an InputErrors."""
        return self._team_report.team_report(period, area)

    # -- issue 14 (fft): the Friends and Family Test (duty_desk.repo.satisfaction) --------------
    def record_fft_answer(
        self,
        client_id: int,
        answer: str | None,
        comment: str | None,
        answered_on: dt.date | None,
        at_discharge: bool = False,
    ) -> int:
        return self._satisfaction.record_fft_answer(
            client_id, answer, comment, answered_on, at_discharge
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
        self._satisfaction.correct_fft_answer(
            answer_id, answer, comment, answered_on, expected_version=expected_version
        )

    def fft_answer(self, answer_id: int) -> FftAnswerView:
        return self._satisfaction.fft_answer(answer_id)

    def fft_answers(self, client_id: int) -> list[FftAnswerView]:
        return self._satisfaction.fft_answers(client_id)


RepositoryFactory = Callable[[], Repository]
