"""Free-text answers: masking, SudachiPy (mode C) tokenisation, frequency list, keyword in context, co-occurrence
network (Jaccard over answers, top 60 edges by default) and a words × attribute network.

Before anything is shown, e-mail addresses, phone numbers and person-like names (Sudachi's 人名 tags, and a noun
right before さん/様/氏/くん/ちゃん/君) are replaced by 〔メール〕/〔電話〕/〔氏名〕. Answers from a group with fewer
respondents than the threshold are left out entirely (not shown, not counted); so is everything when fewer than
the threshold answered.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

from shokuba.analysis.suppression import DEFAULT_THRESHOLD, validate_threshold

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Japanese phone numbers: 0X-XXXX-XXXX, (0X)XXXX-XXXX, 090XXXXXXXX, +81 …; run on NFKC text (full-width → ASCII).
PHONE = re.compile(r"(?:\+81[\s\-]?|\(?0\d{1,4}\)?[\s\-]?)\d{1,4}[\s\-]?\d{3,4}(?!\d)")
HONORIFICS = frozenset({"さん", "様", "さま", "氏", "くん", "君", "ちゃん", "殿"})
MASK_EMAIL, MASK_PHONE, MASK_NAME = "〔メール〕", "〔電話〕", "〔氏名〕"
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("shokuba.analysis").joinpath("data/stopwords_ja.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

    return Dictionary().tokenizer(mode=SplitMode.C)


@dataclass(frozen=True)
class TextAnswer:
    text: str
    group: str = ""  # the attribute category the words × attribute network uses (e.g. 女性)


@dataclass
class Token:
    surface: str
    lemma: str
    pos: str
    keep: bool  # counts as a content word


def _mask_patterns(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = EMAIL.sub(MASK_EMAIL, text)
    return PHONE.sub(lambda m: MASK_PHONE if sum(ch.isdigit() for ch in m.group()) >= 9 else m.group(), text)


PLACEHOLDERS = re.compile(f"({re.escape(MASK_EMAIL)}|{re.escape(MASK_PHONE)})")


def analyse_text(text: str) -> tuple[str, list[Token]]:
    """The masked text and its tokens (names masked, content words flagged; placeholders are not words)."""
    stops = stop_words()
    tokens: list[Token] = []
    pieces: list[str] = []
    for segment in PLACEHOLDERS.split(_mask_patterns(text)):
        if segment in (MASK_EMAIL, MASK_PHONE):
            pieces.append(segment)
            continue
        morphemes = list(_tokenizer().tokenize(segment)) if segment.strip() else []
        for i, m in enumerate(morphemes):
            surface = m.surface()
            pos = m.part_of_speech()
            following = morphemes[i + 1].surface() if i + 1 < len(morphemes) else ""
            if pos[2] == "人名" or (pos[0] == "名詞" and pos[1] == "固有名詞" and following in HONORIFICS):
                if not pieces or pieces[-1] != MASK_NAME:
                    pieces.append(MASK_NAME)
                continue
            pieces.append(surface)
            lemma = m.dictionary_form()
            keep = (
                pos[0] in CONTENT_POS
                and pos[1] not in {"数詞", "非自立可能", "代名詞"}
                and lemma not in stops
                and not (len(lemma) == 1 and ("\u3040" <= lemma <= "\u309f"))
                and not lemma.isdigit()
            )
            tokens.append(Token(surface, lemma, pos[0], keep))
    return "".join(pieces), tokens


def mask(text: str) -> str:
    return analyse_text(text)[0]


@dataclass
class WordCount:
    word: str
    pos: str
    answers: int  # answers containing the word
    occurrences: int


@dataclass
class Edge:
    source: str
    target: str
    jaccard: float
    together: int  # answers containing both


@dataclass
class Concordance:
    left: str
    keyword: str
    right: str


@dataclass
class FreeTextReport:
    answers_used: int
    answers_left_out: int
    groups_left_out: list[str]
    texts: list[str]  # masked
    words: list[WordCount]
    cooccurrence: list[Edge]
    word_groups: list[Edge]  # source = group, target = word
    keyword_in_context: dict[str, list[Concordance]]
    hidden: bool
    notes: list[str] = field(default_factory=list)


def keyword_in_context(texts: Iterable[str], keyword: str, width: int = 20, limit: int = 200) -> list[Concordance]:
    result: list[Concordance] = []
    if not keyword:
        return result
    for text in texts:
        start = 0
        while (found := text.find(keyword, start)) >= 0:
            result.append(
                Concordance(
                    text[max(0, found - width) : found],
                    keyword,
                    text[found + len(keyword) : found + len(keyword) + width],
                )
            )
            if len(result) >= limit:
                return result
            start = found + len(keyword)
    return result


def _jaccard_edges(
    x: sparse.csr_matrix,
    y: sparse.csr_matrix,
    labels_x: Sequence[str],
    labels_y: Sequence[str],
    *,
    same: bool,
    top: int,
    min_together: int,
) -> list[Edge]:
    together = (x.T @ y).toarray().astype(float)
    df_x = np.asarray(x.sum(axis=0)).ravel()
    df_y = np.asarray(y.sum(axis=0)).ravel()
    union = df_x[:, None] + df_y[None, :] - together
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, together / union, 0.0)
    if same:
        jac = np.triu(jac, k=1)
    jac[together < min_together] = 0.0
    flat = np.argsort(-jac, axis=None, kind="stable")[:top]
    edges = []
    for index in flat:
        i, j = np.unravel_index(index, jac.shape)
        if jac[i, j] <= 0:
            break
        edges.append(Edge(labels_x[i], labels_y[j], round(float(jac[i, j]), 6), int(together[i, j])))
    return edges


def freetext(
    answers: Sequence[TextAnswer],
    *,
    group_sizes: Mapping[str, int] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    keywords: Sequence[str] = (),
    top_words: int = 80,
    top_edges: int = 60,
    min_frequency: int = 2,
) -> FreeTextReport:
    """Everything for one free-text item. `group_sizes`: respondents per group (default: answers per group)."""
    threshold = validate_threshold(threshold)
    sizes = dict(group_sizes) if group_sizes is not None else Counter(a.group for a in answers)
    small = sorted(g for g, n in sizes.items() if g and n < threshold)
    kept = [a for a in answers if a.text and a.text.strip() and a.group not in small]
    left_out = len(answers) - len(kept)
    notes: list[str] = []
    if small:
        notes.append(f"回答者が{threshold}人未満の群（{'、'.join(small)}）の記述は表示・集計していません。")
    if len(kept) < threshold:
        return FreeTextReport(
            0, len(answers), small, [], [], [], [], {}, True, [*notes, f"記述が{threshold}件未満のため表示しません。"]
        )
    texts: list[str] = []
    documents: list[list[str]] = []
    occurrences: Counter[str] = Counter()
    pos_of: dict[str, str] = {}
    for answer in kept:
        masked, tokens = analyse_text(answer.text)
        texts.append(masked)
        lemmas = [t.lemma for t in tokens if t.keep]
        occurrences.update(lemmas)
        for t in tokens:
            if t.keep:
                pos_of.setdefault(t.lemma, t.pos)
        documents.append(sorted(set(lemmas)))
    document_frequency: Counter[str] = Counter(w for doc in documents for w in doc)
    ranked = sorted(document_frequency.items(), key=lambda kv: (-kv[1], -occurrences[kv[0]], kv[0]))
    words = [WordCount(w, pos_of[w], n, occurrences[w]) for w, n in ranked[:top_words]]
    vocabulary = [w for w, n in ranked if n >= min_frequency][: max(top_words, 150)]
    index = {w: i for i, w in enumerate(vocabulary)}
    rows, cols = [], []
    for d, doc in enumerate(documents):
        for w in doc:
            if w in index:
                rows.append(d)
                cols.append(index[w])
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(documents), len(vocabulary)))
    edges = (
        _jaccard_edges(x, x, vocabulary, vocabulary, same=True, top=top_edges, min_together=min_frequency)
        if vocabulary
        else []
    )
    groups = sorted({a.group for a in kept if a.group})
    word_groups: list[Edge] = []
    if groups and vocabulary:
        g_index = {g: i for i, g in enumerate(groups)}
        gx = sparse.csr_matrix(
            (
                np.ones(len(kept)),
                ([d for d, a in enumerate(kept) if a.group], [g_index[a.group] for a in kept if a.group]),
            ),
            shape=(len(kept), len(groups)),
        )
        word_groups = _jaccard_edges(gx, x, groups, vocabulary, same=False, top=top_edges, min_together=min_frequency)
    kwic = {k: keyword_in_context(texts, k) for k in keywords}
    return FreeTextReport(len(kept), left_out, small, texts, words, edges, word_groups, kwic, False, notes)
