"""Safeguarding flags (issue 12, guard) on real SQLite files: raising on a referral and on a
client, carrying over to the client and to a re-referral with the same NHS number, closing
(end date, reason, who, when), the audit rows, stale saves, and the markers read in one
query for every list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import event

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.demo import build_demo
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.privacy import HIDDEN, MaskedRepository
from duty_desk.repository import Repository

TODAY = dt.date(2026, 11, 23)


def accepted(repo: Repository, make_referral: Callable[..., int], **overrides: str) -> int:
    """A client, from a new referral."""
    return repo.accept(make_referral(**overrides))


def test_a_flag_raised_on_a_referral_marks_it_and_its_client(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    flag_id = repo.raise_flag("child", "Two children at home (test)", referral_id=referral)
    assert repo.referral(referral).safeguarding == ("child",)
    assert [r.safeguarding for r in repo.open_referrals()] == [("child",)]
    client = repo.accept(referral)
    assert repo.episode(client).safeguarding == ("child",)
    assert [e.safeguarding for e in repo.board().episodes] == [("child",)]
    flag = repo.flag(flag_id)
    assert (flag.kind, flag.note, flag.raised_by, flag.client_id) == (
        "child",
        "Two children at home (test)",
        "duty1",
        client,
    )
    assert flag.is_open and flag.own
    assert repo.flags(client_id=client) == [flag]
    entry = repo.history("safeguarding_flag", flag_id)[-1]
    assert entry.action == "raise safeguarding flag"
    assert entry.after == {
        "referral_id": referral,
        "kind": "child",
        "note": "Two children at home (test)",
    }


def test_a_flag_raised_on_a_client_marks_the_day_and_the_booking(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    client = accepted(repo, make_referral)
    me = repo.acting_staff()
    assert me is not None
    when = pendulum.datetime(2026, 11, 23, 14, tz="Europe/London")
    meeting = repo.book(client, when, 60, [me.id], "base")
    assert repo.meeting(meeting).safeguarding == ()
    repo.raise_flag("Domestic abuse", "Partner at the meetings (test)", client_id=client)
    assert repo.meeting(meeting).safeguarding == ("domestic",)
    assert [m.safeguarding for m in repo.day(TODAY).meetings] == [("domestic",)]
    assert repo.booking_defaults(client).safeguarding == ("domestic",)
    assert [m.safeguarding for m in repo.meetings_for_client(client)] == [("domestic",)]


def test_a_re_referral_with_the_same_nhs_number_carries_the_flag(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    first = make_referral()
    repo.decline(first, "Not for POD (test)")
    repo.raise_flag("adult", "Known to adult social care (test)", referral_id=first)
    again = make_referral(received_at="23/11/2026 09:30")
    stranger = make_referral(nhs_number="999 000 0026", name="Sam Sample (test)")
    unknown = make_referral(nhs_number="", name="Noor Number (test)")
    marks = {r.id: r.safeguarding for r in repo.open_referrals()}
    assert marks == {again: ("adult",), stranger: (), unknown: ()}
    flags = repo.flags(referral_id=again)
    assert [(f.referral_id, f.own) for f in flags] == [(first, False)]


def test_no_nhs_number_matches_nobody_else(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    one = make_referral(nhs_number="")
    two = make_referral(nhs_number="", received_at="23/11/2026 09:30")
    repo.raise_flag("child", "Concern (test)", referral_id=one)
    assert {r.id: r.safeguarding for r in repo.open_referrals()} == {one: ("child",), two: ()}


def test_closing_a_flag_keeps_it_with_the_end_date_reason_and_who(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = make_referral()
    flag_id = repo.raise_flag("child", "Concern (test)", referral_id=referral)
    with timeutil.frozen(pendulum.datetime(2026, 11, 25, 9, tz="UTC")):
        flag = repo.flag(flag_id)
        repo.close_flag(
            flag_id,
            dt.date(2026, 11, 24),
            "Strategy meeting: no further action (test)",
            expected_version=flag.version,
        )
    closed = repo.flag(flag_id)
    assert not closed.is_open
    assert (closed.ends_on, closed.closed_by, closed.close_reason) == (
        dt.date(2026, 11, 24),
        "duty1",
        "Strategy meeting: no further action (test)",
    )
    assert repo.referral(referral).safeguarding == ()
    assert repo.flags(referral_id=referral) == [closed]
    assert repo.flags(referral_id=referral, open_only=True) == []
    entry = repo.history("safeguarding_flag", flag_id)[-1]
    assert entry.action == "close safeguarding flag"
    assert entry.before == {
        "ends_on": None,
        "closed_at": None,
        "closed_by": None,
        "close_reason": None,
    }
    assert entry.after is not None and entry.after["ends_on"] == "2026-11-24"


def test_a_stale_close_names_who_changed_the_flag(
    repo: Repository,
    repo_as: Callable[[str], Repository],
    make_referral: Callable[..., int],
) -> None:
    repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    other = repo_as("clin2")
    flag_id = repo.raise_flag("child", "Concern (test)", referral_id=make_referral())
    seen = repo.flag(flag_id)
    other.close_flag(flag_id, TODAY, "Closed elsewhere (test)", expected_version=seen.version)
    with pytest.raises(Conflict, match="changed by clin2 at .*close safeguarding flag"):
        repo.close_flag(flag_id, TODAY, "Mine (test)", expected_version=seen.version)
    with pytest.raises(Conflict, match="already closed by clin2"):
        repo.close_flag(flag_id, TODAY, "Mine (test)")
    assert repo.flag(flag_id).close_reason == "Closed elsewhere (test)"


def test_only_staff_raise_and_close(
    repo: Repository, repo_as: Callable[[str], Repository], make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    with pytest.raises(NotPermitted):
        repo_as("visitor").raise_flag("child", "x", referral_id=referral)
    flag_id = repo.raise_flag("child", "x", referral_id=referral)
    with pytest.raises(NotPermitted):
        repo_as("visitor").close_flag(flag_id, TODAY, "x")
    with pytest.raises(NotFound):
        repo.raise_flag("child", "x", referral_id=9999)
    with pytest.raises(NotFound):
        repo.close_flag(9999, TODAY, "x")


def test_the_markers_are_one_query_per_list_load(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    ids = [
        make_referral(nhs_number="", name=f"Person {n} (test)", received_at="23/11/2026 09:00")
        for n in range(12)
    ]
    for referral in ids[:5]:
        repo.raise_flag("child", "x", referral_id=referral)
    repo.accept(ids[0])  # a client with a flag, on the board
    repo.accept(ids[5])  # and one without

    def queries(call: Callable[[], object]) -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        engine = repo.db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return sum("safeguarding_flag" in statement for statement in seen)

    assert queries(repo.open_referrals) == 1
    assert queries(repo.board) == 1
    assert queries(lambda: repo.day(TODAY)) == 1


def test_privacy_mode_hides_the_note_and_keeps_the_marker(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    flag_id = repo.raise_flag("child", "Two children at home (test)", referral_id=referral)
    masked = MaskedRepository(repo)
    assert masked.referral(referral).safeguarding == ("child",)
    flag = masked.flag(flag_id)
    assert (flag.kind, flag.note, flag.name) == ("child", HIDDEN, "A.E.")
    assert "Two children" not in repr(repo.flag(flag_id))


def test_bad_flags_write_nothing(repo: Repository, make_referral: Callable[..., int]) -> None:
    referral = make_referral()
    with pytest.raises(InputErrors) as caught:
        repo.raise_flag("pirates", "", referral_id=referral)
    assert set(caught.value.errors) == {"kind", "note"}
    with pytest.raises(InputErrors):
        repo.raise_flag("child", "x", referral_id=referral, client_id=1)
    assert repo.flags(referral_id=referral) == []
    assert repo.history("safeguarding_flag", 1) == []


@pytest.mark.usefixtures("isolated_env")
@pytest.mark.parametrize(
    "now",
    [
        pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London"),
        pendulum.datetime(2026, 3, 30, 7, 45, tz="Europe/London"),
    ],
    ids=["monday", "before-opening"],
)
def test_the_demo_has_an_open_a_closed_and_a_queued_flag(
    tmp_path: Path, now: pendulum.DateTime
) -> None:
    config = Config()
    db = open_database(config, str(tmp_path / "demo.db"), create=True)
    try:
        build_demo(db, config, now)
        repo = Repository(db, config)
        with timeutil.frozen(now):
            board = {e.client_id: e for e in repo.board().episodes}
            queue = repo.open_referrals()
        flagged = [e for e in board.values() if e.safeguarding]
        assert len(flagged) == 1
        closed = [f for client in board for f in repo.flags(client_id=client) if not f.is_open]
        assert len(closed) == 1 and closed[0].ends_on is not None
        assert closed[0].ends_on >= timeutil.to_local(closed[0].raised_at, "Europe/London").date()
        assert sum(1 for r in queue if r.safeguarding) == 1
        for flag in [*closed, *repo.flags(client_id=flagged[0].client_id)]:
            assert flag.note.endswith("(demo)") and flag.raised_at <= now
    finally:
        db.dispose()
