"""Schema 2, revision 3: each new audit row NOTIFYs its id on PostgreSQL, so the app's
change feed hears of a commit at once instead of polling (SQLite: nothing to do; the
feed reads ``PRAGMA data_version`` there). The tables are unchanged, so the schema
version the app checks stays 2: a database without this trigger still works (the feed
polls).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from duty_desk.models import change_notify_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in change_notify_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_notify ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_notify()")
