"""SudachiPy, loaded once per process for every part of the engine that reads Japanese text: the free-text analysis
(`freetext.py`) and the job-ad check (`jobad.py`) share this one dictionary and tokenizer, so a word is normalised
the same way everywhere (子ども / 子供 / こども → 子供, ウエイトレス / ウェイトレス / ｳｪｲﾄﾚｽ → ウエートレス)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def sudachi() -> tuple[Any, Any]:
    """The dictionary and a mode C tokenizer that loads only the fields used here (part of speech, dictionary and
    normalised forms): about half the tokenising time of the full morphemes."""
    from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

    dictionary = Dictionary()
    fields = {"pos", "dictionary_form", "normalized_form"}
    return dictionary, dictionary.tokenizer(mode=SplitMode.C, fields=fields)


def tokenizer() -> Any:
    return sudachi()[1]


def pos_of(pos_id: int) -> tuple[str, ...]:
    return tuple(sudachi()[0].pos_of(pos_id))
