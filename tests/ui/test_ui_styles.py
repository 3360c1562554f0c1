"""The screens' style sheets stay each to its own screen: Textual adds every screen's sheet
to the app's one stylesheet, so a bare ``#detail`` rule in one sheet styled every screen's
pane of that name, whichever sheet had been read last."""

from __future__ import annotations

from tests.conftest import referral_input

from .test_ui_support import make_app, settle


async def test_visiting_other_screens_leaves_the_queue_detail_pane_as_it_was(
    config, db, repo
) -> None:
    repo.add_referral(referral_input(name="Style Check (test)"))
    app = make_app(config, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.screen.query_one("#detail").size.height
        for key in ("4", "6", "1"):  # the handover and the team report: each has a #detail
            await pilot.press(key)
            await settle(pilot)
        assert app.current_mode == "queue"
        assert app.screen.query_one("#detail").size.height == before
