"""Satisfaction: the NHS Friends and Family Test answers given in the period.

An answer counts when it was given on a local day of the period (``answered_on``), by a
person whose episode is in the area, whenever it was asked (at discharge or any time).
Answers are ``vocabulary.FftAnswer``: very good, good, neither good nor poor, poor, very
poor, don't know. A database without the answers' table (made before it existed) reports
"no data yet" rather than failing.

Definitions:

- answers (Answers): Friends and Family Test answers given in the period, in the area.
- positive (Share positive): the answers Very good or Good, as a share of ALL the answers,
  Don't know included in the total (as NHS England's published percentages counted it);
  none when there are no answers.
- by_answer (Answers by kind): how many answers of each kind, in the question's order (very
  good to very poor, then don't know), kinds with none included as 0.
- comments (Comments): the answers given with a comment (the person's "why", free text as
  written), oldest first: the day it was given, the answer and the comment. Free text: the
  screen masks it in privacy mode and the HTML leaves it out unless asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, inspect, select
from sqlmodel import col

from duty_desk.models import SatisfactionAnswer
from duty_desk.vocabulary import FftAnswer

from .care_sql import in_area, share
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Satisfaction"


def compute(session: Session, scope: Scope) -> Part:
    connection = session.connection()
    if not inspect(connection).has_table(SatisfactionAnswer.__tablename__):
        return Part.no_data("satisfaction")
    where = [
        col(SatisfactionAnswer.answered_on) >= scope.period.start,
        col(SatisfactionAnswer.answered_on) <= scope.period.end,
        in_area(scope.area, col(SatisfactionAnswer.client_id)),
    ]
    counts = dict(
        connection.execute(
            select(col(SatisfactionAnswer.answer), func.count())
            .where(*where)
            .group_by(col(SatisfactionAnswer.answer))
        ).all()
    )
    answers = sum(int(n) for n in counts.values())
    positive = sum(int(counts.get(a.value, 0)) for a in FftAnswer if a.is_positive)
    comments = connection.execute(
        select(
            col(SatisfactionAnswer.answered_on),
            col(SatisfactionAnswer.answer),
            col(SatisfactionAnswer.comment),
        )
        .where(
            *where,
            col(SatisfactionAnswer.comment).is_not(None),
            func.trim(col(SatisfactionAnswer.comment)) != "",
        )
        .order_by(col(SatisfactionAnswer.answered_on), col(SatisfactionAnswer.id))
    ).all()
    return Part(
        "satisfaction",
        figures=(
            Figure("satisfaction.answers", answers, "count"),
            Figure("satisfaction.positive", share(positive, answers), "share", answers),
        ),
        tables=(
            Table(
                "satisfaction.by_answer",
                ("answer", "answers"),
                tuple((a.value, int(counts.get(a.value, 0))) for a in FftAnswer),
            ),
            Table(
                "satisfaction.comments",
                ("day", "answer", "comment"),
                tuple((day.isoformat(), answer, comment) for day, answer, comment in comments),
            ),
        ),
    )
