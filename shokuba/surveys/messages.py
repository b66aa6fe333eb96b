"""Japanese wording for the pure modules' problems (answers.AnswerProblem, instrument.DefinitionProblem)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shokuba.surveys.answers import AnswerProblem
from shokuba.surveys.instrument import ATTRIBUTES, DefinitionProblem


def _number(value: Any) -> str:
    text = f"{value:f}" if hasattr(value, "is_finite") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def answer_message(problem: AnswerProblem) -> str:
    p = dict(problem.params)
    code = problem.code
    if code == "required":
        if problem.item:
            return _("この項目に回答してください。")
        return _("この質問に回答してください。")
    if code == "choice_unknown":
        return _("選択肢にない回答です（%(value)s）。選択肢から選んでください。") % {"value": p.get("value", "")}
    if code == "choice_repeat":
        return _("同じ選択肢が2回選ばれています。")
    if code == "too_many":
        return _("選べるのは%(max)d個までです。") % {"max": p.get("max", 0)}
    if code == "exclusive_combined":
        return _("「%(label)s」はほかの選択肢と一緒には選べません。") % {"label": p.get("label", "")}
    if code == "rank_gap":
        return _("%(rank)d位が空いています。1位から順に選んでください。") % {"rank": p.get("rank", 1)}
    if code == "rank_repeat":
        return _("同じ理由が2回以上選ばれています。それぞれの順位に違うものを選んでください。")
    if code == "number_invalid":
        return _("数字で入力してください（「%(value)s」は数字として読み取れません）。") % {"value": p.get("value", "")}
    if code == "number_integer":
        return _("整数で入力してください。")
    if code == "number_min":
        return _("%(min)s以上の数字を入力してください。") % {"min": _number(p.get("min"))}
    if code == "number_max":
        return _("%(max)s以下の数字を入力してください。") % {"max": _number(p.get("max"))}
    if code == "text_too_long":
        return _("%(max)s字以内で入力してください（いまは%(length)s字です）。") % {
            "max": f"{p.get('max', 0):,}",
            "length": f"{p.get('length', 0):,}",
        }
    if code == "item_unknown":
        return _("この質問にない項目（%(item)s）への回答です。") % {"item": problem.item}
    if code == "question_unknown":
        return _("調査票にない質問（%(code)s）への回答です。") % {"code": problem.question}
    if code == "attribute_unknown":
        return _("この調査では尋ねていない属性（%(code)s）です。") % {"code": problem.question.removeprefix("attr:")}
    if code == "shape_invalid":
        return _("回答の形式が正しくありません。")
    return _("回答を確認してください。")


def answer_label(problem: AnswerProblem) -> str:
    """Where a problem is, for a summary list: 問 UB-Q1（UB-H01）, or the attribute's name."""
    if problem.question.startswith("attr:"):
        attribute = ATTRIBUTES.get(problem.question.removeprefix("attr:"))
        return attribute.label if attribute else problem.question
    return f"{problem.question}（{problem.item}）" if problem.item else problem.question


def definition_message(problem: DefinitionProblem) -> str:
    p = dict(problem.params)
    messages = {
        "title_missing": _("調査票の名称を入力してください。"),
        "questions_missing": _("質問が1つもありません。"),
        "attribute_unknown": _("回答者の属性「%(attribute)s」はありません。"),
        "code_invalid": _("項目コード「%(code)s」は、英数字・ハイフン・下線の32文字以内にしてください。"),
        "code_duplicate": _("項目コード「%(code)s」がほかの質問と重複しています。"),
        "type_unknown": _("質問の種類「%(type)s」はありません。"),
        "text_missing": _("質問文を入力してください。"),
        "choices_too_few": _("選択肢を2つ以上にしてください。"),
        "choice_code_invalid": _("選択肢のコード「%(choice)s」は、英数字・ハイフン・下線の16文字以内にしてください。"),
        "choice_code_duplicate": _("選択肢のコード「%(choice)s」が重複しています。"),
        "choice_code_reserved": _("選択肢のコード「%(choice)s」は「わからない」「答えたくない」用に予約されています。"),
        "choice_label_missing": _("選択肢「%(choice)s」の文言を入力してください。"),
        "scale_unknown": _("尺度「%(scale)s」はありません。"),
        "scale_points": _("尺度「%(scale)s」の段階は4・5・7のいずれかにしてください（いまは%(n)s段階）。"),
        "non_substantive_unknown": _("「%(option)s」は「わからない」「答えたくない」のどちらでもありません。"),
        "max_choices_invalid": _("選べる数の上限は1以上の整数にしてください。"),
        "max_choices_too_many": _("選べる数の上限が選択肢の数（%(n)s）を超えています。"),
        "range_invalid": _("最小値が最大値より大きくなっています。"),
        "items_missing": _("表形式の質問に項目が1つもありません。"),
        "item_text_missing": _("項目「%(code)s」の文言を入力してください。"),
        "condition_target": _("表示条件の質問「%(target)s」は、この質問より前にありません。"),
        "condition_target_type": _("表示条件には選択式の質問（%(target)s）しか使えません。"),
        "condition_item": _("表示条件に、表形式の質問「%(target)s」のどの項目かを指定してください。"),
        "condition_values": _("表示条件の回答が、質問「%(target)s」の選択肢にありません。"),
        "shape_invalid": _(
            "調査票の定義の「%(path)s」の形式が正しくありません（オブジェクト・配列・数値の位置を確認してください）。"
        ),
        "text_control_character": _(
            "調査票の定義の「%(path)s」に使えない文字があります（%(position)s文字目の %(code_point)s）。"
            "制御文字や、名称・選択肢の改行は使えません。"
        ),
    }
    text = messages.get(problem.code, _("調査票の内容を確認してください。"))
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return text


def definition_messages(problems: list[DefinitionProblem]) -> list[str]:
    return [
        f"{problem.where}: {definition_message(problem)}"
        if problem.where and not problem.where.startswith("scale:")
        else definition_message(problem)
        for problem in problems
    ]
