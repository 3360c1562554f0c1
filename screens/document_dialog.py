"""Writing a document from the client record (issue 12, docs): the GP transfer letter (.docx)
or the whole record (.json, or .docx by the file's name). Asks only where to write it; it is
written there only (owner only, complete or not at all, ``duty_desk.documents``), recorded
in the audit log, and never sent anywhere: the key worker checks and edits it first.

The title and the first line name the client (hazard H61: the right person's record to the
right place). Privacy mode refuses before this opens (``refusal``): a document holds full
names, which privacy mode is there to keep off the screen.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.errors import InputErrors

from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import TextInput

KINDS = {
    "gp_letter": ("GP transfer letter", "gp-letter", ".docx"),
    "export": ("Export the record", "record", ".docx"),
}
PRIVACY_REFUSAL = (
    "Privacy mode is on: a document holds full names and NHS numbers. Turn privacy mode "
    "off to write one."
)


def suggested_path(client_id: int, kind: str, today: dt.date) -> str:
    """A file in the home folder named by client number and date (never by name)."""
    _title, stem, suffix = KINDS[kind]
    return str(Path("~") / f"client-{client_id}-{stem}-{today:%Y-%m-%d}{suffix}")


class DocumentDialog(FormScreen[str]):
    """Dismisses with the path written once done, None when cancelled."""

    FIELDS = ("path",)
    ALIASES = {"output": "path"}

    def __init__(
        self,
        client_id: int,
        client_name: str,
        kind: str,
        today: dt.date,
        flags: Sequence[str] = (),
    ) -> None:
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        title, _stem, _suffix = KINDS[kind]
        super().__init__(f"{title}: {client_name}")
        self.CONFIRM = "Write"
        self.client_id = client_id
        self.client_name = client_name
        self.kind = kind
        self.today = today
        self.replace_ok: str | None = None  # the path the person was told already exists

    def compose_intro(self) -> ComposeResult:
        lines = (
            "\nEpisode, key worker, who was involved (network members only with consent), "
            "what helped, the crisis plan and who to contact. Fill in each [to complete]."
            if self.kind == "gp_letter"
            else "\nThe whole record: .json, or .docx (an editable Word document)."
        )
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.client_name,
                    self.flags,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                lines,
                "\nWritten readable by you only. duty-desk never sends it: check it, then send "
                "it the usual way.",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "path",
            "Write to",
            TextInput(
                value=suggested_path(self.client_id, self.kind, self.today),
                placeholder="a file path",
                compact=True,
            ),
        )

    def save_values(self, values: Mapping[str, str]) -> str:
        from duty_desk.documents import (
            DocumentPathProblem,
            document_format,
            save_client_document,
        )

        typed = values["path"].strip()
        if not typed:
            raise InputErrors({"path": "give a file to write to"})
        path = os.path.expanduser(typed)
        if Path(path).is_dir():
            raise InputErrors({"path": f"{typed} is a folder: add a file name"})
        fmt = "docx" if self.kind == "gp_letter" else document_format(path)
        repo = self.app.repo  # type: ignore[attr-defined]
        # an existing file is replaced only by saving again with the same name, once told
        replace = self.replace_ok == path
        try:
            save_client_document(repo, self.client_id, self.kind, path, fmt, replace=replace)
        except DocumentPathProblem as exc:
            if "already exists" in str(exc):
                self.replace_ok = path
                raise InputErrors(
                    {"path": f"{typed} already exists: ctrl+s again replaces it"}
                ) from None
            raise InputErrors({"path": str(exc)}) from None
        except OSError as exc:
            raise InputErrors(
                {
                    "path": f"cannot write {typed}: "
                    f"{exc.strerror or exc.__class__.__name__}; nothing was written"
                }
            ) from None
        return path
