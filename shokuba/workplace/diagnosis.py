"""Self-diagnosis in the spirit of 厚生労働省「働き方・休み方改善指標」: an organisation's indicators against the
medians of its size band and its industry, within its programme and across the network, with recommended actions
keyed to the guidebook's step 4 (3) 「具体的な働き方の課題の解決（職場改革）」 and where to get help.

Pure Python: the peer cells come from `picture.peer_medians` (already suppressed: a median with fewer organisations
than the threshold behind it is None), the organisation's own values from its IndicatorYear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from shokuba.workplace.definitions import INDICATORS_BY_CODE, gettext_noop
from shokuba.workplace.picture import PICTURE_INDICATORS, TARGETS, Cell, _meets

GUIDEBOOK_STEP = "4-3"  # (3) 具体的な「働き方の課題」の解決（職場改革）

# Which referral kind (models.ReferralKind) helps with which theme.
SUPPORT_CENTRE = "support_centre"
LABOUR_BUREAU = "labour_bureau"

# Recommended actions per indicator, shown when the organisation is on the less desirable side of a peer median
# or misses the target. Short, concrete, and each with the body that advises on it (Japanese, marked for
# translation; `insights.diagnose` shows them in the active language).
ACTIONS: dict[str, tuple[str, str]] = {
    "women_manager_ratio": (
        gettext_noop(
            "係長級の女性を管理職候補として計画的に育成し（研修・メンター・登用基準の明確化）、昇進を男女別に点検する。"
        ),
        LABOUR_BUREAU,
    ),
    "women_chief_ratio": (
        gettext_noop("配置・仕事の割り振りが性別で偏っていないかを点検し、女性に基幹的な業務の経験を積ませる。"),
        LABOUR_BUREAU,
    ),
    "women_officer_ratio": (gettext_noop("役員候補の育成計画に女性を含め、社外からの登用も検討する。"), LABOUR_BUREAU),
    "women_hire_ratio": (
        gettext_noop(
            "求人票・採用ページで働き方の実態（残業、休暇、育休の取得実績）を具体的に示し、女性の応募を増やす。"
        ),
        LABOUR_BUREAU,
    ),
    "women_worker_ratio": (
        gettext_noop("女性が少ない職種の仕事の進め方・設備を見直し、女性の応募と定着を妨げる要因を取り除く。"),
        LABOUR_BUREAU,
    ),
    "competition_ratio_sex": (
        gettext_noop(
            "選考基準と面接官の評価を男女別に点検し、無意識の思い込み（アンコンシャス・バイアス）を減らす研修を行う。"
        ),
        LABOUR_BUREAU,
    ),
    "pay_gap_all": (
        gettext_noop("男女の賃金の差異の要因（職階・職種・勤続・労働時間の違い）を分解し、説明と改善策を公表する。"),
        LABOUR_BUREAU,
    ),
    "pay_gap_regular": (gettext_noop("正社員の等級・評価・手当の運用を男女別に点検する。"), LABOUR_BUREAU),
    "pay_gap_non_regular": (gettext_noop("非正規雇用の処遇と正社員転換の機会を男女別に点検する。"), LABOUR_BUREAU),
    "tenure_ratio": (
        gettext_noop("出産・育児・介護で辞めずに済む制度と職場の雰囲気をつくり、退職理由を把握する。"),
        LABOUR_BUREAU,
    ),
    "childcare_leave_rate_women": (
        gettext_noop("育児休業制度を有期雇用の人を含め個別に周知し、取得の意向を確認する（法定の義務）。"),
        LABOUR_BUREAU,
    ),
    "male_childcare_leave_rate_leave": (
        gettext_noop(
            "配偶者が出産する男性に個別に制度を周知して意向を確認し、管理職が取得を後押しする。業務の引継ぎと代替要員を計画する。"
        ),
        LABOUR_BUREAU,
    ),
    "avg_monthly_overtime": (
        gettext_noop("業務の棚卸しと会議・資料の削減、ノー残業デー、勤務間インターバルで残業を減らす。"),
        SUPPORT_CENTRE,
    ),
    "max_monthly_overtime_fulltime": (
        gettext_noop("繁忙月の業務を平準化し、特定の人に仕事が集中しないよう多能工化を進める。"),
        SUPPORT_CENTRE,
    ),
    "paid_leave_rate": (gettext_noop("計画的付与と時間単位年休を導入し、取得の少ない人に声をかける。"), SUPPORT_CENTRE),
}


@dataclass
class Comparison:
    median: float | None  # None when suppressed or no peers
    n: int
    hidden: bool
    position: str  # "better", "worse", "similar", "" (not comparable)


@dataclass
class DiagnosisRow:
    code: str
    label: str
    unit: str
    value: float | None
    comparisons: dict[str, Comparison]  # "programme_size_band", "programme_industry", "network_size_band", …
    target: str = ""
    meets_target: bool | None = None
    action: str = ""
    referral_kind: str = ""


@dataclass
class Diagnosis:
    rows: list[DiagnosisRow]
    actions: list[DiagnosisRow] = field(default_factory=list)  # rows with an action, weakest first
    referral_kinds: list[str] = field(default_factory=list)


def _position(code: str, value: float, median: float) -> str:
    """Better / worse than the median in the indicator's desirable direction (parity indicators: closer to 100 % for
    shares of women is not assumed — only indicators with a direction are judged)."""
    indicator = INDICATORS_BY_CODE[code]
    direction = indicator.higher_is_better
    if code == "competition_ratio_sex":
        direction = False  # a higher ratio means women are hired less easily
    if direction is None:
        return ""
    tolerance = max(abs(median) * 0.02, 0.05)  # within 2 %: similar
    if abs(value - median) <= tolerance:
        return "similar"
    return "better" if (value > median) == direction else "worse"


def diagnose(values: Mapping[str, float | None], peers: Mapping[str, Mapping[str, Cell]]) -> Diagnosis:
    """`peers`: comparison name -> indicator -> Cell (from `picture.peer_medians`, e.g. "programme_size_band")."""
    rows: list[DiagnosisRow] = []
    for code in PICTURE_INDICATORS:
        indicator = INDICATORS_BY_CODE[code]
        value = values.get(code)
        comparisons: dict[str, Comparison] = {}
        for name, cells in peers.items():
            cell = cells.get(code)
            if cell is None:
                continue
            median = None if cell.hidden else cell.median
            position = "" if value is None or median is None else _position(code, value, median)
            comparisons[name] = Comparison(median=median, n=cell.n, hidden=cell.hidden, position=position)
        row = DiagnosisRow(code=code, label=indicator.label, unit=indicator.unit, value=value, comparisons=comparisons)
        target = TARGETS.get(code)
        if target is not None:
            row.target = target.label
            if value is not None:
                row.meets_target = bool(_meets(np.array([value]), target)[0])
        worse = any(c.position == "worse" for c in comparisons.values())
        if value is not None and (worse or row.meets_target is False) and code in ACTIONS:
            row.action, row.referral_kind = ACTIONS[code]
        rows.append(row)
    flagged = [r for r in rows if r.action]
    # Missed targets first, then the number of comparisons it is worse in.
    flagged.sort(
        key=lambda r: (r.meets_target is not False, -sum(c.position == "worse" for c in r.comparisons.values()))
    )
    kinds = list(dict.fromkeys(r.referral_kind for r in flagged))
    return Diagnosis(rows=rows, actions=flagged, referral_kinds=kinds)
