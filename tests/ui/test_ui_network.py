"""The network dialogs on their own (issue 12, network): the add form with taking part and
consent, the edit form (filled with what is saved, only changed fields sent, a stale save
refused naming who), and the removal confirmation with its reason. Each is pushed in the
real app (``open_app``) and driven from the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest
from textual.widgets import Input, Static

from duty_desk.repository import Repository
from duty_desk.vocabulary import Consent
from screens.forms import FormScreen
from screens.network_form import Choice, NetworkForm
from screens.network_remove import RemoveNetworkMember
from screens.widgets import TickBox
from tests.ui.test_ui_support import detail_text, notifications, screen_text, settle

SUBJECT = "Alex Example (test)"


@pytest.fixture
def member(repo: Repository, make_referral: Callable[..., int]) -> tuple[int, int]:
    referral = make_referral()
    return referral, repo.add_network_member(referral, "Mum (test)", "mother", "01632 960002")


def _form(app) -> FormScreen:  # type: ignore[no-untyped-def, type-arg]
    assert isinstance(app.screen, FormScreen)
    return app.screen


async def _push(app, pilot, screen) -> None:  # type: ignore[no-untyped-def]
    app.push_screen(screen)
    await settle(pilot)


async def test_adding_from_the_queue_with_consent_and_not_taking_part(
    open_app, repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("m")
        await settle(pilot)
        form = _form(app)
        assert isinstance(form, NetworkForm)
        assert form.query_one("#field-consent", Choice).value == Consent.not_asked
        assert form.query_one("#field-takes_part", TickBox).value is True
        await pilot.press(*"Gran (test)", "tab", *"grandmother", "tab", "tab")
        await pilot.press("space")  # takes part: untick
        await pilot.press("tab")  # consent: the cursor is on "Not asked yet"
        await pilot.press("left", "left", "space")  # Yes
        await settle(pilot)
        assert "(x) Yes" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NetworkForm)
        [added] = repo.network_members(referral)
        assert (added.name, added.relationship, added.takes_part) == (
            "Gran (test)",
            "grandmother",
            False,
        )
        assert (added.consent, added.consent_by, added.consent_at) == (
            Consent.yes,
            "duty1",
            frozen_now,
        )
        assert "Gran (test) (grandmother)  share: yes" in detail_text(app)


async def test_the_edit_form_opens_with_what_is_saved_and_sends_only_changes(
    open_app, repo: Repository, member: tuple[int, int]
) -> None:
    referral, member_id = member
    saved = repo.network_member(member_id)
    async with open_app() as (app, pilot):
        await _push(app, pilot, NetworkForm(referral, SUBJECT, saved))
        form = _form(app)
        assert form.query_one("#field-name", Input).value == "Mum (test)"
        assert form.query_one("#field-phone", Input).value == "01632 960002"
        intro = str(form.query_one("#intro", Static).render())
        assert "Consent now: consent not asked yet: do not share" in intro
        await pilot.press("tab", "tab", "tab", "tab")  # to the consent
        await pilot.press("left", "space")  # No
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NetworkForm)
    edited = repo.network_member(member_id)
    assert (edited.consent, edited.consent_by, edited.version) == (Consent.no, "duty1", 2)
    entry = repo.history("network_member", member_id)[-1]
    assert set(entry.after or {}) == {"consent", "consent_at", "consent_by"}, "only changes"


async def test_an_edit_with_no_changes_writes_nothing(
    open_app, repo: Repository, member: tuple[int, int]
) -> None:
    referral, member_id = member
    async with open_app() as (app, pilot):
        await _push(app, pilot, NetworkForm(referral, SUBJECT, repo.network_member(member_id)))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NetworkForm)
    assert repo.history("network_member", member_id) == []
    assert repo.network_member(member_id).version == 1


async def test_a_stale_edit_is_refused_naming_who_and_keeps_what_was_typed(
    open_app, repo: Repository, repo_as: Callable[[str], Repository], member: tuple[int, int]
) -> None:
    referral, member_id = member
    repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    async with open_app() as (app, pilot):
        await _push(app, pilot, NetworkForm(referral, SUBJECT, repo.network_member(member_id)))
        repo_as("peer1").edit_network_member(member_id, {"consent": "no"}, expected_version=1)
        form = _form(app)
        form.query_one("#field-phone", Input).value = "01632 960777"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form, "the form stays open"
        assert form.query_one("#field-phone", Input).value == "01632 960777"
        refused = [m for m in notifications(app) if "changed by peer1" in m]
        assert refused and "consent" in refused[0] and "Nothing was saved" in refused[0]
    kept = repo.network_member(member_id)
    assert (kept.phone, kept.consent, kept.version) == ("01632 960002", Consent.no, 2)


async def test_a_bad_edit_is_shown_under_its_field(
    open_app, repo: Repository, member: tuple[int, int]
) -> None:
    referral, member_id = member
    async with open_app() as (app, pilot):
        await _push(app, pilot, NetworkForm(referral, SUBJECT, repo.network_member(member_id)))
        form = _form(app)
        form.query_one("#field-name", Input).value = ""
        form.query_one("#field-phone", Input).value = "ring her"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(form.query_one("#error-name").render()) == "name is required"
        assert "phone takes digits" in str(form.query_one("#error-phone").render())
    assert repo.network_member(member_id).version == 1


async def test_removing_asks_for_a_reason_then_removes(
    open_app, repo: Repository, member: tuple[int, int]
) -> None:
    referral, member_id = member
    results: list[bool | None] = []
    async with open_app() as (app, pilot):
        app.push_screen(
            RemoveNetworkMember(SUBJECT, repo.network_member(member_id)), results.append
        )
        await settle(pilot)
        dialog = _form(app)
        intro = str(dialog.query_one("#intro", Static).render())
        assert "Remove: Mum (test) (mother)" in intro
        assert "stay in the history and in past meetings' attendance" in intro
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(dialog.query_one("#error-reason").render()) == "reason is required"
        assert not repo.network_member(member_id).removed
        await pilot.press(*"Moved away (test)", "enter")
        await settle(pilot)
        assert results == [True]
    gone = repo.network_member(member_id)
    assert (gone.removed, gone.removed_by, gone.removed_reason) == (
        True,
        "duty1",
        "Moved away (test)",
    )
    assert repo.referral(referral).network == ()


async def test_markup_in_a_member_shows_literally_in_both_dialogs(
    open_app, repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    member_id = repo.add_network_member(referral, "[bold]Sam[/bold] (test)", "[red]x[/]")
    member = repo.network_member(member_id)
    async with open_app() as (app, pilot):
        await _push(app, pilot, RemoveNetworkMember("[b]Client[/b] (test)", member))
        intro = str(_form(app).query_one("#intro", Static).render())
        assert "[b]Client[/b] (test)" in intro
        assert "Remove: [bold]Sam[/bold] (test) ([red]x[/])" in intro
        await pilot.press("escape")
        await settle(pilot)
        await _push(app, pilot, NetworkForm(referral, "[b]Client[/b] (test)", member))
        assert _form(app).query_one("#field-name", Input).value == "[bold]Sam[/bold] (test)"
        assert "[b]Client[/b] (test)" in str(_form(app).query_one("#intro", Static).render())


async def test_a_view_only_login_cannot_edit(
    open_app, repo: Repository, member: tuple[int, int]
) -> None:
    referral, member_id = member
    async with open_app(actor="visitor") as (app, pilot):
        await _push(app, pilot, NetworkForm(referral, SUBJECT, repo.network_member(member_id)))
        _form(app).query_one("#field-phone", Input).value = "01632 960777"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("is not on the staff list" in m for m in notifications(app))
    assert repo.network_member(member_id).version == 1
