"""The client record's network section and its actions (issue 12, network) through the real
app at 80x24: the consent beside every member, removed members apart and dimmed, ``a`` add,
``e`` edit (consent too; a stale save refused naming who), ``x`` remove with a reason; the
keys only while the section is shown, and in the palette."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from duty_desk.vocabulary import Consent
from screens.network_form import Choice, NetworkForm
from screens.network_remove import RemoveNetworkMember
from screens.record import RecordScreen

from .test_ui_record import detail, footer_keys, open_alex, record_screen
from .test_ui_support import notifications, settle


def cells(app: Any) -> dict[str, dict[str, str]]:
    """The network table: row key -> column -> text."""
    table = record_screen(app).main_table()
    columns = ("name", "consent", "recorded", "part", "relationship", "phone")
    return {k: {c: table.get_cell(k, c).plain.strip() for c in columns} for k in table.keys}


def row_keys(app: Any) -> list[str]:
    return list(record_screen(app).main_table().keys)


async def choose(pilot: Any, key: str) -> None:
    table = record_screen(pilot.app).main_table()
    table.move_cursor(row=list(table.keys).index(key))
    await settle(pilot)


def key_of(app: Any, member_id: int) -> str:
    return next(k for k in row_keys(app) if k.endswith(str(member_id)))


async def test_the_section_shows_consent_beside_every_member_and_removed_ones_apart(
    open_app, board
):
    repo = board.repo
    mum = repo.add_network_member(board.alex_referral, "Mum (test)", "mother", consent="yes")
    dad = repo.add_network_member(board.alex_referral, "Dad (test)", "father", takes_part="no")
    gone = repo.add_network_member(board.alex_referral, "Ex (test)", "ex-partner", consent="no")
    sis = repo.add_network_member(board.alex_referral, "Sis (test)", "sister", consent="no")
    repo.remove_network_member(gone, "Asked not to be involved (test)")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        shown = cells(app)
        order = [shown[k]["name"] for k in row_keys(app)]
        assert order == ["Mum (test)", "Dad (test)", "Sis (test)", "Ex (test)"], "removed last"
        by_name = {row["name"]: row for row in shown.values()}
        assert by_name["Mum (test)"]["consent"] == "yes"
        assert by_name["Mum (test)"]["recorded"] == "23 Nov duty1"
        assert by_name["Dad (test)"]["consent"] == "not asked"
        assert (by_name["Dad (test)"]["part"], by_name["Dad (test)"]["recorded"]) == ("no", "-")
        assert by_name["Sis (test)"]["consent"] == "NO"
        assert by_name["Ex (test)"]["consent"] == "removed"
        table = record_screen(app).main_table()
        assert "dim" in str(table.get_cell(key_of(app, gone), "name").style)
        assert "dim" not in str(table.get_cell(key_of(app, sis), "name").style)
        await choose(pilot, key_of(app, mum))
        text = detail(app)
        assert "Consent to share: consents to sharing information (recorded Mon 23 Nov" in text
        assert "by duty1)" in text
        await choose(pilot, key_of(app, gone))
        text = detail(app)
        assert "REMOVED" in text and "Asked not to be involved (test)" in text
        assert "not invited to new ones" in text
        assert dad  # listed above


async def test_network_keys_only_while_the_section_is_shown_and_in_the_palette(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        keys = footer_keys(app)
        assert (keys["a"], keys["e"], keys["x"]) == (
            "record_network_add",
            "record_network_edit",
            "record_network_remove",
        )
        names = [c.name for c in screen.palette_commands()]
        for name in (
            "Add a network member",
            "Edit the network member (consent too)",
            "Remove the network member, with a reason",
        ):
            assert any(name in n for n in names), names
        await pilot.press("h")
        await settle(pilot)
        assert footer_keys(app).get("e") != "record_network_edit"
        assert footer_keys(app).get("x") != "record_network_remove"


async def test_a_adds_a_member_with_consent(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NetworkForm) and form.member is None
        await pilot.press(*"Aunt (test)", "tab", *"aunt", "tab", "tab", "tab")
        await pilot.press("left", "left", "space", "ctrl+s")  # consent: Yes
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        assert any("Network member added (Alex Example (test))" in m for m in notifications(app))
        [added] = board.repo.client_network(board.alex)
        assert (added.name, added.consent, added.consent_by) == (
            "Aunt (test)",
            Consent.yes,
            "duty1",
        )
        assert [row["name"] for row in cells(app).values()] == ["Aunt (test)"]


async def test_e_edits_the_selected_member_and_a_stale_save_is_refused(open_app, board, repo_as):
    mum = board.repo.add_network_member(board.alex_referral, "Mum (test)", "mother")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NetworkForm) and form.member is not None
        assert form.query_one("#field-name", Input).value == "Mum (test)"
        form.query_one("#field-consent", Choice).query("ChoiceButton").first().value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        assert any("Network member saved (Alex Example (test))" in m for m in notifications(app))
        assert cells(app)[key_of(app, mum)]["consent"] == "yes"
        # someone else changes it while this person has it open
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NetworkForm)
        repo_as("peer1").edit_network_member(mum, {"consent": "no"}, expected_version=2)
        form.query_one("#field-relationship", Input).value = "step-mother"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert any("changed by peer1" in m for m in notifications(app))
    kept = board.repo.network_member(mum)
    assert (kept.relationship, kept.consent, kept.consent_by) == ("mother", Consent.no, "peer1")


async def test_x_removes_with_a_reason_and_the_member_moves_apart(open_app, board):
    mum = board.repo.add_network_member(board.alex_referral, "Mum (test)", "mother")
    board.repo.add_network_member(board.alex_referral, "Dad (test)", "father")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await choose(pilot, key_of(app, mum))
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, RemoveNetworkMember)
        await pilot.press(*"Moved away (test)", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        assert any("Network member removed (Alex Example (test))" in m for m in notifications(app))
        assert [cells(app)[k]["name"] for k in row_keys(app)] == ["Dad (test)", "Mum (test)"]
        assert cells(app)[key_of(app, mum)]["consent"] == "removed"
        await choose(pilot, key_of(app, mum))
        for key in ("e", "x"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, RecordScreen), "a removed member is not edited"
        assert any("was removed from the network" in m for m in notifications(app))
    assert board.repo.network_member(mum).removed_reason == "Moved away (test)"
    assert mum not in [m.id for m in board.repo.booking_defaults(board.alex).network]


async def test_editing_is_refused_in_privacy_mode_and_names_are_masked(open_app, board):
    board.repo.add_network_member(board.alex_referral, "Sam Sibling (test)", "brother")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("p")
        await settle(pilot)
        assert [row["name"] for row in cells(app).values()] == ["S.S."]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        assert any("Privacy mode hides the details" in m for m in notifications(app))


async def test_markup_in_a_member_shows_literally_in_the_section(open_app, board):
    board.repo.add_network_member(board.alex_referral, "[bold]Sam[/bold] (test)", "[red]x[/]")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        [row] = cells(app).values()
        assert (row["name"], row["relationship"]) == ("[bold]Sam[/bold] (test)", "[red]x[/]")
        assert "[bold]Sam[/bold] (test)" in detail(app)


async def test_e_with_no_members_says_what_to_do(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        assert "a adds one" in detail(app)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen)
        assert any("Choose a network member first" in m for m in notifications(app))


async def test_the_booking_dialog_shows_consent_and_leaves_out_removed_members(open_app, board):
    from screens.booking import BookingDialog
    from screens.widgets import TickBox

    repo = board.repo
    mum = repo.add_network_member(board.alex_referral, "Mum (test)", "mother", consent="yes")
    dad = repo.add_network_member(board.alex_referral, "Dad (test)", "father", takes_part="no")
    ex = repo.add_network_member(board.alex_referral, "Ex (test)", "ex-partner", consent="no")
    repo.remove_network_member(ex, "Asked not to be involved (test)")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        ticks = {box.id: box for box in dialog.query(TickBox) if (box.id or "").startswith("net")}
        assert set(ticks) == {f"network-{mum}", f"network-{dad}"}, "a removed member is not offered"
        assert ticks[f"network-{mum}"].value and not ticks[f"network-{dad}"].value
        assert str(ticks[f"network-{mum}"].label).endswith("share: yes")
        assert str(ticks[f"network-{dad}"].label).endswith("share: not asked")


async def test_at_60x20_the_consent_stays_beside_the_name(open_app, board):
    board.repo.add_network_member(board.alex_referral, "Mum (test)", "mother", consent="no")
    async with open_app(settled=False, size=(60, 20)) as (app, pilot):
        await open_alex(pilot, board)
        from .test_ui_support import screen_text

        line = next(row for row in screen_text(app).splitlines() if "Mum (test)" in row)
        assert "NO" in line.split("Mum (test)", 1)[1], line
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NetworkForm)
        text = screen_text(app)
        assert "( ) Yes  (x) No  ( ) Not asked yet" in text, text
