"""Intake locks: one row per area, locked while a cap check runs (only a write uses it).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

from sqlmodel import Field

from .base import TableModel


class IntakeLock(TableModel, table=True):
    """One row per area, locked (SELECT ... FOR UPDATE) while a cap check runs on servers
    that have row locks. SQLite serialises writers with BEGIN IMMEDIATE instead."""

    __tablename__ = "intake_lock"
    area: str = Field(primary_key=True, max_length=40)
