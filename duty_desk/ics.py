"""Meetings as an iCalendar file (RFC 5545) for a staff member's calendar program.

One VEVENT per meeting:
  UID        ``meeting-<id>@duty-desk``, stable, so a re-import updates rather than duplicates;
  SEQUENCE   the meeting's version (a reschedule or cancellation supersedes the old copy);
  DTSTART/DTEND  UTC (``...Z``); the calendar program shows them in its own zone;
  STATUS     CANCELLED for a cancelled meeting, else CONFIRMED;
  SUMMARY    ``POD meeting A.E. - home visit``: the client's initials and the kind of place
             only (plus "did not attend" when recorded);
  LOCATION   the team base's name, "Phone", "Video", or "Home visit (address in duty-desk)";
  DESCRIPTION  the staff expected (logins) and the meeting number.

Calendars are synced to phones and cloud services, so no personal data goes in: no
names, no home address, no phone number, no notes or reasons. The address of a home
visit is looked up in duty-desk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import IO

from icalendar import Calendar, Event

from . import timeutil
from .views import MeetingView
from .vocabulary import PLACE_WORDS

PRODID = "-//duty-desk//network meetings//EN"
_PAREN = re.compile(r"\([^)]*\)")
PLACE_SUMMARY = PLACE_WORDS


def initials(name: str) -> str:
    """``Alex Example (test)`` -> ``A.E.``; letters only, at most three."""
    words = [w for w in _PAREN.sub(" ", name).replace("-", " ").split() if w[:1].isalpha()]
    return "".join(f"{w[0].upper()}." for w in words[:3]) or "?"


def _utc(value: dt.datetime) -> dt.datetime:
    return dt.datetime.fromtimestamp(timeutil.as_utc(value).timestamp(), dt.UTC)


def event(
    meeting: MeetingView, logins: Mapping[int, str], team_base: str, stamp: dt.datetime
) -> Event:
    place = PLACE_SUMMARY.get(meeting.place_kind, meeting.place_kind)
    summary = f"POD meeting {initials(meeting.client_name)} - {place}"
    if meeting.status == "did_not_attend":
        summary += " (did not attend)"
    location = {
        "home": "Home visit (address in duty-desk)",
        "base": team_base,
        "phone": "Phone",
        "video": "Video",
    }.get(meeting.place_kind, place)
    staff = ", ".join(logins.get(a.id, str(a.id)) for a in meeting.staff)
    item = Event()
    item.add("uid", f"meeting-{meeting.id}@duty-desk")
    item.add("dtstamp", _utc(stamp))
    item.add("dtstart", _utc(meeting.starts_at))
    item.add("dtend", _utc(meeting.ends_at))
    item.add("sequence", max(meeting.version - 1, 0))
    item.add("summary", summary)
    item.add("location", location)
    item.add("description", f"Staff: {staff}\nMeeting {meeting.id} in duty-desk")
    item.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    item.add("transp", "TRANSPARENT" if meeting.status == "cancelled" else "OPAQUE")
    return item


def write_ics(
    meetings: Iterable[MeetingView],
    logins: Mapping[int, str],
    calendar_name: str,
    team_base: str,
    out: IO[bytes],
) -> int:
    """Write a VCALENDAR, one event at a time as the meetings arrive. Returns how many."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    out.write(head[: -len(end)])
    stamp = timeutil.now()
    count = 0
    for meeting in meetings:
        out.write(event(meeting, logins, team_base, stamp).to_ical())
        count += 1
    out.write(end)
    return count
