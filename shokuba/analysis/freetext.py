"""Free-text answers: masking, SudachiPy (mode C) tokenisation, frequency list, keyword in context, co-occurrence
network (Jaccard over answers, top 60 edges by default) and a words × attribute network.

Before anything is shown, e-mail addresses, phone numbers and person-like names (Sudachi's 人名 tags, and a noun
right before さん/様/氏/くん/ちゃん/君) are replaced by 〔メール〕/〔電話〕/〔氏名〕. Answers from a group with fewer
respondents than the threshold — any group the gate hides — are left out entirely (not shown, not counted, not
even how many they were); so is everything when fewer than the threshold answered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

from shokuba.analysis.i18n import _, join
from shokuba.analysis.japanese import sudachi as _sudachi
from shokuba.analysis.suppression import Decision

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Japanese phone numbers: 0X-XXXX-XXXX, (0X)XXXX-XXXX, 090XXXXXXXX, +81 …; run on NFKC text (full-width → ASCII).
# Separators: hyphen, the dashes and minus signs NFKC leaves alone, and ー (often typed for a hyphen).
_DASH = r"[\s\-\u2010-\u2015\u2212\u30fc]"
PHONE = re.compile(rf"(?:\+81{_DASH}?(?:\d{{1,4}}{_DASH}?)?|\(?0\d{{1,4}}\)?{_DASH}?)\d{{1,4}}{_DASH}?\d{{3,4}}(?!\d)")
HONORIFICS = frozenset({"さん", "様", "さま", "氏", "くん", "君", "ちゃん", "殿"})
MASK_EMAIL, MASK_PHONE, MASK_NAME = "〔メール〕", "〔電話〕", "〔氏名〕"
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("shokuba.analysis").joinpath("data/stopwords_ja.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _tokenizer() -> Any:
    return _sudachi()[1]


@dataclass(frozen=True)
class _PosClass:
    """What the analysis needs from one part of speech (decided once per part-of-speech id)."""

    head: str  # 名詞, 動詞 …
    name: bool  # 人名: always masked
    proper_noun: bool  # 名詞 固有名詞: masked before an honorific
    content: bool  # may count as a content word (the lemma decides the rest)


_POS_CLASSES: dict[int, _PosClass] = {}
_LEMMA_KEPT: dict[str, bool] = {}
# Per part-of-speech id, what the hot loop does: nothing, mask (人名), mask before an honorific else a content word
# (固有名詞, always a content part of speech), a content word.
_SKIP, _NAME, _PROPER, _CONTENT = 0, 1, 2, 3
_POS_CODES: dict[int, int] = {}


def _pos_class(pos_id: int) -> _PosClass:
    found = _POS_CLASSES.get(pos_id)
    if found is None:
        pos = _sudachi()[0].pos_of(pos_id)
        found = _POS_CLASSES[pos_id] = _PosClass(
            head=pos[0],
            name=pos[2] == "人名",
            proper_noun=pos[0] == "名詞" and pos[1] == "固有名詞",
            content=pos[0] in CONTENT_POS and pos[1] not in {"数詞", "非自立可能", "代名詞"},
        )
    return found


def _pos_code(pos_id: int) -> int:
    found = _POS_CODES.get(pos_id)
    if found is None:
        pos = _pos_class(pos_id)
        found = _POS_CODES[pos_id] = (
            _NAME if pos.name else _PROPER if pos.proper_noun and pos.content else _CONTENT if pos.content else _SKIP
        )
    return found


def _lemma_kept(lemma: str) -> bool:
    kept = _LEMMA_KEPT.get(lemma)
    if kept is None:
        kept = _LEMMA_KEPT[lemma] = (
            lemma not in stop_words()
            and not (len(lemma) == 1 and ("\u3040" <= lemma <= "\u309f"))
            and not lemma.isdigit()
        )
    return kept


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
    normal: str = ""  # Sudachi's normalised form: 子ども, 子供 and こども are all 子供; できる and 出来る are 出来る


def _mask_patterns(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = EMAIL.sub(MASK_EMAIL, text)
    return PHONE.sub(lambda m: MASK_PHONE if sum(ch.isdigit() for ch in m.group()) >= 9 else m.group(), text)


PLACEHOLDERS = re.compile(f"({re.escape(MASK_EMAIL)}|{re.escape(MASK_PHONE)})")


def _analyse(text: str, tokens: list[Token] | None, words: list[tuple[str, str, str]] | None) -> str:
    """Mask `text`; append its tokens (names left out) to `tokens` and its content words (normalised form, lemma as
    written, part of speech) to `words` when given. Per morpheme only the part-of-speech id is read (decisions are
    cached by id), the dictionary and normalised forms only for content parts of speech, the surface only where
    needed; the masked text is cut from the input by the morphemes' offsets."""
    tokenizer = _tokenizer()
    pieces: list[str] = []
    last_is_name = False  # the last piece is a name mask (consecutive names get one mask)
    for segment in PLACEHOLDERS.split(_mask_patterns(text)):
        if segment in (MASK_EMAIL, MASK_PHONE):
            pieces.append(segment)
            last_is_name = False
            continue
        if not segment.strip():
            continue
        morphemes = tokenizer.tokenize(segment)
        count = len(morphemes)
        cut = 0  # the segment up to here is in `pieces`
        for i, m in enumerate(morphemes):
            pos_id = m.part_of_speech_id()
            code = _POS_CODES.get(pos_id)
            if code is None:
                code = _pos_code(pos_id)
            if code == _SKIP and tokens is None:
                continue
            if code == _NAME or (code == _PROPER and i + 1 < count and morphemes[i + 1].surface() in HONORIFICS):
                begin = m.begin()
                if begin > cut:
                    pieces.append(segment[cut:begin])
                    last_is_name = False
                if not last_is_name:
                    pieces.append(MASK_NAME)
                    last_is_name = True
                cut = m.end()
                continue
            if code != _SKIP:
                lemma, normal = m.dictionary_form(), m.normalized_form()
                keep = _LEMMA_KEPT.get(lemma)
                if keep is None:
                    keep = _lemma_kept(lemma)
                # A stop word in any spelling is one (できる is listed; 出来る is its normalised form).
                if keep and normal != lemma:
                    keep = _LEMMA_KEPT.get(normal)
                    if keep is None:
                        keep = _lemma_kept(normal)
                if keep and words is not None:
                    words.append((normal, lemma, _POS_CLASSES[pos_id].head))
            else:
                lemma, normal, keep = m.dictionary_form(), m.normalized_form(), False
            if tokens is not None:
                tokens.append(Token(m.surface(), lemma, _POS_CLASSES[pos_id].head, keep, normal))
        if cut < len(segment):
            pieces.append(segment[cut:])
            last_is_name = False
    return "".join(pieces)


def analyse_text(text: str) -> tuple[str, list[Token]]:
    """The masked text and its tokens (names masked, content words flagged; placeholders are not words)."""
    tokens: list[Token] = []
    return _analyse(text, tokens, None), tokens


def mask(text: str) -> str:
    return analyse_text(text)[0]


@dataclass
class WordCount:
    word: str  # the spelling the answers use most
    pos: str
    answers: int  # answers containing the word, in any spelling
    occurrences: int
    spellings: list[str] = field(default_factory=list)  # the other spellings counted with it (子供, こども …)


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
    groups_left_out: list[str]
    texts: list[str]  # masked
    words: list[WordCount]
    cooccurrence: list[Edge]
    word_groups: list[Edge]  # source = group, target = word
    keyword_in_context: dict[str, list[Concordance]]
    hidden: bool
    notes: list[str] = field(default_factory=list)


def _normal_of(keyword: str) -> str | None:
    """The normalised form of a keyword that is one word (子ども → 子供), else None."""
    morphemes = _tokenizer().tokenize(keyword)
    return morphemes[0].normalized_form() if len(morphemes) == 1 else None


def _keyword_spans(text: str, keyword: str, normal: str | None) -> list[tuple[int, int]]:
    """Where the keyword stands in a text: as typed, and as any other spelling of the same word (the counts merge
    spellings, so the contexts must too)."""
    spans = set()
    start = 0
    while (found := text.find(keyword, start)) >= 0:
        spans.add((found, found + len(keyword)))
        start = found + len(keyword)
    if normal is not None:
        for segment_start, segment in _segments(text):
            for m in _tokenizer().tokenize(segment):
                if m.normalized_form() == normal:
                    spans.add((segment_start + m.begin(), segment_start + m.end()))
    # Overlapping spans (the typed keyword inside a longer morpheme) keep the first.
    kept: list[tuple[int, int]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _segments(text: str) -> Iterable[tuple[int, str]]:
    """The text between the masks' placeholders (a placeholder is not a word), with where each begins."""
    position = 0
    for piece in re.split(f"({re.escape(MASK_EMAIL)}|{re.escape(MASK_PHONE)}|{re.escape(MASK_NAME)})", text):
        if piece and piece not in (MASK_EMAIL, MASK_PHONE, MASK_NAME) and piece.strip():
            yield position, piece
        position += len(piece)


def keyword_in_context(
    texts: Sequence[str],
    keyword: str,
    width: int = 20,
    limit: int = 200,
    *,
    other_spellings: Collection[int] | None = None,
) -> list[Concordance]:
    """Each place the keyword stands, with `width` characters either side. `other_spellings`: the indexes of the
    texts that hold the keyword's word in another spelling (the counts merge spellings, so the contexts must too);
    only those are tokenised again. None: every text is (when the keyword is one word)."""
    result: list[Concordance] = []
    if not keyword:
        return result
    normal = _normal_of(keyword) if keyword.strip() else None
    for index, text in enumerate(texts):
        tokenise = normal is not None and (other_spellings is None or index in other_spellings)
        for begin, end in _keyword_spans(text, keyword, normal if tokenise else None):
            result.append(Concordance(text[max(0, begin - width) : begin], text[begin:end], text[end : end + width]))
            if len(result) >= limit:
                return result
    return result
    normal = _normal_of(keyword) if keyword.strip() else None
    for text in texts:
        for begin, end in _keyword_spans(text, keyword, normal):
            result.append(Concordance(text[max(0, begin - width) : begin], text[begin:end], text[end : end + width]))
            if len(result) >= limit:
                return result
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


def _spelled_otherwise(
    keyword: str, word_id: dict[str, int], spellings: list[dict[str, int]], doc_rows: list[int], doc_cols: list[int]
) -> set[int]:
    """The answers that hold the keyword's word in a spelling other than the keyword (none when the answers spell
    it only one way, so a search costs no second tokenisation)."""
    normal = _normal_of(keyword) if keyword.strip() else None
    i = word_id.get(normal) if normal is not None else None
    if i is None or set(spellings[i]) <= {keyword}:
        return set()
    return {d for d, c in zip(doc_rows, doc_cols, strict=True) if c == i}


def _most_used(normal: str, spelled: dict[str, int]) -> str:
    return min(spelled, key=lambda w: (-spelled[w], w != normal, w))


def freetext(
    answers: Sequence[TextAnswer],
    *,
    scope: Decision,
    hidden_groups: Collection[str] = (),
    keywords: Sequence[str] = (),
    top_words: int = 80,
    top_edges: int = 60,
    min_frequency: int = 2,
) -> FreeTextReport:
    """Everything for one free-text item. `scope`: the gate's decision for the respondents; `hidden_groups`: the
    labels of the groups (of the split the answers are labelled by) that the gate hides — their answers are left out
    entirely, and how many they were is not said either."""
    threshold = scope.threshold
    small = sorted(g for g in hidden_groups if g)
    kept = [a for a in answers if a.text and a.text.strip() and a.group not in set(hidden_groups)]
    notes: list[str] = []
    if small:
        notes.append(
            _("人数が少ないなどの理由で表示していない群（%(groups)s）の記述は、表示・集計していません。")
            % {"groups": join(small)}
        )
    if not scope.shown or len(kept) < threshold:
        notes.append(_("記述が%(threshold)d件未満のため表示しません。") % {"threshold": threshold})
        return FreeTextReport(0, small, [], [], [], [], {}, True, notes)
    # Words get integer ids in order of first appearance; a document is the set of its word ids.
    texts: list[str] = []
    word_id: dict[str, int] = {}
    labels: list[str] = []
    pos_of: list[str] = []
    occurrence_ids: list[int] = []
    doc_rows: list[int] = []
    doc_cols: list[int] = []
    # Spellings of one word (子ども / 子供 / こども, できる / 出来る) are counted together under Sudachi's
    # normalised form, and shown in the spelling the answers use most.
    spellings: list[dict[str, int]] = []
    for d, answer in enumerate(kept):
        words: list[tuple[str, str, str]] = []
        texts.append(_analyse(answer.text, None, words))
        ids = []
        for normal, lemma, pos in words:
            i = word_id.get(normal)
            if i is None:
                i = word_id[normal] = len(labels)
                labels.append(normal)
                pos_of.append(pos)
                spellings.append({})
            spellings[i][lemma] = spellings[i].get(lemma, 0) + 1
            ids.append(i)
        occurrence_ids.extend(ids)
        distinct = set(ids)
        doc_cols.extend(distinct)
        doc_rows.extend([d] * len(distinct))
    # The label of a word: its most used spelling (ties: the normalised form, then the first in code point order).
    labels = [_most_used(normal, spelled) for normal, spelled in zip(labels, spellings, strict=True)]
    occurrences = np.bincount(np.asarray(occurrence_ids, dtype=np.int64), minlength=len(labels))
    document_frequency = np.bincount(np.asarray(doc_cols, dtype=np.int64), minlength=len(labels))
    # Most answers first, then most occurrences, then the word itself.
    ranked = sorted(range(len(labels)), key=lambda i: (-document_frequency[i], -occurrences[i], labels[i]))
    words_out = [
        WordCount(
            labels[i],
            pos_of[i],
            int(document_frequency[i]),
            int(occurrences[i]),
            sorted(w for w in spellings[i] if w != labels[i]),
        )
        for i in ranked[:top_words]
    ]
    chosen = [i for i in ranked if document_frequency[i] >= min_frequency][: max(top_words, 150)]
    vocabulary = [labels[i] for i in chosen]
    column_of = np.full(len(labels), -1, dtype=np.int64)
    column_of[np.asarray(chosen, dtype=np.int64)] = np.arange(len(chosen))
    cols = column_of[np.asarray(doc_cols, dtype=np.int64)] if doc_cols else np.zeros(0, dtype=np.int64)
    rows = np.asarray(doc_rows, dtype=np.int64)
    inside = cols >= 0
    x = sparse.csr_matrix(
        (np.ones(int(inside.sum())), (rows[inside], cols[inside])), shape=(len(kept), len(vocabulary))
    )
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
    kwic = {
        k: keyword_in_context(texts, k, other_spellings=_spelled_otherwise(k, word_id, spellings, doc_rows, doc_cols))
        for k in keywords
    }
    return FreeTextReport(len(kept), small, texts, words_out, edges, word_groups, kwic, False, notes)
