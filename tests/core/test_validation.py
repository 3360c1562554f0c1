"""Checks on typed and imported input: every field, all problems together, no crashes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duty_desk.config import Config
from duty_desk.errors import InputErrors
from duty_desk.validation import (
    MAX_NAME,
    MAX_NOTES,
    MAX_REASON,
    REFERRAL_FIELDS,
    NewReferral,
    clean_text,
    validate_network_member,
    validate_reason,
    validate_referral,
    validate_staff,
)
from tests.conftest import MONDAY_10, referral_input
from tests.core.test_timeutil import edge_datetimes

CONFIG = Config()


def errors_for(**overrides: str | None) -> dict[str, str]:
    with pytest.raises(InputErrors) as caught:
        validate_referral(referral_input(**overrides), CONFIG, MONDAY_10)  # type: ignore[arg-type]
    return caught.value.errors


def valid(**overrides: str | None) -> NewReferral:
    return validate_referral(referral_input(**overrides), CONFIG, MONDAY_10)  # type: ignore[arg-type]


# -- the good case -------------------------------------------------------------------------


def test_valid_referral_is_cleaned() -> None:
    new = valid(name="  Alex Example (test)  ", nhs_number="999-000-0018")
    assert new.name == "Alex Example (test)"
    assert new.received_at == dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    assert new.received_at.utcoffset() == dt.timedelta(0)
    assert new.date_of_birth == dt.date(1990, 2, 1)
    assert new.nhs_number == "9990000018"
    assert new.area == "canterbury"
    assert new.source == "spoa-urgent"
    assert new.urgency == "C"
    assert new.gp_practice == "Cathedral View Surgery (example)"


def test_summer_received_time_is_read_in_the_team_zone() -> None:
    new = validate_referral(
        referral_input(received_at="01/07/2026 09:00"),
        CONFIG,
        dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC),
    )
    assert new.received_at == dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


def test_optional_fields_may_be_blank() -> None:
    new = valid(nhs_number="", phone="", reason="", notes="")
    assert new.nhs_number is None
    assert (new.phone, new.reason, new.notes) == ("", "", "")
    assert valid(nhs_number=None).nhs_number is None  # type: ignore[arg-type]


def test_choices_accept_key_or_display_name_in_any_case() -> None:
    new = valid(area="CANTERBURY", source="SPoA Urgent", urgency="c")
    assert (new.area, new.source, new.urgency) == ("canterbury", "spoa-urgent", "C")
    assert (
        valid(area="Whitstable", gp_practice="Harbour Street Surgery (example)").area
        == "whitstable"
    )


def test_practice_is_matched_case_insensitively_to_its_canonical_name() -> None:
    assert valid(gp_practice="  cathedral VIEW surgery (EXAMPLE) ").gp_practice == (
        "Cathedral View Surgery (example)"
    )


def test_multiline_reason_and_notes_keep_their_lines() -> None:
    new = valid(reason="Line one (test)\nLine two\r\nLine three", notes="a\tb\nc")
    assert new.reason == "Line one (test)\nLine two\nLine three"
    assert new.notes == "a\tb\nc"


def test_received_time_a_few_minutes_ahead_is_clock_skew_not_future() -> None:
    assert valid(received_at="23/11/2026 10:05").received_at.minute == 5


# -- each field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["received_at", "name", "date_of_birth", "area", "gp_practice", "source", "urgency"]
)
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_required_fields(field: str, blank: str | None) -> None:
    errors = errors_for(**{field: blank})
    assert list(errors) == [field]
    assert "required" in errors[field]


def test_received_time_in_the_future() -> None:
    assert errors_for(received_at="23/11/2026 10:06") == {
        "received_at": "received time is in the future"
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("tomorrow", "is not a date and time"),
        ("31/02/2026 10:00", "is not a real date and time"),
        ("29/03/2026 01:30", "does not exist"),
        ("25/10/2026 01:30", "happens twice"),
    ],
)
def test_received_time_that_cannot_be_read(text: str, fragment: str) -> None:
    errors = errors_for(received_at=text)
    assert list(errors) == ["received_at"]
    assert fragment in errors["received_at"]


def test_received_time_with_offset_on_the_autumn_change_is_accepted() -> None:
    new = validate_referral(referral_input(received_at="2026-10-25T01:30+01:00"), CONFIG, MONDAY_10)
    assert new.received_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_date_of_birth_in_the_future() -> None:
    assert errors_for(date_of_birth="24/11/2026") == {
        "date_of_birth": "date of birth is in the future"
    }
    assert valid(date_of_birth="23/11/2026").date_of_birth == dt.date(2026, 11, 23)


def test_date_of_birth_making_someone_over_120() -> None:
    assert errors_for(date_of_birth="22/11/1905") == {
        "date_of_birth": "date of birth makes them 121; check the year"
    }
    assert valid(date_of_birth="23/11/1906").date_of_birth.year == 1906  # exactly 120


@pytest.mark.parametrize("text", ["31/02/1990", "1990-13-01", "last year"])
def test_date_of_birth_that_cannot_be_read(text: str) -> None:
    errors = errors_for(date_of_birth=text)
    assert list(errors) == ["date_of_birth"]
    assert "date" in errors["date_of_birth"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("9990000017", "check digit"), ("999000001", "10 digits"), ("99900000X8", "digits only")],
)
def test_nhs_number(text: str, fragment: str) -> None:
    errors = errors_for(nhs_number=text)
    assert list(errors) == ["nhs_number"]
    assert fragment in errors["nhs_number"]


@pytest.mark.parametrize("text", ["01632 960001", "+44 1632 960001", "(01632) 960-001", "0163296"])
def test_phone_formats_accepted(text: str) -> None:
    assert valid(phone=text).phone == text


@pytest.mark.parametrize(
    "text",
    [
        "call me",
        "01632 96000I",
        "123456",
        "+44 1632 960001 12345",
        "01632#960001",
        "01632 960001 ext 2",
    ],
)
def test_phone_formats_refused(text: str) -> None:
    assert errors_for(phone=text) == {
        "phone": "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"
    }


def test_unknown_area_source_and_urgency_list_the_choices() -> None:
    errors = errors_for(area="margate", source="police", urgency="Q")
    assert errors["area"] == "unknown area 'margate' (expected one of: canterbury, whitstable)"
    assert errors["source"].startswith("unknown source 'police' (expected one of: spoa-urgent")
    assert errors["urgency"] == "unknown urgency 'Q' (expected one of: A, B, C, D, E, F, G)"
    # the practice cannot be checked against an area that is not known
    assert "gp_practice" not in errors


def test_practice_not_in_the_area() -> None:
    errors = errors_for(area="whitstable")  # the Canterbury practice
    assert errors == {
        "gp_practice": "'Cathedral View Surgery (example)' is not a GP practice of Whitstable"
    }


@pytest.mark.parametrize(
    ("field", "limit"), [("name", MAX_NAME), ("reason", MAX_REASON), ("notes", MAX_NOTES)]
)
def test_over_long_text(field: str, limit: int) -> None:
    assert valid(**{field: "x" * limit})
    errors = errors_for(**{field: "x" * (limit + 1)})
    assert errors == {field: f"{field} is too long ({limit + 1} characters, at most {limit})"}


@pytest.mark.parametrize("field", ["name", "phone", "reason", "notes"])
@pytest.mark.parametrize(
    "bad",
    [
        "Alex \x1b[31mRed\x1b[0m (test)",  # ANSI escape
        "Alex\x1b]0;title\x07 (test)",  # OSC title change
        "Alex\x00 (test)",
        "Alex\u202e (test)",  # right-to-left override (Cf)
        "Alex\x7f (test)",
        "Alex \ud800 (test)",  # a lone surrogate cannot even be stored
    ],
)
def test_control_characters_are_refused(field: str, bad: str) -> None:
    errors = errors_for(**{field: bad})
    assert list(errors) == [field]
    assert "control characters" in errors[field] or "phone takes digits" in errors[field]


@pytest.mark.parametrize("field", ["name", "phone"])
@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\u2028", "\x85"])
def test_line_breaks_in_one_line_fields_are_refused(field: str, brk: str) -> None:
    errors = errors_for(**{field: f"01632{brk}960001 (test)"})
    assert errors == {field: f"{field} must be on one line"}


def test_markup_and_unicode_names_are_kept_literally() -> None:
    assert valid(name="[bold]Zoë Ó Briain-Nakamura[/bold] (test)").name == (
        "[bold]Zoë Ó Briain-Nakamura[/bold] (test)"
    )
    assert valid(name="Family 👨\u200d👩\u200d👧 (test)").name == "Family 👨\u200d👩\u200d👧 (test)"


def test_all_errors_come_back_together_keyed_by_field_in_form_order() -> None:
    errors = errors_for(
        received_at="soon",
        name="",
        date_of_birth="01/01/3000",
        nhs_number="123",
        phone="call me",
        area="margate",
        gp_practice="",
        source="police",
        urgency="Q",
        reason="bad \x1b",
        notes="y" * (MAX_NOTES + 1),
    )
    assert list(errors) == list(REFERRAL_FIELDS)
    assert all(isinstance(message, str) and message for message in errors.values())


def test_input_errors_message_joins_the_fields() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_referral(referral_input(name="", urgency="Q"), CONFIG, MONDAY_10)
    assert str(caught.value) == (
        "name: name is required; urgency: unknown urgency 'Q' (expected one of: A, B, C, D, E, F, G)"
    )


# -- reasons, staff and network members ------------------------------------------------------


def test_validate_reason() -> None:
    assert validate_reason("  Needs CMHT (test)\r\nfollow-up  ") == "Needs CMHT (test)\nfollow-up"
    with pytest.raises(InputErrors) as caught:
        validate_reason("   ", "override reason")
    assert caught.value.errors == {"override reason": "override reason is required"}
    with pytest.raises(InputErrors):
        validate_reason("x" * (MAX_REASON + 1))


def test_clean_text_direct() -> None:
    assert clean_text(None, label="x", required=False, max_len=5) == ""
    with pytest.raises(ValueError, match="x is required"):
        clean_text(" ", label="x", required=True, max_len=5)


@pytest.mark.parametrize(
    ("login", "role"),
    [
        ("duty1", "clinician"),
        ("a.b-c_d", "peer_support"),
        ("_svc", "team_lead"),
        ("WS01$", "clinician"),
    ],
)
def test_validate_staff_accepts(login: str, role: str) -> None:
    assert validate_staff(f" {login} ", " Sam Staff (test) ", role) == (
        login,
        "Sam Staff (test)",
        role,
    )


def test_validate_staff_reports_every_field() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_staff("bad login", "", "boss")
    errors = caught.value.errors
    assert set(errors) == {"login", "name", "role"}
    assert "operating-system user name" in errors["login"]
    assert errors["name"] == "name is required"
    assert (
        errors["role"]
        == "unknown role 'boss' (expected one of: clinician, peer_support, team_lead)"
    )


@pytest.mark.parametrize("login", ["", "1abc", "a b", "x" * 65, "duty;rm", "dúty", "a\nb"])
def test_validate_staff_refuses_logins(login: str) -> None:
    with pytest.raises(InputErrors) as caught:
        validate_staff(login, "Sam Staff (test)", "clinician")
    assert list(caught.value.errors) == ["login"]


def test_validate_staff_refuses_control_characters_in_the_name() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_staff("sam", "Sam \x1b[2J (test)", "clinician")
    assert list(caught.value.errors) == ["name"]


def test_validate_network_member() -> None:
    assert validate_network_member(" Pat Parent (test) ", " mother ", " 01632 960002 ") == (
        "Pat Parent (test)",
        "mother",
        "01632 960002",
    )
    assert validate_network_member("Pat (test)", "", "") == ("Pat (test)", "", "")


def test_validate_network_member_reports_every_field() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_network_member("", "r" * 61, "\x1b[31m")
    errors = caught.value.errors
    assert set(errors) == {"name", "relationship", "phone"}
    assert errors["name"] == "name is required"
    assert "too long" in errors["relationship"]
    assert "control characters" in errors["phone"]


def test_validate_network_member_phone_format() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_network_member("Pat (test)", "friend", "not a number")
    assert caught.value.errors == {
        "phone": "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"
    }


# -- nothing but InputErrors, whatever is typed -------------------------------------------------

field_text = st.one_of(
    st.none(),
    edge_datetimes,
    st.text(max_size=40),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?", fullmatch=True),
    st.from_regex(
        r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?", fullmatch=True
    ),
    st.sampled_from(
        [
            "",
            " ",
            "canterbury",
            "Whitstable",
            "gp",
            "C",
            "9990000018",
            "01632 960001",
            "Cathedral View Surgery (example)",
            "\x1b[0m",
            "\u2028",
            "\ud800",
            "％",
        ]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({field: field_text for field in REFERRAL_FIELDS}))
def test_random_referral_input_never_raises_anything_but_input_errors(
    raw: dict[str, str | None],
) -> None:
    try:
        new = validate_referral(raw, CONFIG, MONDAY_10)
    except InputErrors as exc:
        assert exc.errors
        assert set(exc.errors) <= set(REFERRAL_FIELDS)
        return
    assert new.received_at.utcoffset() == dt.timedelta(0)
    # whatever passes can be stored: valid UTF-8 with no control characters
    for value in (new.name, new.phone, new.reason, new.notes):
        value.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=70), st.text(max_size=70), st.sampled_from(["clinician", "x", ""]))
def test_random_staff_input_never_raises_anything_but_input_errors(
    login: str, name: str, role: str
) -> None:
    try:
        validate_staff(login, name, role)
    except InputErrors:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=130), st.text(max_size=70), st.text(max_size=45))
def test_random_network_member_input_never_raises_anything_but_input_errors(
    name: str, relationship: str, phone: str
) -> None:
    try:
        validate_network_member(name, relationship, phone)
    except InputErrors:
        pass


# -- inputs (issue 10): years outside the range, born after received, numbers never issued --------
@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.dates(max_value=dt.date(1899, 12, 31)),
        st.dates(min_value=dt.date(2201, 1, 1)),
        st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date.max, dt.date.min]),
    ),
    st.sampled_from(["%d/%m/%Y", "%Y-%m-%d"]),
)
def test_any_received_date_outside_the_years_is_refused_on_its_field(
    day: dt.date, layout: str
) -> None:
    typed = f"{day.day:02d}/{day.month:02d}/{day.year:04d} 10:00"
    if layout == "%Y-%m-%d":
        typed = f"{day.year:04d}-{day.month:02d}-{day.day:02d}T10:00"
    with pytest.raises(InputErrors) as caught:
        validate_referral(referral_input(received_at=typed), Config(), MONDAY_10)
    assert set(caught.value.errors) == {"received_at"}


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_date_of_birth_is_taken_or_refused_in_one_sentence(day: dt.date) -> None:
    typed = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    try:
        new = validate_referral(referral_input(date_of_birth=typed), Config(), MONDAY_10)
    except InputErrors as caught:
        assert set(caught.errors) == {"date_of_birth"}
        assert "\n" not in caught.errors["date_of_birth"]
    else:
        assert dt.date(1900, 1, 1) <= new.date_of_birth <= dt.date(2026, 11, 23)


def test_all_zeros_nhs_number_is_refused() -> None:
    with pytest.raises(InputErrors) as caught:
        validate_referral(referral_input(nhs_number="000 000 0000"), Config(), MONDAY_10)
    assert "never issued" in caught.value.errors["nhs_number"]


# -- details (issue 11): address, postcode, referrer, language, interpreter ---------------------


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("ct1 1aa", "CT1 1AA"),
        ("CT11AA", "CT1 1AA"),
        ("  me1   2ab ", "ME1 2AB"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("ec1a1bb", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
        ("zz99 3vz", "ZZ99 3VZ"),  # the NHS's "no fixed abode"
        ("gir 0aa", "GIR 0AA"),
        ("", ""),
    ],
)
def test_postcodes_are_normalised(typed: str, saved: str) -> None:
    from duty_desk.validation import normalise_postcode

    assert normalise_postcode(typed) == saved


@pytest.mark.parametrize("typed", ["CT1", "1AA CT1", "CT1 1A", "CTT1 1AA", "CT1 AAA", "C-1 1AA"])
def test_not_a_postcode(typed: str) -> None:
    from duty_desk.validation import normalise_postcode

    with pytest.raises(ValueError, match=r"not a UK postcode \(like CT1 1AA\)"):
        normalise_postcode(typed)


def test_the_details_are_optional_and_checked_when_given() -> None:
    new = valid()
    assert (new.address, new.postcode, new.language, new.interpreter) == ("", "", "", False)
    new = valid(
        address=" 1 Example Street (test) ",
        postcode="ct1 1aa",
        language="Polish",
        interpreter="Yes",
        referrer_name="Dr Sample (test)",
        referrer_contact="01632 960001",
    )
    assert (new.address, new.postcode, new.interpreter) == (
        "1 Example Street (test)",
        "CT1 1AA",
        True,
    )
    assert valid(referrer_contact="gp.referrals@example.org").referrer_contact == (
        "gp.referrals@example.org"
    )
    for typed in ("no", "N", "false", "0", ""):
        assert valid(interpreter=typed).interpreter is False


def test_every_new_field_reports_its_own_problem_in_form_order() -> None:
    errors = errors_for(
        address="\x1b",
        postcode="nope",
        language="x" * 61,
        interpreter="sometimes",
        referrer_name="\x00",
        referrer_contact="nobody",
    )
    assert list(errors) == ["address", "postcode", "language", "interpreter", "referrer_name",
                            "referrer_contact"]  # fmt: skip


def test_an_interpreter_needs_a_language() -> None:
    assert errors_for(interpreter="yes") == {
        "language": "say which language the interpreter is needed for"
    }
    assert valid(interpreter="yes", language="Nepali").language == "Nepali"


def test_a_correction_checks_only_the_fields_given() -> None:
    from duty_desk.validation import validate_referral_edit

    current = {"received_at": MONDAY_10, "area": "canterbury", "language": "", "interpreter": False}
    assert validate_referral_edit({"postcode": "ct2 7nz"}, CONFIG, MONDAY_10, current) == {
        "postcode": "CT2 7NZ"
    }
    with pytest.raises(InputErrors) as caught:
        validate_referral_edit({"gp_practice": "Harbour Street Surgery (example)"}, CONFIG,
                               MONDAY_10, current)  # fmt: skip
    assert "is not a GP practice of Canterbury" in caught.value.errors["gp_practice"]
    with pytest.raises(InputErrors) as caught:
        validate_referral_edit({"reason": "x"}, CONFIG, MONDAY_10, current)
    assert caught.value.errors == {"reason": "reason cannot be corrected here"}
