"""The answers of each DIALOG rating, one row per item asked (read when a rating is shown or
reported; the board reads them at start only when there are ratings to score).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import TableModel


class DialogAnswer(TableModel, table=True):
    """One item of one rating: 1-7, or none when the person left it unrated; and whether
    they want more help with it. ``item_key`` is the settings' item key."""

    __tablename__ = "dialog_answer"
    __table_args__ = (UniqueConstraint("rating_id", "item_key"),)
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="dialog_rating.id", index=True)
    item_key: str = Field(max_length=40)
    score: int | None = None
    help_wanted: bool = False
