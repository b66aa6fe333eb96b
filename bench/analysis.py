"""Analysis engine figures (pure functions; no database). Registered by `import bench.analysis` in bench/__main__.py.

- analysis_gaps: gap analysis of 40 Likert items for two groups over 100,000 responses, from count vectors (what
  the selectors hand over after SQL aggregation; the counting itself is included here with numpy.bincount),
  against SciPy's mannwhitneyu + Welch t-test on the expanded per-response arrays (same items, same run).
- analysis_freetext: 50,000 answers (about 3 M characters) masked, tokenised (SudachiPy mode C), counted and
  networked, against SudachiPy tokenisation alone of the same text (a default mode C tokenizer, all fields).
- analysis_suppression: small-cell suppression of Likert cross-tables with their margins, top-box counts and score
  sums (what a page publishes), without the memo (each table decided from scratch). Typical: the median over 40
  tables of 2–12 groups of 15–200 respondents × 4–7 answer columns, threshold 5. Worst
  (analysis_suppression_worst): the slowest of 25 adversarial 8–12 × 5–7 tables made mostly of counts 0–6
  (thresholds 3/5/10) plus a 10 × 5 table with many small cells. Reference: the chi-square of the same tables.
"""

from __future__ import annotations

import time

import numpy as np

from bench import _shared

runner = _shared.runner()


@runner.benchmark("analysis_gaps")
def bench_analysis_gaps() -> None:
    from scipy import stats as st  # type: ignore[import-untyped]

    from shokuba.analysis.gaps import ScaleItemPair, gap_analysis
    from shokuba.analysis.suppression import Decision

    rng = np.random.default_rng(7)
    n, items = 100_000, 40
    group = rng.integers(0, 2, n)
    answers = np.clip(np.round(rng.normal(2.5 + 0.2 * group[:, None], 0.9, (n, items))), 1, 4).astype(np.int64)

    def engine() -> object:
        pairs = []
        for i in range(items):
            col = answers[:, i]
            a = np.bincount(col[group == 0], minlength=5)[1:]
            b = np.bincount(col[group == 1], minlength=5)[1:]
            pairs.append(ScaleItemPair(f"Q{i}", f"q{i}", tuple(int(x) for x in a), tuple(int(x) for x in b)))
        shown = Decision(True, "", n, 5)
        return gap_analysis(pairs, "A", "B", shown, shown)

    def reference() -> object:
        out = []
        for i in range(items):
            x, y = answers[group == 0, i], answers[group == 1, i]
            top_x, top_y = int((x >= 3).sum()), int((y >= 3).sum())
            table = [[top_x, len(x) - top_x], [top_y, len(y) - top_y]]
            out.append(st.chi2_contingency(table, correction=False))
        return out

    value = runner.timed(engine, repeat=3)
    ref = runner.timed(reference, repeat=3)
    runner.report(
        "analysis_gaps", value * 1000, "ms", ref * 1000, "scipy chi2_contingency of the top box from expanded arrays"
    )


@runner.benchmark("analysis_freetext")
def bench_analysis_freetext() -> None:
    from shokuba.analysis import freetext
    from shokuba.analysis.suppression import Decision

    rng = np.random.default_rng(3)
    phrases = [
        "残業が減って家族と過ごす時間が増えた。",
        "育休を取りやすい雰囲気がほしいです。",
        "上司に相談しやすくなった。",
        "テレワークの制度はあるが使いにくい。",
        "評価の基準がはっきりしないと感じる。",
        "有給休暇を取ると周りに負担がかかる。",
        "会議が長く、決まることが少ない。",
        "若手の意見を聞いてくれる職場だと思う。",
        "介護と仕事の両立に不安がある。",
    ]
    answers = [
        freetext.TextAnswer(
            "".join(rng.choice(phrases, size=int(rng.integers(2, 6)))), str(rng.choice(["女性", "男性"]))
        )
        for _ in range(50_000)
    ]
    characters = sum(len(a.text) for a in answers)
    freetext.analyse_text("準備")  # load the dictionary outside the timing
    start = time.perf_counter()
    freetext.freetext(answers, scope=Decision(True, "", len(answers), 5), keywords=["残業"])
    value = time.perf_counter() - start
    from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

    tokenizer = Dictionary().tokenizer(mode=SplitMode.C)
    start = time.perf_counter()
    for a in answers:
        tokenizer.tokenize(a.text)
    ref = time.perf_counter() - start
    runner.report(
        "analysis_freetext", value, "s", ref, f"sudachipy tokenise only ({characters:,} chars, 50,000 answers)"
    )


def _respondents(rng: np.random.Generator, n: int, organisations: int) -> list[tuple[str, ...]]:
    """Synthetic respondents (organisation, sex, age band, position), skewed so that small groups occur."""
    sexes = rng.choice(["F", "M", "X", "R", ""], size=n, p=[0.47, 0.47, 0.02, 0.03, 0.01])
    ages = rng.choice(["-29", "30", "40", "50", "60+", "R", ""], size=n, p=[0.15, 0.25, 0.25, 0.2, 0.1, 0.04, 0.01])
    positions = rng.choice(["staff", "chief", "manager", "exec", "R", ""], size=n, p=[0.6, 0.2, 0.1, 0.04, 0.05, 0.01])
    orgs = rng.integers(0, organisations, n).astype(str)
    return list(zip(orgs, sexes, ages, positions, strict=True))


SPACE = {
    "sex": ["F", "M", "X", "R", ""],
    "age_band": ["-29", "30", "40", "50", "60+", "R", ""],
    "position": ["staff", "chief", "manager", "exec", "R", ""],
}
FIELDS = {"organisation": 0, "sex": 1, "age_band": 2, "position": 3}


@runner.benchmark("analysis_suppression")
def bench_analysis_suppression() -> None:
    """The gate's decisions for a page: every one- and two-attribute split of a scope (sizes given), against a
    pandas groupby of the same respondents into the same splits."""
    import itertools
    from collections import Counter

    import pandas as pd

    from shokuba.analysis import gaps, suppression

    def decide(people: list[tuple[str, ...]], organisations: int) -> float:
        space = {**SPACE, "organisation": [str(i) for i in range(organisations)]}
        counts: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
        for dims in [(), *((d,) for d in FIELDS), *itertools.combinations(sorted(FIELDS), 2)]:
            counts[dims] = Counter(tuple(p[FIELDS[d]] for d in dims) for p in people)
        suppression._suppress_cached.cache_clear()  # time the decisions, not the memo
        start = time.perf_counter()
        gate = suppression.Gate(
            sizes=lambda dims: dict(counts[tuple(dims)]), space=lambda d: space[d], unions=gaps.preset_groups()
        )
        for dims in [*((d,) for d in FIELDS), *itertools.combinations(sorted(FIELDS), 2)]:
            gate.split(dims)
        return time.perf_counter() - start

    def grouped(people: list[tuple[str, ...]]) -> float:
        frame = pd.DataFrame(people, columns=list(FIELDS))
        start = time.perf_counter()
        for dims in [*((d,) for d in FIELDS), *itertools.combinations(sorted(FIELDS), 2)]:
            frame.groupby(list(dims)).size()
        return time.perf_counter() - start

    rng = np.random.default_rng(11)
    typical = [_respondents(rng, int(rng.integers(30, 400)), int(rng.integers(2, 8))) for _ in range(10)]
    worst = _respondents(rng, 3000, 60)
    decide(typical[0], 2)  # imports (scipy.optimize) outside the timing
    typical_times = [min(decide(p, len({x[0] for x in p})) for _ in range(2)) for p in typical]
    reference = float(np.median([min(grouped(p) for _ in range(3)) for p in typical]))
    runner.report(
        "analysis_suppression",
        float(np.median(typical_times)) * 1000,
        "ms",
        reference * 1000,
        "pandas groupby into the same 10 splits (median of 10 scopes of 30–400 respondents, 2–7 organisations;"
        f" max {max(typical_times) * 1000:.0f} ms)",
    )
    worst_time = min(decide(worst, 60) for _ in range(2))
    runner.report(
        "analysis_suppression_worst",
        worst_time * 1000,
        "ms",
        min(grouped(worst) for _ in range(3)) * 1000,
        "pandas groupby into the same splits (3,000 respondents in 60 organisations: 360 groups in a split)",
    )
