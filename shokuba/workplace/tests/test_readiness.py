"""Certification readiness against the published criteria (えるぼし; くるみん from 2025-04), with boundary cases:
exactly at a threshold, just on the wrong side, and the input missing."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.workplace import definitions
from shokuba.workplace.readiness import (
    Status,
    catalogue,
    combine,
    evaluate,
    format_number,
    inputs_for,
    parse_catalogue,
    shortfall_words,
)


def _cert(code: str, values: dict[str, Any]) -> Any:
    return next(c for c in evaluate(values) if c.code == code)


def _level(cert: Any, code: str) -> Any:
    return next(level for level in cert.levels if level.code == code)


def _criterion(level: Any, code: str) -> Any:
    return next(c for c in level.criteria if c.code == code)


# --- the data file ---------------------------------------------------------------------------------------------


def test_every_rule_reads_a_known_indicator_and_cites_a_source() -> None:
    cat = catalogue()
    known = set(definitions.INDICATORS_BY_CODE) | set(definitions.INPUTS_BY_CODE) | {"employees"}
    assert cat.indicator_codes() <= known, cat.indicator_codes() - known
    for source in cat.sources.values():
        assert source.url.startswith("https://")
        assert source.title and source.date

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "kind" in node and "code" in node:
                assert node.get("source") in cat.sources, node["code"]
                assert node.get("label")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(cat.certifications)


def test_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown source"):
        parse_catalogue(
            {
                "version": "x",
                "sources": {},
                "certifications": [
                    {"code": "c", "grading": "levels", "levels": [], "source": "nowhere"},
                ],
            }
        )


# --- くるみん: 男性の育児休業等取得率 (トライ ≥10 %, くるみん ≥30 %, プラチナ ≥50 %) ---------------------------


@pytest.mark.parametrize(
    ("level", "threshold"), [("kurumin-try", 10), ("kurumin-standard", 30), ("kurumin-platinum", 50)]
)
def test_male_leave_rate_boundaries(level: str, threshold: float) -> None:
    prefix = {"kurumin-try": "kurumin-try", "kurumin-standard": "kurumin", "kurumin-platinum": "kurumin-platinum"}
    code = f"{prefix[level]}.male_leave"
    at = _criterion(_level(_cert("kurumin", {"male_childcare_leave_rate_leave": threshold}), level), code)
    assert at.status == Status.MET
    just_below = {
        "male_childcare_leave_rate_leave": threshold - 0.1,
        "male_childcare_leave_rate_combined": threshold - 0.1,  # also under the with-purpose alternative
        "men_childcare_leave": 1,
    }
    below = _criterion(_level(_cert("kurumin", just_below), level), code)
    assert below.status == Status.NOT_MET
    assert "男性育休等取得率 あと 0.1 ポイント" in below.shortfalls()
    missing = _criterion(_level(_cert("kurumin", {}), level), code)
    assert missing.status == Status.MISSING
    assert "male_childcare_leave_rate_leave" in missing.missing_indicators()


def test_shortfall_in_words_from_counts() -> None:
    # 11 of 50 fathers took leave: 22 % against くるみん's 30 %, "あと 8 ポイント".
    raw = {"men_spouse_gave_birth": 50, "men_childcare_leave": 11, "men_childcare_purpose_leave": 0}
    values = definitions.compute(raw)
    crit = _criterion(_level(_cert("kurumin", inputs_for(raw, values)), "kurumin-standard"), "kurumin.male_leave")
    assert crit.status == Status.NOT_MET
    assert "男性育休等取得率 あと 8 ポイント" in crit.shortfalls()
    assert "男性の育休等・育児目的休暇取得率 あと 28 ポイント" in crit.shortfalls()


def test_exact_threshold_from_counts_despite_floating_point() -> None:
    # 3 / 10 * 100 is 30.000000000000004 in floating point; 7 / 10 * 100 = 70.00000000000001.
    raw = {"men_spouse_gave_birth": 10, "men_childcare_leave": 3, "men_childcare_purpose_leave": 4}
    result = _cert("kurumin", inputs_for(raw, definitions.compute(raw)))
    assert _criterion(_level(result, "kurumin-standard"), "kurumin.male_leave").status == Status.MET
    platinum = _criterion(_level(result, "kurumin-platinum"), "kurumin-platinum.male_leave")
    assert platinum.status == Status.MET  # (3 + 4) / 10 = 70 % with at least one on 育児休業等


@pytest.mark.parametrize(("combined", "takers", "expected"), [(50, 1, Status.MET), (50, 0, Status.NOT_MET)])
def test_leave_and_purpose_needs_one_on_childcare_leave(combined: float, takers: int, expected: Status) -> None:
    values = {"male_childcare_leave_rate_leave": 0, "male_childcare_leave_rate_combined": combined}
    values["men_childcare_leave"] = takers
    crit = _criterion(_level(_cert("kurumin", values), "kurumin-standard"), "kurumin.male_leave")
    assert crit.status == expected
    if expected == Status.NOT_MET:
        assert "育休等を取得した男性 あと 1 人" in crit.shortfalls()


def test_leave_and_purpose_just_below() -> None:
    values = {
        "male_childcare_leave_rate_leave": 0,
        "male_childcare_leave_rate_combined": 49.9,
        "men_childcare_leave": 2,
    }
    crit = _criterion(_level(_cert("kurumin", values), "kurumin-standard"), "kurumin.male_leave")
    assert crit.status == Status.NOT_MET


# --- くるみん: women's take-up incl. fixed-term (≥75 %) ---------------------------------------------------------


@pytest.mark.parametrize(("fixed_term", "expected"), [(75, Status.MET), (74.9, Status.NOT_MET), (None, Status.MISSING)])
def test_fixed_term_women_take_up(fixed_term: float | None, expected: Status) -> None:
    values = {"childcare_leave_rate_women": 100, "childcare_leave_rate_women_fixed_term": fixed_term}
    crit = _criterion(_level(_cert("kurumin", values), "kurumin-standard"), "kurumin.female_leave")
    assert crit.status == expected
    if expected == Status.MISSING:
        assert crit.missing_indicators() == ["childcare_leave_rate_women_fixed_term"]


def test_no_births_is_not_a_silent_pass() -> None:
    raw = {"fixed_term_women_gave_birth": 0, "fixed_term_women_childcare_leave": 0}
    values = definitions.compute(raw)
    assert values["childcare_leave_rate_women_fixed_term"] is None
    crit = _criterion(_level(_cert("kurumin", inputs_for(raw, values)), "kurumin-standard"), "kurumin.female_leave")
    assert crit.status != Status.MET


# --- くるみん: overtime every month < 30 h, or < 45 h for ages 25–39 --------------------------------------------


@pytest.mark.parametrize(
    ("worst_month", "young", "expected"),
    [
        (29.9, None, Status.MET),
        (30, None, Status.MISSING),  # not < 30; the 25–39 alternative is not entered
        (30, 44.9, Status.MET),
        (30, 45, Status.NOT_MET),
        (None, None, Status.MISSING),
    ],
)
def test_kurumin_overtime(worst_month: float | None, young: float | None, expected: Status) -> None:
    values = {"max_monthly_overtime_fulltime": worst_month, "max_monthly_overtime_fulltime_25_39": young}
    crit = _criterion(_level(_cert("kurumin", values), "kurumin-standard"), "kurumin.hours")
    assert crit.status == expected


def test_overtime_falls_back_to_the_annual_average_only_to_rule_out() -> None:
    over = {"avg_monthly_overtime": 31, "max_monthly_overtime_fulltime_25_39": 50}
    crit = _criterion(_level(_cert("kurumin", over), "kurumin-standard"), "kurumin.hours")
    assert crit.status == Status.NOT_MET
    assert any(s.startswith("一月当たりの平均残業時間 あと 1 時間超の削減") for s in crit.shortfalls())
    under = {"avg_monthly_overtime": 12, "max_monthly_overtime_fulltime_25_39": 50}
    crit = _criterion(_level(_cert("kurumin", under), "kurumin-standard"), "kurumin.hours")
    assert crit.status == Status.NEEDS_CHECK  # an average of 12 h proves nothing about each month
    leaf = crit.children[0]
    assert "max_monthly_overtime_fulltime" in leaf.missing
    assert "未入力" in leaf.note


def test_try_kurumin_overtime_is_45_hours() -> None:
    at = _criterion(_level(_cert("kurumin", {"max_monthly_overtime_fulltime": 45}), "kurumin-try"), "kurumin-try.hours")
    assert at.status == Status.NOT_MET
    below = _criterion(
        _level(_cert("kurumin", {"max_monthly_overtime_fulltime": 44.9}), "kurumin-try"), "kurumin-try.hours"
    )
    assert below.status == Status.MET


def test_a_kurumin_level_met_on_every_figure_still_lists_what_to_confirm() -> None:
    values = {
        "male_childcare_leave_rate_leave": 35,
        "male_childcare_leave_rate_combined": 35,
        "men_childcare_leave": 7,
        "childcare_leave_rate_women": 100,
        "childcare_leave_rate_women_fixed_term": 100,
        "max_monthly_overtime_fulltime": 20,
    }
    cert = _cert("kurumin", values)
    assert _level(cert, "kurumin-try").status == Status.MET
    assert _level(cert, "kurumin-standard").status == Status.MET
    assert _level(cert, "kurumin-platinum").status == Status.NOT_MET  # 35 < 50
    assert cert.achieved.code == "kurumin-standard"
    assert cert.next_level.code == "kurumin-platinum"
    assert cert.to_confirm and all(r.status == Status.NEEDS_CHECK for r in cert.to_confirm)


def test_platinum_declared_criteria_are_never_silently_passed() -> None:
    values = {
        "male_childcare_leave_rate_leave": 80,
        "childcare_leave_rate_women": 100,
        "childcare_leave_rate_women_fixed_term": 100,
        "max_monthly_overtime_fulltime": 10,
    }
    platinum = _level(_cert("kurumin", values), "kurumin-platinum")
    assert platinum.status == Status.NEEDS_CHECK
    assert "くるみん認定またはトライくるみん認定を受けていること" in platinum.checks


# --- えるぼし: five criteria, levels by count ------------------------------------------------------------------


def _eruboshi(values: dict[str, Any]) -> Any:
    return _cert("eruboshi", values)


def _ecrit(values: dict[str, Any], code: str) -> Any:
    return next(c for c in _eruboshi(values).levels[0].criteria if c.code == code)


@pytest.mark.parametrize(("ratio", "expected"), [(1.2499, Status.MET), (1.25, Status.NEEDS_CHECK)])
def test_eruboshi_hiring_competition_ratio(ratio: float, expected: Status) -> None:
    # Met when women's ratio × 0.8 < men's (women ÷ men < 1.25); at 1.25 the industry-share alternative remains.
    crit = _ecrit({"competition_ratio_sex": ratio}, "eruboshi.hiring")
    assert crit.status == expected
    if expected != Status.MET:
        assert crit.children[0].status == Status.NOT_MET
        assert "正社員に占める女性の割合が産業ごとの平均値（4割を上限）以上" in crit.checks()


@pytest.mark.parametrize(
    ("tenure", "retention", "expected"),
    [
        ((70, None), None, Status.MET),
        ((69.9, None), (80, 100), Status.MET),  # 10-year retention ratio exactly 0.8
        ((69.9, None), (79.9, 100), Status.NOT_MET),
        ((None, None), (None, None), Status.MISSING),
    ],
)
def test_eruboshi_continued_employment(tenure: Any, retention: Any, expected: Status) -> None:
    values: dict[str, Any] = {"tenure_ratio": tenure[0]}
    if retention:
        values.update({"retention_10y_women": retention[0], "retention_10y_men": retention[1]})
    assert _ecrit(values, "eruboshi.retention").status == expected


@pytest.mark.parametrize(
    ("worst", "average", "expected"),
    [(44.9, None, Status.MET), (45, None, Status.NOT_MET), (None, 45, Status.NOT_MET), (None, 20, Status.NEEDS_CHECK)],
)
def test_eruboshi_hours(worst: Any, average: Any, expected: Status) -> None:
    values = {"max_monthly_overtime_fulltime": worst, "avg_monthly_overtime": average}
    assert _ecrit(values, "eruboshi.hours").status == expected


def test_eruboshi_managers_is_always_to_check() -> None:
    assert _ecrit({"women_manager_ratio": 60}, "eruboshi.managers").status == Status.NEEDS_CHECK


@pytest.mark.parametrize(
    ("employees", "conversions", "midcareer", "expected"),
    [
        (50, 0, 0, Status.NOT_MET),
        (50, 1, 0, Status.NEEDS_CHECK),
        (400, 0, 0, Status.NOT_MET),
        (400, 2, 3, Status.NEEDS_CHECK),
        (None, 1, 1, Status.MISSING),  # the size decides which rule applies
    ],
)
def test_eruboshi_career_courses(employees: Any, conversions: int, midcareer: int, expected: Status) -> None:
    raw: dict[str, Any] = {"conversions_women": conversions, "midcareer_hires_women": midcareer}
    if employees is not None:
        raw.update({"workers_women": employees // 2, "workers_men": employees - employees // 2})
    values = inputs_for(raw, definitions.compute(raw))
    assert _ecrit(values, "eruboshi.careers").status == expected


def test_eruboshi_levels_by_count() -> None:
    two = {"competition_ratio_sex": 1.0, "tenure_ratio": 90, "max_monthly_overtime_fulltime": 50}
    raw = {"conversions_women": 0, "midcareer_hires_women": 0, "workers_women": 5, "workers_men": 5}
    cert = _eruboshi({**inputs_for(raw, {}), **two})
    levels = {level.code: level for level in cert.levels}
    assert levels["eruboshi-1"].status == Status.MET
    assert levels["eruboshi-1"].met_count == 2
    # 2 met + 管理職比率 undecided: level 2 (3 criteria) could still be reached.
    assert levels["eruboshi-2"].status == Status.NEEDS_CHECK
    assert levels["eruboshi-3"].status == Status.NOT_MET
    assert cert.achieved.code == "eruboshi-1"
    assert any("時間外・休日労働（最大の月） あと 5 時間超の削減" == s for s in levels["eruboshi-3"].shortfalls)
    three = {**two, "max_monthly_overtime_fulltime": 40}
    cert = _eruboshi(three)
    assert cert.achieved.code == "eruboshi-2"
    assert {level.code: level.status for level in cert.levels}["eruboshi-3"] in (Status.MISSING, Status.NEEDS_CHECK)


def test_nothing_entered_lists_missing_data_not_failures() -> None:
    for cert in evaluate({}):
        for level in cert.levels:
            assert level.status in (Status.MISSING, Status.NEEDS_CHECK), level.code
            assert level.missing or level.checks
            assert not level.shortfalls


# --- the pure helpers -----------------------------------------------------------------------------------------


def test_combine_prefers_what_data_entry_can_resolve() -> None:
    assert combine("any", [Status.NOT_MET, Status.MISSING, Status.NEEDS_CHECK]) == Status.MISSING
    assert combine("any", [Status.NOT_MET, Status.MET]) == Status.MET
    assert combine("all", [Status.MET, Status.NEEDS_CHECK, Status.MISSING]) == Status.MISSING
    assert combine("all", [Status.MET, Status.NOT_MET, Status.MISSING]) == Status.NOT_MET


def test_words() -> None:
    assert shortfall_words("男性育休取得率", 22, ">=", 30, "%") == "男性育休取得率 あと 8 ポイント"
    assert shortfall_words("男性育休取得率", 22.04, ">=", 30, "%") == "男性育休取得率 あと 8 ポイント"
    assert shortfall_words("男性育休取得率", 21.96, ">=", 30, "%") == "男性育休取得率 あと 8.1 ポイント"
    assert shortfall_words("残業", 38.5, "<", 30, "時間") == "残業 あと 8.5 時間超の削減"
    assert format_number(30.0, "%") == "30"
    assert format_number(0.654, "倍") == "0.65"
