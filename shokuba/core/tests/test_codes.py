import csv

import pytest

from shokuba.core.codes import (
    CodeError,
    corporate_number_check_digit,
    local_government_check_digit,
    normalise_corporate_number,
    normalise_local_government_code,
)
from shokuba.network.reference import DATA_DIR


def test_every_reference_code_has_a_valid_check_digit() -> None:
    with (DATA_DIR / "local_government_codes.csv").open(encoding="utf-8") as fh:
        codes = [row["code"] for row in csv.DictReader(fh)]
    assert len(codes) == 1788
    assert all(local_government_check_digit(c[:5]) == int(c[5]) for c in codes)
    # 5-digit inputs get the right check digit back
    assert all(normalise_local_government_code(c[:5]) == c for c in codes)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("282090", "282090"), ("28209", "282090"), ("２８２０９", "282090"), (" 13101 ", "131016"), ("01100", "011002")],
)
def test_local_government_code_normalises(raw: str, expected: str) -> None:
    assert normalise_local_government_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("282091", "検査数字"),
        ("2820", "5桁または6桁"),
        ("2820900", "5桁または6桁"),
        ("28A09", "数字以外"),
        ("", "入力してください"),
    ],
)
def test_local_government_code_rejects_with_a_reason(raw: str, fragment: str) -> None:
    with pytest.raises(CodeError, match=fragment):
        normalise_local_government_code(raw)


def test_corporate_number_check_digit_matches_published_numbers() -> None:
    # 国税庁 (7000012050002) and 内閣府 (2000012010019) are published 法人番号.
    assert corporate_number_check_digit("000012050002") == 7
    assert corporate_number_check_digit("000012010019") == 2
    assert normalise_corporate_number("７０００-０１２０-５０００２") == "7000012050002"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("8000012050002", "検査数字"), ("700001205000", "13桁"), ("70000120500X2", "数字以外")],
)
def test_corporate_number_rejects_with_a_reason(raw: str, fragment: str) -> None:
    with pytest.raises(CodeError, match=fragment):
        normalise_corporate_number(raw)
