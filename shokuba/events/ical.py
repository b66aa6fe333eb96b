"""iCalendar (RFC 5545) for events: one event, or a feed of a person's registered events.

Lines end with CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT values escape backslash,
semicolon, comma and line breaks; times are UTC (`…Z`), so no VTIMEZONE is needed and every calendar shows the
Asia/Tokyo time correctly. UID is the event's `uid` (stable across edits); SEQUENCE counts the changes; a cancelled
event is STATUS:CANCELLED. METHOD:PUBLISH: the file informs, it does not invite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shokuba.events.models import Event, EventKind

PRODID = "-//Shokuba//Events//JA"
UID_DOMAIN = "shokuba.events"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: \\ ; , escaped; every line break as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 3.1: at most 75 octets a line, continued lines start with one space; UTF-8 characters whole."""
    out: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1  # the leading space takes one octet
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _location(event: Event) -> str:
    if event.venue and event.online_url:
        return f"{event.venue} / {event.online_url}"
    return event.venue or event.online_url


def _description(event: Event, page_url: str) -> str:
    parts = [str(EventKind(event.kind).label)]
    if event.speaker:
        parts.append(f"講師・話題提供: {event.speaker}")
    if event.description:
        parts.append(event.description)
    if event.online_url:
        parts.append(f"オンライン参加: {event.online_url}")
    if event.cancelled:
        parts.append(f"中止の理由: {event.cancel_reason}")
    parts.append(page_url)
    return "\n".join(parts)


def vevent_lines(event: Event, *, page_url: str, now: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}@{UID_DOMAIN}",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(_description(event, page_url))}",
        f"LOCATION:{escape_text(_location(event))}",
        f"URL:{page_url}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        "END:VEVENT",
    ]
    return lines


def calendar(events: Iterable[tuple[Event, str]], *, now: dt.datetime, name: str = "") -> bytes:
    """A VCALENDAR of (event, its page's absolute URL) pairs, as the bytes to serve (text/calendar; UTF-8)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event, page_url in events:
        lines += vevent_lines(event, page_url=page_url, now=now)
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")
