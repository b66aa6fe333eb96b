"""The survey vocabulary the analysis engine and the platform share: the standard respondent attributes with their
categories (the analysis dimensions, e.g. the gap presets' sex F/M and position manager/exec), the scales shipped
with the platform (which points count as agreeing) and the non-substantive answers. Pure Python, no Django: the
questionnaire definitions (`shokuba.surveys.instrument`) and the analysis CLI read the same codes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# The non-substantive answers a Likert or matrix question may offer, kept apart from the scale: they carry no
# scale value, and the analysis leaves them out of means and top-box shares.
NON_SUBSTANTIVE: dict[str, str] = {"dk": "わからない", "refused": "答えたくない"}


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    exclusive: bool = False  # e.g. 「特にない」: cannot be combined with other choices


@dataclass(frozen=True)
class Scale:
    code: str
    label: str
    points: tuple[Choice, ...]
    top_box: int = 2  # how many points from the first count as the positive/agreeing side

    def value_of(self, code: str) -> int | None:
        """The 1-based position of a point, as printed (1 = the first label). None for anything else."""
        for position, point in enumerate(self.points, start=1):
            if point.code == code:
                return position
        return None


# --- respondent attributes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """A standard respondent attribute, mapped to one analysis dimension (a column of every answer row)."""

    code: str
    label: str
    choices: tuple[Choice, ...]


ATTRIBUTES: dict[str, Attribute] = {
    a.code: a
    for a in (
        Attribute(
            "sex",
            "性別",
            (Choice("F", "女性"), Choice("M", "男性"), Choice("X", "その他"), Choice("R", "答えたくない")),
        ),
        Attribute(
            "age_band",
            "年齢",
            (
                Choice("-29", "29歳以下"),
                Choice("30", "30〜39歳"),
                Choice("40", "40〜49歳"),
                Choice("50", "50〜59歳"),
                Choice("60+", "60歳以上"),
                Choice("R", "答えたくない"),
            ),
        ),
        Attribute(
            "position",
            "役職",
            (
                Choice("staff", "一般"),
                Choice("chief", "係長級"),
                Choice("manager", "課長級以上"),
                Choice("exec", "役員"),
                Choice("R", "答えたくない"),
            ),
        ),
        Attribute(
            "employment",
            "雇用形態",
            (
                Choice("regular", "正規"),
                Choice("nonregular", "非正規"),
                Choice("other", "その他"),
                Choice("R", "答えたくない"),
            ),
        ),
        Attribute(
            "service_years",
            "勤続年数",
            (
                Choice("-2", "3年未満"),
                Choice("3-9", "3〜9年"),
                Choice("10-19", "10〜19年"),
                Choice("20+", "20年以上"),
                Choice("R", "答えたくない"),
            ),
        ),
        Attribute(
            "care",
            "育児・介護の状況",
            (
                Choice("child", "子育て中（小学生以下の子がいる）"),
                Choice("care", "家族の介護をしている"),
                Choice("both", "子育てと介護の両方"),
                Choice("none", "どちらもない"),
                Choice("R", "答えたくない"),
            ),
        ),
    )
}
ATTRIBUTE_CODES: tuple[str, ...] = tuple(ATTRIBUTES)


# --- scales shipped with the platform ------------------------------------------------------------------------


def _points(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(str(i), label) for i, label in enumerate(labels, start=1))


STANDARD_SCALES: dict[str, Scale] = {
    s.code: s
    for s in (
        Scale(
            "agree4",
            "4件法（そう思う〜そう思わない）",
            _points("そう思う", "どちらかといえばそう思う", "どちらかといえばそう思わない", "そう思わない"),
        ),
        Scale(
            "apply4",
            "4件法（あてはまる〜あてはまらない）",
            _points("あてはまる", "どちらかといえばあてはまる", "どちらかといえばあてはまらない", "あてはまらない"),
        ),
        Scale(
            "agree5",
            "5件法（そう思う〜そう思わない）",
            _points("そう思う", "ややそう思う", "どちらともいえない", "あまりそう思わない", "そう思わない"),
        ),
        Scale(
            "satisfied5",
            "5件法（満足〜不満）",
            _points("満足", "やや満足", "どちらともいえない", "やや不満", "不満"),
        ),
        Scale(
            "agree7",
            "7件法（まったくそう思う〜まったくそう思わない）",
            _points(
                "まったくそう思う",
                "そう思う",
                "ややそう思う",
                "どちらともいえない",
                "あまりそう思わない",
                "そう思わない",
                "まったくそう思わない",
            ),
            top_box=3,
        ),
    )
}
