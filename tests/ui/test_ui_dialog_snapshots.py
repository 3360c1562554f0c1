"""Snapshots of every dialog and of the command palette at 80x24 (pytest-textual-snapshot).

Deterministic as tests/ui/test_ui_snapshots.py is: the clock is fixed at Monday 23 November
2026 10:00 (London), the data is synthetic and fixed (the ``board`` and ``team`` fixtures of
this layer, or one referral), animations are off and the cursor does not blink headless.
Each test opens one dialog from the keyboard, the way a duty worker would. Regenerate with
``pytest tests/ui/test_ui_dialog_snapshots.py --snapshot-update -n0`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import pytest
from textual.pilot import Pilot

from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.repository import Repository
from tests.ui.test_ui_board_support import Board, open_board, select_client
from tests.ui.test_ui_day_support import Team, open_day, select_row
from tests.ui.test_ui_support import SIZE, make_app, settle

Snap = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[Any]]


def keys(*pressed: str) -> Step:
    async def press(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return press


def shot(
    snap_compare: Snap,
    config: Config,
    db: Database,
    steps: Iterable[Step],
    actor: str | None = "duty1",
) -> bool:
    """The app on the test's database, the steps run in order, then the screen compared."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)

    return snap_compare(make_app(config, db, actor), terminal_size=SIZE, run_before=run_before)


# -- the queue: one referral ------------------------------------------------------------------


@pytest.fixture
def one_referral(make_referral: Callable[..., int]) -> int:
    return make_referral()


def test_palette_snapshot(snap_compare, config, db, one_referral):
    """ctrl+p, then a search: the palette over the queue. (With nothing typed the palette
    lists every provider's commands in the order the providers answer, which varies from
    run to run; a search orders them by score.)"""
    assert shot(snap_compare, config, db, [keys("ctrl+p"), keys(*"board")])


def test_referral_form_snapshot(snap_compare, config, db, one_referral):
    assert shot(snap_compare, config, db, [keys("n")])


def test_network_form_snapshot(snap_compare, config, db, one_referral):
    assert shot(snap_compare, config, db, [keys("m")])


def test_reason_dialog_decline_snapshot(snap_compare, config, db, one_referral):
    assert shot(snap_compare, config, db, [keys("d")])


def test_reason_dialog_redirect_snapshot(snap_compare, config, db, one_referral):
    """Redirecting asks for the onward service as well as the reason."""
    assert shot(snap_compare, config, db, [keys("r")])


def test_reason_dialog_override_snapshot(snap_compare, config, db, make_referral):
    """Accepting someone outside the criteria: the confirmation asks for an override reason."""
    make_referral(source="gp", date_of_birth="01/01/1950")
    assert shot(snap_compare, config, db, [keys("a")])


def test_confirm_take_over_snapshot(
    snap_compare, config, db, repo: Repository, repo_as, one_referral
):
    repo.add_staff("duty2", "Duty Worker Two (test)", "peer_support")
    repo_as("duty2").claim(one_referral)
    assert shot(snap_compare, config, db, [keys("c")])


def test_referral_history_snapshot(snap_compare, config, db, repo: Repository, one_referral):
    repo.claim(one_referral)
    repo.add_network_member(one_referral, "Sam Sibling (test)", "brother", "01632 960555")
    assert shot(snap_compare, config, db, [keys("h")])


# -- the board: a small team, two clients ------------------------------------------------------


def on_board(client: int | None = None) -> list[Step]:
    async def choose(pilot: Pilot[Any]) -> None:
        if client is not None:
            await select_client(pilot, client)

    return [open_board, choose]


def test_core_team_dialog_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(board.blake), keys("t")])


def test_client_history_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("h")])


def test_referral_view_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("r")])


def test_client_meetings_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("m")])


def test_discharge_form_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("d")])


def test_absence_form_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, [*on_board(), keys("a")])


def test_absence_impact_snapshot(snap_compare, config, db, board: Board):
    """After recording an absence: every client and booked meeting it touches."""

    async def fill(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input, Select

        form = pilot.app.screen
        form.query_one("#field-staff", Select).value = str(board.peer)
        form.query_one("#field-starts_on", Input).value = "tue"
        form.query_one("#field-ends_on", Input).value = "27/11"
        form.query_one("#field-kind", Select).value = "sickness"
        await settle(pilot)

    assert shot(snap_compare, config, db, [*on_board(), keys("a"), fill, keys("ctrl+s")])


# -- the day view: a small team, meetings today ------------------------------------------------


def on_day(key: str) -> list[Step]:
    async def choose(pilot: Pilot[Any]) -> None:
        await select_row(pilot, key)

    return [open_day, choose]


def test_attendance_dialog_snapshot(snap_compare, config, db, team: Team):
    assert shot(snap_compare, config, db, [*on_day(f"m{team.earlier}"), keys("a")])


def test_did_not_attend_dialog_snapshot(snap_compare, config, db, team: Team):
    assert shot(snap_compare, config, db, [*on_day(f"m{team.earlier}"), keys("d")])


def test_cancel_dialog_snapshot(snap_compare, config, db, team: Team):
    assert shot(snap_compare, config, db, [*on_day(f"m{team.meeting}"), keys("x")])


def test_meeting_history_snapshot(snap_compare, config, db, team: Team):
    assert shot(snap_compare, config, db, [*on_day(f"m{team.meeting}"), keys("h")])


def test_date_dialog_snapshot(snap_compare, config, db, team: Team):
    assert shot(snap_compare, config, db, [open_day, keys("g")])


def test_booking_dialog_snapshot(snap_compare, config, db, team: Team):
    """The booking dialog as it opens (tests/ui/test_ui_snapshots.py has it with a warning)."""
    assert shot(snap_compare, config, db, [open_day, keys("b")])


# -- details (issue 11): correcting a referral ---------------------------------------------------

REFERRAL_DETAILS = {
    "address": "1 Example Street (test)",
    "postcode": "CT1 1AA",
    "language": "Polish",
    "interpreter": "yes",
    "referrer_name": "Dr Rowan Sample (test)",
    "referrer_contact": "rowan@example.org",
}


def test_referral_edit_form_snapshot(snap_compare, config, db, make_referral):
    """e on the queue: the form filled in with what is saved, the buttons on screen."""
    make_referral(**REFERRAL_DETAILS)
    assert shot(snap_compare, config, db, [keys("e")])


def test_referral_edit_form_end_snapshot(snap_compare, config, db, make_referral):
    """The same form scrolled to its last fields (the referrer and the notes)."""
    make_referral(**REFERRAL_DETAILS)
    assert shot(snap_compare, config, db, [keys("e"), keys(*["tab"] * 13)])


def test_referral_edit_form_errors_snapshot(snap_compare, config, db, make_referral):
    """A bad postcode: the message under the field, what was typed kept."""
    make_referral()
    tabs = ["tab"] * 5  # name -> the postcode
    assert shot(snap_compare, config, db, [keys("e"), keys(*tabs), keys(*"CT1"), keys("ctrl+s")])


def test_referral_edit_form_decided_snapshot(snap_compare, config, db, board: Board):
    """e on the board: an accepted referral, its area and urgency fixed."""

    async def to_board(pilot: Pilot[Any]) -> None:
        await open_board(pilot)
        await select_client(pilot, board.alex)

    assert shot(snap_compare, config, db, [to_board, keys("e")])


# -- issue 11: triage decisions -----------------------------------------------------------------


def test_accept_dialog_snapshot(snap_compare, config, db, one_referral):
    """Step 1 of accepting: the referral, the week's places, nothing waiting: enter accepts."""
    assert shot(snap_compare, config, db, [keys("a")])


def test_accept_dialog_waiting_earlier_snapshot(snap_compare, config, db, make_referral):
    """A later referral while an earlier eligible one waits: warned, a reason is needed."""
    make_referral(name="First Arrival (test)", received_at="23/11/2026 08:00")
    make_referral(name="Later Arrival (test)", received_at="23/11/2026 09:00")
    assert shot(snap_compare, config, db, [keys("down"), keys("a")])


def test_booking_first_meeting_snapshot(snap_compare, config, db, repo: Repository, one_referral):
    """Step 3, gone on from the "needs first meeting" row: the respond-by time shown."""
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    client = repo.accept(one_referral)
    repo.set_core_team(client, [duty.id, peer.id], duty.id, "Chosen on acceptance (test)")
    assert shot(snap_compare, config, db, [keys("enter")])


def test_reverse_decision_snapshot(snap_compare, config, db, repo: Repository, one_referral):
    """u on an accepted referral's row: what reversing does, and the reason."""
    repo.accept(one_referral)
    assert shot(snap_compare, config, db, [keys("u")])


def test_reverse_accept_on_board_snapshot(snap_compare, config, db, board: Board):
    """u on the board: reversing the selected client's acceptance."""
    assert shot(snap_compare, config, db, [*on_board(board.blake), keys("u")])


# -- cover (issue 11): the absence worklist part-way through, and the cover picker ----------------


def _peer_away(board: Board) -> Step:
    async def fill(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input, Select

        board.repo.book(board.alex, _thu_11(), 60, [board.duty, board.peer], "base")
        form = pilot.app.screen
        form.query_one("#field-staff", Select).value = str(board.peer)
        form.query_one("#field-starts_on", Input).value = "tue"
        form.query_one("#field-ends_on", Input).value = "27/11"
        form.query_one("#field-kind", Select).value = "sickness"
        await settle(pilot)

    return fill


def _thu_11() -> Any:
    import pendulum

    return pendulum.datetime(2026, 11, 26, 11, tz="Europe/London")


def test_cover_picker_snapshot(snap_compare, config, db, board: Board):
    steps = [*on_board(), keys("a"), _peer_away(board), keys("ctrl+s"), keys("v")]
    assert shot(snap_compare, config, db, steps)


# -- issue 12 (network): the network member's edit form and the removal confirmation, opened
# from the client record's network section (enter on the board, then e or x) ----------------------


def _network_on_record(board: Board, key: str) -> list[Step]:
    board.repo.add_network_member(
        board.alex_referral, "Sam Sibling (test)", "brother", "01632 960555", consent="yes"
    )
    return [*on_board(board.alex), keys("enter"), keys(key)]


def test_network_edit_form_snapshot(snap_compare, config, db, board: Board):
    """Filled with what is saved; the consent as a choice of three, and when and by whom it
    was recorded in the intro."""
    assert shot(snap_compare, config, db, _network_on_record(board, "e"))


def test_network_remove_snapshot(snap_compare, config, db, board: Board):
    assert shot(snap_compare, config, db, _network_on_record(board, "x"))


# -- the meeting record (issue 12, meeting): the flow's steps, an outcome change, a note -------


def _note(text: str) -> Step:
    async def write(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#field-note").focus()
        await pilot.press(*text)
        await settle(pilot)

    return write


def _day_behind_shows(key: str, status: str) -> Step:
    """Until the day view behind the dialogs has read the meeting's new status: it learns
    of the save from the app's change feed, a thread of its own that ``settle`` does not
    wait for."""

    async def wait(pilot: Pilot[Any]) -> None:
        day = pilot.app.screen_stack[0]
        for _ in range(200):
            item = day.items.get(key)  # type: ignore[attr-defined]
            if getattr(item, "status", None) == status:
                break
            await pilot.pause(0.05)
        await settle(pilot)

    return wait


def test_next_meeting_dialog_snapshot(snap_compare, config, db, team: Team):
    """After who came and the note: "When would you like to meet again?", prefilled; the
    day view behind shows who came."""
    key = f"m{team.earlier}"
    steps = [*on_day(key), keys("a"), _note("Agreed: weekly"), keys("ctrl+s")]
    assert shot(snap_compare, config, db, [*steps, _day_behind_shows(key, "happened")])


def test_outcome_change_dialog_snapshot(snap_compare, config, db, team: Team):
    """d on a meeting recorded as happened: the old and new outcome, why, the follow-up."""
    team.repo.record_meeting(team.earlier, [team.duty], [], "Met (test)")
    assert shot(snap_compare, config, db, [*on_day(f"m{team.earlier}"), keys("d")])


def _record_meetings(team: Team, meeting_id: int) -> Step:
    async def show(pilot: Pilot[Any]) -> None:
        from screens.record import open_record

        await open_record(pilot.app, team.client)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = pilot.app.screen.main_table()  # type: ignore[attr-defined]
        table.move_cursor(row=table.get_row_index(f"meetings:{meeting_id}"))
        await settle(pilot)

    return show


def test_meeting_note_dialog_snapshot(snap_compare, config, db, team: Team):
    """a in the record's meetings: the note so far (time, author), the new entry."""
    team.repo.record_meeting(team.earlier, [team.duty], [], "Talked about [b]sleep[/b] (test)")
    assert shot(snap_compare, config, db, [_record_meetings(team, team.earlier), keys("a")])


# -- issue 12 (safety): the crisis plan and risk summary forms ------------------------------------


def _push_form(make: Callable[[], Any]) -> Step:
    async def push(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(make())
        await settle(pilot)

    return push


def test_crisis_plan_form_new_snapshot(snap_compare, config, db, board: Board):
    """A new plan: the settings' out-of-hours contact and a review 6 weeks ahead offered."""
    from screens.crisis_plan_form import CrisisPlanForm

    form = _push_form(lambda: CrisisPlanForm(board.alex, "Alex Example (test)", None))
    assert shot(snap_compare, config, db, [form])


def test_crisis_plan_form_edit_snapshot(snap_compare, config, db, board: Board):
    """An existing plan (markup typed in it shown literally), scrolled to its review date."""
    import datetime as dt

    from screens.crisis_plan_form import CrisisPlanForm

    parts = {
        "early_signs": "Sleeping less; stops answering the phone (test)",
        "what_helps": "A walk with [bold]her sister[/bold] (test)",
        "what_to_avoid": "Raised voices (test)",
        "contact_in_hours": "Key worker via the team base (test)",
        "contact_out_of_hours": "CRHT duty line (example): 01632 960999",
    }
    plan = board.repo.save_crisis_plan(
        board.alex, parts, dt.date(2026, 12, 14), expected_version=None
    )
    form = _push_form(lambda: CrisisPlanForm(board.alex, "Alex Example (test)", plan))
    assert shot(snap_compare, config, db, [form, keys("tab", "tab", "tab", "tab", "tab")])


def test_risk_form_snapshot(snap_compare, config, db, board: Board):
    from screens.risk_form import RiskForm

    form = _push_form(lambda: RiskForm(board.alex, "Alex Example (test)", None))
    assert shot(snap_compare, config, db, [form])


# -- issue 14 (fft): the Friends and Family Test, from the record and offered at discharge -----


def test_fft_dialog_snapshot(snap_compare, config, db, board: Board):
    """From the client record (f): "Good" chosen by its digit, the cursor in Why?."""
    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("enter", "f", "2")])


def test_fft_dialog_at_discharge_snapshot(snap_compare, config, db, board: Board):
    """Offered next after a discharge: nothing chosen, escape skips it."""

    async def discharge(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input

        pilot.app.screen.query_one("#field-reason", Input).value = "Back to the GP (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert shot(snap_compare, config, db, [*on_board(board.alex), keys("d"), discharge])


# -- issue 14 (screen): the team report's from-to dialog, with a bad date kept as typed ----------


def test_report_period_dialog_snapshot(snap_compare, config, db, one_referral: int):
    async def bad_dates(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input

        dialog = pilot.app.screen
        dialog.query_one("#field-start", Input).value = "31/02/2026"
        dialog.query_one("#field-end", Input).value = "01/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert shot(snap_compare, config, db, [keys("6"), keys("f"), bad_dates])
