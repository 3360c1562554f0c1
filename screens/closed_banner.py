"""The banner every live screen shows while the team is closed: "Team closed (Christmas
Day): reopens Tue 29 Dec 08:00", with the out-of-hours service and where to see what falls
due before then (the handover view, which gives the service's contact). Hidden while the team is open.

One widget, mounted once per screen by the live-list base (screens/live_list.py). Whether
the team is open is a pure function of the clock and the settings (duty_desk.opening); it
is worked out in a thread worker (the bank-holiday calendar loads on first use) once a
minute, and the line is redrawn only when its words change.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from duty_desk import timeutil

from .registry import SCREENS

CHECK_SECONDS = 60.0


class ClosedBanner(Static):
    """One line while the team is closed; nothing while it is open."""

    DEFAULT_CSS = """
    ClosedBanner {
        display: none;
        height: auto;
        padding: 0 1;
        background: $warning-muted;
        color: $text;
        text-style: bold;
    }
    ClosedBanner.-closed { display: block; }
    """

    @dataclass
    class Checked(Message):
        words: str | None  # None: the team is open

    def __init__(self) -> None:
        super().__init__(Text("", end=""), id="closed-banner")
        self.words: str | None = None

    def on_mount(self) -> None:
        self.check()
        self.set_interval(CHECK_SECONDS, self.check)

    @work(thread=True, exit_on_error=False, group="closed-banner", exclusive=True)
    def check(self) -> None:
        from duty_desk.handover_words import closed_words
        from duty_desk.opening import closed_spell

        config = self.app.config  # type: ignore[attr-defined]
        spell = closed_spell(timeutil.now(), config.team)
        words = None
        if spell is not None:
            key = next((e.key for e in SCREENS if e.mode == "handover"), "4")
            words = (
                f"{closed_words(spell, config.team.timezone)} - out of hours: "
                f"{config.handover.out_of_hours_service}. {key}: what falls due"
            )
        self.post_message(self.Checked(words))

    def on_closed_banner_checked(self, message: Checked) -> None:
        message.stop()
        if message.words == self.words:
            return
        self.words = message.words
        self.set_class(message.words is not None, "-closed")
        self.update(Text(message.words or "", end=""))
