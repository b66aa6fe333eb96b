"""The indicators computed per the law's formulas, the consistency checks at their boundaries, and cell parsing."""

from __future__ import annotations

import pytest

from shokuba.workplace import definitions as d
from shokuba.workplace.models import IndicatorYear


def test_every_indicator_and_arrangement_is_a_column() -> None:
    columns = {f.name for f in IndicatorYear._meta.concrete_fields}
    assert set(d.INDICATORS_BY_CODE) <= columns
    assert set(d.ARRANGEMENTS_BY_CODE) <= columns
    assert not set(d.INPUTS_BY_CODE) & set(d.INDICATORS_BY_CODE) - {
        "max_monthly_overtime_fulltime",
        "max_monthly_overtime_fulltime_25_39",
    }
    for indicator in d.INDICATORS:
        assert indicator.definition and indicator.label
        assert set(indicator.inputs) <= set(d.INPUTS_BY_CODE), indicator.code


def test_opportunity_ratios() -> None:
    values = d.compute(
        {
            "hires_women": 6,
            "hires_men": 14,
            "applicants_women": 60,
            "applicants_men": 280,
            "workers_women": 120,
            "workers_men": 280,
            "chiefs": 40,
            "chiefs_women": 10,
            "managers": 25,
            "managers_women": 3,
            "officers": 8,
            "officers_women": 1,
        }
    )
    assert values["women_hire_ratio"] == 30.0
    assert values["competition_ratio_women"] == 10.0
    assert values["competition_ratio_men"] == 20.0
    assert values["competition_ratio_sex"] == 0.5  # women's ÷ men's
    assert values["women_worker_ratio"] == 30.0
    assert values["women_chief_ratio"] == 25.0
    assert values["women_manager_ratio"] == 12.0
    assert values["women_officer_ratio"] == 12.5


def test_pay_gap_is_women_over_men_per_category() -> None:
    values = d.compute(
        {
            "pay_women_all": 3_600_000,
            "pay_men_all": 5_000_000,
            "pay_women_regular": 4_500_000,
            "pay_men_regular": 5_000_000,
            "pay_gap_non_regular": 95.5,  # only the ratio is known
        }
    )
    assert values["pay_gap_all"] == 72.0
    assert values["pay_gap_regular"] == 90.0
    assert values["pay_gap_non_regular"] == 95.5
    assert d.basis({"pay_women_all": 1, "pay_men_all": 2, "pay_gap_regular": 80})["pay_gap_regular"] == "reported"


def test_counts_win_over_a_reported_ratio() -> None:
    values = d.compute({"managers": 10, "managers_women": 1, "women_manager_ratio": 50})
    assert values["women_manager_ratio"] == 10.0


def test_male_childcare_leave_under_either_formula() -> None:
    raw = {"men_spouse_gave_birth": 20, "men_childcare_leave": 6, "men_childcare_purpose_leave": 4}
    leave = d.compute(raw, formula="leave")
    combined = d.compute(raw, formula="leave_and_purpose")
    assert leave["male_childcare_leave_rate"] == 30.0
    assert combined["male_childcare_leave_rate"] == 50.0
    assert leave["male_childcare_leave_rate_leave"] == combined["male_childcare_leave_rate_leave"] == 30.0
    assert leave["male_childcare_leave_rate_combined"] == 50.0
    # A published rate stands in for the recorded formula when the counts are not known.
    assert (
        d.compute({"male_childcare_leave_rate_combined": 42.0}, formula="leave_and_purpose")[
            "male_childcare_leave_rate"
        ]
        == 42.0
    )
    assert d.compute({"male_childcare_leave_rate_combined": 42.0})["male_childcare_leave_rate"] is None


def test_overtime_tenure_retention_leave() -> None:
    values = d.compute(
        {
            "overtime_hours_annual": 21_000,
            "holiday_hours_annual": 3_000,
            "overtime_covered_workers": 100,
            "tenure_women": 8.5,
            "tenure_men": 12.0,
            "hired_10y_women": 10,
            "retained_10y_women": 4,
            "paid_leave_days_granted": 1800,
            "paid_leave_days_taken": 1170,
            "women_gave_birth": 4,
            "women_childcare_leave": 4,
        }
    )
    assert values["avg_monthly_overtime"] == 20.0  # (21,000 + 3,000) ÷ 12 ÷ 100
    assert values["tenure_gap_years"] == 3.5
    assert values["tenure_ratio"] == pytest.approx(70.833333, abs=1e-5)
    assert values["retention_10y_women"] == 40.0
    assert values["retention_10y_men"] is None
    assert values["paid_leave_rate"] == 65.0
    assert values["childcare_leave_rate_women"] == 100.0


def test_zero_denominators_and_missing_inputs_are_none() -> None:
    values = d.compute({"managers": 0, "managers_women": 0, "men_spouse_gave_birth": 0, "men_childcare_leave": 0})
    assert values["women_manager_ratio"] is None
    assert values["male_childcare_leave_rate"] is None
    assert d.compute({}) == dict.fromkeys(d.INDICATORS_BY_CODE)


def _fields(problems: list[d.Problem], severity: str = "error") -> set[str]:
    return {p.field for p in problems if p.severity == severity}


def test_women_managers_may_equal_but_not_exceed_managers() -> None:
    assert d.check({"managers": 10, "managers_women": 10}) == []
    problems = d.check({"managers": 10, "managers_women": 11})
    assert _fields(problems) == {"managers_women"}
    assert problems[0].message == "「管理職のうち女性の数」（11）が「管理職の数」（10）を超えています。"


def test_a_reported_share_over_100_is_refused_at_the_boundary() -> None:
    assert d.check({"women_manager_ratio": 100}) == []
    problems = d.check({"women_manager_ratio": 100.1})
    assert _fields(problems) == {"women_manager_ratio"}
    assert "0〜100%" in problems[0].message and "100.1%" in problems[0].message


def test_rates_that_may_exceed_100_warn() -> None:
    problems = d.check({"men_spouse_gave_birth": 4, "men_childcare_leave": 5})
    assert _fields(problems) == set()
    assert "male_childcare_leave_rate" in _fields(problems, "warning")


def test_types_signs_and_integers() -> None:
    problems = d.check({"managers": -1, "workers_women": 2.5, "tenure_women": 80, "hires_men": "abc"})
    assert _fields(problems) == {"managers", "workers_women", "tenure_women", "hires_men"}
    messages = {p.field: p.message for p in problems}
    assert messages["workers_women"] == "「女性労働者の数」は整数で入力してください。"
    assert messages["tenure_women"] == "「女性の平均継続勤務年数」は60年以下で入力してください。"
    assert d.check({"tenure_women": 60}) == []
    assert _fields(d.check({}, formula="other")) == {"male_childcare_leave_formula"}


def test_subset_error_is_not_repeated_as_an_impossible_ratio() -> None:
    problems = d.check({"managers": 10, "managers_women": 13})
    assert [p.field for p in problems] == ["managers_women"]


def test_overtime_above_the_legal_cap_warns() -> None:
    assert "max_monthly_overtime_fulltime" in _fields(d.check({"max_monthly_overtime_fulltime": 100}), "warning")
    assert d.check({"max_monthly_overtime_fulltime": 99.9}) == []
    assert _fields(d.check({"max_monthly_overtime_fulltime": 745})) == {"max_monthly_overtime_fulltime"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("１２．５", 12.5),
        ("1,234", 1234.0),
        ("１，２３４人", 1234.0),
        ("45.2%", 45.2),
        ("４５．２％", 45.2),
        ("3.5倍", 3.5),
        (" 7 ", 7.0),
        ("-", None),
        ("－", None),
        ("…", None),
        ("", None),
        ("非公表", None),
        (None, None),
        (3, 3.0),
    ],
)
def test_parse_number(text: object, expected: float | None) -> None:
    assert d.parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2.3", "十", "nan", "inf", "12人以上"])
def test_parse_number_refuses_text(text: str) -> None:
    with pytest.raises(d.CellError):
        d.parse_number(text)


def test_parse_flag() -> None:
    assert d.parse_flag("あり") is True
    assert d.parse_flag("○") is True
    assert d.parse_flag("なし") is False
    assert d.parse_flag("-") is None
    with pytest.raises(d.CellError):
        d.parse_flag("たぶん")
