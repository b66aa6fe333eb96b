"""Japanese text for the platform's two readers of words: the free-text analysis (`freetext.py`), the job-ad check
(`jobad.py`) and the search index (`shokuba.search`). Pure: no Django, no other shokuba package.

One Sudachi dictionary and one mode C tokenizer for both (loaded once per process, only the fields used:
part of speech, dictionary and normalised forms), and one rule of what a word is when text is searched:

- a word term: Sudachi's normalised form of each content morpheme (名詞, 動詞, 形容詞, 形状詞, 副詞), so 子ども, 子供
  and こども are one term (子供), できます and 出来る one (出来る), ｗｏｒｋ and ワーク one;
- character bigrams of every run of kanji, katakana, Latin letters and digits (NFKC, case-folded), for robustness
  where the dictionary keeps a compound whole (評価制度 holds 評価) or splits a word differently; a run of one
  character is kept as a unigram. Hiragana runs give no bigrams (their words come through the normalised forms).

A query is read the same way, word by word (split on spaces): a document matches a query word when it holds all of
the word's bigrams or all of its word terms; it matches the query when it matches every word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WORD_PREFIX = "="  # word terms are stored as "=子供", bigrams as they are ("育休")
TERM_MAX = 64
SEARCH_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
# A run that gives bigrams: CJK ideographs (and 々〆ヶ), katakana (and ー), Latin letters and digits.
_RUN = re.compile(r"[\u3005\u3006\u30f6\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u30a0-\u30ffー0-9a-z]+")


@lru_cache(maxsize=1)
def sudachi() -> tuple[Any, Any]:
    """The dictionary and a mode C tokenizer that loads only the fields the platform uses (part of speech,
    dictionary and normalised forms): about half the tokenising time of the full morphemes."""
    from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

    dictionary = Dictionary()
    fields = {"pos", "dictionary_form", "normalized_form"}
    return dictionary, dictionary.tokenizer(mode=SplitMode.C, fields=fields)


def tokenizer() -> Any:
    return sudachi()[1]


def pos_of(pos_id: int) -> tuple[str, ...]:
    return tuple(sudachi()[0].pos_of(pos_id))


@lru_cache(maxsize=4096)
def _pos_head(pos_id: int) -> str:
    return str(sudachi()[0].pos_of(pos_id)[0])


def fold(text: str) -> str:
    """The form text is compared in: NFKC (full-width letters and digits, half-width katakana) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _chunks(text: str, size: int = 4000) -> list[str]:
    """Sudachi refuses very long inputs: cut at line ends (or hard) below its limit."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut + 1 if cut > 0 else size
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return [p for p in pieces if p.strip()]


def word_forms(text: str) -> list[str]:
    """The normalised forms of the content morphemes of `text`, in order (repeats kept)."""
    tokenizer = sudachi()[1]
    forms: list[str] = []
    for chunk in _chunks(fold(text)):
        for m in tokenizer.tokenize(chunk):
            if _pos_head(m.part_of_speech_id()) not in SEARCH_POS:
                continue
            form = m.normalized_form()
            if len(form) == 1 and "\u3040" <= form <= "\u309f":
                continue
            if form.strip():
                forms.append(form[: TERM_MAX - 1])
    return forms


def bigrams(text: str) -> list[str]:
    """Character bigrams of the folded text's runs (a one-character run: itself), in order (repeats kept)."""
    grams: list[str] = []
    for run in _RUN.findall(fold(text)):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def index_terms(text: str) -> Counter[str]:
    """Every term of a text with how often it occurs: word terms (prefixed) and bigrams."""
    counts: Counter[str] = Counter(WORD_PREFIX + form for form in word_forms(text))
    counts.update(bigrams(text))
    return counts


@dataclass(frozen=True)
class QueryWord:
    text: str  # as typed (NFKC, case-folded)
    grams: frozenset[str]  # all must be present …
    words: frozenset[str]  # … or all of these (prefixed word terms)

    @property
    def terms(self) -> frozenset[str]:
        return self.grams | self.words


def query_words(query: str, limit: int = 8) -> list[QueryWord]:
    """The words of a query (split on spaces, at most `limit`), each with the terms that find it."""
    found: list[QueryWord] = []
    for part in fold(query).split():
        grams = frozenset(bigrams(part))
        words = frozenset(WORD_PREFIX + form for form in word_forms(part))
        if grams or words:
            found.append(QueryWord(part, grams, words))
        if len(found) == limit:
            break
    return found


def match_spans(text: str, words: list[QueryWord]) -> list[tuple[int, int]]:
    """Where the query's words stand in `text`: as typed (folded), and as any morpheme whose normalised form is one
    of the query's word terms (こども found by 子ども). Sorted, not overlapping (the first of overlapping ones)."""
    spans: set[tuple[int, int]] = set()
    folded = text.casefold() if len(text.casefold()) == len(text) else text
    for word in words:
        typed = word.text
        start = 0
        while typed and (found := folded.find(typed, start)) >= 0:
            spans.add((found, found + len(typed)))
            start = found + len(typed)
    wanted = {w[len(WORD_PREFIX) :] for word in words for w in word.words}
    if wanted:
        tokenizer = sudachi()[1]
        offset = 0
        for chunk in _chunks(text) if text.strip() else []:
            begin = text.find(chunk, offset)
            for m in tokenizer.tokenize(chunk):
                if m.normalized_form() in wanted or fold(m.surface()) in wanted:
                    spans.add((begin + m.begin(), begin + m.end()))
            offset = begin + len(chunk)
    kept: list[tuple[int, int]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept
