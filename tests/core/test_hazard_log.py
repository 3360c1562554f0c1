"""The hazard log (docs/clinical-safety.md) names the tests that show each mitigation works:
every file and test it names must exist, and every hazard must name at least one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "clinical-safety.md"


def _hazards() -> list[str]:
    return re.split(r"^### ", LOG.read_text(encoding="utf-8"), flags=re.M)[1:]


def test_every_hazard_has_cause_effect_severity_mitigation_tests_and_residual_risk() -> None:
    hazards = _hazards()
    assert len(hazards) >= 10
    for hazard in hazards:
        title = hazard.splitlines()[0]
        for part in (
            "**Cause:**",
            "**Effect:**",
            "**Severity:**",
            "**Mitigation:**",
            "**Tests:**",
            "**Residual risk:**",
        ):
            assert part in hazard, f"{title}: no {part}"
        assert re.search(r"`tests/(?:\w+/)?test_\w+\.py", hazard), f"{title}: names no test"


def test_every_named_test_exists() -> None:
    text = LOG.read_text(encoding="utf-8")
    current_file: Path | None = None
    for file, name in re.findall(r"`(?:(tests/(?:\w+/)?test_\w+\.py))?(?:::(\w+))?`", text):
        if file:
            current_file = ROOT / file
            assert current_file.exists(), file
        if name:
            assert current_file is not None
            source = current_file.read_text(encoding="utf-8")
            assert re.search(rf"def {name}\(", source), f"{current_file.name}::{name}"
