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
        return gap_analysis(pairs, "A", "B")

    def reference() -> object:
        out = []
        for i in range(items):
            x, y = answers[group == 0, i], answers[group == 1, i]
            out.append((st.mannwhitneyu(x, y, method="asymptotic"), st.ttest_ind(x, y, equal_var=False)))
        return out

    value = runner.timed(engine, repeat=3)
    ref = runner.timed(reference, repeat=3)
    runner.report("analysis_gaps", value * 1000, "ms", ref * 1000, "scipy mannwhitneyu+welch on expanded arrays")


@runner.benchmark("analysis_freetext")
def bench_analysis_freetext() -> None:
    from shokuba.analysis import freetext

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
    freetext.freetext(answers, keywords=["残業"])
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


def _suppression_tables() -> tuple[list[list[list[int]]], list[tuple[list[list[int]], int]]]:
    rng = np.random.default_rng(11)
    typical = []
    for _ in range(40):
        rows, columns = int(rng.integers(2, 13)), int(rng.integers(4, 8))
        shares = rng.dirichlet(np.full(columns, 2.0), rows)
        sizes = rng.integers(15, 200, rows)
        typical.append([rng.multinomial(int(n), p).tolist() for n, p in zip(sizes, shares, strict=True)])
    worst = [(np.random.default_rng(5).choice([1, 2, 3, 8, 20, 40, 60], size=(10, 5)).tolist(), 5)]
    for _ in range(25):
        rows, columns = int(rng.integers(8, 13)), int(rng.integers(5, 8))
        table = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 35, 60], size=(rows, columns)).tolist()
        worst.append((table, int(rng.choice([3, 5, 10]))))
    return typical, worst


@runner.benchmark("analysis_suppression")
def bench_analysis_suppression() -> None:
    from shokuba.analysis import stats, suppression

    def weights(columns: int) -> dict[str, list[float]]:
        return {
            "top": [1.0 if c < 2 else 0.0 for c in range(columns)],
            "score": [float(columns - c) for c in range(columns)],
        }

    def fresh(table: list[list[int]], threshold: int) -> float:
        suppression._suppress_cached.cache_clear()  # time the decision, not the memo
        start = time.perf_counter()
        suppression.suppress_table(table, threshold, row_weights=weights(len(table[0])))
        return time.perf_counter() - start

    def chi_square(table: list[list[int]]) -> float:
        start = time.perf_counter()
        stats.chi_square(table)
        return time.perf_counter() - start

    typical, worst = _suppression_tables()
    fresh(typical[0], 5)  # imports (scipy.optimize) outside the timing
    typical_times = [min(fresh(t, 5) for _ in range(3)) for t in typical]
    worst_times = [min(fresh(t, k) for _ in range(2)) for t, k in worst]
    slowest = int(np.argmax(worst_times))
    runner.report(
        "analysis_suppression",
        float(np.median(typical_times)) * 1000,
        "ms",
        float(np.median([min(chi_square(t) for _ in range(3)) for t in typical])) * 1000,
        f"chi-square of the same tables (median of 40 typical tables; max {max(typical_times) * 1000:.1f} ms)",
    )
    table = worst[slowest][0]
    runner.report(
        "analysis_suppression_worst",
        worst_times[slowest] * 1000,
        "ms",
        min(chi_square(table) for _ in range(3)) * 1000,
        f"chi-square of the same table (slowest of 26 adversarial tables, {len(table)}x{len(table[0])})",
    )
