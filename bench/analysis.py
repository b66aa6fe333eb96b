"""Analysis engine figures (pure functions; no database). Registered by `import bench.analysis` in bench/__main__.py.

- analysis_gaps: gap analysis of 40 Likert items for two groups over 100,000 responses, from count vectors (what
  the selectors hand over after SQL aggregation; the counting itself is included here with numpy.bincount),
  against SciPy's mannwhitneyu + Welch t-test on the expanded per-response arrays (same items, same run).
- analysis_freetext: 50,000 answers (about 3 M characters) masked, tokenised (SudachiPy mode C), counted and
  networked, against SudachiPy tokenisation alone of the same text.
- analysis_suppression: the suppression of a 10 × 5 Likert cross-table with top-box and score sums (with small
  cells), against computing the same table's chi-square.
"""

from __future__ import annotations

import sys
import time
from types import ModuleType

import numpy as np


def _runner() -> ModuleType:
    main = sys.modules.get("__main__")
    if main is not None and hasattr(main, "benchmark"):
        return main
    from bench import __main__ as imported

    return imported


runner = _runner()


@runner.benchmark("analysis_gaps")
def bench_analysis_gaps() -> None:
    from scipy import stats as st

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
    tokenizer = freetext._tokenizer()
    start = time.perf_counter()
    for a in answers:
        tokenizer.tokenize(a.text)
    ref = time.perf_counter() - start
    runner.report(
        "analysis_freetext", value, "s", ref, f"sudachipy tokenise only ({characters:,} chars, 50,000 answers)"
    )


@runner.benchmark("analysis_suppression")
def bench_analysis_suppression() -> None:
    from shokuba.analysis import stats
    from shokuba.analysis.suppression import suppress_table

    rng = np.random.default_rng(5)
    table = rng.choice([1, 2, 3, 8, 20, 40, 60], size=(10, 5)).tolist()
    weights = {"top": [1, 1, 0, 0, 0], "score": [5, 4, 3, 2, 1]}
    value = runner.timed(lambda: suppress_table(table, 5, row_weights=weights), repeat=3)
    ref = runner.timed(lambda: stats.chi_square(table), repeat=3)
    runner.report("analysis_suppression", value * 1000, "ms", ref * 1000, "chi-square of the same 10x5 table")
