"""DIALOG and DIALOG+: saving and correcting a rating, choosing up to three items to talk
about, the four steps for each, agreed actions and their reviews, one client's whole
DIALOG, and the rows of the DIALOG export. The board's latest scores (one query) are
read in ``duty_desk.repo.dialog_latest``.

Every write is checked (``duty_desk.dialog_scale`` for ratings, ``duty_desk.validation``
for text), audited and versioned in its own transaction: a stale save is refused naming
who changed what, and bad input is refused field by field with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import literal, union_all
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.dialog_scale import Item, RatingError, check_rating, scores
from duty_desk.dialog_views import (
    MAX_ACTION,
    MAX_REVIEW_NOTE,
    MAX_STEP,
    MAX_TOPICS,
    ActionReviewView,
    ActionView,
    Answer,
    DialogData,
    DialogRatingView,
    LatestDialog,
    TopicView,
)
from duty_desk.errors import InputErrors, NotFound
from duty_desk.models import (
    Client,
    ClientStatus,
    DialogAction,
    DialogActionReview,
    DialogAnswer,
    DialogRating,
    DialogTopic,
    Meeting,
    NetworkMember,
    Staff,
)
from duty_desk.validation import clean_text
from duty_desk.vocabulary import ActionOwner, ActionStatus

from .base import Aggregate
from .dialog_latest import latest_ratings
from .sql import utc

RATING = "dialog_rating"
TOPIC = "dialog_topic"
ACTION = "dialog_action"

# What a rating's answers are given as: item key -> (1-7 or None, help wanted).
Answers = Mapping[str, tuple[int | None, bool]]


def _text(value: str | None, label: str, field: str, *, required: bool, max_len: int) -> str:
    try:
        return clean_text(value, label=label, required=required, max_len=max_len, multiline=True)
    except ValueError as exc:
        raise InputErrors({field: str(exc)}) from None


class DialogRepository(Aggregate):
    # -- the scale ----------------------------------------------------------------------------
    @property
    def items(self) -> tuple[Item, ...]:
        return self.config.dialog.scale()

    def _check_answers(
        self, answers: Answers, *, every_item: bool
    ) -> dict[str, tuple[int | None, bool]]:
        """The answers checked, or InputErrors naming each bad item (a key that is not an
        item of the settings, a rating that is not 1-7 or unrated). ``every_item``: every
        item of the scale, a missing one unrated with no help wanted (a new rating); else
        only the items given (a correction)."""
        keys = [item.key for item in self.items]
        errors: dict[str, str] = {
            key: f"{key!r} is not a DIALOG item in the settings"
            for key in answers
            if key not in keys
        }
        checked: dict[str, tuple[int | None, bool]] = {}
        for key in keys:
            if key not in answers and not every_item:
                continue
            score, help_wanted = answers.get(key, (None, False))
            try:
                checked[key] = (check_rating(score), bool(help_wanted))
            except RatingError as exc:
                errors[key] = str(exc)
        if errors:
            raise InputErrors(errors)
        return checked

    # -- ratings ------------------------------------------------------------------------------
    def save_rating(
        self,
        client_id: int,
        answers: Answers,
        *,
        rated_on: dt.date | None = None,
        meeting_id: int | None = None,
    ) -> int:
        """A new rating of the client's episode; returns its id. ``rated_on`` defaults to
        the meeting's local date, else today; it may not be in the future, before the
        acceptance or after the discharge."""
        checked = self._check_answers(answers, every_item=True)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            client = self._client(session, client_id)
            if meeting_id is not None:
                meeting = session.get(Meeting, meeting_id)
                if meeting is None or meeting.client_id != client_id:
                    raise InputErrors({"meeting": "that meeting is not one of this client's"})
                meeting_day = self.ctx.local(utc(meeting.starts_at)).date()
                if rated_on is None:
                    rated_on = meeting_day
            day = rated_on or self.ctx.today(now)
            self._check_day(client, day, now)
            row = DialogRating(
                client_id=client_id,
                meeting_id=meeting_id,
                rated_on=day,
                created_at=now,
                created_by=self.ctx.actor,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            for key, (score, help_wanted) in checked.items():
                session.add(
                    DialogAnswer(
                        rating_id=row.id, item_key=key, score=score, help_wanted=help_wanted
                    )
                )
            session.flush()
            self.ctx.audit(
                session,
                "rate DIALOG",
                RATING,
                row.id,
                None,
                {"client_id": client_id, "meeting_id": meeting_id, "rated_on": day}
                | _answers_for_audit(checked),
                now,
            )
            return row.id

    def correct_rating(self, rating_id: int, answers: Answers, *, expected_version: int) -> int:
        """Correct the answers of a rating (a mistyped number): only the items given change;
        audited with before and after of the items changed. Returns the rating's version
        now (unchanged when nothing changed), for the next correction."""
        given = self._check_answers(answers, every_item=False)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            rating = session.get(DialogRating, rating_id)
            if rating is None:
                raise NotFound(f"No DIALOG rating number {rating_id}")
            if rating.version != expected_version:
                raise self.ctx.stale(session, RATING, rating_id, "DIALOG rating")
            rows = {
                a.item_key: a
                for a in session.exec(
                    select(DialogAnswer).where(DialogAnswer.rating_id == rating_id)
                ).all()
            }
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for key, (score, help_wanted) in given.items():
                answer = rows.get(key)
                if answer is None:
                    answer = DialogAnswer(rating_id=rating_id, item_key=key)
                    old: tuple[int | None, bool] = (None, False)
                else:
                    old = (answer.score, answer.help_wanted)
                if old != (score, help_wanted):
                    before |= _answers_for_audit({key: old})
                    after |= _answers_for_audit({key: (score, help_wanted)})
                    answer.score, answer.help_wanted = score, help_wanted
                    session.add(answer)
            if not after:
                return int(rating.version)
            # the answers live in their own table: marking the rating corrected moves its
            # version on (SQLAlchemy's counter), so someone holding the old one is refused
            rating.corrected_at = now
            rating.corrected_by = self.ctx.actor
            flag_modified(rating, "corrected_at")  # a new version even within the same instant
            session.add(rating)
            session.flush()
            self.ctx.audit(session, "correct DIALOG rating", RATING, rating_id, before, after, now)
            return int(rating.version)

    # -- DIALOG+: topics, steps, actions ------------------------------------------------------
    def choose_topics(self, rating_id: int, item_keys: Sequence[str]) -> tuple[int, ...]:
        """The items the person chose to talk about after this rating (added to those
        already chosen, in order); at most three in all. Returns the topic ids in order."""
        keys = list(dict.fromkeys(item_keys))
        known = {item.key for item in self.items}
        stray = [key for key in keys if key not in known]
        if stray:
            raise InputErrors({"items": f"not DIALOG items in the settings: {', '.join(stray)}"})
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            rating = session.get(DialogRating, rating_id)
            if rating is None:
                raise NotFound(f"No DIALOG rating number {rating_id}")
            chosen = list(
                session.exec(
                    select(DialogTopic)
                    .where(DialogTopic.rating_id == rating_id)
                    .order_by(col(DialogTopic.position))
                ).all()
            )
            new = [key for key in keys if key not in {t.item_key for t in chosen}]
            if len(chosen) + len(new) > MAX_TOPICS:
                raise InputErrors(
                    {
                        "items": f"the person chooses up to {MAX_TOPICS} items to talk about; "
                        f"{len(chosen)} chosen already, {len(new)} more asked"
                    }
                )
            for key in new:
                topic = DialogTopic(rating_id=rating_id, item_key=key, position=len(chosen) + 1)
                session.add(topic)
                session.flush()
                assert topic.id is not None
                chosen.append(topic)
                self.ctx.audit(
                    session,
                    "choose DIALOG+ item",
                    TOPIC,
                    topic.id,
                    None,
                    {"rating_id": rating_id, "item": key, "position": topic.position},
                    now,
                )
            return tuple(t.id for t in chosen if t.id is not None)

    def save_steps(
        self,
        topic_id: int,
        *,
        understanding: str,
        looking_forward: str,
        options: str,
        expected_version: int,
    ) -> None:
        """The first three steps for a chosen item (the fourth is its actions)."""
        values = {
            "understanding": _text(
                understanding, "Understanding", "understanding", required=False, max_len=MAX_STEP
            ),
            "looking_forward": _text(
                looking_forward,
                "Looking forward",
                "looking_forward",
                required=False,
                max_len=MAX_STEP,
            ),
            "options": _text(
                options, "Exploring options", "options", required=False, max_len=MAX_STEP
            ),
        }
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            topic = session.get(DialogTopic, topic_id)
            if topic is None:
                raise NotFound(f"No DIALOG+ item number {topic_id}")
            if topic.version != expected_version:
                raise self.ctx.stale(session, TOPIC, topic_id, "DIALOG+ item")
            if all(getattr(topic, k) == v for k, v in values.items()):
                return
            self.ctx.change(session, topic, TOPIC, "write DIALOG+ steps", now, **values)

    def add_action(
        self,
        topic_id: int,
        what: str,
        *,
        owner: ActionOwner | str | None,
        owner_id: int | None = None,
        due_on: dt.date | None,
    ) -> int:
        """An action agreed on a chosen item: what, who (the person, a network member of
        this client, or an active staff member), by when (today or later)."""
        errors: dict[str, str] = {}
        try:
            text = clean_text(what, label="What", required=True, max_len=MAX_ACTION, multiline=True)
        except ValueError as exc:
            errors["what"] = str(exc)
            text = ""
        kind: ActionOwner | None = None
        if owner is None or owner == "":
            errors["owner"] = "Who does it is required: the person, a network member or staff"
        else:
            try:
                kind = ActionOwner(owner)
            except ValueError:
                errors["owner"] = f"{owner!r} is not who can do an action"
        if kind in (ActionOwner.network, ActionOwner.staff) and owner_id is None:
            errors["owner"] = (
                f"Name the {'network member' if kind is ActionOwner.network else 'staff member'} who does it"
            )
        now = timeutil.now()
        if due_on is None:
            errors["due_on"] = "By when is required"
        elif due_on < self.ctx.today(now):
            errors["due_on"] = (
                f"By when is in the past ({due_on.isoformat()}): agree a date from today"
            )
        if errors:
            raise InputErrors(errors)
        assert kind is not None and due_on is not None
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            topic = session.get(DialogTopic, topic_id)
            if topic is None:
                raise NotFound(f"No DIALOG+ item number {topic_id}")
            rating = session.get(DialogRating, topic.rating_id)
            assert rating is not None
            client = self._client(session, rating.client_id)
            network_id = staff_id = None
            if kind is ActionOwner.network:
                member = session.get(NetworkMember, owner_id)
                if member is None or member.referral_id != client.referral_id:
                    raise InputErrors(
                        {"owner": "that network member is not in this person's network"}
                    )
                network_id = owner_id
            elif kind is ActionOwner.staff:
                staff = session.get(Staff, owner_id)
                if staff is None or not staff.active:
                    raise InputErrors(
                        {"owner": "that staff member is not on the active staff list"}
                    )
                staff_id = owner_id
            row = DialogAction(
                client_id=rating.client_id,
                topic_id=topic_id,
                what=text,
                owner_kind=kind.value,
                owner_network_id=network_id,
                owner_staff_id=staff_id,
                due_on=due_on,
                created_at=now,
                created_by=self.ctx.actor,
            )
            return self.ctx.insert(
                session,
                row,
                "agree DIALOG+ action",
                ACTION,
                {
                    "topic_id": topic_id,
                    "what": text,
                    "owner": kind.value,
                    "owner_network_id": network_id,
                    "owner_staff_id": staff_id,
                    "due_on": due_on,
                },
                now,
            )

    def review_action(
        self,
        action_id: int,
        outcome: ActionStatus | str,
        note: str = "",
        *,
        rating_id: int | None = None,
        expected_version: int,
    ) -> None:
        """Review an action (at the start of the next DIALOG+ meeting): done, partly, not
        done or dropped, with a note (required when dropped: why)."""
        errors: dict[str, str] = {}
        result: ActionStatus | None = None
        try:
            result = ActionStatus(outcome)
        except ValueError:
            errors["outcome"] = f"{outcome!r} is not a review outcome"
        if result is ActionStatus.open:
            errors["outcome"] = "A review says done, partly, not done or dropped"
        try:
            text = clean_text(
                note,
                label="Note",
                required=result is ActionStatus.dropped,
                max_len=MAX_REVIEW_NOTE,
                multiline=True,
            )
        except ValueError as exc:
            errors["note"] = str(exc) + (
                " (why it was dropped)" if result is ActionStatus.dropped else ""
            )
            text = ""
        if errors:
            raise InputErrors(errors)
        assert result is not None
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            action = session.get(DialogAction, action_id)
            if action is None:
                raise NotFound(f"No DIALOG+ action number {action_id}")
            if action.version != expected_version:
                raise self.ctx.stale(session, ACTION, action_id, "action")
            if not ActionStatus(action.status).is_open:
                raise InputErrors(
                    {"outcome": f"This action is already {action.status.replace('_', ' ')}"}
                )
            session.add(
                DialogActionReview(
                    action_id=action_id,
                    rating_id=rating_id,
                    outcome=result.value,
                    note=text,
                    reviewed_at=now,
                    reviewed_by=self.ctx.actor,
                )
            )
            self.ctx.change(
                session,
                action,
                ACTION,
                f"review DIALOG+ action: {result.value}",
                now,
                status=result.value,
            )

    # -- reading ------------------------------------------------------------------------------
    def dialog(self, client_id: int) -> DialogData:
        """One client's DIALOG: every rating (oldest first) with its scores, the chosen
        items, every action with its reviews (open ones first, then by due date)."""
        items = self.items
        with self.ctx.unit() as session:
            self._client(session, client_id, any_status=True)
            ratings = session.exec(
                select(DialogRating)
                .where(DialogRating.client_id == client_id)
                .order_by(col(DialogRating.rated_on), col(DialogRating.id))
            ).all()
            ids = [r.id for r in ratings]
            answers = (
                session.exec(select(DialogAnswer).where(col(DialogAnswer.rating_id).in_(ids))).all()
                if ids
                else []
            )
            topics = (
                session.exec(select(DialogTopic).where(col(DialogTopic.rating_id).in_(ids))).all()
                if ids
                else []
            )
            actions = session.exec(
                select(DialogAction).where(DialogAction.client_id == client_id)
            ).all()
            reviews = (
                session.exec(
                    select(DialogActionReview)
                    .where(col(DialogActionReview.action_id).in_([a.id for a in actions]))
                    .order_by(col(DialogActionReview.id))
                ).all()
                if actions
                else []
            )
            names = self._owner_names(session, actions)
        by_rating: dict[int, list[DialogAnswer]] = {}
        for answer in answers:
            by_rating.setdefault(answer.rating_id, []).append(answer)
        topic_rating = {t.id: t.rating_id for t in topics}
        topic_item = {t.id: t.item_key for t in topics}
        by_action: dict[int, list[ActionReviewView]] = {}
        for review in reviews:
            by_action.setdefault(review.action_id, []).append(
                ActionReviewView(
                    outcome=ActionStatus(review.outcome),
                    note=review.note,
                    rating_id=review.rating_id,
                    reviewed_at=utc(review.reviewed_at),
                    reviewed_by=review.reviewed_by,
                )
            )
        action_views = [
            ActionView(
                id=a.id,
                client_id=a.client_id,
                topic_id=a.topic_id,
                rating_id=topic_rating.get(a.topic_id, 0),
                item_key=topic_item.get(a.topic_id, ""),
                what=a.what,
                owner_kind=ActionOwner(a.owner_kind),
                owner_network_id=a.owner_network_id,
                owner_staff_id=a.owner_staff_id,
                owner_name=names.get(a.id, ""),
                due_on=a.due_on,
                status=ActionStatus(a.status),
                reviews=tuple(by_action.get(a.id, ())),
                created_at=utc(a.created_at),
                created_by=a.created_by,
                version=a.version,
            )
            for a in actions
            if a.id is not None
        ]
        action_views.sort(key=lambda a: (not a.is_open, a.due_on, a.id))
        return DialogData(
            client_id=client_id,
            items=items,
            ratings=tuple(
                self._rating_view(r, by_rating.get(r.id or 0, []), items) for r in ratings
            ),
            topics=tuple(
                TopicView(
                    id=t.id,
                    rating_id=t.rating_id,
                    item_key=t.item_key,
                    position=t.position,
                    understanding=t.understanding,
                    looking_forward=t.looking_forward,
                    options=t.options,
                    version=t.version,
                )
                for t in topics
                if t.id is not None
            ),
            actions=tuple(action_views),
        )

    def latest(self, client_ids: Iterable[int] | None = None) -> dict[int, LatestDialog]:
        """Each open episode's latest rating (``None``: every open one), as the board shows
        it (:func:`latest_ratings`)."""
        wanted = None if client_ids is None else list(client_ids)
        with self.ctx.unit() as session:
            query = select(col(Client.id), col(Client.accepted_at)).where(
                Client.status == ClientStatus.open.value
            )
            if wanted is not None:
                query = query.where(col(Client.id).in_(wanted))
            accepted = {
                cid: utc(when) for cid, when in session.exec(query).all() if cid is not None
            }
            return latest_ratings(self.ctx, session, accepted)

    def rating_rows(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> Iterator[DialogRatingView]:
        """Every rating from ``since`` to ``until`` (local dates, inclusive), oldest first,
        with its answers and scores: the rows of ``export dialog``."""
        items = self.items
        with self.ctx.unit() as session:
            query = select(DialogRating).order_by(col(DialogRating.rated_on), col(DialogRating.id))
            if since is not None:
                query = query.where(col(DialogRating.rated_on) >= since)
            if until is not None:
                query = query.where(col(DialogRating.rated_on) <= until)
            ratings = session.exec(query).all()
            ids = [r.id for r in ratings]
            answers: list[DialogAnswer] = []
            for start in range(0, len(ids), 500):  # keep each IN list short (SQLite's limit)
                chunk = ids[start : start + 500]
                answers.extend(
                    session.exec(
                        select(DialogAnswer).where(col(DialogAnswer.rating_id).in_(chunk))
                    ).all()
                )
        by_rating: dict[int, list[DialogAnswer]] = {}
        for answer in answers:
            by_rating.setdefault(answer.rating_id, []).append(answer)
        for rating in ratings:
            yield self._rating_view(rating, by_rating.get(rating.id or 0, []), items)

    # -- helpers ------------------------------------------------------------------------------
    def _rating_view(
        self, rating: DialogRating, answers: Sequence[DialogAnswer], items: Sequence[Item]
    ) -> DialogRatingView:
        assert rating.id is not None
        order = {item.key: index for index, item in enumerate(items)}
        ordered = sorted(answers, key=lambda a: (order.get(a.item_key, len(order)), a.item_key))
        known = {a.item_key: a.score for a in ordered if a.item_key in order}
        dialog = self.config.dialog
        result = scores(
            known,
            items,
            min_life_rated=dialog.min_life_rated,
            min_treatment_rated=dialog.min_treatment_rated,
        )
        return DialogRatingView(
            id=rating.id,
            client_id=rating.client_id,
            meeting_id=rating.meeting_id,
            rated_on=rating.rated_on,
            answers=tuple(Answer(a.item_key, a.score, a.help_wanted) for a in ordered),
            quality_of_life=result.quality_of_life,
            treatment=result.treatment,
            life_rated=result.life_rated,
            treatment_rated=result.treatment_rated,
            created_at=utc(rating.created_at),
            created_by=rating.created_by,
            version=rating.version,
        )

    def _client(self, session: Session, client_id: int, any_status: bool = False) -> Client:
        client = session.get(Client, client_id)
        if client is None or (not any_status and client.status == ClientStatus.reversed.value):
            raise NotFound(f"No client number {client_id}")
        return client

    def _check_day(self, client: Client, day: dt.date, now: dt.datetime) -> None:
        today = self.ctx.today(now)
        accepted = self.ctx.local(utc(client.accepted_at)).date()
        if day > today:
            raise InputErrors({"rated_on": f"The rating date {day.isoformat()} is in the future"})
        if day < accepted:
            raise InputErrors(
                {
                    "rated_on": f"The rating date {day.isoformat()} is before the episode began "
                    f"({accepted.isoformat()})"
                }
            )
        if client.discharged_at is not None:
            ended = self.ctx.local(utc(client.discharged_at)).date()
            if day > ended:
                raise InputErrors(
                    {
                        "rated_on": f"The rating date {day.isoformat()} is after the discharge "
                        f"({ended.isoformat()})"
                    }
                )

    def _owner_names(self, session: Session, actions: Sequence[DialogAction]) -> dict[int, str]:
        network_ids = {a.owner_network_id for a in actions if a.owner_network_id is not None}
        staff_ids = {a.owner_staff_id for a in actions if a.owner_staff_id is not None}
        network = (
            dict(
                session.exec(
                    select(NetworkMember.id, NetworkMember.name).where(
                        col(NetworkMember.id).in_(network_ids)
                    )
                ).all()
            )
            if network_ids
            else {}
        )
        staff = (
            dict(
                session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(staff_ids))).all()
            )
            if staff_ids
            else {}
        )
        out: dict[int, str] = {}
        for a in actions:
            if a.id is None:
                continue
            if a.owner_network_id is not None:
                out[a.id] = network.get(a.owner_network_id, "")
            elif a.owner_staff_id is not None:
                out[a.id] = staff.get(a.owner_staff_id, "")
        return out


def _answers_for_audit(answers: Mapping[str, tuple[int | None, bool]]) -> dict[str, Any]:
    """Answers as audit fields: ``mental_health`` 3, ``mental_health_help`` true."""
    out: dict[str, Any] = {}
    for key, (score, help_wanted) in answers.items():
        out[key] = score
        out[f"{key}_help"] = help_wanted
    return out


def dialog_related(
    session: Session, client_id: int, referral_id: int
) -> list[tuple[str, list[int]]]:
    """A client's DIALOG ratings, the DIALOG+ items chosen from them and the actions agreed
    (reviews are audited on their action), for the history on the client record
    (``record.RELATED``): one read over the client indexes."""
    rows = session.execute(
        union_all(
            select(literal(RATING).label("entity"), col(DialogRating.id)).where(
                DialogRating.client_id == client_id
            ),
            select(literal(TOPIC), col(DialogTopic.id))
            .join(DialogRating, col(DialogTopic.rating_id) == col(DialogRating.id))
            .where(DialogRating.client_id == client_id),
            select(literal(ACTION), col(DialogAction.id)).where(
                DialogAction.client_id == client_id
            ),
        )
    ).all()
    found: dict[str, list[int]] = {RATING: [], TOPIC: [], ACTION: []}
    for entity, entity_id in rows:
        found[entity].append(entity_id)
    return list(found.items())
