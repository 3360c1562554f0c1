"""Choosing a client's core team (two or three staff) and key worker, with a recorded reason.

The staff are listed with the most room in their caseload first (from
``repo.suggest_staff``), each with their caseload against capacity and any
absence. Space picks or drops the highlighted person; the key worker is
chosen from those picked. Used from the board (``t``) and straight after
accepting a referral in the queue (then opened by referral id). Opened from the accept
flow with the referral's respond-by time (``deadline``), the staff free for a first
meeting before it come first, marked "free by deadline".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from duty_desk import timeutil
from duty_desk.errors import InputErrors
from duty_desk.views import EpisodeView, StaffLoad

from . import board_render as render
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import PickList, TextInput

HINT = "Pick 2 or 3 people, ideally with a peer support worker; then the key worker and a reason."


class CoreTeamDialog(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("staff", "key_worker", "reason")
    ALIASES = {
        "staff_ids": "staff",
        "core_team": "staff",
        "core team": "staff",
        "team": "staff",
        "key_worker_id": "key_worker",
        "key worker": "key_worker",
    }
    CONFIRM = "Save team"
    DEFAULT_CSS = """
    CoreTeamDialog #staff-label { text-style: bold; }
    CoreTeamDialog #field-staff { height: 8; }
    CoreTeamDialog #picked { height: auto; max-height: 2; }
    CoreTeamDialog #error-staff { padding-left: 0; }
    """

    @dataclass
    class Loaded(Message):
        client_id: int
        episode: EpisodeView
        loads: dict[int, StaffLoad]  # by staff id: the suggestions, and anyone since left
        tags: dict[int, str]
        options: list[Selection[int]] = field(default_factory=list)  # the list, drawn

    def __init__(
        self,
        client_id: int | None,
        subject: str,
        *,
        referral_id: int | None = None,
        reason: str = "",
        deadline: dt.datetime | None = None,
        flags: Sequence[str] = (),
    ) -> None:
        super().__init__("Core team and key worker")
        self.flags = tuple(flags)  # the person's open safeguarding flags' kinds (SG marker)
        self.deadline = deadline
        self.client_id = client_id
        self.referral_id = referral_id
        self.subject = subject
        self.first_reason = reason
        self.episode: EpisodeView | None = None
        self.loads: dict[int, StaffLoad] = {}
        self.tags: dict[int, str] = {}

    def compose_intro(self) -> ComposeResult:
        config = self.app.config  # type: ignore[attr-defined]
        intro = assemble(subject("Client", self.subject, self.flags, config), "\n", HINT)
        if self.deadline is not None:
            tz = self.app.config.team.timezone  # type: ignore[attr-defined]
            intro.append("\nFirst meeting by ")
            intro.append(timeutil.fmt_local(self.deadline, tz, "day"), style="bold")
            intro.append(": staff free before it first.")
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        self.load()  # the staff are read (and their lines drawn) while the dialog is built
        # The list gets the dialog's whole width: the label goes above it.
        yield Label("Core team (space picks, most room first):", id="staff-label")
        yield PickList(id="field-staff", compact=True)
        yield Static(Text("Picked: nobody yet", end=""), id="picked")  # legible without colour
        yield Static(id="error-staff", classes="error")
        yield from self.field(
            "key_worker", "Key worker", Select[int]([], prompt="(one of the team)", compact=True)
        )
        yield from self.field(
            "reason",
            "Reason",
            TextInput(
                value=self.first_reason, placeholder="why this team (recorded)", compact=True
            ),
        )

    def on_mount(self) -> None:
        self.query_one("#field-staff", SelectionList).focus()
        self.query_one("#save").disabled = True

    @work(thread=True, exit_on_error=False, group="core-team-load", description="load staff")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        client_id = self.client_id
        if client_id is None and self.referral_id is not None:
            client_id = repo.client_for_referral(self.referral_id)
        if client_id is None:
            raise InputErrors({"staff": "This referral has no episode of care to give a team to."})
        episode = repo.episode(client_id)
        free: tuple[int, ...] = ()
        if self.deadline is not None:
            choice = repo.core_team_choice(client_id, self.deadline)
            suggestions, free = tuple(choice.suggestions), tuple(choice.free)
        else:
            suggestions = tuple(repo.suggest_staff(client_id))
        everyone = [load.staff for load in suggestions] + list(episode.core_team)
        if episode.key_worker is not None:
            everyone.append(episode.key_worker)
        everyone = [*repo.list_staff(include_inactive=True), *everyone]
        tags = render.staff_tags({s.id: s for s in everyone}.values())
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        loads, options = self._options(episode, suggestions, tags, free, tz)
        self.post_message(self.Loaded(client_id, episode, loads, tags, options))

    @staticmethod
    def _options(
        episode: EpisodeView,
        suggestions: tuple[StaffLoad, ...],
        tags: dict[int, str],
        free: tuple[int, ...],
        tz: str,
    ) -> tuple[dict[int, StaffLoad], list[Selection[int]]]:
        """The list's lines (in the worker): the suggestions, most room first (those free by
        the deadline marked), then anyone of the team who has since left, ticked."""
        today = timeutil.to_local(timeutil.now(), tz).date()
        current = {member.id for member in episode.core_team}
        loads = {load.staff.id: load for load in suggestions}
        options = []
        for load in suggestions:
            prompt = render.suggestion_prompt(load, tags, today)
            if load.staff.id in free:
                prompt.append("  free by deadline", style="bold")
            options.append(Selection(prompt, load.staff.id, load.staff.id in current))
        for member in episode.core_team:  # someone who has since left the team
            if member.id not in loads:
                gone = loads[member.id] = StaffLoad(member, 0, 0, ())
                prompt = assemble(render.suggestion_prompt(gone, tags, today), (" LEFT", "bold"))
                options.append(Selection(prompt, member.id, True))
        return loads, options

    def worker_failed(self, worker: object) -> None:
        self.saving = False
        if getattr(worker, "group", "") == "core-team-load":
            self.dismiss(None)

    def on_core_team_dialog_loaded(self, message: Loaded) -> None:
        self.client_id = message.client_id
        self.episode = message.episode
        self.tags = message.tags
        self.loads = message.loads
        picker = self.query_one("#field-staff", SelectionList)
        picker.add_options(message.options)
        if message.options:
            picker.highlighted = 0
        self._update_key_workers(
            message.episode.key_worker.id if message.episode.key_worker is not None else None
        )
        self.query_one("#save").disabled = False

    @on(SelectionList.SelectedChanged, "#field-staff")
    def _team_changed(self) -> None:
        select = self.query_one("#field-key_worker", Select)
        value = select.value
        self._update_key_workers(value if isinstance(value, int) else None)

    def _update_key_workers(self, keep: int | None) -> None:
        chosen = self.query_one("#field-staff", SelectionList).selected
        select = self.query_one("#field-key_worker", Select)
        options: list[tuple[Text, int]] = []
        for staff_id in chosen:
            load = self.loads.get(staff_id)
            if load is not None:
                options.append(
                    (
                        assemble(
                            literal(self.tags.get(staff_id, "?"), "bold"),
                            " ",
                            literal(load.staff.name),
                        ),
                        staff_id,
                    )
                )
        with select.prevent(Select.Changed):
            select.set_options(options)
            if keep in chosen:
                select.value = keep
        self._show_picked()

    @on(Select.Changed, "#field-key_worker")
    def _show_picked(self) -> None:
        """Who is picked, in words (tag and name; the key worker marked): legible without colour."""
        chosen = self.query_one("#field-staff", SelectionList).selected
        key = self.query_one("#field-key_worker", Select).value
        names = []
        for staff_id in chosen:
            load = self.loads.get(staff_id)
            if load is None:
                continue
            name = assemble(
                literal(self.tags.get(staff_id, "?"), "bold"), " ", literal(load.staff.name)
            )
            if staff_id == key:
                name.append(" (key worker)", style="bold")
            names.append(name)
        picked = Text(f"Picked ({len(names)}): " if names else "Picked: nobody yet", end="")
        for position, name in enumerate(names):
            if position:
                picked.append(", ")
            picked.append_text(name)
        self.query_one("#picked", Static).update(picked)

    def text_of(self, name: str) -> str:
        if name == "staff":
            chosen = self.query_one("#field-staff", SelectionList).selected
            return ",".join(str(staff_id) for staff_id in chosen)
        if name == "key_worker":
            value = self.query_one("#field-key_worker", Select).value
            return str(value) if isinstance(value, int) else ""
        return super().text_of(name)

    def save_values(self, values: Mapping[str, str]) -> bool:
        from duty_desk.validation import validate_reason

        staff_ids = [int(part) for part in values["staff"].split(",") if part]
        errors: dict[str, str] = {}
        if not 2 <= len(staff_ids) <= 3:
            errors["staff"] = f"Pick two or three people (space); {len(staff_ids)} picked."
        key = int(values["key_worker"]) if values["key_worker"] else None
        if key is None or key not in staff_ids:
            errors["key_worker"] = "Choose the key worker from the core team."
        try:
            reason = validate_reason(values["reason"], "reason")
        except InputErrors as exc:
            errors.update(exc.errors)
            reason = ""
        if errors:
            raise InputErrors(errors)
        assert self.client_id is not None and key is not None
        repo = self.app.repo  # type: ignore[attr-defined]
        version = self.episode.version if self.episode is not None else None
        repo.set_core_team(self.client_id, staff_ids, key, reason, expected_version=version)
        return True
