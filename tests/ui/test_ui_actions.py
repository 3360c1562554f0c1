"""Pilot tests for every action on the referral queue, against a real SQLite file."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from duty_desk.config import AreaSettings, Config
from duty_desk.repository import Repository
from screens.accept_dialog import AcceptDialog
from screens.confirm import ConfirmDialog
from screens.history import HistoryScreen
from screens.network_form import NetworkForm
from screens.reason_dialog import ReasonDialog
from screens.referral_form import ReferralForm
from screens.widgets import TitleBar
from tests.conftest import DUTY, referral_input

from .test_ui_support import (
    cell_text,
    cursor_id,
    detail_text,
    move_cursor_to,
    notifications,
    queue_screen,
    row_names,
    set_select,
    settle,
)


def _fill(app, values: dict[str, str]) -> None:
    for field, value in values.items():
        widget = app.screen.query_one(f"#field-{field}")
        if isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, Input):
            widget.value = value
        else:
            widget.text = value


async def test_add_referral_with_valid_input(open_app, repo: Repository, frozen_now):
    async with open_app() as (app, pilot):
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReferralForm)
        assert app.screen.query_one("#field-received_at", Input).value == "23/11/2026 10:00"
        app.screen.query_one("#field-name", Input).focus()
        await pilot.press(*"Robin", "space", *"Newperson")
        _fill(app, {"date_of_birth": "03/04/1988", "phone": "01632 960111"})
        set_select(app, "#field-area", "whitstable")
        await pilot.pause()
        gp = app.screen.query_one("#field-gp_practice", Select)
        assert [str(prompt) for prompt, _ in gp._options[1:]] == [
            "Harbour Street Surgery (example)",
            "Tankerton Slopes Practice (example)",
        ]
        set_select(app, "#field-gp_practice", "Harbour Street Surgery (example)")
        set_select(app, "#field-source", "eip-new")
        set_select(app, "#field-urgency", "C")
        _fill(app, {"reason": "First episode (test)", "notes": "Prefers phone calls\nafter 10"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReferralForm)
        assert "Robin Newperson" in row_names(app)
        saved = [r for r in repo.open_referrals() if r.name == "Robin Newperson"]
        assert len(saved) == 1
        assert saved[0].area == "whitstable" and saved[0].notes == "Prefers phone calls\nafter 10"
        assert cursor_id(app) == saved[0].id  # the new referral is selected
        assert "Robin Newperson" in detail_text(app)


async def test_add_referral_with_bad_input_keeps_what_was_typed(open_app, repo, frozen_now):
    async with open_app() as (app, pilot):
        await pilot.press("n")
        await settle(pilot)
        typed = {
            "name": "Kept Name (test)",
            "date_of_birth": "31/02/1990",
            "nhs_number": "1234",
            "reason": "Kept reason",
        }
        _fill(app, typed)
        set_select(app, "#field-area", "canterbury")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralForm)
        errors = {
            field: str(form.query_one(f"#error-{field}", Static).render())
            for field in ("date_of_birth", "nhs_number", "gp_practice", "source", "urgency")
        }
        assert errors["date_of_birth"] == "'31/02/1990' is not a real date"
        assert errors["nhs_number"] == "an NHS number has 10 digits, this has 4"
        assert errors["gp_practice"] == "GP practice is required"
        assert errors["source"] == "source is required"
        assert form.query_one("#error-date_of_birth").display
        assert not form.query_one("#error-name").display
        assert form.focused is form.query_one("#field-date_of_birth")
        for field, value in typed.items():
            assert form.query_one(f"#field-{field}", Input).value == value
        assert form.query_one("#field-area", Select).value == "canterbury"
        assert repo.open_referrals() == []
        # Correcting a field clears its message; saving again succeeds.
        _fill(app, {"date_of_birth": "28/02/1990", "nhs_number": ""})
        await pilot.pause()
        assert not form.query_one("#error-date_of_birth").display
        set_select(app, "#field-gp_practice", "Cathedral View Surgery (example)")
        set_select(app, "#field-source", "spoa-urgent")
        set_select(app, "#field-urgency", "B")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReferralForm)
        assert [r.name for r in repo.open_referrals()] == ["Kept Name (test)"]


async def test_claim_then_release(open_app, repo: Repository, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("c")
        await settle(pilot)
        assert repo.referral(referral_id).triage_by == DUTY
        assert cell_text(app, referral_id, "status") == "by you"
        assert "being triaged by you" in detail_text(app)
        assert "You are triaging Alex Example (test)." in notifications(app)
        await pilot.press("c")
        await settle(pilot)
        assert repo.referral(referral_id).triage_by is None
        assert cell_text(app, referral_id, "status") == "new"


async def test_take_over_someone_elses_triage(open_app, repo, repo_as, make_referral):
    referral_id = make_referral()
    repo.add_staff("duty2", "Duty Worker Two (test)", "peer_support")
    repo_as("duty2").claim(referral_id)
    async with open_app() as (app, pilot):
        assert (
            cell_text(app, referral_id, "status") == "by DT"
        )  # the staff tag (screens/render.py staff_tags)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Duty Worker Two (test) (duty2) is triaging" in str(
            app.screen.query_one("#intro", Static).render()
        )
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert repo.referral(referral_id).triage_by == "duty2"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert repo.referral(referral_id).triage_by == DUTY
        assert [e.action for e in repo.history("referral", referral_id)][-1] == "take over"
        assert cell_text(app, referral_id, "status") == "by you"


async def test_accept_into_pod(open_app, repo: Repository, make_referral):
    referral_id = make_referral()
    make_referral(name="Still Open (test)", received_at="23/11/2026 09:30")
    async with open_app() as (app, pilot):
        assert cursor_id(app) == referral_id
        await pilot.press("a")  # step 1: the confirmation; enter accepts
        await settle(pilot)
        assert repo.referral(referral_id).status == "new"
        await pilot.press("enter")
        await settle(pilot)
        assert repo.referral(referral_id).status == "accepted"
        await pilot.press("escape")  # leave the core team for later
        await settle(pilot)
        assert row_names(app) == ["NEEDS TEAM Alex Example (test)", "Still Open (test)"]
        intake = str(queue_screen(app).query_one("IntakeBar").render())
        assert "Canterbury 4/5 left" in intake


async def test_accept_ineligible_asks_for_an_override_reason(open_app, repo, make_referral):
    referral_id = make_referral(source="gp", date_of_birth="01/01/1950")
    async with open_app() as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AcceptDialog)
        intro = str(dialog.query_one("#intro", Static).render())
        assert "age 76 is outside 18 to 65" in intro
        assert "source GP is not a POD referral route" in intro
        await pilot.press("ctrl+s")  # no reason given
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#error-override", Static).render())
        assert error == "override reason is required"
        assert repo.referral(referral_id).status == "new"
        dialog.query_one("#field-override", Input).value = "Family asked for network meetings"
        await pilot.press("enter")  # enter on the last line saves
        await settle(pilot)
        assert not isinstance(app.screen, AcceptDialog)
        saved = repo.referral(referral_id)
        assert saved.status == "accepted"
        assert saved.eligibility_override == "Family asked for network meetings"


async def test_accept_when_no_places_left_says_so(open_app, db_path, frozen_now):
    from duty_desk.db import open_database

    base = Config()
    areas = dict(base.areas)
    areas["canterbury"] = AreaSettings(
        name="Canterbury", weekly_cap=1, gp_practices=base.areas["canterbury"].gp_practices
    )
    config = base.model_copy(update={"areas": areas})
    db = open_database(config, str(db_path), create=True)
    try:
        repo = Repository(db, config, actor=DUTY)
        repo.add_staff(DUTY, "Duty Worker One (test)", "team_lead", bootstrap=True)
        first = repo.add_referral(referral_input())
        second = repo.add_referral(
            referral_input(name="Second One (test)", received_at="23/11/2026 09:30")
        )
        repo.accept(first)
        async with open_app(config=config, db=db) as (app, pilot):
            await move_cursor_to(pilot, second)  # past the "needs core team" row on top
            assert cursor_id(app) == second
            assert "Canterbury 0/1 left" in str(queue_screen(app).query_one("IntakeBar").render())
            await pilot.press("a")
            await settle(pilot)
            assert "NO PLACES LEFT" in str(app.screen.query_one("#intro", Static).render())
            await pilot.press("enter")
            await settle(pilot)
            assert any(
                message.startswith("No places left: Canterbury has taken 1 of 1")
                for message in notifications(app)
            )
            await pilot.press("escape")
            await settle(pilot)
            assert repo.referral(second).status == "new"
            assert row_names(app)[1:] == ["Second One (test)"]
    finally:
        db.dispose()


async def test_redirect_with_onward_service_and_reason(open_app, repo, make_referral):
    referral_id = make_referral(source="gp")
    async with open_app() as (app, pilot):
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        dialog.query_one("#field-reason", Input).value = "Needs CMHT follow-up"
        await pilot.press("ctrl+s")  # no service chosen yet
        await settle(pilot)
        assert "unknown onward service" in str(dialog.query_one("#error-onward").render())
        set_select(app, "#field-onward", "cmht")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = repo.referral(referral_id)
        assert (saved.status, saved.onward, saved.decision_reason) == (
            "redirected",
            "cmht",
            "Needs CMHT follow-up",
        )
        assert row_names(app) == []


async def test_decline_with_reason(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#field-reason", Input).value = "Duplicate of an earlier referral"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = repo.referral(referral_id)
        assert (saved.status, saved.decision_reason) == (
            "declined",
            "Duplicate of an earlier referral",
        )
        assert row_names(app) == []


async def test_escape_closes_a_dialog_without_saving(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#field-reason", Input).value = "Not sent"
        await pilot.press("escape")
        await settle(pilot)
        assert repo.referral(referral_id).status == "new"
        assert row_names(app) == ["Alex Example (test)"]


async def test_filter_in_the_database_and_escape_clears(open_app, repo, frozen_now):
    repo.add_referral(referral_input(name="Findable Person (test)"))
    repo.add_referral(
        referral_input(
            name="Someone Else (test)",
            area="whitstable",
            gp_practice="Harbour Street Surgery (example)",
        )
    )
    async with open_app() as (app, pilot):
        assert len(row_names(app)) == 2
        await pilot.press("slash")
        await pilot.press(*"findable")
        await pilot.press("enter")
        await settle(pilot)
        assert row_names(app) == ["Findable Person (test)"]
        assert queue_screen(app).focused is queue_screen(app).query_one("#queue")
        await pilot.press("slash", "ctrl+u", *"whitstable")
        await pilot.pause(0.4)  # the filter follows typing after a short pause
        await settle(pilot)
        assert row_names(app) == ["Someone Else (test)"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(row_names(app)) == 2
        assert queue_screen(app).query_one("#search", Input).value == ""


async def test_history_lists_audit_entries(open_app, repo, make_referral):
    referral_id = make_referral()
    repo.claim(referral_id)
    async with open_app() as (app, pilot):
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = str(app.screen.query_one("#history-body", Static).render())
        assert "Mon 23 Nov 10:00  duty1  add referral" in text
        assert "Mon 23 Nov 10:00  duty1  claim" in text
        assert "status: new -> triaging" in text
        assert "triage by: - -> duty1" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)


async def test_add_network_member(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NetworkForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(form.query_one("#error-name").render()) == "name is required"
        _fill(
            app, {"name": "Sam Sibling (test)", "relationship": "brother", "phone": "01632 960555"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NetworkForm)
        members = repo.referral(referral_id).network
        assert [(m.name, m.relationship, m.phone) for m in members] == [
            ("Sam Sibling (test)", "brother", "01632 960555")
        ]
        assert "Sam Sibling (test) (brother) 01632 960555" in detail_text(app)


async def test_view_only_login_is_told_and_refused(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app(actor="visitor") as (app, pilot):
        screen = queue_screen(app)
        assert "VIEW ONLY: visitor" in str(screen.query_one(TitleBar).who)
        assert screen.query_one("#view-only").display
        assert row_names(app) == ["Alex Example (test)"]  # can look
        await pilot.press("c")
        await settle(pilot)
        refused = [m for m in notifications(app) if "is not on the staff list" in m]
        assert refused and refused[0].startswith("Login 'visitor' is not on the staff list")
        assert repo.referral(referral_id).triage_by is None
        await pilot.press("n")  # a form is not even opened
        await settle(pilot)
        assert not isinstance(app.screen, ReferralForm)
        assert len([m for m in notifications(app) if "is not on the staff list" in m]) == 2
        await pilot.press("a")
        await settle(pilot)
        assert repo.referral(referral_id).status == "new"


async def test_added_to_the_staff_list_while_the_app_is_open(open_app, repo, make_referral):
    """The screen still thinks "view only", but the repository now says yes: the form opens."""
    make_referral()
    async with open_app(actor="newcomer") as (app, pilot):
        assert app.view_only
        repo.add_staff("newcomer", "New Comer (test)", "clinician")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReferralForm)


async def test_keys_can_be_remapped_from_the_settings(open_app, repo, make_referral):
    base = repo.config
    remapped = base.model_copy(update={"keys": {"accept": "x", "claim": "ctrl+t"}})
    referral_id = make_referral()
    async with open_app(config=remapped) as (app, pilot):
        footer_keys = {
            binding.id: key
            for key, binding in ((b.key, b) for _, b, *_ in app.screen.active_bindings.values())
        }
        assert footer_keys["accept"] == "x"
        await pilot.press("a")  # the old key does nothing now
        await settle(pilot)
        assert repo.referral(referral_id).status == "new"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert repo.referral(referral_id).triage_by == DUTY
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # the confirmation
        await settle(pilot)
        assert repo.referral(referral_id).status == "accepted"


async def test_palette_has_the_screen_and_its_actions(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"claim")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert repo.referral(referral_id).triage_by == DUTY
        await pilot.press("ctrl+p")
        await pilot.press(*"referral queue")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert queue_screen(app) is app.screen
        assert app.screen.focused is app.screen.query_one("#queue")


async def test_detail_follows_the_cursor(open_app, repo, make_referral):
    first = make_referral(name="First Person (test)")
    second = make_referral(name="Second Person (test)", received_at="23/11/2026 09:30")
    repo.add_network_member(second, "Net Worker (test)", "friend")
    async with open_app() as (app, pilot):
        assert cursor_id(app) == first
        await pilot.press("down")
        await settle(pilot)
        assert cursor_id(app) == second
        detail = detail_text(app)
        assert "Second Person (test)" in detail and "Net Worker (test) (friend)" in detail
        await move_cursor_to(pilot, first)
        assert "First Person (test)" in detail_text(app)


async def test_unknown_binding_id_in_the_settings_is_reported(open_app, repo):
    remapped = repo.config.model_copy(update={"keys": {"acept": "x"}})
    async with open_app(config=remapped) as (app, pilot):
        warning = notifications(app)[0]
        assert warning.startswith("[keys] in the settings names no action: acept (known: ")
        assert "accept" in warning and "add_referral" in warning
