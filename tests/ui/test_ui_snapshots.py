"""Snapshot tests of the queue at 80x24 (pytest-textual-snapshot), deterministic.

The clock is fixed at Monday 23 November 2026 10:00 (London), the data is
fixed, animations are off (conftest) and the cursor does not blink when
headless. Regenerate with ``pytest tests/ui/test_ui_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input

from tests.conftest import referral_input

from .test_ui_support import make_app, settle


@pytest.fixture
def queue_data(db_path, repo, repo_as, frozen_now):
    """A realistic morning: overdue, due soon, out of hours, plenty; claims; one place taken."""
    repo.add_staff("duty2", "Duty Worker Two (test)", "peer_support")
    add = repo.add_referral
    taken = add(referral_input(name="Already Accepted (test)", received_at="23/11/2026 08:15"))
    repo.accept(taken)
    add(referral_input(name="Overdue Person (test)", received_at="22/11/2026 08:00"))
    due = add(
        referral_input(
            name="Due Soon Person (test)",
            urgency="B",
            received_at="23/11/2026 09:00",
            area="whitstable",
            gp_practice="Harbour Street Surgery (example)",
            source="eip-new",
        )
    )
    add(
        referral_input(
            name="Out Of Hours Person (test)",
            received_at="23/11/2026 07:00",
            source="gp",
            date_of_birth="01/01/1950",
        )
    )
    mine = add(referral_input(name="Plenty Of Time (test)", received_at="23/11/2026 09:30"))
    odd = add(referral_input(name="placeholder", received_at="23/11/2026 09:40", urgency="D"))
    repo_as("duty2").claim(due)
    repo.claim(mine)
    repo.add_network_member(taken, "Not Shown (test)")
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute(
            "UPDATE referral SET name = ? WHERE id = ?", ("[bold]Robin[/bold] \x1b[31m (test)", odd)
        )
    raw.close()


def test_queue_snapshot(snap_compare, config, db, queue_data):
    async def loaded(pilot):
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=loaded)


def test_queue_view_only_snapshot(snap_compare, config, db, queue_data):
    async def loaded(pilot):
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(
        make_app(config, db, actor="visitor"), terminal_size=(80, 24), run_before=loaded
    )


def test_add_form_errors_snapshot(snap_compare, config, db, queue_data):
    async def bad_input(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-name", Input).value = "[b]Typed[/b] Name (test)"
        form.query_one("#field-date_of_birth", Input).value = "31/02/1990"
        form.query_one("#field-nhs_number", Input).value = "999 000 0019"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=bad_input)


# -- the day view and booking (fixture: tests/ui/test_ui_day_support.py) ----------------------------

from . import test_ui_day_support as day_support  # noqa: E402

team = day_support.team  # the fixture


def test_day_snapshot(snap_compare, config, db, team):
    """Unbooked first meeting with [markup] in the name, meetings, the bar and free gaps."""
    team.repo.book(team.unbooked, day_support.local(23, 14), 45, [team.other], "video")
    team.repo.cancel_meeting(team.earlier, "client", "Unwell [test]")
    team.repo.accept(
        team.repo.add_referral(
            referral_input(name="Not Yet Booked (test)", received_at="23/11/2026 08:00")
        )
    )

    async def opened(pilot):
        await day_support.open_day(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)


def test_booking_warning_snapshot(snap_compare, config, db, team):
    """The booking dialog at 80x24: the time in words, a warning, the reason line."""

    async def warned(pilot):
        await day_support.open_day(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"tue", "space", *"19:30", "enter")
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=warned)


# -- the continuity board: 150 open episodes and 40 staff at 80x24 -----------------------------

BOARD_FIRST = ("Ash", "Robin", "Jules", "Kit", "Nia", "Priya", "Callum", "Bea", "Olu", "Remi")
BOARD_LAST = ("Sample", "Example", "Specimen", "Testcase", "Mockford")


def _big_board(tmp_path, frozen_now):
    """150 open episodes (core teams, key workers, some meetings held) and 40 staff."""
    from duty_desk import timeutil
    from duty_desk.config import AreaSettings, Config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    from . import test_ui_board_support as board_support

    base = Config()
    areas = {
        key: AreaSettings(name=area.name, weekly_cap=1000, gp_practices=area.gp_practices)
        for key, area in base.areas.items()
    }
    config = base.model_copy(update={"areas": areas})
    db = open_database(config, str(tmp_path / "board.db"), create=True)
    repo = Repository(db, config, actor="duty1")
    repo.add_staff("duty1", "Duty Worker One (test)", "team_lead", bootstrap=True)
    staff = [repo.acting_staff()]
    for index in range(39):
        role = "peer_support" if index % 4 == 0 else "clinician"
        name = f"{BOARD_FIRST[index % 10]} {BOARD_LAST[index // 10 % 5]} (test)"
        staff.append(repo.add_staff(f"staff{index:02d}", name, role))
    peers = [s for s in staff if s.is_peer_support]
    others = [s for s in staff if not s.is_peer_support]
    clients = []
    for index in range(150):
        name = f"{BOARD_FIRST[index % 10]} {BOARD_LAST[index // 10 % 5]} {index:03d} (test)"
        day = 1 if index < 20 else 1 + index % 20
        referral = repo.add_referral(
            referral_input(name=name, received_at=f"{day:02d}/11/2026 09:00", nhs_number="")
        )
        with timeutil.frozen(board_support.local(day, 10) if day < 23 else frozen_now):
            client = repo.accept(referral, override_reason="test data (test)")
            clients.append(client)
            if index % 17 == 5:
                continue  # no core team yet: a problem
            team = [others[index % len(others)].id, others[(index + 7) % len(others)].id]
            if index % 5:
                team.append(peers[index % len(peers)].id)
            repo.set_core_team(client, team, team[0], "test data (test)")
        if index < 20:  # two meetings held, at times nobody else has
            for week in (2, 16):
                at = board_support.local(week + index // 5, 9 + 2 * (index % 5))
                meeting = repo.book(
                    client, at, 60, team, "base", override_reason="set up in the past (test)"
                )
                came = team if index % 3 else team[1:]
                repo.record_happened(meeting, came)
    repo.record_absence(others[1].id, frozen_now.date(), frozen_now.date().replace(day=27), "leave")
    raw = sqlite3.connect(tmp_path / "board.db")
    with raw:  # what the form refuses, as if an old import had let it in: shown literally
        raw.execute("UPDATE referral SET name = ? WHERE id = 6", ("[bold]Robin[/bold] \x1b[31m",))
    raw.close()
    return config, db


def test_board_snapshot_150_episodes(snap_compare, tmp_path, frozen_now):
    config, db = _big_board(tmp_path, frozen_now)

    async def opened(pilot):
        from . import test_ui_board_support as board_support

        await board_support.open_board(pilot)

    try:
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)
    finally:
        db.dispose()


def test_board_staff_snapshot_40_staff(snap_compare, tmp_path, frozen_now):
    config, db = _big_board(tmp_path, frozen_now)

    async def opened(pilot):
        from . import test_ui_board_support as board_support

        await board_support.open_board(pilot)
        await pilot.press("w")
        await settle(pilot)

    try:
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)
    finally:
        db.dispose()


# -- 60x20: every screen keeps its status column and footer keys; the unsaved-changes question --

NARROW = (60, 20)


def test_queue_snapshot_60x20(snap_compare, config, db, queue_data):
    """Received, area, source and age give way; the clock, name, urgency and status stay."""

    async def loaded(pilot):
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=NARROW, run_before=loaded)


def test_board_snapshot_60x20(snap_compare, config, db, team):
    """The problem column "!" stays; the footer takes two lines."""

    async def opened(pilot):
        from . import test_ui_board_support as board_support

        await board_support.open_board(pilot)

    assert snap_compare(make_app(config, db), terminal_size=NARROW, run_before=opened)


def test_day_snapshot_60x20(snap_compare, config, db, team):
    async def opened(pilot):
        await day_support.open_day(pilot)

    assert snap_compare(make_app(config, db), terminal_size=NARROW, run_before=opened)


def test_unsaved_changes_question_snapshot(snap_compare, config, db, queue_data):
    """Escape on a referral form with a name typed: the question before the text is lost."""

    async def asked(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Sam")
        await pilot.press("escape")
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=asked)


# -- issue 12 (safety): the record's crisis and risk section ----------------------------------------


def test_record_crisis_section_snapshot(snap_compare, config, db, board, frozen_now):
    """Alex's plan three days past its review (words, reverse, the header marker), the plan
    in full below, a risk summary due soon."""
    import datetime as dt

    from duty_desk import timeutil

    from .test_ui_board_support import open_board, select_client

    today = dt.date(2026, 11, 23)
    parts = {
        "early_signs": "Stops answering the phone; sleeps in the day (test)",
        "what_helps": "A walk with her sister; music (test)",
        "what_to_avoid": "Raised voices (test)",
        "contact_in_hours": "Key worker through the team base (test)",
        "contact_out_of_hours": "CRHT duty line (example): 01632 960999",
    }
    board.repo.save_crisis_plan(board.alex, parts, today, expected_version=None)
    board.repo.save_risk_summary(
        board.alex, "Low risk to others (test)", today + dt.timedelta(days=7), expected_version=None
    )

    async def opened(pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    with timeutil.frozen(frozen_now.add(days=3)):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)


# -- issue 14 (screen): the team report (key 6) --------------------------------------------------


def test_team_report_snapshot(snap_compare, config, db, queue_data):
    """The team report at 80x24 on the queue's data: this month, all areas, each part under
    its heading ("no data yet" where a part is not built), the definition pane."""

    async def opened(pilot):
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)


# -- issue 13: DIALOG (the rating screen and the record's section d) ------------------------------

_LIFE_AND_TREATMENT = (
    "mental_health",
    "physical_health",
    "job",
    "accommodation",
    "leisure",
    "partner_family",
    "friendships",
    "personal_safety",
    "medication",
    "practical_help",
    "meetings",
)


def _dialog_answers(values, help_on=()):
    return {
        key: (value, key in help_on) for key, value in zip(_LIFE_AND_TREATMENT, values, strict=True)
    }


def test_dialog_rating_screen_snapshot(snap_compare, config, db, board, frozen_now):
    """The rating screen three items in: the answers given, "last time" beside each item,
    help wanted on the job situation, the scores so far."""
    import datetime as dt

    from duty_desk import timeutil

    from .test_ui_board_support import open_board, select_client

    with timeutil.frozen(frozen_now.add(days=3)):
        board.repo.save_dialog_rating(
            board.alex,
            _dialog_answers([3, 4, 2, 5, 4, 6, None, 5, 4, 3, 5], ("job",)),
            rated_on=dt.date(2026, 11, 23),
        )

    async def opened(pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("r")  # no open actions: straight to the rating
        await settle(pilot)
        await pilot.press("4", "4", "3", "h")  # h: help with the item just rated
        await settle(pilot)

    with timeutil.frozen(frozen_now.add(days=3)):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)


def test_record_dialog_section_snapshot(snap_compare, config, db, board, frozen_now):
    """The record's DIALOG section with two ratings, an item chosen and an open action:
    the scores over time, each rating with its change, the action; the chart below."""
    import datetime as dt

    from duty_desk import timeutil

    from .test_ui_board_support import open_board, select_client

    repo = board.repo
    with timeutil.frozen(frozen_now.add(days=3)):
        repo.save_dialog_rating(
            board.alex,
            _dialog_answers([3, 4, 2, 5, 4, 6, None, 5, 4, 3, 5], ("job",)),
            rated_on=dt.date(2026, 11, 23),
        )
        latest = repo.save_dialog_rating(
            board.alex, _dialog_answers([4, 4, 3, 5, 5, 6, 4, 5, 4, 4, 5], ("job",))
        )
        [topic] = repo.choose_dialog_items(latest, ["job"])
        repo.add_dialog_action(
            topic, "Ring the job centre [b]today[/b] (test)", owner="person",
            due_on=dt.date(2026, 12, 3),
        )  # fmt: skip

    async def opened(pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    with timeutil.frozen(frozen_now.add(days=3)):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)
