"""Pilot tests for the meeting record (issue 12): the flow from the day view's record key
(who came, cover and a new network member on the spot, the note, then the next meeting
with the core team and place filled in, Enter on an empty time skipping it), adding to a
note, a did-not-attend with its follow-up, changing a recorded outcome only with a
reason, and a stale save refused naming who. Real app, real SQLite file, 80x24."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, Select, TextArea

from duty_desk.repository import Repository
from screens.attendance_dialog import AttendanceDialog
from screens.booking import BookingDialog
from screens.cover_picker import CoverPicker
from screens.meeting_note_dialog import MeetingNoteDialog
from screens.network_form import NetworkForm
from screens.next_meeting import NextMeetingDialog
from screens.outcome_dialog import OutcomeDialog

from . import test_ui_day_support as support
from .test_ui_day_support import day_rows, open_day, select_row
from .test_ui_support import notifications, screen_text, settle

team = support.team  # the fixture


def ticks(app) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {box.id or "": box.value for box in app.screen.query(Checkbox)}


async def open_flow(pilot, team) -> AttendanceDialog:  # type: ignore[no-untyped-def]
    await open_day(pilot)
    await select_row(pilot, f"m{team.earlier}")
    await pilot.press("a")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, AttendanceDialog)
    return dialog


async def type_note(pilot, dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    dialog.query_one("#field-note").focus()
    await pilot.press(*text)


async def test_the_flow_records_who_came_and_the_note_then_books_the_next_meeting(open_app, team):
    friend = team.repo.add_network_member(
        team.repo.episode(team.client).referral_id, "Friend (test)", "friend"
    )
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        text = screen_text(app)
        assert "Client: Alex Example (test)" in text  # H49: which meeting, named
        assert "Monday 23 November, 08:30-09:30" in text and "Team base" in text
        # the core team pre-ticked, those invited ticked, the rest of the network not
        assert ticks(app) == {
            f"staff-{team.duty}": True,
            f"staff-{team.peer}": True,
            f"network-{team.mum}": True,
            f"network-{friend}": False,
        }
        # another staff member came as cover: the picker
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, CoverPicker)
        picker = app.screen.query_one(OptionList)
        ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        picker.highlighted = ids.index(str(team.other))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert ticks(app)[f"staff-{team.other}"] is True
        assert "Clinician Two (test) (cover)" in screen_text(app)
        # a new network member came: added on the spot, ticked
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, NetworkForm)
        await pilot.press(*"Neighbour (test)", "tab", *"neighbour", "tab", "enter")
        await settle(pilot)
        assert app.screen is dialog
        members = team.repo.booking_defaults(team.client).network
        new = next(m.id for m in members if m.name == "Neighbour (test)")
        assert ticks(app)[f"network-{new}"] is True
        await type_note(pilot, dialog, "Talked about [b]sleep[/b].")
        await pilot.press("enter", *"Decided: weekly")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # step 3: the next meeting, core team and place filled in
        booking = app.screen
        assert isinstance(booking, NextMeetingDialog)
        assert "When would you like to meet again?" in screen_text(app)
        assert "Enter on an empty time: no next meeting now" in screen_text(app)
        defaults = team.repo.booking_defaults(team.client)  # the place of the last meeting
        assert defaults.place_kind == "home"
        # who and where, in words: the network who take part (the neighbour added on the
        # spot too), each with their consent to share, as the booking form ticks them
        who = str(booking.query_one("#who").render())
        assert "Peer Worker (test)" in who and "Neighbour (test) (share: not asked)" in who
        assert "Mum (test)" in who and "Friend (test)" in who
        assert f"Place: Home visit, {support.ADDRESS} (60 minutes)" in who  # literal
        assert booking._ticked("staff") == (team.duty, team.peer)
        booking.query_one("#field-when", Input).value = "30/11 10:00"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, (AttendanceDialog, NextMeetingDialog))
        assert any("Next meeting: Monday 30 November" in n for n in notifications(app))
    meeting = team.repo.meeting(team.earlier)
    assert meeting.status == "happened"
    attended = {a.id: (a.attended, a.cover) for a in meeting.staff}
    assert attended[team.other] == (True, True)
    assert {a.id: a.attended for a in meeting.network}[new] is True
    notes = team.repo.meeting_to_record(team.earlier).detail.notes
    assert [n.text for n in notes] == ["Talked about [b]sleep[/b].\nDecided: weekly"]
    booked = [m for m in team.repo.meetings_for_client(team.client) if m.status == "booked"]
    assert [m.id for m in booked][0] == team.meeting and len(booked) == 2  # and the next one
    assert booked[1].starts_at.day == 30 and booked[1].place_kind == "home"
    assert booked[1].place_detail == support.ADDRESS
    assert {a.id for a in booked[1].staff} == {team.duty, team.peer}
    assert {a.id for a in booked[1].network} == {team.mum, friend, new}


async def test_ctrl_o_opens_the_whole_booking_form_with_the_time_typed(open_app, team):
    """To change who comes or where: the booking form over the question, the time kept;
    escape there comes back to the question, a booking there closes both."""
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        await type_note(pilot, dialog, "Note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, NextMeetingDialog)
        await pilot.press(*"30/11 10:00", "ctrl+o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingDialog) and not isinstance(form, NextMeetingDialog)
        assert form.query_one("#field-when", Input).value == "30/11 10:00"
        assert "Monday 30 November, 10:00-11:00" in screen_text(app)
        await pilot.press("escape")  # nothing changed there: closes at once
        await settle(pilot)
        assert app.screen is question
        await pilot.press("ctrl+o")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-place", Select).value = "base"
        await settle(pilot)
        form.query_one("#field-when", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, (BookingDialog, AttendanceDialog))
        assert any("Next meeting: Monday 30 November" in n for n in notifications(app))
    booked = [m for m in team.repo.meetings_for_client(team.client) if m.status == "booked"]
    assert booked[-1].starts_at.day == 30 and booked[-1].place_kind == "base"


async def test_enter_on_an_empty_time_skips_the_next_meeting_and_says_so(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        await type_note(pilot, dialog, "Short one")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextMeetingDialog)
        before = len(team.repo.meetings_for_client(team.client))
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, NextMeetingDialog)
        assert len(team.repo.meetings_for_client(team.client)) == before
        assert any("No next meeting booked" in n for n in notifications(app))
        assert ("08:30-09:30", "Alex Example (test)", "happened") in day_rows(app)


async def test_a_typed_time_is_never_skipped(open_app, team):
    """H52: only an empty time skips; anything typed is checked like any booking."""
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        await type_note(pilot, dialog, "Note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"nonsense", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NextMeetingDialog)
        assert app.screen.query_one("#error-when").display


async def test_the_note_is_required_and_nothing_is_written_without_it(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#error-note").render())
        assert "write what was talked about and decided together" in error
    assert team.repo.meeting(team.earlier).status == "booked"


async def test_escape_in_the_flow_records_nothing(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        await open_flow(pilot, team)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AttendanceDialog)
    assert team.repo.meeting(team.earlier).status == "booked"


async def test_a_stale_record_is_refused_naming_who(open_app, team, db, config):
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        peer = Repository(db, config, actor="peer1")
        peer.record_meeting(team.earlier, [team.peer], [], "Peer's note (test)")
        await type_note(pilot, dialog, "Mine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # stays open, what was typed kept
        assert any("was changed by peer1" in n for n in notifications(app))
    notes = team.repo.meeting_to_record(team.earlier).detail.notes
    assert [n.text for n in notes] == ["Peer's note (test)"]


async def test_a_happened_meeting_is_not_flipped_by_one_key(open_app, team):
    team.repo.record_meeting(team.earlier, [team.duty], [], "Met (test)")
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.earlier}")
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        text = screen_text(app)
        assert "Recorded as HAPPENED: change it to DID NOT ATTEND" in text
        await pilot.press("enter", "enter")  # nothing typed: both asked for
        await settle(pilot)
        assert app.screen is dialog
        assert "reason is required" in str(dialog.query_one("#error-reason").render())
        assert team.repo.meeting(team.earlier).status == "happened"
        dialog.query_one("#field-reason", Input).focus()
        await pilot.press(*"Wrong meeting", "enter", *"Phoned", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, OutcomeDialog)
        assert ("08:30-09:30", "Alex Example (test)", "DNA") in day_rows(app)
        # and back, again only with a reason and who came
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert "Recorded as DID NOT ATTEND: change it to HAPPENED" in screen_text(app)
        await pilot.press(*"It did happen", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, OutcomeDialog)
    outcomes = team.repo.meeting_to_record(team.earlier).detail.outcomes
    assert [(o.from_status, o.to_status, o.reason) for o in outcomes] == [
        ("happened", "did_not_attend", "Wrong meeting"),
        ("did_not_attend", "happened", "It did happen"),
    ]
    assert team.repo.meeting(team.earlier).status == "happened"


async def test_adding_to_a_note_keeps_what_was_there(open_app, team):
    team.repo.record_meeting(team.earlier, [team.duty], [], "First [red]entry[/red] (test)")
    meeting = team.repo.meeting(team.earlier)
    notes = team.repo.meeting_to_record(team.earlier).detail.notes
    async with open_app(settled=False) as (app, pilot):
        app.push_screen(MeetingNoteDialog(meeting, notes, "Europe/London"))
        await settle(pilot)
        text = screen_text(app)
        assert "First [red]entry[/red] (test)" in text  # markup shown literally
        assert "duty1" in text and "Client: Alex Example (test)" in text
        await pilot.press("ctrl+s")  # empty: asked for, nothing written
        await settle(pilot)
        assert isinstance(app.screen, MeetingNoteDialog)
        await pilot.press(*"The GP agreed", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MeetingNoteDialog)
    notes = team.repo.meeting_to_record(team.earlier).detail.notes
    assert [n.text for n in notes] == ["First [red]entry[/red] (test)", "The GP agreed"]


async def test_the_meeting_stays_named_at_60x20(open_app, team):
    """H49: the client, date and time are in sight when the flow opens on a small terminal."""
    async with open_app(settled=False, size=(60, 20)) as (app, pilot):
        await open_flow(pilot, team)
        text = screen_text(app)
        assert "Client: Alex Example (test)" in text
        assert "Monday 23 November, 08:30-09:30" in text
        assert "Record" in text and "^s Save" in text


async def test_the_question_fits_60x20(open_app, team):
    """The question, the client, the time line, who and where, what Enter on an empty time
    does, and every key in the footer, on a small terminal."""
    async with open_app(settled=False, size=(60, 20)) as (app, pilot):
        dialog = await open_flow(pilot, team)
        await type_note(pilot, dialog, "Note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NextMeetingDialog)
        text = screen_text(app)
        assert "When would you like to meet again?" in text
        assert "Client: Alex Example (test)" in text and "When" in text
        assert "Place: Home visit" in text and "Enter on an empty time" in text
        for key in ("^s Check/book", "esc Cancel", "^n Next free slot", "^o Who/where"):
            assert key in text


async def test_typing_as_the_dialog_opens_goes_to_the_note_and_unticks_nobody(open_app, team):
    """Found by trying it: the first tick box had the focus, so a space typed meant for the
    note unticked someone who came. The note has the focus now (H49)."""
    async with open_app(settled=False) as (app, pilot):
        dialog = await open_flow(pilot, team)
        before = ticks(app)
        await pilot.press(*"a b c")
        await settle(pilot)
        assert ticks(app) == before
        assert dialog.query_one("#field-note", TextArea).text == "a b c"
