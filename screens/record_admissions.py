"""The client record's admissions section (``i``) and its documents (issue 12, docs).

:class:`AdmissionsSection`: hospital admissions during the episode, newest first (admitted,
discharged or still in hospital, informal or detained with the section, hospital); ``a``
records one, ``e`` corrects the selected one or records the discharge from hospital (the
admission form, screens/admission_form.py). While an admission has no discharge the header
says ``IN HOSPITAL``.

:class:`DocumentsPart`: in every section, ``L`` writes the GP transfer letter and ``X``
exports the whole record (the document dialog, screens/document_dialog.py: where to write
it; nothing is ever sent). Refused in privacy mode: a document holds full names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from duty_desk import timeutil
from duty_desk.views import AdmissionView, ClientRecordView
from duty_desk.vocabulary import LEGAL_STATUS_LONG, MHA_SECTION_LONG, LegalStatus

from .literal import cell, literal, visible
from .record_section import RecordContext, RecordSection, SectionRow

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .record import RecordScreen


def _day(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


def status_words(admission: AdmissionView, short: bool = True) -> str:
    """``informal``, or ``detained s2`` (long: with the section's words)."""
    if admission.legal_status is LegalStatus.informal or admission.mha_section is None:
        return LEGAL_STATUS_LONG[admission.legal_status] if not short else "informal"
    if short:
        return f"detained {admission.mha_section.value}"
    return f"{LEGAL_STATUS_LONG[admission.legal_status]}, {MHA_SECTION_LONG[admission.mha_section]}"


class AdmissionsSection(RecordSection):
    name = "admissions"
    key = "i"
    title = "Admissions"
    COLUMNS = (
        ("admitted", "Admitted", 10),
        ("discharged", "Discharged", 11),
        ("status", "Status", 14),
        ("hospital", "Hospital", 20),
    )
    BINDINGS = [
        Binding(
            "a", "add", "Add", id="record_admission_add", tooltip="Record a hospital admission"
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="record_admission_edit",
            tooltip="Correct the admission, or record the discharge from hospital",
        ),
    ]
    EMPTY = "No hospital admissions recorded. a records one."

    def read(self, repo: Repository, record: ClientRecordView) -> list[AdmissionView]:
        return repo.admissions(record.client_id)

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        found: list[AdmissionView] = extra or []
        return [
            (
                str(admission.id),
                admission,
                {
                    "admitted": cell(_day(admission.admitted_on)),
                    "discharged": cell("IN HOSPITAL", "bold")
                    if admission.in_hospital
                    else cell(_day(admission.discharged_on)),
                    "status": cell(status_words(admission)),
                    "hospital": cell(admission.hospital),
                },
            )
            for admission in found
        ]

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, AdmissionView):
            return Text(self.EMPTY, end="")
        text = Text(end="")
        text.append("Hospital: ", style="bold")
        text.append_text(literal(item.hospital))
        text.append("\nAdmitted: ", style="bold")
        text.append(_day(item.admitted_on))
        text.append("  Discharged: ", style="bold")
        text.append(_day(item.discharged_on) if item.discharged_on else "not yet: in hospital")
        text.append("\nStatus: ", style="bold")
        text.append(status_words(item, short=False))
        text.append("\nRecorded by ", style="bold")
        text.append_text(literal(item.created_by))
        text.append(f" on {timeutil.fmt_local(item.created_at, ctx.tz, 'day')}")
        text.append("\ne corrects it or records the discharge from hospital.")
        return text

    def markers(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        if any(admission.in_hospital for admission in extra or []):
            return [Text("IN HOSPITAL", style="bold reverse", end="")]
        return []

    # -- actions ------------------------------------------------------------------------------
    def action_add(self, screen: RecordScreen) -> None:
        self._open(screen, None)

    def action_edit(self, screen: RecordScreen) -> None:
        admission = screen.selected(self)
        if not isinstance(admission, AdmissionView):
            screen.notify(
                "Choose an admission in the list first (a records a new one).",
                severity="warning",
                markup=False,
            )
            return
        self._open(screen, admission)

    def _open(self, screen: RecordScreen, admission: AdmissionView | None) -> None:
        from .admission_form import AdmissionForm

        record = screen.record
        if record is None:
            return

        def saved(done: int | None) -> None:
            if done is not None:
                screen.saved("Admission corrected" if admission else "Admission recorded")

        screen.when_permitted(
            lambda: screen.app.push_screen(
                AdmissionForm(
                    record.client_id, screen.subject, admission, record.episode.safeguarding
                ),
                saved,
            )
        )


class DocumentsPart(RecordSection):
    """``L`` and ``X`` in every section: the GP transfer letter, the whole record."""

    name = "documents"
    key = ""
    title = "Documents"
    BINDINGS = [
        Binding(
            "L",
            "letter",
            "GP letter",
            id="record_letter",
            tooltip="Write the GP transfer letter (.docx)",
        ),
        Binding(
            "X",
            "export",
            "Export",
            id="record_export",
            tooltip="Export the whole record (.json or .docx)",
        ),
    ]

    def action_letter(self, screen: RecordScreen) -> None:
        record = screen.record
        if record is not None and record.episode.discharge_kind not in (None, "primary_care"):
            screen.notify(
                f"{visible(record.name)}'s episode ended another way (not a transfer to "
                "primary care): a GP transfer letter is for clients discharged to their GP.",
                severity="warning",
                markup=False,
            )
            return
        self._open(screen, "gp_letter")

    def action_export(self, screen: RecordScreen) -> None:
        self._open(screen, "export")

    def _open(self, screen: RecordScreen, kind: str) -> None:
        from .document_dialog import PRIVACY_REFUSAL, DocumentDialog

        record = screen.record
        if record is None:
            return
        if screen.duty_app.privacy:
            screen.notify(PRIVACY_REFUSAL, severity="warning", markup=False)
            return
        today = timeutil.to_local(timeutil.now(), screen.duty_app.config.team.timezone).date()
        words = "GP transfer letter" if kind == "gp_letter" else "Record"

        def written(path: str | None) -> None:
            if path is not None:
                screen.notify(
                    f"{words} of {visible(screen.subject)} written to {visible(path)} "
                    "(readable by you only; not sent)",
                    markup=False,
                )
                screen.wrote()  # its audit row: the history shows it
                screen.reload()

        screen.when_permitted(
            lambda: screen.app.push_screen(
                DocumentDialog(
                    record.client_id, screen.subject, kind, today, record.episode.safeguarding
                ),
                written,
            )
        )
