"""Group and attribute names on the results pages, in the active language.

The standard respondent attributes (`surveys.instrument.ATTRIBUTES`) and the selectors' fixed group names are
plain Japanese data without translation markers. They are listed here, marked with `gettext_noop`, so that
makemessages collects them; `tests/test_english.py` checks the list covers every attribute and choice label.
Organisation names and survey content are never translated.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shokuba.analysis.types import Category
from shokuba.surveys.instrument import ATTRIBUTES

WORDS: tuple[str, ...] = (
    # attributes (dimensions)
    gettext_noop("性別"),
    gettext_noop("年齢"),
    gettext_noop("役職"),
    gettext_noop("雇用形態"),
    gettext_noop("勤続年数"),
    gettext_noop("育児・介護の状況"),
    gettext_noop("企業・団体"),
    gettext_noop("業種"),
    gettext_noop("従業員規模"),
    # their choices
    gettext_noop("女性"),
    gettext_noop("男性"),
    gettext_noop("その他"),
    gettext_noop("答えたくない"),
    gettext_noop("29歳以下"),
    gettext_noop("30〜39歳"),
    gettext_noop("40〜49歳"),
    gettext_noop("50〜59歳"),
    gettext_noop("60歳以上"),
    gettext_noop("一般"),
    gettext_noop("係長級"),
    gettext_noop("課長級以上"),
    gettext_noop("役員"),
    gettext_noop("正規"),
    gettext_noop("非正規"),
    gettext_noop("3年未満"),
    gettext_noop("3〜9年"),
    gettext_noop("10〜19年"),
    gettext_noop("20年以上"),
    gettext_noop("子育て中（小学生以下の子がいる）"),
    gettext_noop("家族の介護をしている"),
    gettext_noop("子育てと介護の両方"),
    gettext_noop("どちらもない"),
    # the selectors' groups without a category of their own
    gettext_noop("無回答"),
    gettext_noop("共通リンク"),
)


def dimension_label(code: str, label: str) -> str:
    """An attribute's or dimension's name ("性別", "業種" …)."""
    return _(label) if label else label


def category_label(dimension: str, category: Category) -> str:
    """A group's name: an attribute's choice, or a fixed name (無回答, 共通リンク); an organisation's name as is."""
    if not category.label:
        return category.label  # gettext("") would return the catalogue's header
    if dimension in ATTRIBUTES or category.code == "":
        return _(category.label)
    return category.label
