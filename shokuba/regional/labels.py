"""What people read for the indicators, sexes and age groups (Japanese msgids, translatable)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shokuba.regional.indicators import AGE_GROUP_COUNT, INDICATORS_BY_CODE

INDICATOR_LABELS = {
    "recovery_rate": gettext_lazy("若者回復率"),
    "net_rate_total": gettext_lazy("転入超過率（総数）"),
    "net_rate_15_19": gettext_lazy("転入超過率（15～19歳）"),
    "net_rate_20_24": gettext_lazy("転入超過率（20～24歳）"),
    "net_rate_25_29": gettext_lazy("転入超過率（25～29歳）"),
    "net_15_29": gettext_lazy("転入超過数（15～29歳、年平均）"),
    "tokyo_outflow": gettext_lazy("東京圏への転出超過数（年平均）"),
    "tokyo_outflow_rate": gettext_lazy("東京圏への転出超過率"),
}
INDICATOR_HELP = {
    "recovery_rate": gettext_lazy(
        "20代（20～29歳）の転入超過数 ÷ 10代（10～19歳）の転出超過数 × 100。豊岡市の定義。"
        "100%なら10代で出ていった分だけ20代で戻っています。10代が転入超過の年は算出しません。"
    ),
    "net_rate_total": gettext_lazy("転入超過数 ÷ 人口 × 1,000（人口千人あたり）。"),
    "net_rate_15_19": gettext_lazy("15～19歳の転入超過数 ÷ 15～19歳人口 × 1,000。"),
    "net_rate_20_24": gettext_lazy("20～24歳の転入超過数 ÷ 20～24歳人口 × 1,000。"),
    "net_rate_25_29": gettext_lazy(
        "25～29歳の転入超過数 ÷ 25～29歳人口 × 1,000。女性が地元に戻らない傾向を見る指標です。"
    ),
    "net_15_29": gettext_lazy("15～29歳の転入超過数（複数年のときは1年あたり）。"),
    "tokyo_outflow": gettext_lazy(
        "東京圏（埼玉・千葉・東京・神奈川）への転出者数 － 東京圏からの転入者数。"
        "都道府県間移動者数の表から求めるため、県だけの指標です。"
    ),
    "tokyo_outflow_rate": gettext_lazy("東京圏への転出超過数 ÷ 人口 × 1,000。"),
}
UNIT_LABELS = {"percent": "%", "per_mille": "‰", "persons": gettext_lazy("人")}
SEX_LABELS = {
    "T": gettext_lazy("総数"),
    "M": gettext_lazy("男性"),
    "F": gettext_lazy("女性"),
    "gap": gettext_lazy("男女差（女性－男性）"),
}
PEER_LABELS = {
    "self": gettext_lazy("この地域"),
    "prefecture": gettext_lazy("都道府県"),
    "nation": gettext_lazy("全国"),
    "regions": gettext_lazy("地方（三大都市圏を除く36道県）の合計"),
    "similar": gettext_lazy("人口規模の近い市区町村の合計"),
    "chosen": gettext_lazy("選んだ比較先"),
}


def indicator_label(code: str) -> str:
    return str(INDICATOR_LABELS.get(code, code))


def unit_label(code: str) -> str:
    return str(UNIT_LABELS[INDICATORS_BY_CODE[code].unit])


def age_group_label(group: int) -> str:
    lower = group * 5
    if group == AGE_GROUP_COUNT - 1:
        return _("%(lower)d歳以上") % {"lower": lower}
    return _("%(lower)d～%(upper)d歳") % {"lower": lower, "upper": lower + 4}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "persons":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


MOVERS_LABELS = {
    "all": gettext_lazy("移動者（日本人と外国人の計）"),
    "japanese": gettext_lazy("日本人移動者のみ"),
    "mixed": gettext_lazy("一部が日本人移動者のみ"),
}
MOVERS_HELP = {
    "japanese": gettext_lazy(
        "e-Stat の表に「移動者」（日本人と外国人の計）がなく「日本人移動者」だけがあったため、"
        "外国人の移動を含みません。移動者の値とは比べられません。"
    ),
    "mixed": gettext_lazy(
        "移動者（日本人と外国人の計）の値と日本人移動者のみの値が混ざっています（年や地域によって違います）。"
    ),
}


def movers_label(kind: str | None) -> str:
    """「日本人移動者のみ」 / 「一部が日本人移動者のみ」 beside a figure; empty for all movers (the normal case)."""
    if kind in (None, "all"):
        return ""
    return str(MOVERS_LABELS.get(kind or "", kind))
