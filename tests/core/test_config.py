"""Settings: the shipped file, where the file is found, and the messages for wrong values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duty_desk.config import ENV_CONFIG, Config, ConfigError, load_config, parse_config

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "config.toml"


@pytest.fixture
def no_config_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No --config, no DUTY_DESK_CONFIG, and empty per-user and site config folders."""
    monkeypatch.delenv(ENV_CONFIG, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    return tmp_path


def assert_plain(message: str) -> None:
    """One line for a person: no traceback, no pydantic internals."""
    assert "\n" not in message
    assert "Traceback" not in message
    assert "[type=" not in message
    assert "pydantic" not in message.lower()
    assert "errors.pydantic.dev" not in message


def config_error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, origin="team.toml")
    message = str(caught.value)
    assert_plain(message)
    assert message.startswith("team.toml: ")
    return message


# -- the shipped file and the defaults -------------------------------------------------


def test_shipped_config_parses_to_exactly_the_defaults() -> None:
    assert parse_config(SHIPPED.read_text(encoding="utf-8")) == Config()


def test_shipped_defaults_describe_the_example_team() -> None:
    config = Config()
    team = config.team
    assert team.timezone == "Europe/London"
    assert team.response_hours == 24
    assert team.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (team.opens, team.closes) == (dt.time(8, 0), dt.time(20, 0))
    assert (team.min_age, team.max_age) == (18, 65)
    assert "canterbury" in config.areas
    assert config.areas["canterbury"].weekly_cap == 5
    assert config.source_keys_eligible == {"spoa-urgent", "eip-new"}
    assert {"cmht", "crht"} <= set(config.onward)
    assert config.urgency["B"].respond_within_hours == 4
    assert config.urgency["C"].respond_within_hours == 24
    assert config.urgency["D"].respond_within_hours == 72
    assert set(config.urgency) == set("ABCDEFG")


def test_every_key_of_the_shipped_file_is_documented_by_a_comment() -> None:
    """Each [table] of the shipped file has a comment line somewhere above its keys."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for table in (
        "[team]",
        "[database]",
        "[areas.canterbury]",
        "[sources.spoa-urgent]",
        "[onward.cmht]",
        "[urgency.A]",
        "[keys]",
    ):
        index = lines.index(table)
        assert any(line.startswith("#") for line in lines[max(0, index - 6) : index]), table


def test_missing_file_everywhere_gives_the_defaults(no_config_anywhere: Path) -> None:
    assert load_config() == Config()


def test_per_user_file_is_found_on_the_search_path(no_config_anywhere: Path) -> None:
    user_file = no_config_anywhere / "user-config" / "duty-desk" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('[team]\nname = "User file team (test)"\n', encoding="utf-8")
    assert load_config().team.name == "User file team (test)"


def test_environment_variable_names_the_file(
    no_config_anywhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = no_config_anywhere / "env.toml"
    env_file.write_text('[team]\nname = "Env team (test)"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(env_file))
    assert load_config().team.name == "Env team (test)"


def test_explicit_path_beats_the_environment_variable(
    no_config_anywhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = no_config_anywhere / "env.toml"
    env_file.write_text('[team]\nname = "Env team (test)"\n', encoding="utf-8")
    explicit = no_config_anywhere / "explicit.toml"
    explicit.write_text('[team]\nname = "Explicit team (test)"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(env_file))
    assert load_config(explicit).team.name == "Explicit team (test)"
    assert load_config(str(explicit)).team.name == "Explicit team (test)"


def test_environment_variable_beats_the_per_user_file(
    no_config_anywhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_file = no_config_anywhere / "user-config" / "duty-desk" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('[team]\nname = "User file team (test)"\n', encoding="utf-8")
    env_file = no_config_anywhere / "env.toml"
    env_file.write_text('[team]\nname = "Env team (test)"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(env_file))
    assert load_config().team.name == "Env team (test)"


def test_a_named_file_that_is_missing_is_an_error_not_the_defaults(
    no_config_anywhere: Path,
) -> None:
    missing = no_config_anywhere / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing)
    assert str(missing) in str(caught.value)
    assert "not found" in str(caught.value)
    assert_plain(str(caught.value))


def test_a_file_that_is_not_text_is_a_plain_error(no_config_anywhere: Path) -> None:
    binary = no_config_anywhere / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01 not utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(binary)
    assert str(binary) in str(caught.value)
    assert_plain(str(caught.value))


def test_a_file_with_a_byte_order_mark_is_read(no_config_anywhere: Path) -> None:
    notepad = no_config_anywhere / "notepad.toml"
    notepad.write_bytes(b"\xef\xbb\xbf" + b'[team]\nname = "Notepad team (test)"\n')
    assert load_config(notepad).team.name == "Notepad team (test)"


def test_partial_file_keeps_defaults_for_the_rest() -> None:
    config = parse_config('[team]\nname = "Partial team (test)"\nopens = "07:30"\n')
    assert config.team.name == "Partial team (test)"
    assert config.team.opens == dt.time(7, 30)
    assert config.team.closes == dt.time(20, 0)
    assert config.areas == Config().areas


def test_toml_local_time_is_accepted_for_opens() -> None:
    assert parse_config("[team]\nopens = 08:30:00\n").team.opens == dt.time(8, 30)


# -- wrong values: the key path and what was expected ------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('[team]\nresponse_hours = "soon"\n', "team.response_hours", "number"),
        ("[team]\nresponse_hours = 0\n", "team.response_hours", "greater than 0"),
        (
            '[areas.canterbury]\nname = "Canterbury"\nweekly_cap = "5"\n',
            "areas.canterbury.weekly_cap",
            "integer",
        ),
        (
            '[areas.canterbury]\nname = "Canterbury"\nweekly_cap = true\n',
            "areas.canterbury.weekly_cap",
            "integer",
        ),
        (
            '[areas.canterbury]\nname = "Canterbury"\nweekly_cap = 2.5\n',
            "areas.canterbury.weekly_cap",
            "integer",
        ),
        ('[sources.gp]\nname = "GP"\neligible = "yes"\n', "sources.gp.eligible", "boolean"),
        ('[team]\ndays = "mon"\n', "team.days", "list"),
        ('[team]\ndays = ["monday"]\n', "team.days", "'mon'"),
        ('[database]\nsynchronous = "OFF"\n', "database.synchronous", "'FULL' or 'NORMAL'"),
        ("[database]\nurl = 5\n", "database.url", "string"),
        ("[areas.whitstable]\nweekly_cap = 3\n", "areas.whitstable.name", "required"),
        ('[urgency.a]\nname = "lower case"\n', "urgency.a", "[A-Z]"),
    ],
)
def test_wrong_type_or_value_names_the_key_and_what_was_expected(
    text: str, key: str, expected: str
) -> None:
    message = config_error(text)
    assert f"team.toml: {key}" in message
    assert expected in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[team]\nnmae = "typo"\n', "team.nmae"),
        ('[teams]\nname = "typo"\n', "teams"),
        ('[areas.canterbury]\nname = "Canterbury"\ncap = 5\n', "areas.canterbury.cap"),
    ],
)
def test_unknown_key_is_refused_by_name(text: str, key: str) -> None:
    message = config_error(text)
    assert f"team.toml: {key}: unknown key" in message


def test_bad_time_zone_is_named_with_an_example() -> None:
    message = config_error('[team]\ntimezone = "Mars/Olympus_Mons"\n')
    assert "team.timezone" in message
    assert "'Mars/Olympus_Mons' is not a known time zone" in message
    assert "Europe/London" in message


@pytest.mark.parametrize(
    "value", ['"25:00"', '"8"', '"08:00:00"', '"eight"', '"08:60"', "8", '["08:00"]']
)
def test_bad_opening_time_expects_hh_mm(value: str) -> None:
    message = config_error(f"[team]\nopens = {value}\n")
    assert "team.opens" in message
    assert "HH:MM" in message


def test_closes_before_opens_is_refused_at_team_closes() -> None:
    message = config_error('[team]\nopens = "20:00"\ncloses = "08:00"\n')
    assert "team.closes" in message
    assert "later than opens" in message


def test_closes_before_the_default_opening_is_refused() -> None:
    message = config_error('[team]\ncloses = "07:00"\n')
    assert "team.closes" in message


def test_max_age_below_min_age_is_refused_at_team_max_age() -> None:
    message = config_error("[team]\nmin_age = 70\n")
    assert "team.max_age" in message
    assert "min_age" in message


def test_empty_table_of_areas_is_refused() -> None:
    message = config_error("areas = {}\n")
    assert "[areas] needs at least one entry" in message


def test_invalid_toml_says_so_with_the_line() -> None:
    message = config_error('[team\nname = "x"\n')
    assert "not valid TOML" in message
    assert "line 1" in message


def test_several_problems_are_counted() -> None:
    message = config_error('[team]\nresponse_hours = "x"\nmin_age = "y"\n')
    assert "1 more problem after this one" in message


def test_load_config_reports_the_file_path(no_config_anywhere: Path) -> None:
    bad = no_config_anywhere / "bad.toml"
    bad.write_text('[team]\ntimezone = "Nowhere/Land"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(bad)
    assert str(caught.value).startswith(f"{bad}: team.timezone:")
