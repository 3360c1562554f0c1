"""``Repository`` is the one facade: the same public methods as before the split into a
repository per aggregate, each a method (so privacy mode masks every answer), and the
aggregates themselves out of reach."""

from __future__ import annotations

import inspect

from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.privacy import MaskedRepository
from duty_desk.repository import Part, Repository

PUBLIC = {
    "absence",
    "absence_decisions",
    "absence_impact",
    "assign_cover",
    "decide_absence_meeting",
    "absences",
    "accept",
    "accept_preview",
    "awaiting_setup",
    "core_team_choice",
    "reverse_decision",
    "acting_staff",
    "add_network_member",
    "add_referral",
    "add_referrals",
    "add_staff",
    "audit_for_export",
    "board",
    "book",
    "booking_defaults",
    "cancel_absence",
    "cancel_meeting",
    "check_booking",
    "claim",
    "client_for_referral",
    "clients_for_export",
    "day",
    "deactivate_staff",
    "decline",
    "discharge",
    "eligibility",
    "ensure_can_change",
    "episode",
    "first_meetings",
    "history",
    "intake",
    "intake_for",
    "list_staff",
    "meeting",
    "meetings_for_client",
    "meetings_for_export",
    "next_free_slot",
    "open_referrals",
    # details (issue 11)
    "find_clients",
    "find_referrals",
    "update_referral",
    "record_absence",
    "record_did_not_attend",
    "record_happened",
    "redirect",
    "referral",
    "referrals_for_export",
    "reschedule",
    "set_capacity",
    "set_core_team",
    "suggest_staff",
    "unbooked_first",
    # closed hours and handover (duty_desk.repo.handover)
    "add_note",
    "claims",
    "close_note",
    "hand_over_out_of_hours",
    "handover",
    "notes",
    "out_of_hours_handovers",
    "release_claim",
    "rota",
    "set_rota",
    # the client record (issue 12, record)
    "client_record",
    "client_hits",
    "set_staff_phone",
    # issue 12 (network): the person's network after acceptance (duty_desk.repo.network)
    "client_network",
    "edit_network_member",
    "network_history",
    "network_member",
    "network_members",
    "remove_network_member",
    # the meeting record (issue 12, meeting)
    "add_meeting_note",
    "change_outcome",
    "meeting_details",
    "meeting_to_record",
    "record_meeting",
    # issue 12 (safety)
    "crisis_plan",
    "crisis_plan_history",
    "crisis_record",
    "risk_summary",
    "risk_summary_history",
    "save_crisis_plan",
    "save_risk_summary",
    # issue 12 (guard): safeguarding flags (duty_desk.repo.safeguarding)
    "close_flag",
    "flag",
    "flag_marks",
    "flags",
    "raise_flag",
    # issue 12 (docs): admissions, documents
    "add_admission",
    "edit_admission",
    "admission",
    "admissions",
    "admissions_summary",
    "check_can_write_document",
    "record_document",
    # issue 12 (record)
    # issue 13: DIALOG and DIALOG+
    "add_dialog_action",
    "choose_dialog_items",
    "correct_dialog_rating",
    "dialog",
    "dialog_ratings",
    "latest_dialog",
    "review_dialog_action",
    "save_dialog_rating",
    "save_dialog_steps",
    # issue 14: the team report
    "team_report",
    # issue 14 (fft): the Friends and Family Test
    "correct_fft_answer",
    "fft_answer",
    "fft_answers",
    "record_fft_answer",
}


def test_the_facade_keeps_every_public_method() -> None:
    methods = {
        name
        for name, _ in inspect.getmembers(Repository, inspect.isfunction)
        if not name.startswith("_")
    }
    assert methods == PUBLIC


def test_only_methods_and_settings_are_public(db: Database, config: Config) -> None:
    repo = Repository(db, config, actor="duty1")
    public = {name for name in vars(repo) if not name.startswith("_")}
    assert public == set()
    assert (repo.db, repo.config, repo.actor) == (db, config, "duty1")
    masked = MaskedRepository(repo)
    assert masked.config is config and callable(masked.board)


def test_each_aggregate_is_the_class_its_annotation_names_made_once(
    db: Database, config: Config
) -> None:
    """Every ``Part`` names its module and class as strings: each must make the class its
    type annotation says, once per repository, imported only when first used."""
    repo = Repository(db, config, actor="duty1")
    parts = {name: part for name, part in vars(Repository).items() if isinstance(part, Part)}
    assert len(parts) >= 19
    annotations = inspect.get_annotations(Repository)
    for name, part in parts.items():
        assert name not in vars(repo)  # not made yet
        made = getattr(repo, name)
        assert annotations[name] == f"Part[{type(made).__name__}]", name
        assert type(made).__module__ == f"duty_desk.repo.{part.module}"
        assert getattr(repo, name) is made  # kept
