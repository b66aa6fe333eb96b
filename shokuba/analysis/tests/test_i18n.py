"""The engine's wording hook: Japanese without a host (the CLI, in a fresh interpreter without Django), the host's
translator and language when one is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import shokuba.analysis
from shokuba.analysis import crosstab, i18n
from shokuba.analysis.suppression import release_split
from shokuba.analysis.types import Category

PACKAGE = Path(shokuba.analysis.__file__).parent


def test_without_a_host_the_engine_writes_japanese() -> None:
    code = (
        "import sys\n"
        "from shokuba.analysis import gaps\n"
        "from shokuba.analysis.suppression import Decision\n"
        "(a, _), (b, _) = gaps.PRESETS['sex']\n"
        "shown = Decision(True, '', 50, 5)\n"
        "pair = gaps.ScaleItemPair('X', '働きやすい', (30, 10, 5, 5), (10, 10, 15, 15))\n"
        "r = gaps.gap_analysis([pair], a, b, shown, shown)\n"
        "print(r.summary)\n"
        "print(r.items[0].explanation)\n"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE.parent.parent)},
    )
    summary, explanation, django_loaded = result.stdout.splitlines()
    assert summary == (
        "1項目のうち1項目で、女性と男性の「そう思う傾向」の割合に、偶然では説明しにくい差があります。"
        "最も差が大きいのは『働きやすい』です。"
    )
    assert explanation.startswith(
        "女性は男性より、『働きやすい』に「そう思う傾向」の回答の割合が40ポイント高い（95%信頼区間 +"
    )
    assert django_loaded == "False"


def test_an_installed_host_translates_and_formats_late(monkeypatch: Any) -> None:
    catalogue = {
        "全体": "All",
        "、": ", ",
        (
            "比べられる群（%(threshold)d人以上で表示している群。答えたくない・無回答を除く）が2つ未満のため、"
            "検定していません。"
        ): "Fewer than two groups of %(threshold)d or more: no test.",
    }
    monkeypatch.setattr(i18n, "_translate", lambda message: catalogue.get(message, message))
    monkeypatch.setattr(i18n, "_language", lambda: "en-gb")
    table = crosstab.ContingencyTable(
        "X",
        "text",
        "sex",
        (Category("F", "F"), Category("M", "M")),
        (("F",), ("M",)),
        (Category("1", "1"), Category("2", "2")),
        ((2, 0), (10, 10)),
    )
    result = crosstab.crosstab(table, release_split(("sex",), {("F",): 2, ("M",): 20}, threshold=3))
    crosstab.adjust([result])
    assert result.total.label == "All"
    assert result.test.summary == "Fewer than two groups of 3 or more: no test."
    assert i18n.language() == "en"
    assert i18n.join(["a", "b"]) == "a, b"
    monkeypatch.setattr(i18n, "_language", lambda: None)
    assert i18n.language() == "ja"
