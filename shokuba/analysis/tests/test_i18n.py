"""The engine's wording hook: Japanese without a host (the CLI, in a fresh interpreter without Django), the host's
translator and language when one is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import shokuba.analysis
from shokuba.analysis import crosstab, i18n
from shokuba.analysis.types import Category

PACKAGE = Path(shokuba.analysis.__file__).parent


def test_without_a_host_the_engine_writes_japanese() -> None:
    code = (
        "import sys\n"
        "from shokuba.analysis import gaps\n"
        "(a, _), (b, _) = gaps.PRESETS['sex']\n"
        "r = gaps.gap_analysis([gaps.ScaleItemPair('X', '働きやすい', (30, 10, 5, 5), (10, 10, 15, 15))], a, b)\n"
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
        "1項目のうち1項目で、女性と男性の回答に偶然では説明しにくい差があります。最も差が大きいのは『働きやすい』です。"
    )
    assert explanation.startswith(
        "女性は男性より、『働きやすい』に「そう思う傾向」の回答の割合が40ポイント高い（95%信頼区間 +"
    )
    assert django_loaded == "False"


def test_an_installed_host_translates_and_formats_late(monkeypatch: Any) -> None:
    catalogue = {
        "全体": "All",
        "、": ", ",
        "%(threshold)d人未満のセルと、そこから逆算できるセルは「—」で表示しています。": "Below %(threshold)d: —",
    }
    monkeypatch.setattr(i18n, "_translate", lambda message: catalogue.get(message, message))
    monkeypatch.setattr(i18n, "_language", lambda: "en-gb")
    table = crosstab.ContingencyTable(
        "X",
        "text",
        "sex",
        (Category("F", "F"), Category("M", "M")),
        (Category("1", "1"), Category("2", "2")),
        ((2, 10), (10, 10)),
    )
    result = crosstab.crosstab(table, threshold=3)
    assert result.total.label == "All"
    assert result.notes[0] == "Below 3: —"
    assert i18n.language() == "en"
    assert i18n.join(["a", "b"]) == "a, b"
    monkeypatch.setattr(i18n, "_language", lambda: None)
    assert i18n.language() == "ja"
