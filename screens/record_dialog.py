"""The client record's DIALOG section (``d``): ratings over time, DIALOG+ and its actions.

Rows: "Scores over time" (its detail: both scores as a chart, and every item of every
rating with its change since the first and the last rating), each rating newest first
(both scores and their change since the one before), and the agreed actions still open;
one past its date reads ``OVERDUE by N days`` in reverse (in words, not only by colour:
found by the probe), here and in its detail.

Keys while it is shown: ``r`` a DIALOG+ meeting (last time's actions reviewed, the rating,
the items chosen, their steps and actions: ``screens/dialog_session.py``), ``e`` correct
the selected rating, ``v`` review the selected open action, ``w`` the care and support
plan on screen (``screens/care_plan_view.py``, read-only; refused in privacy mode).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding

from duty_desk import timeutil
from duty_desk.dialog_scale import change
from duty_desk.dialog_views import ActionView, DialogData, DialogRatingView
from duty_desk.views import ClientRecordView
from duty_desk.vocabulary import ACTION_STATUS_LONG

from . import dialog_words
from .literal import cell, literal
from .record_section import RecordContext, RecordSection, SectionRow

TREND = "trend"
OVERDUE = "reverse bold"  # an action past its date: reverse as well as the words


def overdue_words(days: int) -> str:
    """``OVERDUE by 3 days``: an open action past its date, in words."""
    return f"OVERDUE by {days} day{'s' if days != 1 else ''}"


class DialogSection(RecordSection):
    name = "dialog"
    key = "d"
    title = "DIALOG"
    COLUMNS = (
        ("when", "Date", 11),
        ("qol", "Quality of life", 22),
        ("treatment", "Treatment", 22),
        ("about", "Rated / help / who", 20),
    )
    EMPTY = "No DIALOG rating yet: r starts a DIALOG+ meeting with the person."
    BINDINGS = [
        Binding("r", "meeting", "DIALOG+", id="record_dialog_meeting", tooltip="A DIALOG+ meeting"),
        Binding("e", "correct", "Correct", id="record_dialog_correct", tooltip="Correct a rating"),
        Binding("v", "review", "Review", id="record_dialog_review", tooltip="Review an action"),
        Binding(
            "w", "care_plan", "Plan", id="record_care_plan", tooltip="The care and support plan"
        ),
    ]
    """
    | key | id                    | action                                                   |
    |-----|-----------------------|----------------------------------------------------------|
    | r   | record_dialog_meeting | DIALOG+: review last actions, rate, choose, steps, actions |
    | e   | record_dialog_correct | correct the selected rating (answer items again)          |
    | v   | record_dialog_review  | review the selected open action                           |
    | w   | record_care_plan      | the care and support plan on screen (read-only)           |
    """

    def read(self, repo: Any, record: ClientRecordView) -> DialogData:
        data: DialogData = repo.dialog(record.episode.client_id)
        return data

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        data: DialogData = extra
        if not data.ratings and not data.actions:
            return []
        out: list[SectionRow] = []
        first, latest = data.first, data.latest
        if first is not None and latest is not None:
            out.append(
                (
                    TREND,
                    TREND,
                    {
                        "when": cell("Over time"),
                        "qol": cell(_trend(first, latest, "quality_of_life")),
                        "treatment": cell(_trend(first, latest, "treatment")),
                        "about": cell(f"{len(data.ratings)} ratings"),
                    },
                )
            )
        for rating in reversed(data.ratings):
            before = data.previous(rating.id)
            helped = sum(a.help_wanted for a in rating.answers)
            out.append(
                (
                    f"r{rating.id}",
                    rating,
                    {
                        "when": cell(rating.rated_on.strftime("%d/%m/%Y")),
                        "qol": cell(_with_change(rating, before, "quality_of_life")),
                        "treatment": cell(_with_change(rating, before, "treatment")),
                        "about": cell(
                            f"{rating.life_rated + rating.treatment_rated} rated, {helped} help"
                        ),
                    },
                )
            )
        today = timeutil.to_local(ctx.now, ctx.tz).date()
        for action in data.open_actions:
            late = action.days_overdue(today)
            out.append(
                (
                    f"a{action.id}",
                    action,
                    {
                        "when": cell(f"by {action.due_on:%d/%m/%y}"),
                        "qol": cell(action.what),
                        "treatment": cell(overdue_words(late), OVERDUE)
                        if late
                        else cell(ACTION_STATUS_LONG[action.status]),
                        "about": cell(action.owner_name or "the person"),
                    },
                )
            )
        return out

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        data: DialogData = extra
        if item == TREND:
            return _trend_detail(data)
        if isinstance(item, DialogRatingView):
            return _rating_detail(data, item, ctx)
        if isinstance(item, ActionView):
            return _action_detail(data, item, ctx)
        return Text(self.EMPTY, end="")

    # -- actions ------------------------------------------------------------------------------
    def action_meeting(self, screen: Any) -> None:
        from .dialog_session import DialogSession, SessionDone

        record: ClientRecordView = screen.record
        data: DialogData = screen.extra(self)

        def finished(done: SessionDone) -> None:
            said = done.words()
            if said is None:
                screen.notify(f"DIALOG: nothing saved for {screen.subject}.", markup=False)
            else:
                screen.saved(said)

        def start() -> None:
            DialogSession(
                screen,
                screen.subject,
                data,
                record.network,
                list(screen.ctx.staff.values()),
                finished,
                on_day=timeutil.to_local(timeutil.now(), screen.app.config.team.timezone).date(),
            ).start()

        screen.when_permitted(start)

    def action_correct(self, screen: Any) -> None:
        item = screen.selected(self)
        if not isinstance(item, DialogRatingView):
            screen.notify("Choose a rating to correct (its row).", markup=False)
            return
        from .dialog_rating import DialogRatingScreen

        data: DialogData = screen.extra(self)
        settings = screen.app.config.dialog

        def open_it() -> None:
            screen.app.push_screen(
                DialogRatingScreen(
                    screen.subject,
                    data,
                    on_day=item.rated_on,
                    existing=item,
                    min_life_rated=settings.min_life_rated,
                    min_treatment_rated=settings.min_treatment_rated,
                ),
                lambda done: screen.saved("DIALOG rating corrected") if done else None,
            )

        screen.when_permitted(open_it)

    def action_review(self, screen: Any) -> None:
        item = screen.selected(self)
        if not isinstance(item, ActionView):
            screen.notify("Choose an open action to review (its row).", markup=False)
            return
        from .dialog_review import ReviewForm

        def open_it() -> None:
            screen.app.push_screen(
                ReviewForm(screen.subject, item),
                lambda done: screen.saved("Action reviewed") if done else None,
            )

        screen.when_permitted(open_it)

    def action_care_plan(self, screen: Any) -> None:
        from .care_plan_view import PRIVACY_REFUSAL, CarePlanView

        record: ClientRecordView | None = screen.record
        if record is None:
            return
        if screen.duty_app.privacy:
            screen.notify(PRIVACY_REFUSAL, severity="warning", markup=False)
            return
        screen.app.push_screen(CarePlanView(record.episode.client_id, screen.subject))


def _score_of(rating: DialogRatingView, which: str) -> Any:
    return getattr(rating, which)


def _with_change(rating: DialogRatingView, before: DialogRatingView | None, which: str) -> str:
    now = _score_of(rating, which)
    text = dialog_words.score(now)
    if before is not None and now is not None:
        moved = change(_score_of(before, which), now)
        if moved is not None:
            text += f" {float(moved):+.2f}"
    return text


def _trend(first: DialogRatingView, latest: DialogRatingView, which: str) -> str:
    moved = change(_score_of(first, which), _score_of(latest, which))
    return f"since first {dialog_words.change(moved)}"


def _trend_detail(data: DialogData) -> Text:
    from .dialog_chart import chart

    text = Text(end="")
    drawn = chart(data.ratings, width=72)
    if drawn:
        text.append("Scores over time (* quality of life, x treatment)\n", "bold")
        text.append(drawn.rstrip("\n") + "\n")
    first, latest = data.first, data.latest
    before = data.previous(latest.id) if latest is not None else None
    text.append("\nItem".ljust(34) + "first  last  latest  since first  since last\n", "bold")
    for item in data.items:
        values = [r.answer(item.key) for r in (first, before, latest) if r is not None]
        scores = [v.score if v is not None else None for v in values]
        while len(scores) < 3:
            scores.insert(1, None)
        f, b, latest_score = scores
        text.append(dialog_words.short_name(item)[:32].ljust(33))
        text.append(f"{_num(f):>5}  {_num(b):>4}  {_num(latest_score):>6}  ")
        text.append(f"{_diff(f, latest_score):>11}  {_diff(b, latest_score):>10}\n")
    text.rstrip()
    return text


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def _diff(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return "-"
    return "same" if after == before else f"{after - before:+d}"


def _rating_detail(data: DialogData, rating: DialogRatingView, ctx: RecordContext) -> Text:
    before = data.previous(rating.id)
    text = Text(end="")
    text.append(f"DIALOG on {rating.rated_on.strftime('%A %d %B %Y')}", "bold")
    text.append(f", by {rating.created_by}\n")
    text.append("Quality of life ", "bold")
    text.append(f"{dialog_words.score(rating.quality_of_life)} ({rating.life_rated} rated)   ")
    text.append("Treatment ", "bold")
    text.append(f"{dialog_words.score(rating.treatment)} ({rating.treatment_rated} rated)\n")
    items = {item.key: item for item in data.items}
    for answer in rating.answers:
        item = items.get(answer.item_key)
        name = dialog_words.short_name(item) if item else answer.item_key
        last = before.answer(answer.item_key) if before is not None else None
        text.append(f"{name[:30]:<31}{dialog_words.answer(answer.score):<24}")
        text.append("HELP" if answer.help_wanted else "    ", "bold")
        if last is not None:
            text.append(f"  last time {_num(last.score)}")
        text.append("\n")
    for topic in data.topics_of(rating.id):
        item = items.get(topic.item_key)
        name = dialog_words.short_name(item) if item else topic.item_key
        agreed = [action for action in data.actions if action.topic_id == topic.id]
        if not topic.talked_about and not agreed:  # chosen, then its steps escaped
            text.append(f"\nChosen, not talked about (no steps written): {name}\n", "bold")
            continue
        text.append(f"\nTalked about: {name}\n", "bold")
        for label, value in (
            ("Understanding", topic.understanding),
            ("Looking forward", topic.looking_forward),
            ("Options", topic.options),
        ):
            text.append(f"{label}: ", "bold")
            text.append_text(literal(value or "-", multiline=True))
            text.append("\n")
        for action in agreed:
            text.append("Action: ", "bold")
            text.append_text(literal(action.what))
            text.append(f" ({ACTION_STATUS_LONG[action.status]}, by ")
            text.append(action.due_on.strftime("%d/%m/%Y"))
            text.append(", ")
            text.append_text(literal(action.owner_name or "the person"))
            text.append(")\n")
    text.rstrip()
    return text


def _action_detail(data: DialogData, action: ActionView, ctx: RecordContext) -> Text:
    text = Text(end="")
    text.append("Action: ", "bold")
    text.append_text(literal(action.what, multiline=True))
    text.append("\nWho: ", "bold")
    text.append_text(literal(action.owner_name or "the person"))
    text.append("\nBy: ", "bold")
    text.append(action.due_on.strftime("%A %d %B %Y"))
    late = action.days_overdue(timeutil.to_local(ctx.now, ctx.tz).date())
    if late:
        text.append("  ")
        text.append(overdue_words(late), OVERDUE)
    text.append("\nState: ", "bold")
    text.append(ACTION_STATUS_LONG[action.status])
    for review in action.reviews:
        when = timeutil.fmt_local(review.reviewed_at, ctx.tz, "day") if review.reviewed_at else ""
        text.append(
            f"\nReviewed {when} by {review.reviewed_by}: {ACTION_STATUS_LONG[review.outcome]}"
        )
        if review.note:
            text.append(" - ")
            text.append_text(literal(review.note))
    text.append("\nv reviews it (done, partly, not done, dropped).")
    return text
