"""A synthetic file shaped like the 女性の活躍推進企業データベース open-data CSV: one row per company, 236 columns,
free-text cells with line breaks, commas and quotes, "-" for undisclosed figures. The columns the importer reads
carry the header names of imports.WDB_COLUMNS (their current-release name); the rest are plausible others
(figures by employment category, action-plan text, notes). Used by the tests, the demo and the bench.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import IO

from shokuba.core.codes import corporate_number_check_digit
from shokuba.workplace.imports import WDB_COLUMNS

COLUMN_COUNT = 236
CATEGORIES = (
    "正社員（総合職）",
    "正社員（一般職）",
    "正社員（技能職）",
    "限定正社員",
    "契約社員",
    "パート・アルバイト",
)
CATEGORY_ITEMS = (
    "採用した労働者に占める女性労働者の割合",
    "採用における競争倍率（男性）",
    "採用における競争倍率（女性）",
    "労働者に占める女性労働者の割合",
    "平均残業時間",
    "年休取得率",
    "賃金差異",
    "平均継続勤務年数（男性）",
    "平均継続勤務年数（女性）",
    "職種・雇用形態の転換実績（男性）",
    "職種・雇用形態の転換実績（女性）",
    "再雇用・中途採用実績",
)
INDUSTRIES = (
    "建設業",
    "製造業",
    "情報通信業",
    "運輸業，郵便業",
    "卸売業，小売業",
    "金融業，保険業",
    "医療，福祉",
    "サービス業",
)
PREFECTURES = ("北海道", "宮城県", "東京都", "愛知県", "大阪府", "兵庫県", "広島県", "福岡県")
SIZES = ("1～100人", "101～300人", "301～1000人", "1001人以上")
TEXTS = (
    "・管理職候補の女性社員を対象とした研修を実施\n・上司との定期面談を実施",
    "育児休業からの復職者向けに「短時間勤務」を導入し、\n利用者は前年の2倍になった。",
    "テレワーク, フレックスタイム制を全社に拡大",
    '社内報で"男性の育休"体験談を紹介\r\n（年4回）',
    "",
    "-",
    "長時間労働の是正のため、\n・ノー残業デーの徹底\n・業務の見直し\nを進めている。",
)


def _header() -> list[str]:
    header = [column.names[0] for column in WDB_COLUMNS]
    for category in CATEGORIES:
        for item in CATEGORY_ITEMS:
            header.append(f"{item}［{category}］")
    for n in range(1, 9):
        header += [f"行動計画の目標{n}", f"取組内容{n}", f"実施時期{n}"]
    header += ["行動計画期間（開始）", "行動計画期間（終了）", "行動計画の公表日", "情報公表日", "自社ホームページURL"]
    for column in WDB_COLUMNS[9:]:
        header.append(f"{column.names[0]}（補足）")
    n = 1
    while len(header) < COLUMN_COUNT:
        header.append(f"その他の取組{n}")
        n += 1
    return header[:COLUMN_COUNT]


HEADER: list[str] = _header()
TEXT_COLUMNS = frozenset(
    i
    for i, h in enumerate(HEADER)
    if h.startswith(("行動計画の目標", "取組内容", "その他の取組")) or h.endswith("（補足）")
)


def corporate_number(body: int) -> str:
    """A valid 法人番号 made from a 12-digit body."""
    digits = f"{body % 10**12:012d}"
    return f"{corporate_number_check_digit(digits)}{digits}"


def _percent(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.1f}"


def _figures(rng: random.Random) -> dict[str, str]:
    men_leave = rng.uniform(0, 90)
    return {
        "women_hire_ratio": _percent(rng, 10, 70),
        "competition_ratio_women": f"{rng.uniform(1, 30):.2f}",
        "competition_ratio_men": f"{rng.uniform(1, 30):.2f}",
        "competition_ratio_sex": f"{rng.uniform(0.5, 2):.2f}",
        "women_worker_ratio": _percent(rng, 10, 80),
        "women_chief_ratio": _percent(rng, 0, 50),
        "women_manager_ratio": _percent(rng, 0, 35),
        "women_officer_ratio": _percent(rng, 0, 30),
        "pay_gap_all": _percent(rng, 50, 95),
        "pay_gap_regular": _percent(rng, 60, 98),
        "pay_gap_non_regular": _percent(rng, 60, 110),
        "tenure_women": f"{rng.uniform(3, 18):.1f}",
        "tenure_men": f"{rng.uniform(5, 22):.1f}",
        "retention_10y_women": _percent(rng, 20, 90),
        "retention_10y_men": _percent(rng, 30, 95),
        "childcare_leave_rate_women": _percent(rng, 80, 100),
        "male_childcare_leave_rate_leave": f"{men_leave:.1f}",
        "male_childcare_leave_rate_combined": f"{min(100.0, men_leave + rng.uniform(0, 20)):.1f}",
        "avg_monthly_overtime": f"{rng.uniform(3, 35):.1f}",
        "paid_leave_rate": _percent(rng, 40, 95),
    }


def rows(
    count: int, *, seed: int = 0, corporate_numbers: Sequence[str] = (), header: Sequence[str] = HEADER
) -> Iterator[list[str]]:
    """`count` company rows; the first len(corporate_numbers) use those numbers (so they match organisations)."""
    rng = random.Random(seed)
    index = {name: i for i, name in enumerate(HEADER)}
    other_pool = [f"{rng.uniform(0, 100):.1f}" for _ in range(97)] + ["-", "…", ""]
    positions = [index.get(name) for name in header]
    for n in range(count):
        row = rng.choices(other_pool, k=len(HEADER))
        for i in TEXT_COLUMNS:
            row[i] = TEXTS[(n + i) % len(TEXTS)]
        number = corporate_numbers[n] if n < len(corporate_numbers) else corporate_number(800_000_000_000 + n)
        row[0] = number
        row[1] = f"株式会社サンプル{n:05d}"
        row[2] = INDUSTRIES[n % len(INDUSTRIES)]
        row[3] = PREFECTURES[n % len(PREFECTURES)]
        row[4] = SIZES[n % len(SIZES)]
        row[5] = ("", "えるぼし1段階目", "えるぼし2段階目", "えるぼし3段階目")[n % 4]
        row[6] = ("", "くるみん", "トライくるみん", "プラチナくるみん")[n % 4]
        row[7] = "2024年4月1日～2025年3月31日"
        row[8] = "2025/06/30"
        figures = _figures(rng)
        for column_index, column in enumerate(WDB_COLUMNS[9:], start=9):
            value = figures.get(column.target, "-")
            row[column_index] = "-" if rng.random() < 0.08 else value
        yield [row[p] if p is not None else "" for p in positions]


def write_csv(
    stream: IO[bytes],
    count: int,
    *,
    seed: int = 0,
    corporate_numbers: Sequence[str] = (),
    encoding: str = "utf-8-sig",
    header: Sequence[str] = HEADER,
) -> None:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows(count, seed=seed, corporate_numbers=corporate_numbers, header=header):
        writer.writerow(row)
    text.flush()
    text.detach()


def csv_bytes(
    count: int,
    *,
    seed: int = 0,
    corporate_numbers: Sequence[str] = (),
    encoding: str = "utf-8-sig",
    drop: Sequence[str] = (),
    rename: Mapping[str, str] | None = None,
    cells: Mapping[tuple[int, str], str] | None = None,
) -> bytes:
    """A small file for tests. drop: header names left out (a newer release); rename: old -> new header name;
    cells: {(row index from 0, header name): text} overrides."""
    header = [h for h in HEADER if h not in set(drop)]
    all_rows = list(rows(count, seed=seed, corporate_numbers=corporate_numbers, header=header))
    for (row_index, name), text in (cells or {}).items():
        all_rows[row_index][header.index(name)] = text
    renamed = [(rename or {}).get(h, h) for h in header]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(renamed)
    writer.writerows(all_rows)
    return buffer.getvalue().encode(encoding)


def zipped(data: bytes, inner_name: str = "positive_db_open_data.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(inner_name, data)
    return buffer.getvalue()
