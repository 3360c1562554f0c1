"""The care and support plan (``duty_desk.care_plan``) as an editable Word document through
python-docx (imported here only, inside the function, so nothing else loads it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from .care_plan import plan_sections, plan_title
from .nhs import format_nhs_number

if TYPE_CHECKING:
    from .documents import Writer


def care_plan_docx(plan: Mapping[str, Any]) -> Writer:
    """A writer (``duty_desk.documents.Writer``) of the plan as a Word document: the title,
    who it is for, then each section under its heading (ratings and actions as tables)."""
    import docx

    from .documents import _docx_bytes

    doc = docx.Document()
    doc.add_heading(plan_title(plan), level=1)
    client = plan["client"]
    exported = plan["exported_at"] or ""
    doc.add_paragraph(
        f"{plan['team']}. Client number {client['client_id']}, NHS number "
        f"{format_nhs_number(client['nhs_number']) or 'not given'}. Made {exported[8:10]}/{exported[5:7]}/"
        f"{exported[0:4]} by {plan['exported_by']}. Written with the person; confidential."
    )
    for section in plan_sections(plan):
        doc.add_heading(section.heading, level=2)
        for line in section.paragraphs:
            doc.add_paragraph(line)
        if section.table:
            header, *rows = section.table
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, header, strict=True):
                cell.text = label
            for row in rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
        for line in section.after:
            doc.add_paragraph(line)
    data = _docx_bytes(doc)

    def write(out: IO[bytes]) -> None:
        out.write(data)

    return write
