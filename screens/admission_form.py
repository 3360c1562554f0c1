"""Recording a hospital admission, or correcting one (issue 12, docs): admitted and
discharged dates (empty while the person is still in hospital), informal or detained under
the Mental Health Act (then its section, from a fixed list), and the hospital. The title
and the first line name the client, so an admission is never recorded against the wrong
person (hazard H64)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.errors import InputErrors
from duty_desk.views import AdmissionView
from duty_desk.vocabulary import LEGAL_STATUS_LONG, MHA_SECTION_LONG, LegalStatus, MhaSection

from .absence_form import read_date
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import TextInput


def _day(value: object) -> str:
    return f"{value:%d/%m/%Y}" if value is not None else ""


class AdmissionForm(FormScreen[int]):
    """Dismisses with the admission's id once saved, None when cancelled. ``admission``:
    the one to correct (its version is checked when saving), None to record a new one."""

    FIELDS = ("admitted_on", "discharged_on", "legal_status", "mha_section", "hospital")
    ALIASES = {"admitted": "admitted_on", "discharged": "discharged_on", "section": "mha_section"}

    def __init__(
        self,
        client_id: int,
        client_name: str,
        admission: AdmissionView | None = None,
        flags: Sequence[str] = (),
    ) -> None:
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        what = "Correct an admission" if admission else "Record a hospital admission"
        super().__init__(f"{what}: {client_name}")
        self.CONFIRM = "Save" if admission else "Record admission"
        self.client_id = client_id
        self.client_name = client_name
        self.admission = admission

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.client_name,
                    self.flags,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                "\nLeave Discharged empty while they are still in hospital.",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        known = self.admission
        yield from self.field(
            "admitted_on",
            "Admitted",
            TextInput(
                value=_day(known.admitted_on) if known else "",
                placeholder="today, mon, 20/11",
                compact=True,
            ),
        )
        yield from self.field(
            "discharged_on",
            "Discharged",
            TextInput(
                value=_day(known.discharged_on) if known else "",
                placeholder="empty: still in hospital",
                compact=True,
            ),
        )
        statuses = [(LEGAL_STATUS_LONG[s], s.value) for s in LegalStatus]
        yield from self.field(
            "legal_status",
            "Status",
            Select(
                statuses,
                value=known.legal_status.value if known else LegalStatus.informal.value,
                allow_blank=False,
                compact=True,
            ),
        )
        sections = [(f"{s.value}  {MHA_SECTION_LONG[s]}", s.value) for s in MhaSection]
        section = known.mha_section.value if known and known.mha_section else None
        yield from self.field(
            "mha_section",
            "MHA section",
            Select(
                sections,
                value=section if section else Select.NULL,
                prompt="none (informal)",
                allow_blank=True,
                compact=True,
            ),
        )
        yield from self.field(
            "hospital",
            "Hospital",
            TextInput(
                value=known.hospital if known else "",
                placeholder="hospital and ward",
                compact=True,
            ),
        )

    def save_values(self, values: Mapping[str, str]) -> int:
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        errors: dict[str, str] = {}
        admitted = discharged = None
        if values["admitted_on"].strip():
            try:
                admitted = read_date(values["admitted_on"], "admitted_on", tz, past=True)
            except InputErrors as exc:
                errors.update(exc.errors)
        if values["discharged_on"].strip():
            try:
                discharged = read_date(values["discharged_on"], "discharged_on", tz, past=True)
            except InputErrors as exc:
                errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        repo = self.app.repo  # type: ignore[attr-defined]
        section = values["mha_section"] or None
        if self.admission is None:
            return int(
                repo.add_admission(
                    self.client_id,
                    admitted,
                    discharged,
                    values["legal_status"],
                    section,
                    values["hospital"],
                )
            )
        repo.edit_admission(
            self.admission.id,
            admitted,
            discharged,
            values["legal_status"],
            section,
            values["hospital"],
            expected_version=self.admission.version,
        )
        return self.admission.id
