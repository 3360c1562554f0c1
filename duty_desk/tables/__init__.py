"""The database tables (SQLModel), in groups a screen's first read can load alone.

Code names the tables through ``duty_desk.models``, which imports a group the first time
one of its tables is named: the queue's first read never builds the care-plan tables, for
instance (issue 15, start-up: each table class costs about 4 ms to make). ``base`` holds
what every group shares (the naming convention, the base class, version columns).

The group modules do not use ``from __future__ import annotations``: their annotations are
types when the class is made, so pydantic and SQLModel need not evaluate each one from its
text (about 20 M fewer instructions for the eight groups a board start builds; issue 15).
"""
