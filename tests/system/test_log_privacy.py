"""No personal data in logs, stderr or crash output: a full session through all three
screens (triage, a form with bad input, accepting, the board, booking with bad input,
the day view, privacy mode) in a real process with Textual's log file switched on
(``TEXTUAL_LOG``) and every Python logger at DEBUG; then every byte written is searched
for the client's and network member's details."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from duty_desk import views

ROOT = Path(__file__).resolve().parents[2]
PERSONAL = [
    "Zanzibar",
    "Quokka",
    "Ophelia",
    "Umbrella",
    "Yolanda",
    "Xerxes",
    "9434765919",
    "943 476 5919",
    "01632 960777",
    "960777",
    "960888",
    "1977",
]

SESSION = """
import asyncio, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
import pendulum
from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from screens.app import create_app
from tests.conftest import referral_input
from tests.ui.test_ui_support import settle

cfg = Config()
with timeutil.frozen(pendulum.datetime(2026, 11, 23, 10, tz="Europe/London")):
    db = open_database(cfg, sys.argv[1], create=True)
    repo = Repository(db, cfg, actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_staff("peer1", "Peer One (test)", "peer_support")
    referral = repo.add_referral(referral_input(
        name="Zanzibar Quokka (test)", nhs_number="9434765919", date_of_birth="07/07/1977",
        phone="01632 960777", notes="Lives with Ophelia Umbrella (test)"))
    repo.add_network_member(referral, "Ophelia Umbrella (test)", "sister", "01632 960888")
    app = create_app(cfg, db, actor="duty1")

    async def session():
        async with app.run_test(size=(80, 24)) as pilot:
            steps = [("c",), ("h",), ("escape",), ("n",), tuple("Yolanda Xerxes") + ("ctrl+s",),
                     ("escape",), ("a",), ("escape",), ("2",), ("b",), tuple("banana") + ("enter",),
                     ("escape",), ("3",), ("p",), ("1",), ("p",), ("ctrl+p",), tuple("Quokka"),
                     ("escape",)]
            for keys in steps:
                await settle(pilot)
                await pilot.press(*keys)
            await settle(pilot)
            print("session done", flush=True)

    asyncio.run(session())
"""


def test_a_full_session_leaves_no_personal_data_in_logs(tmp_path: Path) -> None:
    log = tmp_path / "textual.log"
    env = dict(os.environ, TEXTUAL_LOG=str(log), PYTHONPATH=str(ROOT))
    env.pop("DUTY_DESK_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", SESSION, str(tmp_path / "duty.db")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "session done" in proc.stdout
    written = {
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "log": log.read_text(encoding="utf-8") if log.exists() else "",
    }
    assert "DEBUG:" in proc.stderr, "the loggers were on"
    for where, text in written.items():
        for value in PERSONAL:
            assert value not in text, f"{value!r} in {where}"


def test_views_leave_personal_details_out_of_their_repr() -> None:
    referral = views.ReferralView(
        id=1,
        name="Zanzibar Quokka (test)",
        date_of_birth=dt.date(1977, 7, 7),
        nhs_number="9434765919",
        phone="01632 960777",
        area="canterbury",
        gp_practice="x",
        source="gp",
        urgency="C",
        reason="Ophelia Umbrella said",
        notes="Yolanda Xerxes",
        received_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        respond_by=dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
        status="new",
        triage_by=None,
        triage_by_name=None,
        triage_since=None,
        onward=None,
        decision_reason="Quokka",
        eligibility_override=None,
        decided_by=None,
        decided_at=None,
        version=1,
        network=(views.NetworkMemberView(2, "Ophelia Umbrella (test)", "sister", "01632 960888"),),
    )
    shown = repr(referral)
    assert "id=1" in shown and "status='new'" in shown
    for value in PERSONAL:
        assert value not in shown
