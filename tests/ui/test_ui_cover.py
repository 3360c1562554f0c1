"""The cover part of issue 11 through the real app: the absence worklist (keep, move,
cover), part-day absences in the form, the day view's flag on meetings whose staff are
away, and the board's order (every break, most urgent first) opening at the top."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select, Static

from screens.absence_form import AbsenceForm
from screens.absence_impact import AbsenceImpact
from screens.cover_picker import CoverPicker
from tests.conftest import referral_input
from tests.ui.test_ui_board_support import (
    Board,
    board_screen,
    clients,
    local,
    open_board,
    table,
)
from tests.ui.test_ui_support import settle


@pytest.fixture
def unseen(board: Board) -> int:
    """Zed: a full core team and key worker, last seen 44 days ago (a not-seen break only)."""
    repo = board.repo
    referral = repo.add_referral(
        referral_input(name="Zed Example (test)", received_at="01/10/2026 09:00", nhs_number="")
    )
    zed = repo.accept(referral, override_reason="set up in the past (test)")
    repo.set_core_team(zed, [board.duty, board.peer], board.duty, "Team (test)")
    held = repo.book(
        zed,
        local(10, 11).subtract(months=1),
        60,
        [board.duty, board.peer],
        "base",
        override_reason="set up in the past (test)",
    )
    repo.record_happened(held, [board.duty, board.peer])
    return zed


async def test_board_puts_every_break_first_and_opens_at_the_top(open_app, board, unseen):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        # Blake has no key worker (most urgent), Zed is not seen for 44 days (a break the
        # old order left unmarked, last by name), Alex has nothing wrong.
        assert clients(app) == ["Blake Sample (test)", "Zed Example (test)", "Alex Example (test)"]
        from tests.ui.test_ui_board_support import cell

        assert cell(app, unseen, "flag") == "!1"
        grid = table(app)
        assert grid.cursor_row == 0 and grid.current_key == str(board.blake)
        assert grid.scroll_y == 0
        assert board_screen(app).view == "episodes"


# -- the absence worklist ------------------------------------------------------------------------


@pytest.fixture
def three_meetings(board: Board) -> list[int]:
    """Alex's meetings on Wed 25 (the board's), Thu 26 and Fri 27 November, 11:00, with
    duty1 and peer1."""
    more = [
        board.repo.book(board.alex, local(day, 11), 60, [board.duty, board.peer], "base")
        for day in (26, 27)
    ]
    return [board.booked, *more]


async def record_peer_away(pilot: Any, board: Board, **times: str) -> None:
    """``a`` on the board, peer1 away Tuesday to Friday (and any times), saved."""
    app = pilot.app
    await pilot.press("a")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, AbsenceForm)
    form.query_one("#field-staff", Select).value = str(board.peer)
    form.query_one("#field-starts_on", Input).value = times.get("starts_on", "tue")
    form.query_one("#field-ends_on", Input).value = times.get("ends_on", "27/11")
    for name in ("starts_time", "ends_time"):
        if name in times:
            form.query_one(f"#field-{name}", Input).value = times[name]
    await pilot.press("ctrl+s")
    await settle(pilot)


def rows(impact: AbsenceImpact) -> list[str]:
    listing = impact.query_one("#impact-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def summary(impact: AbsenceImpact) -> str:
    return str(impact.query_one("#impact-body", Static).render())


async def test_the_worklist_keeps_moves_and_covers(open_app, board, three_meetings):
    wed, thu, fri = three_meetings
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await record_peer_away(pilot, board)
        impact = app.screen
        assert isinstance(impact, AbsenceImpact)
        assert "3 booked meetings in the absence: 3 still to decide" in summary(impact)
        assert all(row.startswith("TO DO") for row in rows(impact))
        assert "not decided: k keep, m move, v cover" in rows(impact)[0]
        shown = {
            active.binding.description
            for active in impact.active_bindings.values()
            if active.binding.show
        }
        assert {"Keep", "Move", "Cover", "Cover/next", "Close"} <= shown

        # Wednesday: cover. v opens the picker, the suggested person first; enter picks.
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CoverPicker)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is impact
        assert rows(impact)[0].startswith("COVER")
        assert "cover: CT Clinician Two (test) (by duty1)" in rows(impact)[0]
        meeting = board.repo.meeting(wed)
        assert [(a.id, a.cover) for a in meeting.staff if a.cover] == [(board.other, True)]
        # The cursor went on to the next row to do: Thursday. Keep it.
        await pilot.press("k")
        await settle(pilot)
        assert rows(impact)[1].startswith("KEPT")
        assert "kept as booked, no cover (by duty1)" in rows(impact)[1]
        # Friday: move it with the booking dialog, out of the absence.
        await pilot.press("m")
        await settle(pilot)
        from screens.booking import BookingDialog

        assert isinstance(app.screen, BookingDialog)
        await pilot.press(*"30/11 11:00", "enter", "enter")
        await settle(pilot)
        assert app.screen is impact
        assert rows(impact)[2].startswith("MOVED")
        assert "moved to Mon 30 Nov 11:00 (by duty1)" in rows(impact)[2]
        assert "all decided" in summary(impact)
        decided = board.repo.absence_decisions(board.repo.absences()[0].id)
        assert {m: d.decision for m, d in decided.items()} == {
            wed: "cover",
            thu: "keep",
            fri: "move",
        }
        # Nothing is left to do: enter closes.
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is board_screen(app)


async def test_enter_on_a_row_to_do_arranges_cover_and_escape_leaves_it_marked(
    open_app, board, three_meetings
):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await record_peer_away(pilot, board)
        impact = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CoverPicker)
        await pilot.press("escape")  # nobody chosen: nothing changes
        await settle(pilot)
        assert app.screen is impact
        assert rows(impact)[0].startswith("TO DO")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board_screen(app)
    assert board.repo.absence_decisions(board.repo.absences()[0].id) == {}


async def test_the_cover_picker_will_not_offer_someone_away(open_app, board):
    board.repo.record_absence(board.other, dt.date(2026, 11, 25), dt.date(2026, 11, 25), "leave")
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await record_peer_away(pilot, board)
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        listing = picker.query_one("#cover-list", OptionList)
        options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
        away = next(o for o in options if "Clinician Two" in str(o.prompt))
        assert away.disabled and "AWAY (leave): cannot cover" in str(away.prompt)
        here = next(o for o in options if "Duty Worker One" in str(o.prompt))
        assert here.disabled and "already at this meeting" in str(here.prompt)
        assert options.index(away) > 0 and options[-1].disabled


# -- part-day absences in the form -----------------------------------------------------------


async def test_a_part_day_absence_touches_only_its_hours(open_app, board, three_meetings):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        # Away on Wednesday from 12:00: the 11:00-12:00 meeting ends as they go.
        await record_peer_away(pilot, board, starts_on="wed", ends_on="thu", starts_time="12:00")
        impact = app.screen
        assert isinstance(impact, AbsenceImpact)
        assert "from 12:00 on 25/11" in summary(impact)
        assert [r.split("\n")[0] for r in rows(impact)] == [
            "TO DO Thu 26 Nov 11:00  Alex Example (test)"
        ]
    absence = board.repo.absences()[0]
    assert absence.starts_time == dt.time(12, 0) and absence.ends_time is None


@pytest.mark.parametrize(
    ("times", "field", "told"),
    [
        ({"starts_time": "25:00"}, "starts_time", "outside the day"),
        ({"ends_time": "noon"}, "ends_time", "is not a time of day"),
        (
            {"starts_on": "wed", "ends_on": "wed", "starts_time": "14:00", "ends_time": "09:00"},
            "ends_time",
            "the absence ends (09:00) before it starts (14:00)",
        ),
    ],
)
async def test_the_absence_form_names_bad_times(open_app, board, times, field, told):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await record_peer_away(pilot, board, **times)
        form = app.screen
        assert isinstance(form, AbsenceForm)
        assert told in str(form.query_one(f"#error-{field}", Static).render())
        assert form.query_one(f"#field-{field}", Input).value == times[field]
    assert board.repo.absences() == []


# -- the day view's flag ---------------------------------------------------------------------


async def test_the_day_view_flags_staff_away_and_says_whether_cover_is_arranged(
    open_app, board, three_meetings
):
    wed, thu, _fri = three_meetings
    repo = board.repo
    absence = repo.record_absence(board.peer, dt.date(2026, 11, 24), dt.date(2026, 11, 27), "leave")
    repo.assign_cover(absence, thu, board.other)
    from tests.ui.test_ui_day_support import day_table, open_day

    async with open_app(settled=False) as (app, pilot):
        day = await open_day(pilot)
        for typed, meeting, status, words in (
            ("25/11", wed, "STAFF AWAY", "NO COVER ARRANGED"),
            ("26/11", thu, "covered", "cover arranged (Clinician Two (test))"),
        ):
            await pilot.press("g")
            await settle(pilot)
            await pilot.press(*typed, "enter")
            await settle(pilot)
            grid = day_table(app)
            assert grid.get_cell(f"m{meeting}", "status").plain.strip() == status
            staff = grid.get_cell(f"m{meeting}", "staff").plain
            assert "!PW" in staff  # the tag of Peer Worker (test), away
            grid.move_cursor(row=grid.get_row_index(f"m{meeting}"))
            await settle(pilot)
            shown = str(day.query_one("#meeting-body", Static).render())
            assert "Peer Worker (test) is away (leave)" in shown and words in shown
        # The cover falls ill too (found by trying it): no longer "covered".
        repo.record_absence(board.other, dt.date(2026, 11, 26), dt.date(2026, 11, 26), "sickness")
        await pilot.press("g")  # read the day again
        await settle(pilot)
        await pilot.press(*"26/11", "enter")
        await settle(pilot)
        grid = day_table(app)
        assert grid.get_cell(f"m{thu}", "status").plain.strip() == "STAFF AWAY"
        grid.move_cursor(row=grid.get_row_index(f"m{thu}"))
        await settle(pilot)
        shown = str(day.query_one("#meeting-body", Static).render())
        assert "Clinician Two (test) is away (sickness): NO COVER ARRANGED" in shown
