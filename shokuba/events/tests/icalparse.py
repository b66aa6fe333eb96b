"""A strict iCalendar reader for the tests (the `icalendar` package is not installed): checks CRLF line ends,
75-octet lines, unfolds, and reads each content line's name, parameters and value, unescaping TEXT."""

from __future__ import annotations

from typing import Any


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            nxt = value[i + 1]
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        assert char not in ";,", f"unescaped {char!r} in TEXT"
        out.append(char)
        i += 1
    return "".join(out)


def parse(body: bytes) -> list[dict[str, Any]]:
    """The calendar's components as dicts of property → value (VCALENDAR first, then each VEVENT)."""
    assert body.endswith(b"\r\n")
    raw_lines = body.split(b"\r\n")[:-1]
    for line in raw_lines:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # each physical line is whole UTF-8: folding never cut a character
    logical: list[str] = []
    for line in raw_lines:
        text = line.decode("utf-8")
        if text.startswith((" ", "\t")):
            logical[-1] += text[1:]
        else:
            logical.append(text)
    components: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for line in logical:
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        assert name and name == name.upper(), line
        if name == "BEGIN":
            stack.append({"_type": value})
            continue
        if name == "END":
            component = stack.pop()
            assert component["_type"] == value
            components.append(component)
            continue
        stack[-1][name] = unescape(value) if name in {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"} else value
        if params:
            stack[-1][name + ";params"] = params
    assert not stack
    calendar = [c for c in components if c["_type"] == "VCALENDAR"]
    events = [c for c in components if c["_type"] == "VEVENT"]
    return calendar + events
