"""The footer drawn by one widget (screens/key_line.py): the keys Textual's footer would
show, laid out in one row, two, or two rows of equal columns; clicks and the pointer."""

from __future__ import annotations

from screens.key_line import Item, Key, KeyLine, arrange
from screens.referral_form import ReferralForm

from .test_ui_support import settle


def key(letter: str, words: str) -> Item:
    return Item((Key(letter, letter, words, True, ""),))


def test_one_row_when_the_keys_fit_then_two_in_order_then_equal_columns() -> None:
    items = tuple(key(letter, "Word") for letter in "abcdef")  # 6 cells and a gap each
    assert [len(row) for row in arrange(items, 41)] == [6]
    assert [[i.keys[0].key for i, _ in row] for row in arrange(items, 30)] == [
        ["a", "b", "c", "d"],
        ["e", "f"],
    ]
    rows = arrange(items, 15)  # two rows of 2 would need 3: equal columns, words cut
    assert [[i.keys[0].key for i, _ in row] for row in rows] == [["a", "b", "c"], ["d", "e", "f"]]
    assert [room for _, room in rows[0]] == [5, 5, 5]
    assert arrange((), 80) == []


def test_a_binding_group_shows_its_keys_then_its_label() -> None:
    group = Item((Key("[", "[", "", True, "Prev"), Key("]", "]", "", True, "Next")), label="Day")
    assert "".join(text for text, _, _ in group.parts()) == " [ ] Day"
    compact = Item(group.keys, label="Day", compact=True)
    assert "".join(text for text, _, _ in compact.parts()) == " [] Day"


async def test_the_queue_footer_is_one_widget_with_every_key(open_app) -> None:
    async with open_app() as (app, pilot):
        footer = app.screen.query_one(KeyLine)
        assert not app.screen.query("FooterKey")
        shown = [span.key.key for span in footer.placed()]
        assert shown[:3] == ["n", "c", "a"] and "q" in shown
        assert len(shown) == len(set(shown))
        assert footer.size.height == 2  # 15 keys with their full words need two rows


async def test_a_click_on_a_key_presses_it(open_app, board) -> None:
    """(``board``: the acting login is on the staff list, so "n" may add a referral.)"""
    async with open_app() as (app, pilot):
        footer = app.screen.query_one(KeyLine)
        new = next(span for span in footer.placed() if span.key.key == "n")
        await pilot.mouse_down(KeyLine, offset=(new.start, new.row))
        await settle(pilot)
        assert isinstance(app.screen, ReferralForm)
        # the dialog's own footer shows the dialog's keys
        dialog_keys = {span.key.key for span in app.screen.query_one(KeyLine).placed()}
        assert "escape" in dialog_keys and "n" not in dialog_keys


async def test_the_pointer_over_a_key_shows_its_tooltip(open_app) -> None:
    async with open_app() as (app, pilot):
        footer = app.screen.query_one(KeyLine)
        new = next(span for span in footer.placed() if span.key.key == "n")
        await pilot.hover(KeyLine, offset=(new.start + 2, new.row))
        assert footer.tooltip == new.key.tooltip and new.key.tooltip
        beyond = max(span.end for span in footer.placed() if span.row == 1) + 1
        await pilot.hover(KeyLine, offset=(beyond, 1))  # no key there
        assert footer.tooltip is None
