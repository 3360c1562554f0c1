"""Alembic's environment: always run from ``duty_desk.migrate`` with an open connection."""

from __future__ import annotations

from alembic import context

from duty_desk import models

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through duty_desk.migrate
    raise SystemExit("run migrations with 'duty-desk upgrade', not the alembic command")

context.configure(
    connection=connection,
    target_metadata=models.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
