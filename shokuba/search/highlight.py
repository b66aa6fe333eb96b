"""A hit's title and snippet with the query's words marked: the text is escaped first, then the found spans are
wrapped in <mark> (so nothing of a document is ever read as HTML)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shokuba.analysis.japanese import QueryWord, match_spans


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    position = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(escape(text[position:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        position = b
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight(text: str, words: list[QueryWord]) -> SafeString:
    """The whole (short) text with the words marked."""
    return mark_safe(_marked(text, match_spans(text, words), 0, len(text)))  # noqa: S308 - escaped piece by piece


def snippet(text: str, words: list[QueryWord], width: int = 120) -> SafeString:
    """About `width` characters of `text` around the first word found (from the start when none is), marked."""
    text = " ".join(text.split())
    spans = match_spans(text, words)
    start = 0
    if spans:
        start = max(0, spans[0][0] - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    body = _marked(text, spans, start, end)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))  # noqa: S308
