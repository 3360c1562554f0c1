"""The personalised care and support plan (issue 13): what ``duty-desk export care-plan``
writes as JSON or as a Word document (``duty_desk.care_plan_docx``) and what the client
record shows on screen (``w`` in its DIALOG section).

:func:`care_plan` is the one builder: plain data (text, numbers, ISO dates), one key per
part: the key worker and how to reach them, the core team, the network members who take
part, the latest DIALOG ratings beside the previous ones (each item, both scores), the
items chosen to talk about with the four steps, the open actions (what, who, by when),
and the crisis plan from the client record. A score from too few rated items is ``null``,
never a number.

:func:`plan_sections` turns that data into headed paragraphs and tables of plain text,
the same for the document and the screen (each shows it literally).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .crisis import PLAN_FIELDS, PLAN_LABELS
from .dialog_scale import RATING_WORDS
from .vocabulary import ACTION_STATUS_LONG, ROLE_LONG, ActionOwner, words

if TYPE_CHECKING:
    from .dialog_views import DialogData, DialogRatingView
    from .documents import Writer
    from .repository import Repository

FORMAT_VERSION = 1  # of the JSON document: bumped when a key changes meaning
KIND = "care_plan"  # the document kind (duty_desk.documents, the audit log)


def _score(value: Fraction | None) -> float | None:
    """A mean to two places, or None (too few of its items rated: never a number)."""
    return None if value is None else round(float(value), 2)


def _rating(rating: DialogRatingView | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "id": rating.id,
        "rated_on": rating.rated_on.isoformat(),
        "quality_of_life": _score(rating.quality_of_life),
        "treatment_satisfaction": _score(rating.treatment),
        "life_items_rated": rating.life_rated,
        "treatment_items_rated": rating.treatment_rated,
    }


def _items(dialog: DialogData) -> list[dict[str, Any]]:
    latest = dialog.latest
    previous = dialog.previous(latest.id) if latest is not None else None
    out = []
    for item in dialog.items:
        now = latest.answer(item.key) if latest else None
        before = previous.answer(item.key) if previous else None
        out.append(
            {
                "key": item.key,
                "label": item.label or item.subject,
                "kind": item.kind.value,
                "latest": now.score if now else None,
                "help_wanted": bool(now and now.help_wanted),
                "previous": before.score if before else None,
            }
        )
    return out


def _owner(kind: ActionOwner, name: str) -> str:
    if kind is ActionOwner.person:
        return "the person"
    return name or ("a network member" if kind is ActionOwner.network else "a staff member")


def _chosen(dialog: DialogData) -> dict[str, Any] | None:
    """The items chosen at the latest rating that had any, with the four steps (the
    fourth: the actions agreed on each)."""
    for rating in reversed(dialog.ratings):
        topics = dialog.topics_of(rating.id)
        if not topics:
            continue
        labels = {item.key: item.label or item.subject for item in dialog.items}
        return {
            "rated_on": rating.rated_on.isoformat(),
            "items": [
                {
                    "key": topic.item_key,
                    "label": labels.get(topic.item_key, topic.item_key),
                    "understanding": topic.understanding,
                    "looking_forward": topic.looking_forward,
                    "options": topic.options,
                    "actions": [
                        {
                            "what": action.what,
                            "who": _owner(action.owner_kind, action.owner_name),
                            "due_on": action.due_on.isoformat(),
                            "status": action.status.value,
                        }
                        for action in dialog.actions
                        if action.topic_id == topic.id
                    ],
                }
                for topic in topics
            ],
        }
    return None


def care_plan(repo: Repository, client_id: int) -> dict[str, Any]:
    """The client's care and support plan as plain data (NotFound: no such client)."""
    from . import timeutil
    from .client_export import RecordContext

    record = repo.client_record(client_id)
    episode = record.episode
    dialog = repo.dialog(client_id)
    plan = repo.crisis_record(client_id).plan
    tz = repo.config.team.timezone
    ctx = RecordContext(client_id, episode, repo.referral(episode.referral_id), tz)
    worker = episode.key_worker
    labels = {item.key: item.label or item.subject for item in dialog.items}
    latest = dialog.latest
    return {
        "format": "duty-desk care plan",
        "format_version": FORMAT_VERSION,
        "exported_at": ctx.when(timeutil.now()),
        "exported_by": repo.actor,
        "team": repo.config.team.name,
        "team_contact": repo.config.documents.team_contact,
        "client": {
            "client_id": client_id,
            "name": episode.name,
            "date_of_birth": episode.date_of_birth.isoformat(),
            "nhs_number": episode.nhs_number,
            "status": episode.status.value,
            "accepted_at": ctx.when(episode.accepted_at),
        },
        "key_worker": None
        if worker is None
        else {
            "name": worker.name,
            "role": words(ROLE_LONG, worker.role),
            "phone": record.key_worker_phone or None,
            "active": worker.active,
        },
        "core_team": [
            {
                "name": member.name,
                "role": words(ROLE_LONG, member.role),
                "key_worker": worker is not None and member.id == worker.id,
            }
            for member in episode.core_team
        ],
        "network": [
            {"name": member.name, "relationship": member.relationship}
            for member in record.network
            if member.takes_part and not member.removed
        ],
        "ratings": {
            "latest": _rating(latest),
            "previous": _rating(dialog.previous(latest.id) if latest else None),
            "items": _items(dialog) if latest else [],
        },
        "chosen_items": _chosen(dialog),
        "open_actions": [
            {
                "item": labels.get(action.item_key, action.item_key),
                "what": action.what,
                "who": _owner(action.owner_kind, action.owner_name),
                "due_on": action.due_on.isoformat(),
                "status": action.status.value,
            }
            for action in dialog.open_actions
        ],
        "crisis_plan": None
        if plan is None
        else {
            **{name: getattr(plan, name) for name in PLAN_FIELDS},
            "review_on": plan.review_on.isoformat(),
        },
    }


# -- the plan as headed text (the Word document and the screen) -----------------------------


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # the first row is the header
    after: tuple[str, ...] = field(default=())  # paragraphs after the table


def _day(value: str | None) -> str:
    return "-" if not value else f"{value[8:10]}/{value[5:7]}/{value[0:4]}"


def _num(value: float | None) -> str:
    return "not given (too few items rated)" if value is None else f"{value:.2f}"


def _answer(value: int | None) -> str:
    return "not rated" if value is None else f"{value} {RATING_WORDS[value]}"


def _scores(rating: Mapping[str, Any] | None, what: str) -> str:
    if rating is None:
        return f"{what}: none"
    return (
        f"{what} ({_day(rating['rated_on'])}): quality of life {_num(rating['quality_of_life'])}, "
        f"treatment satisfaction {_num(rating['treatment_satisfaction'])}"
    )


def plan_title(plan: Mapping[str, Any]) -> str:
    return f"Care and support plan: {plan['client']['name']}"


def plan_sections(plan: Mapping[str, Any]) -> tuple[Section, ...]:
    """The plan as headed sections of plain text, in the order they are shown."""
    worker = plan["key_worker"]
    reach: tuple[str, ...]
    if worker is None:
        reach = ("No key worker named yet.", f"The team: {plan['team_contact']}")
    else:
        reach = (
            f"{worker['name']} ({worker['role']})"
            + ("" if worker["active"] else ", has left the team"),
            f"Phone: {worker['phone'] or 'not recorded'}",
            f"The team: {plan['team_contact']}",
        )
    team = tuple(
        f"{m['name']} ({m['role']})" + (", key worker" if m["key_worker"] else "")
        for m in plan["core_team"]
    ) or ("No core team chosen yet.",)
    network = tuple(f"{m['name']} ({m['relationship']})" for m in plan["network"]) or (
        "No network members take part.",
    )
    ratings = plan["ratings"]
    if ratings["latest"] is None:
        rating_section = Section("DIALOG ratings", ("No DIALOG rating yet.",))
    else:
        rows = [("Item", "Latest", "Help", "Previous")]
        rows += [
            (
                item["label"],
                _answer(item["latest"]),
                "yes" if item["help_wanted"] else "no",
                _answer(item["previous"]) if ratings["previous"] else "-",
            )
            for item in ratings["items"]
        ]
        rating_section = Section(
            "DIALOG ratings",
            (_scores(ratings["latest"], "Latest"), _scores(ratings["previous"], "Previous")),
            tuple(rows),
        )
    chosen = plan["chosen_items"]
    chosen_lines: list[str] = []
    if chosen is None:
        chosen_lines.append("No items chosen to talk about yet.")
    else:
        chosen_lines.append(f"Chosen at the rating of {_day(chosen['rated_on'])}.")
        for item in chosen["items"]:
            chosen_lines.append(item["label"])
            chosen_lines.append(f"  1 Understanding: {item['understanding'] or '-'}")
            chosen_lines.append(f"  2 Looking forward: {item['looking_forward'] or '-'}")
            chosen_lines.append(f"  3 Exploring options: {item['options'] or '-'}")
            agreed = [
                f"{a['what']} ({a['who']}, by {_day(a['due_on'])}, "
                f"{words(ACTION_STATUS_LONG, a['status'])})"
                for a in item["actions"]
            ]
            chosen_lines.append(f"  4 Agreeing on actions: {'; '.join(agreed) or '-'}")
    actions = plan["open_actions"]
    action_section = (
        Section(
            "Open actions",
            (),
            (
                ("What", "Who", "By when", "Item"),
                *((a["what"], a["who"], _day(a["due_on"]), a["item"]) for a in actions),
            ),
        )
        if actions
        else Section("Open actions", ("No open actions.",))
    )
    crisis = plan["crisis_plan"]
    if crisis is None:
        crisis_lines: tuple[str, ...] = ("No crisis plan written yet.",)
    else:
        crisis_lines = (
            *(f"{PLAN_LABELS[name]}: {crisis[name] or '-'}" for name in PLAN_FIELDS),
            f"Review by: {_day(crisis['review_on'])}",
        )
    return (
        Section("Key worker and how to reach them", reach),
        Section("Core team", team),
        Section("Network members who take part", network),
        rating_section,
        Section("Items chosen to talk about (DIALOG+)", tuple(chosen_lines)),
        action_section,
        Section("Crisis and contingency plan", crisis_lines),
    )


def plan_writer(repo: Repository, client_id: int, fmt: str) -> Writer:
    """The plan as a writer (``duty_desk.documents.Writer``) of ``fmt`` (json or docx),
    made in full before anything is written."""
    from .documents import record_json

    plan = care_plan(repo, client_id)
    if fmt == "docx":
        from .care_plan_docx import care_plan_docx

        return care_plan_docx(plan)
    return record_json(plan)
