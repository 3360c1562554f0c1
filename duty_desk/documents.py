"""Writing a client's record and the GP transfer letter as files (issue 12, docs): JSON, and
editable Word documents through python-docx (imported here only, inside the functions, so
nothing else loads it).

Every file goes through :func:`write_document`: the same rules as every export
(``duty_desk.reports.writers.output_target`` / ``atomic_output``): written under a temporary
name readable by the owner only (0600: it holds personal data), flushed and renamed into
place only when complete; a pipe or device written in place; a folder, a socket, a planted
link refused. It is written only where the person asked (a path they gave); duty-desk never
sends it anywhere.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import DutyDeskError
from .nhs import format_nhs_number
from .reports.writers import atomic_output, output_target

if TYPE_CHECKING:
    from docx.document import Document

    from .gp_letter import Letter
    from .repository import Repository

Writer = Callable[[IO[bytes]], None]


def write_document(path: str, write: Writer) -> bool:
    """Write to ``path`` with ``write`` (atomically for a file); True when it was written in
    place (a pipe or device: any note for the person goes to stderr, not into it). OSError
    (UnsafeOutput, IsADirectoryError, ...) for where it must not or cannot go."""
    in_place = output_target(path).in_place
    with atomic_output(path) as handle:
        write(handle)
    return in_place


def record_json(document: Mapping[str, Any]) -> Writer:
    def write(out: IO[bytes]) -> None:
        out.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
        out.write(b"\n")

    return write


def _docx_bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()  # a zip: built in memory, then written in one go (pipes cannot seek)
    doc.save(buffer)
    return buffer.getvalue()


# -- the record as a Word document -------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _when(value: str | None) -> str:
    """An ISO time or date from the record, as people read it (dd/mm/yyyy hh:mm)."""
    if not value:
        return "-"
    day = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return f"{day} {value[11:16]}" if len(value) > 10 else day


def _table(doc: Document, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = label
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value


def _generic(doc: Document, value: Any, level: int = 0) -> None:
    """A part with no layout of its own (added later): each key and value as it is."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(inner, Mapping | list):
                doc.add_paragraph(str(key).replace("_", " ").capitalize() + ":")
                _generic(doc, inner, level + 1)
            else:
                doc.add_paragraph(f"{str(key).replace('_', ' ').capitalize()}: {_text(inner)}")
    elif isinstance(value, list):
        if not value:
            doc.add_paragraph("None.")
        for item in value:
            if isinstance(item, Mapping | list):
                _generic(doc, item, level + 1)
                doc.add_paragraph("")
            else:
                doc.add_paragraph(_text(item), style="List Bullet")
    else:
        doc.add_paragraph(_text(value))


def _header(doc: Document, client: Mapping[str, Any]) -> None:
    key_worker = client.get("key_worker")
    team = ", ".join(f"{m['name']} ({m['role']})" for m in client.get("core_team", []))
    for label, value in (
        ("Client number", client["client_id"]),
        ("Name", client["name"]),
        ("Date of birth", _when(client["date_of_birth"])),
        ("NHS number", format_nhs_number(client["nhs_number"]) or client["nhs_number"]),
        ("Phone", client["phone"]),
        ("Address", client["address"]),
        ("GP practice", client["gp_practice"]),
        ("Area", client["area"]),
        ("Language", client["language"]),
        ("Interpreter needed", client["interpreter"]),
        ("Status", client["status"]),
        ("Accepted", _when(client["accepted_at"])),
        ("Discharged", _when(client["discharged_on"])),
        ("Ending", client.get("discharge_kind_words")),
        ("Discharge reason", client.get("discharge_reason")),
        ("Key worker", f"{key_worker['name']} ({key_worker['role']})" if key_worker else None),
        ("Core team", team),
    ):
        doc.add_paragraph(f"{label}: {_text(value)}")


def _network(doc: Document, members: Sequence[Mapping[str, Any]]) -> None:
    if not members:
        doc.add_paragraph("No one in the network recorded.")
        return
    extra = [key for key in members[0] if key not in ("id", "name", "relationship", "phone")]
    _table(
        doc,
        ["Name", "Relationship", "Phone", *(k.replace("_", " ").capitalize() for k in extra)],
        [
            [
                _text(m["name"]),
                _text(m["relationship"]),
                _text(m["phone"]),
                *(_text(m.get(k)) for k in extra),
            ]
            for m in members
        ],
    )


def _people(people: Sequence[Mapping[str, Any]]) -> str:
    def one(person: Mapping[str, Any]) -> str:
        came = {True: "came", False: "did not come", None: "expected"}[person.get("attended")]
        cover = ", as cover" if person.get("cover") else ""
        return f"{person['name']} ({came}{cover})"

    return "; ".join(one(p) for p in people) or "-"


def _meetings(doc: Document, meetings: Sequence[Mapping[str, Any]]) -> None:
    if not meetings:
        doc.add_paragraph("No meetings.")
    for meeting in meetings:
        doc.add_heading(
            f"{_when(meeting['starts_at'])}, {meeting['place']}: {meeting['status_words']}",
            level=3,
        )
        if meeting.get("place_detail"):
            doc.add_paragraph(f"Where: {meeting['place_detail']}")
        if meeting.get("cancel_reason"):
            doc.add_paragraph(
                f"Cancelled {meeting.get('cancelled_by') or ''}: {meeting['cancel_reason']}"
            )
        doc.add_paragraph(f"Staff: {_people(meeting['staff'])}")
        doc.add_paragraph(f"Network: {_people(meeting['network'])}")
        for key, value in meeting.items():
            if key not in _MEETING_KEYS:  # added later (the notes): shown as they are
                doc.add_paragraph(f"{key.replace('_', ' ').capitalize()}:")
                _generic(doc, value)


_MEETING_KEYS = frozenset(
    {
        "id",
        "starts_at",
        "ends_at",
        "place",
        "place_detail",
        "status",
        "status_words",
        "cancelled_by",
        "cancel_reason",
        "staff",
        "network",
    }
)


def _admissions(doc: Document, admissions: Sequence[Mapping[str, Any]]) -> None:
    if not admissions:
        doc.add_paragraph("No hospital admissions recorded.")
        return
    _table(
        doc,
        ["Admitted", "Discharged", "Legal status", "Hospital"],
        [
            [
                _when(a["admitted_on"]),
                _when(a["discharged_on"]) if a["discharged_on"] else "still in hospital",
                a["legal_status_words"]
                + (f", {a['mha_section_words']}" if a.get("mha_section_words") else ""),
                a["hospital"],
            ]
            for a in admissions
        ],
    )


_TITLES = {
    "network": "Network",
    "meetings": "Meetings",
    "admissions": "Hospital admissions",
    "crisis_plan": "Crisis and contingency plan",
    "safeguarding_flags": "Safeguarding flags",
}
_LAYOUTS: dict[str, Callable[[Any, Any], None]] = {
    "network": _network,
    "meetings": _meetings,
    "admissions": _admissions,
}
_PREAMBLE = frozenset({"format", "format_version", "exported_at", "exported_by", "team", "client"})


def record_docx(document: Mapping[str, Any]) -> Writer:
    """The record as an editable Word document: the header, then each part under its
    heading (parts without a layout of their own are written key by key)."""
    import docx

    doc = docx.Document()
    client = document["client"]
    doc.add_heading(f"Client record: {client['name']}", level=1)
    doc.add_paragraph(
        f"{document['team']}. Exported {_when(document['exported_at'])} by "
        f"{document['exported_by']}. Confidential: personal and health information."
    )
    _header(doc, client)
    for key, value in document.items():
        if key in _PREAMBLE:
            continue
        doc.add_heading(_TITLES.get(key, key.replace("_", " ").capitalize()), level=2)
        layout = _LAYOUTS.get(key)
        if layout is not None:
            layout(doc, value)
        else:
            _generic(doc, value)
    data = _docx_bytes(doc)

    def write(out: IO[bytes]) -> None:
        out.write(data)

    return write


def letter_docx(letter: Letter) -> Writer:
    """The GP transfer letter as an editable Word document."""
    import docx

    doc = docx.Document()
    for line in letter.to:
        doc.add_paragraph(line)
    doc.add_heading(letter.title, level=1)
    for line in letter.regarding:
        doc.add_paragraph(line).runs[0].bold = True
    doc.add_paragraph("Dear Doctor,")
    for section in letter.sections:
        doc.add_heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
    for line in letter.sign_off:
        doc.add_paragraph(line)
    data = _docx_bytes(doc)

    def write(out: IO[bytes]) -> None:
        out.write(data)

    return write


def docx_text(source: str | IO[bytes]) -> str:
    """Every paragraph and table cell of a Word document, one per line (for checks)."""
    import docx

    doc = docx.Document(source)
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


# -- one client's document, start to end (the CLI and the record screen) ----------------------
RECORD_FORMATS = ("json", "docx")


def document_format(path: str, given: str | None = None) -> str:
    """The record's format: as given, else from the file name (``.docx``), else JSON."""
    if given:
        return given
    return "docx" if path.lower().endswith(".docx") else "json"


def client_writer(repo: Repository, client_id: int, kind: str, fmt: str = "json") -> Writer:
    """The document ``kind`` ("export": the record as ``fmt``; "gp_letter": the letter) for
    the client, made in full before anything is written. NotForGp for a letter the episode
    does not call for."""
    if kind == "care_plan":  # issue 13: the care and support plan (duty_desk.care_plan)
        from .care_plan import plan_writer

        if fmt not in RECORD_FORMATS:
            raise ValueError(fmt)
        return plan_writer(repo, client_id, fmt)
    from .client_export import client_document

    document = client_document(repo, client_id)
    if kind == "gp_letter":
        from .gp_letter import gp_letter

        return letter_docx(gp_letter(document, repo.config))
    if fmt not in RECORD_FORMATS:
        raise ValueError(fmt)
    return record_docx(document) if fmt == "docx" else record_json(document)


SUFFIXES = {"docx": ".docx", "json": ".json"}


class DocumentPathProblem(DutyDeskError):
    """Where a client document is not written: a name that would open it as something else,
    or an existing file (someone's edited letter, another client's record)."""


def document_path_problem(path: str, fmt: str, replace: bool) -> str | None:
    """Why a client document must not go to ``path`` (None: it may). A file's name must end
    as its format does; an existing file is replaced only when asked (``replace``): a
    letter there may hold the key worker's edits, or be another client's. A pipe or device
    is written in place, whatever its name."""
    try:
        if output_target(path).in_place:
            return None
    except OSError:
        return None  # write_document says why, in its own words
    expected = SUFFIXES.get(fmt)
    if expected and Path(path).suffix.lower() != expected:
        return f"{path} does not end in {expected}: a {fmt} document is named so it opens as one"
    if Path(path).exists() and not replace:
        return (
            f"{path} already exists (it may be another letter or record, or hold edits); "
            "choose another name, or replace it on purpose"
        )
    return None


def save_client_document(
    repo: Repository,
    client_id: int,
    kind: str,
    path: str,
    fmt: str = "json",
    *,
    replace: bool = False,
) -> bool:
    """Check the acting login may take the record away and the path (:func:`document_path_problem`:
    DocumentPathProblem), make the document, write it to ``path`` (:func:`write_document`:
    atomically, owner only) and record in the audit log that it was written and where.
    Returns True when written in place (a pipe or device)."""
    problem = document_path_problem(path, fmt, replace)
    if problem is not None:
        raise DocumentPathProblem(problem)
    repo.check_can_write_document(client_id)
    in_place = write_document(path, client_writer(repo, client_id, kind, fmt))
    repo.record_document(client_id, kind, path)
    return in_place
