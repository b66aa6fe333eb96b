"""The workplace indicators as the law defines them: pure data and pure functions, no Django.

A year's figures are kept as the raw counts the law computes its ratios from (`raw`: input code -> number), so
the platform computes every ratio itself (`compute`) and checks the counts against each other (`check`).
Where only a published ratio is known (the 女性の活躍推進企業データベース publishes ratios, not counts), the
ratio itself may stand in `raw` under the indicator's code; computed counts win when both are there.

Labels, definitions and problem templates are Japanese and marked with `gettext_noop` (a local no-op) so that
`makemessages` collects them; the Django layer translates them with `gettext` (see `messages.py`).
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from shokuba.tabular import cells as tabular_cells


def gettext_noop(text: str) -> str:
    """Marks a string for translation without Django (makemessages knows this name)."""
    return text


Number = float
Raw = Mapping[str, Any]

# --- the raw inputs -------------------------------------------------------------------------------------------

InputKind = Literal["count", "hours", "days", "years", "yen", "percent"]

UNITS: dict[str, str] = {
    "count": gettext_noop("人"),
    "hours": gettext_noop("時間"),
    "days": gettext_noop("日"),
    "years": gettext_noop("年"),
    "yen": gettext_noop("円"),
    "percent": "%",
    "times": gettext_noop("倍"),
}


# The plausible range of a raw input by its kind, unless the input sets its own maximum. A value outside it is an
# error (a typo, a unit mix-up, 1e308), never stored. The API schema states the same bounds (workplace/api.py).
COUNT_MAX = 10_000_000  # people: more than any employer in Japan
KIND_MAXIMUM: dict[str, float] = {
    "count": COUNT_MAX,
    "hours": COUNT_MAX * 2_000,  # a year's total over every worker: 2,000 hours of overtime each at most
    "days": COUNT_MAX * 40,  # a year's total over every worker: 40 days of leave each at most
    "years": 60,  # a working life
    "yen": 100_000_000,  # an average annual wage
    "percent": 100,
}
MONTH_HOURS = 744  # 31 days × 24 hours


@dataclass(frozen=True)
class Input:
    code: str
    label: str
    kind: InputKind
    group: str
    help: str = ""
    maximum: float | None = None  # its own plausible maximum; otherwise the kind's (KIND_MAXIMUM)
    minimum: float = 0

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def integer(self) -> bool:
        return self.kind in ("count", "yen")

    @property
    def upper(self) -> float:
        """The largest value accepted."""
        return self.maximum if self.maximum is not None else KIND_MAXIMUM[self.kind]


GROUPS: dict[str, str] = {
    "hiring": gettext_noop("採用"),
    "workforce": gettext_noop("労働者・管理職・役員"),
    "career": gettext_noop("多様なキャリアコース"),
    "pay": gettext_noop("男女の賃金の差異"),
    "tenure": gettext_noop("継続就業"),
    "childcare": gettext_noop("育児休業"),
    "hours": gettext_noop("労働時間"),
    "leave": gettext_noop("年次有給休暇"),
}

INPUTS: tuple[Input, ...] = (
    # 採用
    Input(
        "hires_women",
        gettext_noop("採用した女性労働者の数"),
        "count",
        "hiring",
        gettext_noop("直近の事業年度に採用した女性の数"),
    ),
    Input(
        "hires_men",
        gettext_noop("採用した男性労働者の数"),
        "count",
        "hiring",
        gettext_noop("直近の事業年度に採用した男性の数"),
    ),
    Input(
        "applicants_women",
        gettext_noop("女性の応募者数"),
        "count",
        "hiring",
        gettext_noop("採用の応募者のうち女性の数"),
    ),
    Input(
        "applicants_men", gettext_noop("男性の応募者数"), "count", "hiring", gettext_noop("採用の応募者のうち男性の数")
    ),
    # 労働者・管理職・役員
    Input(
        "workers_women",
        gettext_noop("女性労働者の数"),
        "count",
        "workforce",
        gettext_noop("常時雇用する労働者のうち女性の数"),
    ),
    Input(
        "workers_men",
        gettext_noop("男性労働者の数"),
        "count",
        "workforce",
        gettext_noop("常時雇用する労働者のうち男性の数"),
    ),
    Input("chiefs", gettext_noop("係長級の労働者の数"), "count", "workforce"),
    Input("chiefs_women", gettext_noop("係長級のうち女性の数"), "count", "workforce"),
    Input("managers", gettext_noop("管理職の数"), "count", "workforce", gettext_noop("課長級以上（役員を除く）")),
    Input("managers_women", gettext_noop("管理職のうち女性の数"), "count", "workforce"),
    Input("officers", gettext_noop("役員の数"), "count", "workforce"),
    Input("officers_women", gettext_noop("役員のうち女性の数"), "count", "workforce"),
    # 多様なキャリアコース
    Input("conversions_women", gettext_noop("職種・雇用形態の転換をした女性の数"), "count", "career"),
    Input("conversions_men", gettext_noop("職種・雇用形態の転換をした男性の数"), "count", "career"),
    Input("midcareer_hires_women", gettext_noop("再雇用・中途採用した女性の数"), "count", "career"),
    Input("midcareer_hires_men", gettext_noop("再雇用・中途採用した男性の数"), "count", "career"),
    # 賃金
    Input("pay_women_all", gettext_noop("女性の平均年間賃金（全労働者）"), "yen", "pay"),
    Input("pay_men_all", gettext_noop("男性の平均年間賃金（全労働者）"), "yen", "pay"),
    Input("pay_women_regular", gettext_noop("女性の平均年間賃金（正規雇用労働者）"), "yen", "pay"),
    Input("pay_men_regular", gettext_noop("男性の平均年間賃金（正規雇用労働者）"), "yen", "pay"),
    Input("pay_women_non_regular", gettext_noop("女性の平均年間賃金（非正規雇用労働者）"), "yen", "pay"),
    Input("pay_men_non_regular", gettext_noop("男性の平均年間賃金（非正規雇用労働者）"), "yen", "pay"),
    # 継続就業
    Input("tenure_women", gettext_noop("女性の平均継続勤務年数"), "years", "tenure"),
    Input("tenure_men", gettext_noop("男性の平均継続勤務年数"), "years", "tenure"),
    Input("hired_10y_women", gettext_noop("10事業年度前前後に採用した女性の数"), "count", "tenure"),
    Input("retained_10y_women", gettext_noop("うち継続して雇用されている女性の数"), "count", "tenure"),
    Input("hired_10y_men", gettext_noop("10事業年度前前後に採用した男性の数"), "count", "tenure"),
    Input("retained_10y_men", gettext_noop("うち継続して雇用されている男性の数"), "count", "tenure"),
    # 育児休業
    Input("women_gave_birth", gettext_noop("出産した女性労働者の数"), "count", "childcare"),
    Input("women_childcare_leave", gettext_noop("育児休業をした女性労働者の数"), "count", "childcare"),
    Input("fixed_term_women_gave_birth", gettext_noop("出産した有期雇用の女性労働者の数"), "count", "childcare"),
    Input(
        "fixed_term_women_childcare_leave", gettext_noop("育児休業をした有期雇用の女性労働者の数"), "count", "childcare"
    ),
    Input("men_spouse_gave_birth", gettext_noop("配偶者が出産した男性労働者の数"), "count", "childcare"),
    Input("men_childcare_leave", gettext_noop("育児休業等をした男性労働者の数"), "count", "childcare"),
    Input(
        "men_childcare_purpose_leave",
        gettext_noop("育児目的休暇を利用した男性労働者の数（育児休業等をした者を除く）"),
        "count",
        "childcare",
        gettext_noop("育児休業等と育児目的休暇の両方を利用した人は育児休業等の側で1人と数えます"),
    ),
    # 労働時間
    Input(
        "overtime_hours_annual",
        gettext_noop("法定時間外労働時間の年間合計"),
        "hours",
        "hours",
        gettext_noop("対象労働者全員の1年間の合計（時間）"),
    ),
    Input(
        "holiday_hours_annual",
        gettext_noop("法定休日労働時間の年間合計"),
        "hours",
        "hours",
        gettext_noop("対象労働者全員の1年間の合計（時間）"),
    ),
    Input("overtime_covered_workers", gettext_noop("労働時間の対象労働者数"), "count", "hours"),
    Input(
        "max_monthly_overtime_fulltime",
        gettext_noop("フルタイム労働者の月平均時間外・休日労働の最大月"),
        "hours",
        "hours",
        gettext_noop("各月のフルタイム労働者1人当たり法定時間外・法定休日労働時間のうち最も多い月"),
        maximum=MONTH_HOURS,
    ),
    Input(
        "max_monthly_overtime_fulltime_25_39",
        gettext_noop("25〜39歳のフルタイム労働者の月平均時間外・休日労働の最大月"),
        "hours",
        "hours",
        maximum=MONTH_HOURS,
    ),
    # 年次有給休暇
    Input(
        "paid_leave_days_granted",
        gettext_noop("年次有給休暇の付与日数の合計"),
        "days",
        "leave",
        gettext_noop("繰越分を除く"),
    ),
    Input("paid_leave_days_taken", gettext_noop("年次有給休暇の取得日数の合計"), "days", "leave"),
)
INPUTS_BY_CODE: dict[str, Input] = {i.code: i for i in INPUTS}

# --- the indicators -------------------------------------------------------------------------------------------

MaleLeaveFormula = Literal["leave", "leave_and_purpose"]
MALE_LEAVE_FORMULAS: dict[str, str] = {
    "leave": gettext_noop("育児休業等の取得割合（育児休業等をした男性 ÷ 配偶者が出産した男性）"),
    "leave_and_purpose": gettext_noop(
        "育児休業等と育児目的休暇の取得割合"
        "（（育児休業等をした男性 ＋ 育児目的休暇を利用した男性）÷ 配偶者が出産した男性）"
    ),
}
DEFAULT_MALE_LEAVE_FORMULA: MaleLeaveFormula = "leave"

LAW_WOMEN = gettext_noop("女性活躍推進法（情報公表項目）")
LAW_CHILDCARE = gettext_noop("育児・介護休業法（男性の育児休業取得状況の公表）")
LAW_OVERTIME = gettext_noop("女性活躍推進法（情報公表項目）・くるみん認定基準")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str  # "%", "倍", "時間", "年"
    group: str
    definition: str  # the legal definition, shown next to the field
    inputs: tuple[str, ...]  # raw counts it is computed from (empty: entered directly)
    law: str = LAW_WOMEN
    higher_is_better: bool | None = True  # None: closer to parity (100 %) is better
    may_exceed_100: bool = False  # childcare leave and paid leave rates legally may
    decimals: int = 1
    # The plausible range of the value when it is given directly (a published ratio); a computed value outside
    # it comes from counts that are themselves checked. Default: a share, 0–100 %, or 0–500 % for a rate that
    # may exceed 100 % (see RANGES below for the others).
    minimum: float = 0
    maximum: float | None = None

    @property
    def upper(self) -> float:
        if self.maximum is not None:
            return self.maximum
        return 500.0 if self.may_exceed_100 else 100.0


PERCENT = "%"
TIMES = UNITS["times"]
HOURS = UNITS["hours"]
YEARS = UNITS["years"]

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "women_hire_ratio",
        gettext_noop("採用した労働者に占める女性労働者の割合"),
        PERCENT,
        "hiring",
        gettext_noop(
            "直近の事業年度に採用した労働者に占める女性の割合。女性の採用数 ÷（女性の採用数 ＋ 男性の採用数）× 100。"
        ),
        ("hires_women", "hires_men"),
        higher_is_better=None,
    ),
    Indicator(
        "competition_ratio_women",
        gettext_noop("女性の採用における競争倍率"),
        TIMES,
        "hiring",
        gettext_noop("女性の応募者数 ÷ 女性の採用者数。"),
        ("applicants_women", "hires_women"),
        higher_is_better=None,
        decimals=2,
    ),
    Indicator(
        "competition_ratio_men",
        gettext_noop("男性の採用における競争倍率"),
        TIMES,
        "hiring",
        gettext_noop("男性の応募者数 ÷ 男性の採用者数。"),
        ("applicants_men", "hires_men"),
        higher_is_better=None,
        decimals=2,
    ),
    Indicator(
        "competition_ratio_sex",
        gettext_noop("男女別の採用における競争倍率（女性 ÷ 男性）"),
        TIMES,
        "hiring",
        gettext_noop("女性の競争倍率 ÷ 男性の競争倍率。1 を大きく上回るときは女性が採用されにくいことを示します。"),
        ("applicants_women", "hires_women", "applicants_men", "hires_men"),
        higher_is_better=None,
        decimals=2,
    ),
    Indicator(
        "women_worker_ratio",
        gettext_noop("労働者に占める女性労働者の割合"),
        PERCENT,
        "workforce",
        gettext_noop("常時雇用する労働者に占める女性の割合。女性労働者数 ÷（女性 ＋ 男性）× 100。"),
        ("workers_women", "workers_men"),
        higher_is_better=None,
    ),
    Indicator(
        "women_chief_ratio",
        gettext_noop("係長級にある者に占める女性労働者の割合"),
        PERCENT,
        "workforce",
        gettext_noop("係長級の女性の数 ÷ 係長級の労働者の数 × 100。"),
        ("chiefs_women", "chiefs"),
    ),
    Indicator(
        "women_manager_ratio",
        gettext_noop("管理職に占める女性労働者の割合"),
        PERCENT,
        "workforce",
        gettext_noop("課長級以上の管理職（役員を除く）に占める女性の割合。女性管理職数 ÷ 管理職数 × 100。"),
        ("managers_women", "managers"),
    ),
    Indicator(
        "women_officer_ratio",
        gettext_noop("役員に占める女性の割合"),
        PERCENT,
        "workforce",
        gettext_noop("女性の役員数 ÷ 役員数 × 100。"),
        ("officers_women", "officers"),
    ),
    Indicator(
        "pay_gap_all",
        gettext_noop("男女の賃金の差異（全労働者）"),
        PERCENT,
        "pay",
        gettext_noop(
            "女性の平均年間賃金 ÷ 男性の平均年間賃金 × 100。賃金は賞与・手当を含み、退職手当・通勤手当等を除きます。"
        ),
        ("pay_women_all", "pay_men_all"),
    ),
    Indicator(
        "pay_gap_regular",
        gettext_noop("男女の賃金の差異（正規雇用労働者）"),
        PERCENT,
        "pay",
        gettext_noop("正規雇用労働者について、女性の平均年間賃金 ÷ 男性の平均年間賃金 × 100。"),
        ("pay_women_regular", "pay_men_regular"),
    ),
    Indicator(
        "pay_gap_non_regular",
        gettext_noop("男女の賃金の差異（非正規雇用労働者）"),
        PERCENT,
        "pay",
        gettext_noop("パート・有期雇用労働者について、女性の平均年間賃金 ÷ 男性の平均年間賃金 × 100。"),
        ("pay_women_non_regular", "pay_men_non_regular"),
    ),
    Indicator(
        "tenure_gap_years",
        gettext_noop("男女の平均継続勤務年数の差異"),
        YEARS,
        "tenure",
        gettext_noop("男性の平均継続勤務年数 − 女性の平均継続勤務年数（年）。0 に近いほど差が小さいことを示します。"),
        ("tenure_women", "tenure_men"),
        higher_is_better=False,
    ),
    Indicator(
        "tenure_ratio",
        gettext_noop("平均継続勤務年数の男女比（女性 ÷ 男性）"),
        PERCENT,
        "tenure",
        gettext_noop("女性の平均継続勤務年数 ÷ 男性の平均継続勤務年数 × 100。"),
        ("tenure_women", "tenure_men"),
    ),
    Indicator(
        "retention_10y_women",
        gettext_noop("採用10年前後の継続雇用割合（女性）"),
        PERCENT,
        "tenure",
        gettext_noop("10事業年度前とその前後の事業年度に採用した女性のうち、継続して雇用されている者の割合。"),
        ("retained_10y_women", "hired_10y_women"),
    ),
    Indicator(
        "retention_10y_men",
        gettext_noop("採用10年前後の継続雇用割合（男性）"),
        PERCENT,
        "tenure",
        gettext_noop("10事業年度前とその前後の事業年度に採用した男性のうち、継続して雇用されている者の割合。"),
        ("retained_10y_men", "hired_10y_men"),
    ),
    Indicator(
        "childcare_leave_rate_women",
        gettext_noop("女性の育児休業取得率"),
        PERCENT,
        "childcare",
        gettext_noop("育児休業をした女性労働者の数 ÷ 出産した女性労働者の数 × 100。"),
        ("women_childcare_leave", "women_gave_birth"),
        may_exceed_100=True,
    ),
    Indicator(
        "childcare_leave_rate_women_fixed_term",
        gettext_noop("有期雇用の女性の育児休業取得率"),
        PERCENT,
        "childcare",
        gettext_noop("育児休業をした有期雇用の女性労働者の数 ÷ 出産した有期雇用の女性労働者の数 × 100。"),
        ("fixed_term_women_childcare_leave", "fixed_term_women_gave_birth"),
        law=LAW_CHILDCARE,
        may_exceed_100=True,
    ),
    Indicator(
        "male_childcare_leave_rate",
        gettext_noop("男性の育児休業等取得率"),
        PERCENT,
        "childcare",
        gettext_noop(
            "公表に用いた算定式による値。育児休業等をした男性 ÷ 配偶者が出産した男性 × 100、"
            "または（育児休業等 ＋ 育児目的休暇を利用した男性）÷ 配偶者が出産した男性 × 100。"
        ),
        ("men_childcare_leave", "men_childcare_purpose_leave", "men_spouse_gave_birth"),
        law=LAW_CHILDCARE,
        may_exceed_100=True,
    ),
    Indicator(
        "male_childcare_leave_rate_leave",
        gettext_noop("男性の育児休業等取得率（育児休業等のみ）"),
        PERCENT,
        "childcare",
        gettext_noop("育児休業等をした男性労働者の数 ÷ 配偶者が出産した男性労働者の数 × 100。"),
        ("men_childcare_leave", "men_spouse_gave_birth"),
        law=LAW_CHILDCARE,
        may_exceed_100=True,
    ),
    Indicator(
        "male_childcare_leave_rate_combined",
        gettext_noop("男性の育児休業等・育児目的休暇取得率"),
        PERCENT,
        "childcare",
        gettext_noop("（育児休業等をした男性 ＋ 育児目的休暇を利用した男性）÷ 配偶者が出産した男性労働者の数 × 100。"),
        ("men_childcare_leave", "men_childcare_purpose_leave", "men_spouse_gave_birth"),
        law=LAW_CHILDCARE,
        may_exceed_100=True,
    ),
    Indicator(
        "avg_monthly_overtime",
        gettext_noop("労働者の一月当たりの平均残業時間"),
        HOURS,
        "hours",
        gettext_noop("（法定時間外労働時間の年間合計 ＋ 法定休日労働時間の年間合計）÷ 12 ÷ 対象労働者数。"),
        ("overtime_hours_annual", "holiday_hours_annual", "overtime_covered_workers"),
        higher_is_better=False,
    ),
    Indicator(
        "max_monthly_overtime_fulltime",
        gettext_noop("フルタイム労働者の月平均時間外・休日労働（最大の月）"),
        HOURS,
        "hours",
        gettext_noop(
            "各月のフルタイム労働者1人当たりの法定時間外・法定休日労働時間のうち最も多い月の値"
            "（くるみん基準: 各月 30 時間未満、または 25〜39 歳のフルタイム労働者が各月 45 時間未満）。"
        ),
        ("max_monthly_overtime_fulltime",),
        law=LAW_OVERTIME,
        higher_is_better=False,
    ),
    Indicator(
        "max_monthly_overtime_fulltime_25_39",
        gettext_noop("25〜39歳のフルタイム労働者の月平均時間外・休日労働（最大の月）"),
        HOURS,
        "hours",
        gettext_noop(
            "25〜39歳のフルタイム労働者について、各月の1人当たり法定時間外・法定休日労働時間のうち"
            "最も多い月の値（くるみん基準: 全ての月で 45 時間未満）。"
        ),
        ("max_monthly_overtime_fulltime_25_39",),
        law=LAW_OVERTIME,
        higher_is_better=False,
    ),
    Indicator(
        "paid_leave_rate",
        gettext_noop("年次有給休暇の取得率"),
        PERCENT,
        "leave",
        gettext_noop("年次有給休暇の取得日数の合計 ÷ 付与日数の合計（繰越分を除く）× 100。"),
        ("paid_leave_days_taken", "paid_leave_days_granted"),
        may_exceed_100=True,
    ),
)
# Ranges other than a share's (0–100 %) or a rate's that may exceed 100 % (0–500 %).
RANGES: dict[str, tuple[float, float]] = {
    "competition_ratio_women": (0, 100_000),  # applicants per hire
    "competition_ratio_men": (0, 100_000),
    "competition_ratio_sex": (0, 100_000),
    "pay_gap_all": (0, 1_000),  # women's pay as % of men's: over 200 % is already a warning
    "pay_gap_regular": (0, 1_000),
    "pay_gap_non_regular": (0, 1_000),
    "tenure_gap_years": (-60, 60),  # men's minus women's years
    "tenure_ratio": (0, 10_000),  # women's years as % of men's
    "avg_monthly_overtime": (0, MONTH_HOURS),
    "max_monthly_overtime_fulltime": (0, MONTH_HOURS),
    "max_monthly_overtime_fulltime_25_39": (0, MONTH_HOURS),
}
INDICATORS = tuple(
    dataclasses.replace(i, minimum=RANGES[i.code][0], maximum=RANGES[i.code][1]) if i.code in RANGES else i
    for i in INDICATORS
)
INDICATORS_BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}

# The figures a company may enter as a ratio instead of counts (on the form; imports may give any indicator).
DIRECT_ON_FORM: tuple[str, ...] = ("pay_gap_all", "pay_gap_regular", "pay_gap_non_regular")

# --- flexible-work arrangements (yes / no) --------------------------------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    code: str  # also the model's column
    label: str
    help: str = ""


ARRANGEMENTS: tuple[Arrangement, ...] = (
    Arrangement("flex_telework", gettext_noop("テレワーク（在宅勤務等）")),
    Arrangement("flex_flextime", gettext_noop("フレックスタイム制")),
    Arrangement(
        "flex_short_hours",
        gettext_noop("短時間勤務制度"),
        gettext_noop("育児・介護のための法定の制度を超えるもの、または対象を広げたもの"),
    ),
    Arrangement("flex_short_time_regular", gettext_noop("短時間正社員制度")),
    Arrangement("flex_hourly_leave", gettext_noop("時間単位の年次有給休暇")),
    Arrangement("flex_rest_interval", gettext_noop("勤務間インターバル制度")),
    Arrangement("flex_staggered_hours", gettext_noop("時差出勤")),
    Arrangement("flex_side_jobs", gettext_noop("副業・兼業の容認")),
    Arrangement("flex_rehire", gettext_noop("退職者の再雇用制度")),
)
ARRANGEMENTS_BY_CODE: dict[str, Arrangement] = {a.code: a for a in ARRANGEMENTS}

# --- computing ------------------------------------------------------------------------------------------------


def _num(raw: Raw, code: str) -> float | None:
    value = raw.get(code)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _ratio(numerator: float | None, denominator: float | None, scale: float = 100.0) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator * scale


def _sum(*values: float | None) -> float | None:
    if any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))


def _clean(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def compute(raw: Raw, *, formula: str = DEFAULT_MALE_LEAVE_FORMULA) -> dict[str, float | None]:
    """Every indicator's value from the raw counts (None where the inputs are missing or the denominator is 0);
    an indicator given directly in `raw` under its own code is used when its counts are not there."""
    n = {code: _num(raw, code) for code in INPUTS_BY_CODE}
    hires = _sum(n["hires_women"], n["hires_men"])
    workers = _sum(n["workers_women"], n["workers_men"])
    competition_women = _ratio(n["applicants_women"], n["hires_women"], 1.0)
    competition_men = _ratio(n["applicants_men"], n["hires_men"], 1.0)
    leave_only = _ratio(n["men_childcare_leave"], n["men_spouse_gave_birth"])
    men_either = _sum(n["men_childcare_leave"], n["men_childcare_purpose_leave"])
    combined = _ratio(men_either, n["men_spouse_gave_birth"])
    overtime_total = _sum(n["overtime_hours_annual"], n["holiday_hours_annual"])
    values: dict[str, float | None] = {
        "women_hire_ratio": _ratio(n["hires_women"], hires),
        "competition_ratio_women": competition_women,
        "competition_ratio_men": competition_men,
        "competition_ratio_sex": _ratio(competition_women, competition_men, 1.0),
        "women_worker_ratio": _ratio(n["workers_women"], workers),
        "women_chief_ratio": _ratio(n["chiefs_women"], n["chiefs"]),
        "women_manager_ratio": _ratio(n["managers_women"], n["managers"]),
        "women_officer_ratio": _ratio(n["officers_women"], n["officers"]),
        "pay_gap_all": _ratio(n["pay_women_all"], n["pay_men_all"]),
        "pay_gap_regular": _ratio(n["pay_women_regular"], n["pay_men_regular"]),
        "pay_gap_non_regular": _ratio(n["pay_women_non_regular"], n["pay_men_non_regular"]),
        "tenure_gap_years": (
            None if n["tenure_men"] is None or n["tenure_women"] is None else n["tenure_men"] - n["tenure_women"]
        ),
        "tenure_ratio": _ratio(n["tenure_women"], n["tenure_men"]),
        "retention_10y_women": _ratio(n["retained_10y_women"], n["hired_10y_women"]),
        "retention_10y_men": _ratio(n["retained_10y_men"], n["hired_10y_men"]),
        "childcare_leave_rate_women": _ratio(n["women_childcare_leave"], n["women_gave_birth"]),
        "childcare_leave_rate_women_fixed_term": _ratio(
            n["fixed_term_women_childcare_leave"], n["fixed_term_women_gave_birth"]
        ),
        "male_childcare_leave_rate_leave": leave_only,
        "male_childcare_leave_rate_combined": combined,
        "male_childcare_leave_rate": combined if formula == "leave_and_purpose" else leave_only,
        "avg_monthly_overtime": _ratio(overtime_total, n["overtime_covered_workers"], 1.0 / 12.0),
        "max_monthly_overtime_fulltime": n["max_monthly_overtime_fulltime"],
        "max_monthly_overtime_fulltime_25_39": n["max_monthly_overtime_fulltime_25_39"],
        "paid_leave_rate": _ratio(n["paid_leave_days_taken"], n["paid_leave_days_granted"]),
    }
    for code, value in values.items():
        if value is None:
            values[code] = _num(raw, code)  # published directly
    if values["competition_ratio_sex"] is None:  # women's ÷ men's, from the two published rates
        values["competition_ratio_sex"] = _ratio(
            values["competition_ratio_women"], values["competition_ratio_men"], 1.0
        )
    if values["male_childcare_leave_rate"] is None:  # by the recorded formula, from a published rate
        chosen = (
            "male_childcare_leave_rate_combined"
            if formula == "leave_and_purpose"
            else "male_childcare_leave_rate_leave"
        )
        values["male_childcare_leave_rate"] = values[chosen]
    return {code: _clean(values[code]) for code in INDICATORS_BY_CODE}


def basis(raw: Raw) -> dict[str, str]:
    """For each indicator with a value: "computed" from counts or "reported" directly."""
    computed_only = compute({k: v for k, v in raw.items() if k in INPUTS_BY_CODE})
    result: dict[str, str] = {}
    for code, value in compute(raw).items():
        if value is None:
            continue
        result[code] = "computed" if computed_only.get(code) is not None else "reported"
    return result


# --- checking -------------------------------------------------------------------------------------------------

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """A problem with one field (an input or an indicator code). `template` is Japanese with %(name)s
    placeholders; `params` fill it. Errors refuse the year; warnings are shown and saved with it."""

    field: str
    template: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    severity: Severity = "error"

    @property
    def message(self) -> str:
        return self.template % self.params


def label_of(code: str) -> str:
    if code in INPUTS_BY_CODE:
        return INPUTS_BY_CODE[code].label
    if code in INDICATORS_BY_CODE:
        return INDICATORS_BY_CODE[code].label
    if code in ARRANGEMENTS_BY_CODE:
        return ARRANGEMENTS_BY_CODE[code].label
    return code


T_NOT_NUMBER = gettext_noop("「%(label)s」は数字で入力してください（「%(value)s」は数字として読み取れません）。")
T_NEGATIVE = gettext_noop("「%(label)s」に負の数は入力できません。")
T_INTEGER = gettext_noop("「%(label)s」は整数で入力してください。")
T_TOO_LARGE = gettext_noop("「%(label)s」は%(max)s%(unit)s以下で入力してください。")
T_TOO_SMALL = gettext_noop("「%(label)s」は%(min)s%(unit)s以上で入力してください。")
T_RANGE = gettext_noop("「%(label)s」は%(min)s〜%(max)s%(unit)sの範囲で入力してください（%(value)s%(unit)s）。")
T_SUBSET = gettext_noop("「%(label)s」（%(value)s）が「%(total_label)s」（%(total)s）を超えています。")
T_PERCENT_OVER = gettext_noop("「%(label)s」は0〜100%%の範囲で入力してください（%(value)s%%）。")
T_RATE_OVER_100 = gettext_noop(
    "「%(label)s」が100%%を超えています（%(value)s%%）。前年度の出産に対する取得などで超えることはありますが、数を確かめてください。"
)
T_PAY_HIGH = gettext_noop(
    "「%(label)s」が%(value)s%%です。女性の平均賃金が男性の2倍を超えています。数を確かめてください。"
)
T_OVERTIME_HIGH = gettext_noop(
    "「%(label)s」が月%(value)s時間です。時間外労働の上限（月100時間未満）を超えています。数を確かめてください。"
)
T_FORMULA = gettext_noop("男性の育児休業等取得率の算定式「%(value)s」は選べません。")

# (part, whole): the part can never exceed the whole.
SUBSETS: tuple[tuple[str, str], ...] = (
    ("hires_women", "applicants_women"),
    ("hires_men", "applicants_men"),
    ("chiefs_women", "chiefs"),
    ("managers_women", "managers"),
    ("officers_women", "officers"),
    ("chiefs_women", "workers_women"),
    ("managers_women", "workers_women"),
    ("retained_10y_women", "hired_10y_women"),
    ("retained_10y_men", "hired_10y_men"),
    ("fixed_term_women_gave_birth", "women_gave_birth"),
    ("fixed_term_women_childcare_leave", "women_childcare_leave"),
)
# Indicators that are shares of a whole: a value over 100 % is impossible.
BOUNDED_PERCENT: tuple[str, ...] = (
    "women_hire_ratio",
    "women_worker_ratio",
    "women_chief_ratio",
    "women_manager_ratio",
    "women_officer_ratio",
    "retention_10y_women",
    "retention_10y_men",
)


def value_range(code: str) -> tuple[float, float, str]:
    """(minimum, maximum, unit) accepted for a raw input or a directly given indicator; unknown codes take any
    finite non-negative number (callers only pass known codes)."""
    spec = INPUTS_BY_CODE.get(code)
    if spec is not None:
        return spec.minimum, spec.upper, spec.unit
    indicator = INDICATORS_BY_CODE.get(code)
    if indicator is not None:
        return indicator.minimum, indicator.upper, indicator.unit
    return 0.0, math.inf, ""


def format_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}"


def check(raw: Raw, *, formula: str = DEFAULT_MALE_LEAVE_FORMULA) -> list[Problem]:
    """Every problem of a year's raw figures: types and ranges of each input, counts against each other, and the
    resulting ratios' ranges. Unknown keys are ignored (callers only pass known codes)."""
    problems: list[Problem] = []
    bad: set[str] = set()
    for code, value in raw.items():
        spec = INPUTS_BY_CODE.get(code)
        label = label_of(code)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            problems.append(Problem(code, T_NOT_NUMBER, {"label": label, "value": str(value)}))
            bad.add(code)
            continue
        number = float(value)
        if not math.isfinite(number):
            problems.append(Problem(code, T_NOT_NUMBER, {"label": label, "value": str(value)}))
            bad.add(code)
            continue
        low, high, unit = value_range(code)
        if number < low:
            problems.append(
                Problem(code, T_NEGATIVE, {"label": label})
                if low == 0
                else Problem(code, T_TOO_SMALL, {"label": label, "min": format_number(low), "unit": unit})
            )
            bad.add(code)
            continue
        if spec is not None and spec.integer and not number.is_integer():
            problems.append(Problem(code, T_INTEGER, {"label": label}))
            bad.add(code)
            continue
        if number > high:
            params = {"label": label, "min": format_number(low), "max": format_number(high), "unit": unit}
            if spec is None:  # a ratio given directly: its whole range and the value typed
                problems.append(Problem(code, T_RANGE, {**params, "value": format_number(number)}))
            else:
                problems.append(Problem(code, T_TOO_LARGE, params))
            bad.add(code)
            continue
    if formula not in MALE_LEAVE_FORMULAS:
        problems.append(Problem("male_childcare_leave_formula", T_FORMULA, {"value": formula}))
    good = {k: v for k, v in raw.items() if k not in bad}
    for part, whole in SUBSETS:
        p, w = _num(good, part), _num(good, whole)
        if p is not None and w is not None and p > w:
            problems.append(
                Problem(
                    part,
                    T_SUBSET,
                    {
                        "label": label_of(part),
                        "value": format_number(p),
                        "total_label": label_of(whole),
                        "total": format_number(w),
                    },
                )
            )
    # A direct ratio, or one computed from counts that are individually fine.
    values = compute(good, formula=formula if formula in MALE_LEAVE_FORMULAS else DEFAULT_MALE_LEAVE_FORMULA)
    flagged = {p.field for p in problems}
    for indicator in INDICATORS:  # an indicator whose counts were already reported is not reported again
        if flagged.intersection(indicator.inputs):
            flagged.add(indicator.code)
    for code in BOUNDED_PERCENT:
        value = values.get(code)
        if value is not None and value > 100 and code not in flagged:
            problems.append(Problem(code, T_PERCENT_OVER, {"label": label_of(code), "value": format_number(value)}))
    for indicator in INDICATORS:
        value = values.get(indicator.code)
        if value is None or indicator.code in flagged:
            continue
        if indicator.may_exceed_100 and value > 100:
            problems.append(
                Problem(
                    indicator.code,
                    T_RATE_OVER_100,
                    {"label": indicator.label, "value": format_number(value)},
                    "warning",
                )
            )
        if indicator.group == "pay" and value > 200:
            problems.append(
                Problem(
                    indicator.code, T_PAY_HIGH, {"label": indicator.label, "value": format_number(value)}, "warning"
                )
            )
        if (
            indicator.code
            in ("avg_monthly_overtime", "max_monthly_overtime_fulltime", "max_monthly_overtime_fulltime_25_39")
            and value >= 100
        ):
            problems.append(
                Problem(
                    indicator.code,
                    T_OVERTIME_HIGH,
                    {"label": indicator.label, "value": format_number(value)},
                    "warning",
                )
            )
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# --- reading cells (forms, spreadsheets, the open-data CSV) ---------------------------------------------------

# Placeholders for "not disclosed": the value is unknown (None), never zero. The tabular reader's, less the
# statistics tables' secrecy marks (x, ***, 秘匿): in a company's own figures an "x" is a typing error.
UNDISCLOSED = tabular_cells.UNDISCLOSED - {"x", "X", "***", "秘匿", "非開示"}


class CellError(ValueError):
    """A cell that is not a number; the message (Japanese) is ready to show."""


def parse_number(text: object) -> float | None:
    """A number typed by a person or exported by a spreadsheet, read by the tabular reader's `number_of`:
    full-width digits, thousands separators and a trailing unit are accepted; "-", "…", "非公表" and blanks mean
    not disclosed (None). Raises CellError otherwise."""
    try:
        return tabular_cells.number_of(text, undisclosed=UNDISCLOSED)
    except tabular_cells.CellValueError as exc:
        raise CellError(str(text)) from exc


def parse_flag(text: object) -> bool | None:
    """あり/なし, 有/無, ○/×, yes/no, 1/0, true/false; blank or a placeholder is unknown (None)."""
    if text is None:
        return None
    if isinstance(text, bool):
        return text
    value = unicodedata.normalize("NFKC", str(text)).strip().lower()
    if value in ("あり", "有", "有り", "○", "〇", "◯", "yes", "y", "1", "true", "導入", "導入済", "実施", "はい"):
        return True
    if value in ("なし", "無", "無し", "×", "x", "no", "n", "0", "false", "未導入", "いいえ"):
        return False
    if value in {u.lower() for u in UNDISCLOSED}:
        return None
    raise CellError(str(text))


def stored_raw(raw: Raw) -> dict[str, float | int]:
    """The raw figures as stored: known codes only, None left out, counts as int."""
    result: dict[str, float | int] = {}
    for code, value in raw.items():
        if value is None or (code not in INPUTS_BY_CODE and code not in INDICATORS_BY_CODE):
            continue
        number = float(value)
        spec = INPUTS_BY_CODE.get(code)
        result[code] = int(number) if spec is not None and spec.integer and number.is_integer() else number
    return result
