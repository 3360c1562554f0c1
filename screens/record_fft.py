"""The Friends and Family Test on the client record (issue 14, fft): ``f`` in any section
records the person's answer (the dialog: screens/fft_dialog.py). The latest answer, in the
NHS words with the day it was given, ends the header's third line (beside the episode's
dates: the least important words there, cut first at a narrow width, never pushing the
NHS number or a safeguarding marker off the first line). Every answer and correction shows
in the history section (``FFT``); privacy mode masks the comments there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from duty_desk.views import ClientRecordView, FftAnswerView
from duty_desk.vocabulary import FFT_ANSWER_LONG

from .record_section import RecordContext, RecordSection

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .record import RecordScreen


def latest_words(answer: FftAnswerView) -> str:
    """``FFT Very good 02/12/26`` (`` at discharge`` when it was asked then)."""
    words = f"FFT {FFT_ANSWER_LONG[answer.answer]} {answer.answered_on:%d/%m/%y}"
    return words + (" at discharge" if answer.at_discharge else "")


class FftPart(RecordSection):
    """``f`` in every section: record a Friends and Family Test answer."""

    name = "fft"
    key = ""
    title = "Friends and Family Test"
    BINDINGS = [
        Binding(
            "f",
            "record",
            "FFT",
            id="record_fft",
            tooltip="Friends and Family Test: record an answer",
        ),
    ]
    """
    | key | id         | action                                                        |
    |-----|------------|---------------------------------------------------------------|
    | f   | record_fft | record the person's Friends and Family Test answer (any section)|
    """

    def read(self, repo: Repository, record: ClientRecordView) -> list[FftAnswerView]:
        return repo.fft_answers(record.client_id)

    def notes(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        answers: list[FftAnswerView] = extra or []
        if not answers:
            return []
        return [Text(latest_words(answers[0]), end="")]  # newest first

    def action_record(self, screen: RecordScreen) -> None:
        open_fft_dialog(screen, at_discharge=False)


def open_fft_dialog(screen: RecordScreen, *, at_discharge: bool) -> None:
    from .fft_dialog import FftDialog

    record = screen.record
    if record is None:
        return

    def recorded(answer_id: int | None) -> None:
        if answer_id is not None:
            screen.saved("Friends and Family Test answer recorded")

    screen.when_permitted(
        lambda: screen.app.push_screen(
            FftDialog(
                record.client_id,
                screen.subject,
                record.episode.safeguarding,
                at_discharge=at_discharge,
            ),
            recorded,
        )
    )
