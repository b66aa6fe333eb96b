"""answers.validate_submission: every question type, every kind of bad input, and the typed rows. No database."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.surveys.answers import answer_rows, parse_number, raw_from_form, validate_submission
from shokuba.surveys.instrument import parse_definition
from shokuba.surveys.tests.samples import EVERY_TYPE, every_type_answers

DEFINITION = parse_definition(EVERY_TYPE)


def problems(answers: dict[str, Any], attributes: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    result = validate_submission(DEFINITION, answers, attributes)
    return [(p.question, p.item, p.code) for p in result.problems]


def test_valid_answers_of_every_type_are_cleaned() -> None:
    result = validate_submission(DEFINITION, every_type_answers(), {"sex": "F", "age_band": "30"})
    assert result.ok, result.problems
    assert result.answers == {
        "S1": "1",
        "M1": ["1", "3"],
        "L1": "2",
        "R1": ["04", "08", "01"],
        "N1": 12.5,
        "T1": "短い回答",
        "T2": "長い回答\n二行目",
        "X1": {"X1-a": "1", "X1-b": "dk"},
        "C1": "2",
    }
    assert result.attributes == {"sex": "F", "age_band": "30"}


def test_typed_rows_one_per_answer_choice_rank_and_statement() -> None:
    result = validate_submission(DEFINITION, every_type_answers())
    rows = {(r.item_code, r.seq): r for r in answer_rows(DEFINITION, result.answers)}
    assert rows[("S1", 0)].choice_code == "1"
    assert [rows[("M1", i)].choice_code for i in (1, 2)] == ["1", "3"]
    assert rows[("L1", 0)].value == 2
    assert [(rows[("R1", r)].choice_code, rows[("R1", r)].value) for r in (1, 2, 3)] == [
        ("04", 1),
        ("08", 2),
        ("01", 3),
    ]
    assert rows[("N1", 0)].value == 12.5
    assert rows[("T2", 0)].text == "長い回答\n二行目"
    # A matrix stores one row per statement under the statement's own code; non-substantive answers carry no value.
    assert (rows[("X1-a", 0)].choice_code, rows[("X1-a", 0)].value) == ("1", 1)
    assert (rows[("X1-b", 0)].choice_code, rows[("X1-b", 0)].value) == ("dk", None)


def test_missing_required_answers_are_named() -> None:
    found = problems({})
    assert ("S1", "", "required") in found
    assert ("L1", "", "required") in found
    assert ("R1", "", "required") in found
    assert ("N1", "", "required") in found
    assert ("X1", "X1-a", "required") in found and ("X1", "X1-b", "required") in found
    assert not any(q in {"M1", "T1", "T2", "N2"} for q, _i, _c in found)  # optional


def test_a_matrix_with_one_statement_missing_names_that_statement() -> None:
    assert ("X1", "X1-b", "required") in problems(every_type_answers(X1={"X1-a": "2"}))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"S1": "7"}, ("S1", "", "choice_unknown")),
        ({"L1": "6"}, ("L1", "", "choice_unknown")),
        ({"M1": ["1", "4"]}, ("M1", "", "choice_unknown")),
        ({"M1": ["1", "2", "3"]}, ("M1", "", "too_many")),
        ({"M1": ["1", "1"]}, ("M1", "", "choice_repeat")),
        ({"M1": ["1", "9"]}, ("M1", "", "exclusive_combined")),
        ({"R1": ["04", "04"]}, ("R1", "", "rank_repeat")),
        ({"R1": ["04", "", "08"]}, ("R1", "", "rank_gap")),
        ({"R1": ["01", "02", "03", "04"]}, ("R1", "", "too_many")),
        ({"R1": ["04", "99"]}, ("R1", "", "choice_unknown")),
        ({"N1": "301"}, ("N1", "", "number_max")),
        ({"N1": "-1"}, ("N1", "", "number_min")),
        ({"N1": "たくさん"}, ("N1", "", "number_invalid")),
        ({"N1": "1e400"}, ("N1", "", "number_invalid")),
        ({"N1": "NaN"}, ("N1", "", "number_invalid")),
        ({"N2": "2.5"}, ("N2", "", "number_integer")),
        ({"T1": "あ" * 201}, ("T1", "", "text_too_long")),
        ({"T2": "あ" * 4001}, ("T2", "", "text_too_long")),
        ({"X1": {"X1-a": "1", "X1-b": "5"}}, ("X1", "X1-b", "choice_unknown")),
        ({"X1": {"X1-a": "1", "X1-b": "2", "X1-z": "1"}}, ("X1", "X1-z", "item_unknown")),
        ({"X1": "1"}, ("X1", "", "shape_invalid")),
        ({"S1": ["1", "2"]}, ("S1", "", "shape_invalid")),
        ({"N1": True}, ("N1", "", "shape_invalid")),
        ({"ZZ": "1"}, ("ZZ", "", "question_unknown")),
    ],
)
def test_bad_answers_are_refused_with_a_reason(answers: dict[str, Any], expected: tuple[str, str, str]) -> None:
    result = validate_submission(DEFINITION, every_type_answers(**answers))
    assert not result.ok
    assert expected in [(p.question, p.item, p.code) for p in result.problems]
    if expected[0] != "X1":  # a matrix keeps its valid statements; the submission as a whole is refused anyway
        assert expected[0] not in result.answers


def test_a_ten_megabyte_text_is_refused_without_being_kept() -> None:
    result = validate_submission(DEFINITION, every_type_answers(T2="x" * 10_000_000))
    (problem,) = [p for p in result.problems if p.question == "T2"]
    assert problem.code == "text_too_long" and problem.params["length"] == 10_000_000
    assert "T2" not in result.answers


def test_bad_attributes_are_refused() -> None:
    assert ("attr:sex", "", "choice_unknown") in problems(every_type_answers(), {"sex": "Q"})
    assert ("attr:position", "", "attribute_unknown") in problems(every_type_answers(), {"position": "staff"})
    assert validate_submission(DEFINITION, every_type_answers(), {"sex": ""}).attributes == {}


def test_numbers_people_type_are_read() -> None:
    assert str(parse_number("１，２３４．５")) == "1234.5"
    assert str(parse_number("45時間", unit="時間")) == "45"
    assert str(parse_number("−3")) == "-3"
    assert parse_number("12.3.4") is None
    assert parse_number("9" * 308) is not None
    assert parse_number("9" * 309) is None  # no float holds it: refused, not stored as Infinity
    assert parse_number("") is None


def test_text_loses_control_characters_and_keeps_formula_like_text_for_the_export_to_neutralise() -> None:
    result = validate_submission(DEFINITION, every_type_answers(T1="=SUM(A1)\x00\x07", T2="  a\r\nb  "))
    assert result.answers["T1"] == "=SUM(A1)"
    assert result.answers["T2"] == "a\nb"


def test_conditional_question_is_skipped_when_its_condition_is_not_met() -> None:
    result = validate_submission(DEFINITION, every_type_answers(S1="2", C1="9"))
    assert result.ok, result.problems  # C1 does not apply, so its (invalid) answer is dropped, not checked
    assert "C1" not in result.answers
    assert ("C1", "", "required") in problems(every_type_answers(S1="1", C1=None))


def test_raw_from_form_reads_the_answering_form() -> None:
    form = {
        "q.S1": ["1"],
        "q.M1": ["1", "3"],
        "q.R1.r1": ["04"],
        "q.R1.r2": ["08"],
        "q.R1.r3": [""],
        "q.X1.X1-a": ["1"],
        "q.X1.X1-b": ["dk"],
        "q.N1": ["12"],
        "q.T1": [""],
        "a.sex": ["F"],
        "a.unknown": ["x"],
    }
    answers, attributes = raw_from_form(DEFINITION, form)
    assert answers == {
        "S1": "1",
        "M1": ["1", "3"],
        "R1": ["04", "08", ""],
        "X1": {"X1-a": "1", "X1-b": "dk"},
        "N1": "12",
    }
    assert attributes == {"sex": "F"}
    assert validate_submission(DEFINITION, answers | {"L1": "1"}, attributes).answers["R1"] == ["04", "08"]
