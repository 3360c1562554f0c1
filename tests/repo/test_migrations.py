"""Schema migrations: a database made by the first schema, with data in it, upgraded by the
real ``duty-desk upgrade`` command; the result matches the models and nothing is lost."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner, Result

from duty_desk import audit_chain, migrate, models
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import SCHEMA_VERSION, DatabaseError, open_database
from duty_desk.repository import Repository
from tests.conftest import referral_input

# No settings or database from the machine running the tests (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")

# Referral columns added by 0006 (details): not in a schema 1 file.
REFERRAL_DETAILS = frozenset(
    {"address", "postcode", "referrer_name", "referrer_contact", "language", "interpreter"}
)
OLD_TABLES = ("staff", "referral", "client", "network_member", "audit_log", "duty_desk_meta")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def make_schema_1(path: Path) -> None:
    """A file exactly as duty-desk 0.1 (schema 1, before Alembic) left it, with data."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(migrate._config(connection), "0001")
        connection.exec_driver_sql("DROP TABLE alembic_version")  # 0.1 never made one
    engine.dispose()
    with closing(sqlite3.connect(path)) as con, con:
        con.executescript("""
            INSERT INTO duty_desk_meta VALUES ('app', 'duty-desk'), ('schema_version', '1');
            INSERT INTO staff VALUES (1, 'duty1', 'Duty Worker One (test)', 'clinician', 1,
                                      '2026-11-01 09:00:00.000000', 1);
            INSERT INTO staff VALUES (2, 'peer1', 'Peer Worker [b]One[/b] (test)', 'peer_support',
                                      1, '2026-11-01 09:00:00.000000', 1);
            INSERT INTO referral (id, name, date_of_birth, nhs_number, phone, area, gp_practice,
                source, urgency, reason, notes, received_at, respond_by, status, decided_by_id,
                decided_at, created_at, created_by, version)
            VALUES (1, 'Alex Example (test)', '1990-02-01', '9990000018', '01632 960001',
                'canterbury', 'Cathedral View Surgery (example)', 'spoa-urgent', 'C',
                'Crisis (test)', '', '2026-11-20 09:00:00.000000', '2026-11-21 09:00:00.000000',
                'accepted', 1, '2026-11-20 10:00:00.000000', '2026-11-20 09:00:00.000000',
                'duty1', 2),
                (2, 'Sam Sample (test)', '1985-05-05', NULL, '', 'whitstable',
                'Harbour Street Surgery (example)', 'gp', 'D', 'Low mood (test)', 'note',
                '2026-11-22 09:00:00.000000', '2026-11-25 09:00:00.000000', 'new', NULL, NULL,
                '2026-11-22 09:00:00.000000', 'duty1', 1);
            INSERT INTO client VALUES (1, 1, '2026-11-20 10:00:00.000000', 1, 'open', 1, NULL, 1);
            INSERT INTO network_member VALUES (1, 1, 'Jo Example (test)', 'sister', '',
                                               '2026-11-20 11:00:00.000000', 1);
            INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES
                ('2026-11-20 10:00:00.000000', 'duty1', 'accept', 'referral', 1,
                 '{"status": "new"}', '{"status": "accepted"}'),
                ('2026-11-20 11:00:00.000000', 'duty1', 'edit', 'referral', 2,
                 '{"notes": "", "reason": "Low"}', '{"reason": "Low mood – ünïcode (test)",
                 "notes": "note"}'),
                ('2026-11-20 12:00:00.000000', 'duty1', 'add', 'network_member', 1, NULL, NULL);
        """)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as con:
        out = {}
        for table in OLD_TABLES:
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
            old = [
                c
                for c in columns
                if not (table == "staff" and c in ("capacity", "phone"))  # phone: 0009
                and not (table == "client" and c.startswith(("discharge_", "discharged_by")))
                and not (table == "audit_log" and c == "hash")
                and not (table == "referral" and c in REFERRAL_DETAILS)
                and not (  # issue 11 (decisions, 0005): new nullable columns
                    table == "referral"
                    and c in ("order_reason", "reversed_at", "reversed_by", "reversal_reason")
                )
                and not (  # issue 12 (network, 0010): new columns with defaults
                    table == "network_member"
                    and c
                    in (
                        "takes_part",
                        "consent",
                        "consent_at",
                        "consent_by",
                        "removed_at",
                        "removed_by",
                        "removed_reason",
                    )
                )
            ]
            out[table] = con.execute(f"SELECT {', '.join(old)} FROM {table} ORDER BY 1").fetchall()
        return out


def test_an_old_database_is_refused_until_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_1(path)
    with pytest.raises(DatabaseError, match="run 'duty-desk upgrade' first"):
        open_database(Config(), str(path))
    result = invoke("--db", str(path), "staff", "list")
    assert result.exit_code == 1
    assert "older duty-desk (schema 1" in result.output


def test_upgrade_keeps_every_row_and_makes_the_new_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_1(path)
    before = dump(path)

    result = invoke("--db", str(path), "upgrade")
    assert result.exit_code == 0, result.output
    assert f"Upgraded from revision 0001 to {migrate.head()}" in result.output

    after = dump(path)
    meta = after.pop("duty_desk_meta")
    # issue 12 (safety): when the database began to hold crisis plans (the upgrade's time)
    assert [key for key, _ in meta] == ["app", "crisis_plans_since", "schema_version"]
    assert meta[0] == ("app", "duty-desk") and meta[2] == ("schema_version", SCHEMA_VERSION)
    assert after == {k: v for k, v in before.items() if k != "duty_desk_meta"}, "nothing lost"
    kept = list(tmp_path.glob("old.db.before-upgrade-*"))
    assert len(kept) == 1 and dump(kept[0]) == before, "the backup holds the old file"
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT capacity FROM staff").fetchall() == [(12,), (12,)]
        triggers = {
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert {"audit_log_no_update", "audit_log_no_delete"} <= triggers
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # The chain was written over the old rows, and the triggers made again exactly.
        assert con.execute("SELECT count(*) FROM audit_log WHERE hash IS NULL").fetchone() == (0,)
        assert audit_chain.chain_problems(con) == []
        assert audit_chain.trigger_problems(con) == []

    db = open_database(Config(), str(path))  # opens now
    try:
        repo = Repository(db, Config(), actor="duty1")
        assert [r.name for r in repo.open_referrals()] == ["Sam Sample (test)"]
        assert repo.referral(1).status == "accepted"
        repo.add_referral(referral_input())  # its audit row follows the old rows
    finally:
        db.dispose()
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT count(*) FROM audit_log").fetchone() == (4,)
        assert audit_chain.chain_problems(con) == []
    db = open_database(Config(), str(path))
    try:
        with db.engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
    finally:
        db.dispose()

    again = invoke("--db", str(path), "upgrade")
    assert again.exit_code == 0 and "Already up to date" in again.output


def test_migrations_build_exactly_what_the_models_describe(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_1(path)
    assert invoke("--db", str(path), "upgrade").exit_code == 0
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), models.metadata)
    engine.dispose()
    assert diff == [], "a model changed without a migration: add one in duty_desk/migrations"


def test_a_new_database_is_stamped_at_the_newest_revision(tmp_path: Path) -> None:
    db = open_database(Config(), str(tmp_path / "new.db"), create=True)
    try:
        with db.engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
    finally:
        db.dispose()


def test_a_database_from_a_newer_duty_desk_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(Config(), str(path), create=True).dispose()
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE alembic_version SET version_num = '0099'")
        con.execute("UPDATE duty_desk_meta SET value = '99' WHERE key = 'schema_version'")
    before = path.read_bytes()
    result = invoke("--db", str(path), "upgrade")
    assert result.exit_code == 1
    assert "not at a revision this duty-desk knows" in result.output
    assert path.read_bytes() == before
