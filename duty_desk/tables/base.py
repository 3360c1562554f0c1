"""What every table group shares: the naming convention, the base class of the tables,
version columns (SQLAlchemy's optimistic locking) and ``table_of``."""

from sqlalchemy import Column, Integer, Table
from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel

# A naming convention keeps constraint names stable for migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TableModel(SQLModel):
    """The base of every table: pydantic's validator and serializer are built on first
    use, not when the class is made (``defer_build``). Table models never validate on
    construction, so a start-up that only reads rows never builds them (issue 15)."""

    model_config = SQLModel.model_config | {"defer_build": True}


def versions(*tables: str) -> dict[str, Column]:  # type: ignore[type-arg]
    """A fresh ``version`` column for each named table: the same column object goes in the
    table's ``version`` field and its ``__mapper_args__`` (the optimistic lock counter)."""
    return {name: Column("version", Integer, nullable=False, default=1) for name in tables}


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy ``Table`` of a table model, typed (SQLModel does not declare
    ``__table__`` for type checkers)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table
