"""The report registry: every report writes its own columns as JSON and CSV, and the
CLI's ``export`` offers exactly the registered reports and their formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from duty_desk import reports
from duty_desk.cli_export import export as export_command
from duty_desk.repository import Repository
from tests.conftest import referral_input


def params_for(report: reports.Report) -> reports.Params:
    if reports.DATES in report.params:
        return reports.Params(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    return reports.Params()


@pytest.mark.parametrize("name", list(reports.REPORTS))
def test_each_report_writes_its_columns(repo: Repository, name: str) -> None:
    repo.add_referral(referral_input())
    report = reports.report(name)
    out = io.BytesIO()
    count = reports.run(report, "csv", repo, out, params_for(report))
    header = next(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))
    columns = report.columns_for(repo.config)
    assert tuple(header) == columns
    out = io.BytesIO()
    assert reports.run(report, "json", repo, out, params_for(report)) == count
    rows = json.loads(out.getvalue())
    assert len(rows) == count and all(tuple(row) == columns for row in rows)
    assert report.count_words(1).startswith("1 ") and report.count_words(2).startswith("2 ")


def test_the_cli_offers_the_registered_reports_and_formats() -> None:
    params = {param.name: param for param in export_command.params}
    # ... and `export client CLIENT` (issue 12, docs): one client's record, json or docx
    # ... and `export care-plan CLIENT` (issue 13): the care and support plan
    assert list(params["what"].type.choices) == [*reports.REPORTS, "client", "care-plan"]  # type: ignore[attr-defined]
    formats = {fmt for report in reports.REPORTS.values() for fmt in report.formats}
    assert set(params["fmt"].type.choices) == formats | {"docx"}  # type: ignore[attr-defined]
    assert reports.taking(reports.DATES) == ["meetings", "team"]  # team: issue 14
    assert reports.taking(reports.DISCHARGED) == ["clients"]
