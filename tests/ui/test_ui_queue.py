"""Pilot tests of the referral queue: what it shows and how it follows the cursor."""

from __future__ import annotations

from duty_desk.repository import Repository
from screens import render
from screens.queue import QueueRead
from tests.conftest import referral_input

from .test_ui_support import (
    cell_text,
    cursor_id,
    detail_text,
    move_cursor_to,
    queue_screen,
    row_names,
    screen_text,
    settle,
    table_of,
)


async def test_queue_lists_open_referrals_by_deadline(open_app, repo: Repository, frozen_now):
    late = repo.add_referral(
        referral_input(name="Later Deadline (test)", urgency="C", received_at="23/11/2026 09:30")
    )
    soon = repo.add_referral(
        referral_input(name="Very High Risk (test)", urgency="B", received_at="23/11/2026 08:00")
    )
    async with open_app() as (app, pilot):
        assert row_names(app) == ["Very High Risk (test)", "Later Deadline (test)"]
        assert cell_text(app, soon, "clock") == "DUE 2h00"
        assert cell_text(app, late, "clock") == "23h30 left"
        assert cell_text(app, soon, "received") == "Mon 08:00"
        assert cell_text(app, soon, "source") == "SPoA"
        assert cursor_id(app) == soon
        detail = detail_text(app)
        assert "NHS 999 000 0018" in detail
        assert "Due soon: respond by Mon 23 Nov 12:00 (2h00 left)" in detail
        assert "counts against Canterbury, w/c 23 Nov: 5 of 5 places left" in detail
        intake = str(queue_screen(app).query_one("IntakeBar").render())
        assert "Canterbury 5/5 left" in intake and "w/c 23 Nov" in intake
        await move_cursor_to(pilot, late)
        assert "Later Deadline (test)" in detail_text(app)


async def test_clocks_count_down_without_a_reload(open_app, repo: Repository, frozen_now):
    from duty_desk import timeutil

    referral_id = repo.add_referral(referral_input(urgency="B", received_at="23/11/2026 08:00"))
    async with open_app() as (app, pilot):
        assert cell_text(app, referral_id, "clock") == "DUE 2h00"
        screen = queue_screen(app)
        loads = len([w for w in app.workers if w.group == "queue-load"])
        timeutil.set_now(frozen_now.add(hours=3))
        screen._tick_clocks()  # what the 30-second timer runs
        await pilot.pause()
        assert cell_text(app, referral_id, "clock") == "OVER 1h00"
        assert len([w for w in app.workers if w.group == "queue-load"]) == loads


async def test_wider_terminal_gives_names_more_room(open_app, repo: Repository, frozen_now):
    long_name = "Bartholomew Fitzwilliam-Longname (test)"
    repo.add_referral(referral_input(name=long_name))
    async with open_app(size=(120, 30)) as (app, pilot):
        assert long_name in screen_text(app)
    async with open_app() as (app, pilot):
        text = screen_text(app)
        assert long_name not in text.split("Details")[0]
        assert all(len(line) <= 80 for line in text.splitlines())
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert long_name in screen_text(app).split("Details")[0]


async def test_q_quits(open_app, repo: Repository):
    async with open_app() as (app, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert app._exit  # the app has been asked to exit (private: Textual has no public flag)


async def test_enter_goes_into_the_details_and_escape_comes_back(open_app, repo, frozen_now):
    repo.add_referral(referral_input())
    async with open_app() as (app, pilot):
        screen = queue_screen(app)
        await pilot.press("enter")
        assert screen.focused is screen.query_one("#detail")
        await pilot.press("escape")
        assert screen.focused is screen.query_one("#queue")


async def test_a_read_older_than_our_own_write_does_not_bring_a_row_back(
    open_app, repo, frozen_now
):
    accepted = repo.add_referral(referral_input(name="Accepted Here (test)"))
    repo.add_referral(referral_input(name="Still Open (test)", received_at="23/11/2026 09:30"))
    async with open_app() as (app, pilot):
        screen = queue_screen(app)
        stale_rows = tuple(screen.rows.values())  # as a read begun before the accept saw it
        stale_cells = tuple(
            {
                key: table_cell
                for key, table_cell in zip(
                    (k for k, _ in render.COLUMNS), table_of(app).get_row(str(r.id)), strict=True
                )
            }
            for r in stale_rows
        )
        writes_before = screen._writes
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the confirmation accepts
        await settle(pilot)
        await pilot.press("escape")  # the core team later: a "needs core team" row on top
        await settle(pilot)
        after = ["NEEDS TEAM Accepted Here (test)", "Still Open (test)"]
        assert row_names(app) == after
        stale = QueueRead(
            (),
            tuple(
                (str(r.id), r, tuple(c.values()))
                for r, c in zip(stale_rows, stale_cells, strict=True)
            ),
        )
        screen.post_message(screen.Loaded("", writes_before, None, stale))
        await settle(pilot)
        assert row_names(app) == after
        assert repo.referral(accepted).status == "accepted"


async def test_the_first_paint_has_the_top_rows_details_and_the_first_meetings_line(
    open_app, repo: Repository, frozen_now, monkeypatch
):
    """The first read brings what the first paint needs: the details of the row shown
    first (here an accepted client left part-way, on top of the open referrals) and the
    first-meetings line. Both are there as the rows are put on screen, not read after
    them and painted frames later."""
    from screens.queue import QueueScreen

    accepted = repo.add_referral(referral_input(name="Accepted Here (test)"))
    repo.accept(accepted)  # no core team yet: a "needs core team" row on top
    repo.add_referral(referral_input(name="Still Open (test)", received_at="23/11/2026 09:30"))
    shown: list[tuple[list[str], str, str]] = []
    show = QueueScreen.show

    def observed(screen: QueueScreen, result: QueueRead) -> None:
        show(screen, result)
        line = str(screen.query_one("#first-meetings").render())
        shown.append((row_names(screen.duty_app), detail_text(screen.duty_app), line))

    monkeypatch.setattr(QueueScreen, "show", observed)
    async with open_app():
        names, detail, line = shown[0]
        assert names == ["NEEDS TEAM Accepted Here (test)", "Still Open (test)"]
        assert detail.startswith("NEEDS CORE TEAM: accepted")
        assert "Accepted Here (test)" in detail
        assert line.strip().startswith("First meetings, last 7 days:")
