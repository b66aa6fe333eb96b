"""Inputs of the engine: counts over categories, with codes and labels. Built by the selectors (SQL aggregation)
or by the CLI from an exported file; never per-respondent rows."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Category:
    code: str
    label: str


@dataclass(frozen=True)
class ItemCounts:
    """One single-choice or Likert/matrix item in one group: counts per substantive category in printed order.

    `top_box` > 0 marks a scale (Likert or a matrix statement): its first `top_box` points are the positive side
    (「そう思う傾向」) and the mean is reported on a score where the first point is highest (4 = そう思う on a
    4-point scale). `non_substantive` holds わからない/答えたくない apart; `missing` counts responses without an
    answer to this item.
    """

    item_code: str
    text: str
    categories: tuple[Category, ...]
    counts: tuple[int, ...]
    non_substantive: tuple[tuple[Category, int], ...] = ()
    missing: int = 0
    top_box: int = 0

    @property
    def is_scale(self) -> bool:
        return self.top_box > 0

    @property
    def valid_n(self) -> int:
        return sum(self.counts)

    def scores(self) -> list[float]:
        k = len(self.categories)
        return [float(k - i) for i in range(k)]


@dataclass(frozen=True)
class MultipleChoiceCounts:
    """How many of `respondents` (those who answered the question) picked each choice."""

    item_code: str
    text: str
    choices: tuple[Category, ...]
    counts: tuple[int, ...]
    respondents: int
    missing: int = 0


@dataclass(frozen=True)
class RankingCounts:
    """`rank_counts[c][r]`: respondents who put choice c at rank r + 1 (ranks 1 … max_rank)."""

    item_code: str
    text: str
    choices: tuple[Category, ...]
    rank_counts: tuple[tuple[int, ...], ...]
    respondents: int
    max_rank: int


def to_jsonable(value: Any) -> Any:
    """Dataclasses → dicts, tuples → lists, NaN/inf → None (JSON has no NaN; a page never shows one)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item())
    return value


def clean(value: float | None, digits: int | None = None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(float(value), digits) if digits is not None else float(value)


def ensure_counts(counts: Sequence[int], where: str) -> tuple[int, ...]:
    result = []
    for value in counts:
        if isinstance(value, bool) or int(value) != value or value < 0:
            raise ValueError(f"{where}: 件数は0以上の整数で指定してください（{value!r}）。")
        result.append(int(value))
    return tuple(result)
