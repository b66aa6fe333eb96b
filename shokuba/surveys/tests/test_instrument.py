"""The template library and the definition check."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from shokuba.surveys.instrument import ATTRIBUTES, DefinitionError, parse_definition
from shokuba.surveys.library import LIBRARY_DIR, latest_templates, library_template
from shokuba.surveys.tests.samples import EVERY_TYPE

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_255bbb4df75118b3.txt"


def test_the_library_ships_the_five_templates() -> None:
    codes = [t.code for t in latest_templates()]
    assert codes == ["unconscious_bias", "workplace", "selfcheck", "employer", "resident"]
    for template in latest_templates():
        assert template.definition.purpose and template.definition.notes, template.code
        assert (LIBRARY_DIR / f"{template.code}.v{template.version}.json").exists()


def test_item_codes_are_unique_across_the_library() -> None:
    seen: dict[str, str] = {}
    for template in latest_templates():
        for code in template.definition.all_codes():
            assert code not in seen, f"{code} in {template.code} and {seen[code]}"
            seen[code] = template.code


def test_bias_template_uses_the_national_scale_and_carries_benchmarks_with_source_and_year() -> None:
    template = library_template("unconscious_bias")
    assert template is not None
    definition = template.definition
    matrices = [q for q in definition.questions if q.type == "matrix"]
    assert {q.section for q in matrices} == {"家庭・コミュニティ", "職場", "その他"}
    scale = matrices[0].scale
    assert scale is not None
    assert [p.label for p in scale.points] == [
        "そう思う",
        "どちらかといえばそう思う",
        "どちらかといえばそう思わない",
        "そう思わない",
    ]
    items = {i.code: i for q in matrices for i in q.items}
    h01 = items["UB-H01"]
    assert h01.text == "男性は仕事をして家計を支えるべきだ"
    assert {(b.source, b.year, b.group, b.value) for b in h01.benchmarks} >= {
        ("内閣府 令和4年度調査", 2022, "男性", 48.7),
        ("内閣府 令和4年度調査", 2022, "女性", 44.9),
        ("内閣府 令和3年度調査", 2021, "男性", 50.3),
    }
    assert {b.value for b in definition.benchmarks} == {23.6, 17.7}


def test_workplace_template_has_about_thirty_items_over_five_themes_and_the_two_overall_items() -> None:
    template = library_template("workplace")
    assert template is not None
    themes = {i.theme for q in template.definition.questions for i in q.items}
    assert themes == {
        "管理職の意識",
        "育児・介護との両立",
        "労働時間の見直し",
        "場所にとらわれない働き方",
        "休暇取得と生産性",
    }
    assert 28 <= sum(len(q.items) for q in template.definition.questions) <= 32
    assert {"WS-Z01", "WS-Z02"} <= {q.code for q in template.definition.questions}
    assert "Shokuba が" in template.definition.notes  # the originals are not public: say so


def test_resident_template_ranks_the_seeds_ten_reasons_verbatim_up_to_five() -> None:
    template = library_template("resident")
    assert template is not None
    ranking = template.definition.question("RS-02")
    assert ranking is not None and ranking.type == "ranking" and ranking.max_choices == 5
    labels = [c.label for c in ranking.choices]
    assert len(labels) == 10
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        for label in labels:
            assert label in seed, label


def test_attributes_are_the_standard_block() -> None:
    assert [c.label for c in ATTRIBUTES["sex"].choices] == ["女性", "男性", "その他", "答えたくない"]
    assert [c.label for c in ATTRIBUTES["position"].choices][:4] == ["一般", "係長級", "課長級以上", "役員"]
    assert [c.label for c in ATTRIBUTES["employment"].choices][:3] == ["正規", "非正規", "その他"]


def broken(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EVERY_TYPE)
    data["questions"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (broken(code="S 1"), "code_invalid"),
        (broken(code="M1"), "code_duplicate"),
        (broken(type="slider"), "type_unknown"),
        (broken(text=""), "text_missing"),
        (broken(choices=[{"code": "1", "label": "a"}]), "choices_too_few"),
        (broken(choices=[{"code": "1", "label": "a"}, {"code": "1", "label": "b"}]), "choice_code_duplicate"),
        (broken(choices=[{"code": "1", "label": "a"}, {"code": "dk", "label": "b"}]), "choice_code_reserved"),
        ({**EVERY_TYPE, "attributes": ["income"]}, "attribute_unknown"),
        (
            {**EVERY_TYPE, "scales": {"six": {"points": [{"code": str(i), "label": str(i)} for i in range(6)]}}},
            "scale_points",
        ),
        ({**EVERY_TYPE, "title": ""}, "title_missing"),
    ],
)
def test_a_broken_definition_is_refused_with_every_problem(data: dict[str, Any], code: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    assert code in [p.code for p in caught.value.problems]


def test_a_condition_must_point_at_an_earlier_choice_question() -> None:
    data = copy.deepcopy(EVERY_TYPE)
    data["questions"][0]["show_if"] = {"question": "C1", "any_of": ["1"]}
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data)
    assert "condition_target" in [p.code for p in caught.value.problems]
