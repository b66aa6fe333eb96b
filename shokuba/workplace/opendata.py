"""The 女性の活躍推進企業データベース open-data file (全体版 CSV): which header holds which figure, certification or
arrangement, and how its cells are read. Pure data and functions, no Django (texts marked with gettext_noop).

The real layout (DOMAIN.md §8): one row per company, 236 columns, headers carrying the law's item number, the item,
a sub-item after 「-」 and a unit: `10.管理職に占める女性労働者の割合-割合(%)`. Items the law publishes per 雇用管理区分
(1 採用, 2 競争倍率, 3 労働者, 4 継続勤務, 5 育児休業, 7, 8.(2), 12) repeat in up to five blocks: a name column
`<item>-雇用管理区分１` followed by that category's values under the same header names (so `5.男女別の育児休業取得率
-男性(%)` occurs five times).

What is imported, and why (docs/ARCHITECTURE.md, "Workplace imports", keeps the list):
- Company-wide items (6, 8.(1), 9–11, 13, 14) are read as they are; for 9–11 the counts (人数, 男女計) too, so the
  platform computes the ratio itself (counts win over a published ratio, as everywhere).
- A per-category item stands for the organisation only when its category is the whole workforce (「全労働者」
  and the like) or when a single block without a category name is given. Values for 正社員, 総合職 … are not
  the organisation's figure and are left out (the preview counts them per item and says so).
- Certification cells hold text (a level, dates, 「認定」); `read_certification` keeps what it can read (the
  level of えるぼし, the latest date or year) beside the cell's own words. An empty cell or "-" says nothing:
  it never removes a certification recorded before.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal


def gettext_noop(text: str) -> str:
    return text


Kind = Literal["identity", "figure", "certification", "flag"]


@dataclass(frozen=True)
class WdbColumn:
    """One thing the importer reads. `names`: the current release's header first, then older or other forms
    (aliases kept from the importer's earlier header list; not every one is confirmed in a real release)."""

    target: str  # an input or indicator code, an identity field, a certification or an arrangement code
    names: tuple[str, ...]
    kind: Kind = "figure"
    per_category: bool = False  # published per 雇用管理区分 in the current release
    required: bool = False
    legacy: bool = False  # only in older layouts: not expected in the current release, not counted as missing

    @property
    def label(self) -> str:
        return self.names[0]


ITEM_1 = "1.採用した労働者に占める女性労働者の割合"
ITEM_2 = "2.採用における男女別の競争倍率"
ITEM_3 = "3.労働者に占める女性労働者の割合"
ITEM_4_1 = "4.(1)男女の平均継続勤務年数の差異"
ITEM_4_2 = "4.(2)男女別の採用１０年前後の継続雇用割合"
ITEM_5 = "5.男女別の育児休業取得率"
ITEM_9 = "9.係長級にある者に占める女性労働者の割合"
ITEM_10 = "10.管理職に占める女性労働者の割合"
ITEM_11 = "11.役員に占める女性の割合"

COLUMNS: tuple[WdbColumn, ...] = (
    # Identity and bookkeeping.
    WdbColumn("corporate_number", ("法人番号", "法人番号（13桁）"), "identity", required=True),
    WdbColumn("name", ("企業名", "会社名", "企業名称"), "identity", required=True),
    WdbColumn("industry", ("業種",), "identity"),
    WdbColumn("prefecture", ("都道府県", "所在地（都道府県）"), "identity"),
    WdbColumn("size", ("企業規模", "常時雇用する労働者数"), "identity"),
    WdbColumn("period", ("14.対象期間", "対象期間", "データ対象期間", "対象年度"), "identity"),
    WdbColumn("as_of", ("16.データ集計時点-データ集計時点", "データ集計時点"), "identity"),
    WdbColumn("updated", ("データの最終更新日", "最終更新日", "更新日"), "identity"),
    # Per 雇用管理区分 (see the module's docstring for when a value is the organisation's).
    WdbColumn(
        "women_hire_ratio",
        (f"{ITEM_1}-女性(%)", "採用した労働者に占める女性労働者の割合", "採用者に占める女性割合", "女性採用比率"),
        per_category=True,
    ),
    WdbColumn(
        "competition_ratio_men",
        (f"{ITEM_2}-男性(倍)", "採用における競争倍率（男性）", "男性の採用における競争倍率", "競争倍率（男性）"),
        per_category=True,
    ),
    WdbColumn(
        "competition_ratio_women",
        (f"{ITEM_2}-女性(倍)", "採用における競争倍率（女性）", "女性の採用における競争倍率", "競争倍率（女性）"),
        per_category=True,
    ),
    WdbColumn(
        "women_worker_ratio",
        (f"{ITEM_3}-女性(%)", "労働者に占める女性労働者の割合", "女性労働者比率", "労働者に占める女性割合"),
        per_category=True,
    ),
    WdbColumn(
        "tenure_men",
        (f"{ITEM_4_1}-男性(年)", "平均継続勤務年数（男性）", "男性の平均継続勤務年数"),
        per_category=True,
    ),
    WdbColumn(
        "tenure_women",
        (f"{ITEM_4_1}-女性(年)", "平均継続勤務年数（女性）", "女性の平均継続勤務年数"),
        per_category=True,
    ),
    WdbColumn(
        "retention_10y_men",
        (f"{ITEM_4_2}-男性(%)", "採用10年前後の継続雇用割合（男性）", "男性の採用10年前後の継続雇用割合"),
        per_category=True,
    ),
    WdbColumn(
        "retention_10y_women",
        (f"{ITEM_4_2}-女性(%)", "採用10年前後の継続雇用割合（女性）", "女性の採用10年前後の継続雇用割合"),
        per_category=True,
    ),
    WdbColumn(
        # 女性活躍推進法's item counts 育児休業 only: the "leave" formula of 育児・介護休業法's publication.
        "male_childcare_leave_rate_leave",
        (
            f"{ITEM_5}-男性(%)",
            "育休取得率（男性）",
            "男性の育児休業等取得率",
            "育児休業取得率（男性）",
            "男性の育児休業取得率",
        ),
        per_category=True,
    ),
    WdbColumn(
        "childcare_leave_rate_women",
        (f"{ITEM_5}-女性(%)", "育休取得率（女性）", "女性の育児休業取得率", "育児休業取得率（女性）"),
        per_category=True,
    ),
    # Company-wide.
    WdbColumn(
        "avg_monthly_overtime",
        (
            "6.一月当たりの労働者の平均残業時間-平均残業時間(時間)",
            "平均残業時間",
            "一月当たりの労働者の平均残業時間",
            "月平均残業時間",
        ),
    ),
    WdbColumn(
        "paid_leave_rate",
        ("8.(1)年次有給休暇の取得率-対象労働者(%)", "年休取得率", "年次有給休暇の取得率", "有給休暇取得率"),
    ),
    WdbColumn(
        "women_chief_ratio",
        (f"{ITEM_9}-割合(%)", "係長級にある者に占める女性労働者の割合", "係長級女性割合", "係長級の女性割合"),
    ),
    WdbColumn("chiefs_women", (f"{ITEM_9}-人数(人)",)),
    WdbColumn("chiefs", (f"{ITEM_9}-男女計(人)",)),
    WdbColumn(
        "women_manager_ratio",
        (f"{ITEM_10}-割合(%)", "管理職女性割合", "管理職に占める女性労働者の割合", "女性管理職比率"),
    ),
    WdbColumn("managers_women", (f"{ITEM_10}-人数(人)",)),
    WdbColumn("managers", (f"{ITEM_10}-男女計(人)",)),
    WdbColumn(
        "women_officer_ratio",
        (f"{ITEM_11}-割合(%)", "役員に占める女性の割合", "役員女性割合", "女性役員比率"),
    ),
    WdbColumn("officers_women", (f"{ITEM_11}-人数(人)",)),
    WdbColumn("officers", (f"{ITEM_11}-男女計(人)",)),
    # 13: 再雇用 and 中途採用 are one input each by sex (「再雇用又は中途採用の実績」): the two are added up.
    WdbColumn("midcareer_hires_men", ("13.男女別の再雇用-男性(人)",)),
    WdbColumn("midcareer_hires_men", ("13.中途採用の実績-男性(人)",)),
    WdbColumn("midcareer_hires_women", ("13.男女別の再雇用-女性(人)",)),
    WdbColumn("midcareer_hires_women", ("13.中途採用の実績-女性(人)",)),
    # 14: 女性の平均賃金 ÷ 男性の平均賃金 × 100.
    WdbColumn(
        "pay_gap_all",
        ("14.男女の賃金の差異1-全労働者(%)", "賃金差異（全労働者）", "男女の賃金の差異（全労働者）", "賃金差異"),
    ),
    WdbColumn(
        "pay_gap_regular",
        (
            "14.男女の賃金の差異2-うち正規雇用労働者(%)",
            "賃金差異（正規雇用労働者）",
            "男女の賃金の差異（正規雇用労働者）",
            "賃金差異（正規）",
        ),
    ),
    WdbColumn(
        "pay_gap_non_regular",
        (
            "14.男女の賃金の差異3-うち非正規雇用労働者(%)",
            "賃金差異（非正規雇用労働者）",
            "男女の賃金の差異（非正規雇用労働者）",
            "賃金差異（非正規）",
        ),
    ),
    # Older layouts published these; the current release does not (competition_ratio_sex is then computed from
    # the two published ratios).
    WdbColumn("competition_ratio_sex", ("採用における競争倍率の男女比", "競争倍率の男女比"), legacy=True),
    WdbColumn(
        "male_childcare_leave_rate_combined",
        ("男性の育児休業等及び育児目的休暇の取得率", "育休等・育児目的休暇取得率（男性）"),
        legacy=True,
    ),
    # Certifications.
    WdbColumn(
        "eruboshi",
        (
            "企業認定等-えるぼし、または、えるぼしプラス認定",
            "企業認定等-えるぼし認定",
            "えるぼし",
            "えるぼし認定",
            "えるぼし認定段階",
        ),
        "certification",
    ),
    WdbColumn(
        "eruboshi_platinum",
        (
            "企業認定等-プラチナえるぼし、または、プラチナえるぼしプラス認定",
            "企業認定等-プラチナえるぼし認定",
            "プラチナえるぼし",
            "プラチナえるぼし認定",
        ),
        "certification",
    ),
    WdbColumn("kurumin", ("企業認定等-くるみん認定", "くるみん", "くるみん認定"), "certification"),
    WdbColumn("kurumin_plus", ("企業認定等-くるみんプラス認定", "くるみんプラス認定"), "certification"),
    WdbColumn("kurumin_try", ("企業認定等-トライくるみん認定", "トライくるみん認定"), "certification"),
    WdbColumn("kurumin_try_plus", ("企業認定等-トライくるみんプラス認定", "トライくるみんプラス認定"), "certification"),
    WdbColumn("kurumin_platinum", ("企業認定等-プラチナくるみん認定", "プラチナくるみん認定"), "certification"),
    WdbColumn(
        "kurumin_platinum_plus",
        ("企業認定等-プラチナくるみんプラス認定", "プラチナくるみんプラス認定"),
        "certification",
    ),
    # Arrangements (only the three whose meaning is ours: 短時間勤務制度 there may be the legal minimum, ours is
    # beyond it; 正社員再雇用・中途採用制度 is not a 退職者の再雇用制度).
    WdbColumn("flex_flextime", ("フレックスタイム制度",), "flag"),
    WdbColumn("flex_telework", ("在宅勤務・テレワーク",), "flag"),
    WdbColumn("flex_hourly_leave", ("年次有給休暇時間単位取得制度",), "flag"),
)

# The columns counted by the "at least half found" rule and listed when missing: every figure, certification and
# arrangement of the current release.
KNOWN: tuple[WdbColumn, ...] = tuple(c for c in COLUMNS if c.kind != "identity" and not c.legacy)


# --- certifications -------------------------------------------------------------------------------------------

# The certifications stored (IndicatorYear.certifications keys) and their names; PLUS_OF: what a プラス column marks.
CERTIFICATION_NAMES: dict[str, str] = {
    "eruboshi": gettext_noop("えるぼし"),
    "eruboshi_platinum": gettext_noop("プラチナえるぼし"),
    "kurumin": gettext_noop("くるみん"),
    "kurumin_try": gettext_noop("トライくるみん"),
    "kurumin_platinum": gettext_noop("プラチナくるみん"),
}
PLUS_OF: dict[str, str] = {
    "kurumin_plus": "kurumin",
    "kurumin_try_plus": "kurumin_try",
    "kurumin_platinum_plus": "kurumin_platinum",
}
ERUBOSHI_LEVELS = {1: "eruboshi-1", 2: "eruboshi-2", 3: "eruboshi-3"}  # data/certifications.json's level codes

NOT_HELD = frozenset({"なし", "無", "無し", "×", "未取得", "未認定", "該当なし"})
_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")
_ERA_DATE = re.compile(r"(令和|平成)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(\d{4})\s*年(?:度)?")
_ERA_YEAR = re.compile(r"(令和|平成)\s*(\d{1,2}|元)\s*年")
_LEVEL = re.compile(r"([1-3])\s*(?:段階|つ星|ツ星)")
ERA_START = {"令和": 2019, "平成": 1989}


def _era(name: str, year: str) -> int:
    return ERA_START[name] + (1 if year == "元" else int(year)) - 1


def _latest_date(text: str) -> str | None:
    """The latest date (ISO) or, failing that, the latest year written in the cell."""
    days: list[dt.date] = []
    for match in _DATE.finditer(text):
        try:
            days.append(dt.date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue
    for match in _ERA_DATE.finditer(text):
        try:
            days.append(dt.date(_era(match[1], match[2]), int(match[3]), int(match[4])))
        except ValueError:
            continue
    if days:
        return max(days).isoformat()
    years = [int(m[1]) for m in _YEAR.finditer(text)] + [_era(m[1], m[2]) for m in _ERA_YEAR.finditer(text)]
    years = [y for y in years if 1990 <= y <= 2100]
    return str(max(years)) if years else None


def read_certification(target: str, text: str) -> dict[str, Any] | None:
    """What a certification cell says: None when it says nothing (blank, "-") or that it is not held; otherwise
    {"level": えるぼし's level code or None, "since": ISO date / year or None, "text": the cell (80 characters)}."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in PLACEHOLDERS or value in NOT_HELD:
        return None
    level: str | None = None
    if target == "eruboshi":
        found = _LEVEL.search(value)
        stars = value.count("★")
        if found:
            level = ERUBOSHI_LEVELS[int(found[1])]
        elif 1 <= stars <= 3:
            level = ERUBOSHI_LEVELS[stars]
    return {"level": level, "since": _latest_date(value), "text": " ".join(text.split())[:80]}


def certifications_from(cells: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The certifications a row states, keyed by CERTIFICATION_NAMES; a "プラス" column marks its base held with
    `plus` (くるみんプラス is given on top of くるみん)."""
    held: dict[str, dict[str, Any]] = {}
    for target, text in cells.items():
        base = PLUS_OF.get(target, target)
        found = read_certification(base, text)
        if found is None:
            continue
        if target in PLUS_OF:
            entry = held.setdefault(base, {"level": None, "since": None, "text": "", "plus": False})
            entry["plus"] = True
            entry["plus_since"] = found["since"]
        else:
            entry = held.setdefault(base, {"plus": False})
            plus = entry.get("plus", False)
            entry.update(found)
            entry["plus"] = plus or "プラス" in unicodedata.normalize("NFKC", text)
    return held


# --- 雇用管理区分 blocks ----------------------------------------------------------------------------------------

PLACEHOLDERS = frozenset({"", "-", "－", "−", "‐", "―", "ー", "—", "–", "…", "...", "*", "＊", "非公表"})
# A category that is the whole workforce: its figure is the organisation's.
WHOLE_WORKFORCE = frozenset(
    {
        "全労働者",
        "全従業員",
        "全社員",
        "全職員",
        "全体",
        "全て",
        "すべて",
        "全員",
        "労働者全体",
        "従業員全体",
        "社員全体",
        "職員全体",
        "全雇用管理区分",
        "全雇用管理区分計",
        "全職種",
        "計",
        "合計",
        "男女計",
    }
)
_WHOLE_PREFIXES = ("全労働者", "全従業員", "全社員", "全職員", "労働者全体", "従業員全体")


def is_whole_workforce(name: str) -> bool:
    key = "".join(unicodedata.normalize("NFKC", name).split())
    key = re.sub(r"[(（].*$", "", key)  # 「全労働者（パート含む）」
    return key in WHOLE_WORKFORCE or key.startswith(_WHOLE_PREFIXES)


def _said(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip() not in PLACEHOLDERS


@dataclass(frozen=True)
class CategoryChoice:
    """Which block of a per-category item is the organisation's: its index, or None with the categories seen."""

    block: int | None
    categories: tuple[str, ...] = ()


def choose_category(names: Sequence[str], values: Sequence[Sequence[str]]) -> CategoryChoice:
    """`names[i]`: block i's category name; `values[i]`: its value cells. A block counts when it names a
    category or holds a value. The whole-workforce block wins; a single block without a name is the whole."""
    used = [i for i, name in enumerate(names) if _said(name) or any(_said(v) for v in values[i])]
    if not used:
        return CategoryChoice(None)
    for i in used:
        if is_whole_workforce(names[i]):
            return CategoryChoice(i)
    if len(used) == 1 and not _said(names[used[0]]):
        return CategoryChoice(used[0])
    return CategoryChoice(None, tuple(names[i].strip() or "（名称なし）" for i in used))


def item_of(column: WdbColumn) -> str:
    """The law's item a column belongs to, as the current release writes it: 「5.男女別の育児休業取得率」."""
    return column.names[0].split("-", 1)[0]
