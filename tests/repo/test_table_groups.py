"""The tables in groups (duty_desk/tables/): every table is named in ``models.GROUPS``, a
group is imported only when one of its names is asked for, and the metadata always holds
every table (issue 15, start-up)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from duty_desk import models
from duty_desk.tables.base import TableModel


def test_every_table_class_is_named_in_its_group() -> None:
    for group, names in models.GROUPS.items():
        module = importlib.import_module(f"duty_desk.tables.{group}")
        defined = {
            name
            for name, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, TableModel)
            and value.__module__ == module.__name__
        }
        assert defined <= set(names), f"{group}: not in models.GROUPS: {defined - set(names)}"
        for name in names:
            assert getattr(models, name) is getattr(module, name)


def test_metadata_holds_every_table() -> None:
    tables = set(models.metadata.tables)
    classes = [getattr(models, name) for names in models.GROUPS.values() for name in names]
    table_names = {c.__tablename__ for c in classes if isinstance(c, type)}
    assert len(table_names) == 29
    assert table_names == tables


def test_a_group_is_imported_when_first_named() -> None:
    """In a fresh process: naming Staff imports its group and not the care-plan tables; the
    metadata then imports them all."""
    code = (
        "import sys\n"
        "from duty_desk.models import Staff\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('duty_desk.tables.'))\n"
        "print(loaded())\n"
        "import duty_desk.models as models\n"
        "print(len(models.metadata.tables), loaded())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    first, second = done.stdout.splitlines()
    assert first == "['duty_desk.tables.base', 'duty_desk.tables.people']"
    count, after = second.split(" ", 1)
    assert count == "29"
    for group in models.GROUPS:
        assert f"duty_desk.tables.{group}" in after


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchTable"):
        getattr(models, "NoSuchTable")  # noqa: B009 (the lookup is what is tested)
