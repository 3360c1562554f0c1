"""The board's row order kept between reads (screens/board_rows.py, issue 15): an episode
handed out again keeps its sort key only while its breaks are the same; a new break moves
it up at once."""

from __future__ import annotations

import datetime as dt

from duty_desk.views import Continuity, ContinuityBreak, EpisodeView, StaffView
from duty_desk.vocabulary import BreakKind, ClientStatus, Role
from screens.board_rows import DrawnRows, breaks_by_client, episode_order

ACCEPTED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
FIGURES = Continuity(
    meetings=0, with_core=None, with_key_worker=None, upc=None, coc=None, secon=None
)
LEAD = StaffView(1, "duty1", "Duty Worker One (test)", Role.clinician, True)
PEER = StaffView(2, "peer1", "Peer Worker One (test)", Role.peer_support, True)


def episode(client_id: int, name: str) -> EpisodeView:
    return EpisodeView(
        client_id=client_id,
        referral_id=client_id,
        name=name,
        nhs_number=None,
        date_of_birth=dt.date(1990, 1, 1),
        area="North",
        accepted_at=ACCEPTED,
        status=ClientStatus.open,
        core_team=(LEAD, PEER),
        key_worker=LEAD,
        last_meeting=None,
        next_meeting=None,
        continuity=FIGURES,
        problems=(),
        version=1,
    )


def not_seen(client_id: int, name: str) -> ContinuityBreak:
    return ContinuityBreak(BreakKind.not_seen, client_id, name, at=ACCEPTED, days=21)


def order(drawn: DrawnRows, episodes: list[EpisodeView], breaks: list[ContinuityBreak]) -> list:
    ordered = drawn.ordered(episodes, breaks_by_client(breaks))
    by_hand = sorted(
        episodes,
        key=lambda e: episode_order(e, tuple(b for b in breaks if b.client_id == e.client_id)),
    )
    assert ordered == by_hand  # the kept keys give the order computed afresh
    return [e.name for e in ordered]


def test_a_kept_episode_moves_up_when_it_gets_a_break_and_back_when_it_goes() -> None:
    drawn = DrawnRows()
    ann, bob = episode(1, "Ann Example (test)"), episode(2, "Bob Example (test)")
    assert order(drawn, [ann, bob], []) == ["Ann Example (test)", "Bob Example (test)"]
    # The same episode objects (nothing about them changed), Bob now has a break.
    assert order(drawn, [ann, bob], [not_seen(2, bob.name)]) == [
        "Bob Example (test)",
        "Ann Example (test)",
    ]
    kept = drawn.orders[2][2]
    # An equal break read again: the very key of the last read.
    assert order(drawn, [ann, bob], [not_seen(2, bob.name)])[0] == "Bob Example (test)"
    assert drawn.orders[2][2] is kept
    assert order(drawn, [ann, bob], []) == ["Ann Example (test)", "Bob Example (test)"]


def test_a_changed_episode_is_ordered_by_what_it_is_now() -> None:
    drawn = DrawnRows()
    ann, bob = episode(1, "Ann Example (test)"), episode(2, "Bob Example (test)")
    assert order(drawn, [ann, bob], [])[0] == "Ann Example (test)"
    renamed = episode(1, "Zoe Example (test)")  # a new object: read again
    assert order(drawn, [renamed, bob], []) == ["Bob Example (test)", "Zoe Example (test)"]
