"""A small definition with every question type, and valid answers for the shipped templates."""

from __future__ import annotations

from typing import Any

EVERY_TYPE: dict[str, Any] = {
    "title": "テスト調査",
    "attributes": ["sex", "age_band"],
    "questions": [
        {
            "code": "S1",
            "type": "single",
            "text": "単一",
            "choices": [{"code": "1", "label": "はい"}, {"code": "2", "label": "いいえ"}],
        },
        {
            "code": "M1",
            "type": "multiple",
            "text": "複数",
            "max_choices": 2,
            "required": False,
            "choices": [
                {"code": "1", "label": "A"},
                {"code": "2", "label": "B"},
                {"code": "3", "label": "C"},
                {"code": "9", "label": "特にない", "exclusive": True},
            ],
        },
        {"code": "L1", "type": "likert", "text": "段階", "scale": "agree5", "non_substantive": ["dk", "refused"]},
        {
            "code": "R1",
            "type": "ranking",
            "text": "順位",
            "max_choices": 3,
            "choices": [{"code": f"{i:02d}", "label": f"理由{i}"} for i in range(1, 11)],
        },
        {"code": "N1", "type": "number", "text": "数値", "min": 0, "max": 300, "unit": "時間"},
        {"code": "N2", "type": "number", "text": "整数", "min": 1, "max": 100, "integer": True, "required": False},
        {"code": "T1", "type": "text_short", "text": "短文", "required": False},
        {"code": "T2", "type": "text_long", "text": "長文", "required": False},
        {
            "code": "X1",
            "type": "matrix",
            "text": "表",
            "scale": "agree4",
            "non_substantive": ["dk"],
            "items": [{"code": "X1-a", "text": "項目a"}, {"code": "X1-b", "text": "項目b"}],
        },
        {
            "code": "C1",
            "type": "single",
            "text": "条件つき",
            "show_if": {"question": "S1", "any_of": ["1"]},
            "choices": [{"code": "1", "label": "x"}, {"code": "2", "label": "y"}],
        },
    ],
}


def every_type_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "S1": "1",
        "M1": ["1", "3"],
        "L1": "2",
        "R1": ["04", "08", "01"],
        "N1": "12.5",
        "T1": "短い回答",
        "T2": "長い回答\n二行目",
        "X1": {"X1-a": "1", "X1-b": "dk"},
        "C1": "2",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def workplace_form(**overrides: str) -> dict[str, Any]:
    """A complete, valid POST of the workplace template's answering form."""
    data: dict[str, Any] = {}
    for theme, codes in {
        "WS-QA": ["WS-A01", "WS-A02", "WS-A03", "WS-A04", "WS-A05", "WS-A06"],
        "WS-QB": ["WS-B01", "WS-B02", "WS-B03", "WS-B04", "WS-B05", "WS-B06"],
        "WS-QC": ["WS-C01", "WS-C02", "WS-C03", "WS-C04", "WS-C05", "WS-C06"],
        "WS-QD": ["WS-D01", "WS-D02", "WS-D03", "WS-D04", "WS-D05"],
        "WS-QE": ["WS-E01", "WS-E02", "WS-E03", "WS-E04", "WS-E05", "WS-E06"],
    }.items():
        for index, code in enumerate(codes):
            data[f"q.{theme}.{code}"] = ["1", "2", "3", "4", "dk"][index % 5]
    data["q.WS-Z01"] = "2"
    data["q.WS-Z02"] = "1"
    data["q.WS-FREE"] = "会議が短くなった。"
    data["a.sex"] = "F"
    data["a.age_band"] = "30"
    data["a.position"] = "staff"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
