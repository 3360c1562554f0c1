"""Benchmark of the meeting record (issue 12): saving a meeting as happened, inside one
running app, as ``bench.care`` times booking.

In the day view, on the previous working day's meetings (the generated data has them
happened), ``a`` opens the meeting-record flow; a note is typed; the time is from the save
key (``ctrl+s``) to the first painted frame showing the next step, "When would you like to
meet again?" (attendance, the note and the continuity figures saved in one transaction).
Enter on the empty time then skips the booking; that is timed too (to the painted day view
with the notice). Used by ``bench.run``; nothing here is a test.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.care import Frames, _app, key_for, new_toast, press, toasts, until
from duty_desk.config import load_config


async def meeting_records(db: Path, count: int) -> tuple[list[float], list[float]]:
    """(save: ctrl+s to the painted next-meeting question, skip: Enter on the empty time to
    the painted day view with the notice), over ``count`` meetings of the day before."""
    from duty_desk.views import MeetingView
    from screens.attendance_dialog import AttendanceDialog
    from screens.keyed_table import KeyedTable
    from screens.next_meeting import NextMeetingDialog

    config = load_config()
    app = _app(db, "day", config)
    saves: list[float] = []
    skips: list[float] = []
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        day_screen = app.screen
        start = time.perf_counter()
        table = day_screen.query_one(KeyedTable)
        await until(lambda: table.row_count > 0, start, "the day view's first load")
        await app.workers.wait_for_complete()
        await pilot.press(key_for(day_screen, "previous_day"))
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        frames = Frames(app)
        record_key = key_for(day_screen, "happened")
        recordable = ("booked", "happened")
        done: set[int] = set()
        for _ in range(count):
            found = False
            for row in range(table.row_count):
                table.move_cursor(row=row)
                await pilot.pause()
                item = day_screen.current()
                if (
                    isinstance(item, MeetingView)
                    and item.status in recordable
                    and item.id not in done
                    # someone of the staff starts ticked as there (the dialog ticks those
                    # expected; a meeting with none would need a person ticked first)
                    and any(person.attended is not False for person in item.staff)
                ):
                    done.add(item.id)
                    found = True
                    break
            if not found:
                break
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            sent = press(app, record_key)
            await until(
                lambda: isinstance(app.screen, AttendanceDialog) and app.screen.record is not None,
                sent,
                "the meeting-record dialog",
            )
            dialog = app.screen
            dialog.query_one("#field-note").focus()
            await pilot.press(*"Bench note")
            await pilot.pause(0.2)
            frames.expect(lambda: isinstance(app.screen, NextMeetingDialog))
            sent = press(app, "ctrl+s")
            saves.append(await frames.shown(sent, "the saved meeting") - sent)
            await until(
                lambda: (
                    isinstance(app.screen, NextMeetingDialog) and app.screen.defaults is not None
                ),
                sent,
                "the next-meeting defaults",
            )
            await pilot.pause(0.2)
            told = toasts(day_screen)

            def skipped(told: set[Any] = told) -> bool:
                return app.screen is day_screen and new_toast(
                    day_screen, told, "Recorded as happened"
                )

            frames.expect(skipped)
            sent = press(app, "enter", "\r")
            skips.append(await frames.shown(sent, "the skipped booking") - sent)
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
    return saves, skips
