"""The CLI on the platform's own export layout (built with shokuba.surveys.exports and core.exports, so a change
of the export breaks this test), on a CSV with a codebook, and on bad files."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shokuba.analysis.cli import main
from shokuba.core.exports import csv_bytes, xlsx_bytes
from shokuba.surveys import exports
from shokuba.surveys.instrument import parse_definition
from shokuba.tabular import column_letter

TEMPLATES = Path(__file__).resolve().parents[2] / "surveys" / "data" / "templates"


def _export(template: str, n: int, seed: int = 1) -> tuple[list[str], list[list], tuple]:
    definition = parse_definition(json.loads((TEMPLATES / f"{template}.json").read_text(encoding="utf-8")))
    rng = random.Random(seed)
    columns = exports.columns(definition)
    rows = []
    for i in range(n):
        sex = rng.choice(["F", "M", "M", "F", "X"])
        answers: dict = {}
        for q in definition.questions:
            lean = 0.2 if sex == "M" else 0.0
            if q.type == "matrix":
                answers[q.code] = {
                    it.code: str(min(4, max(1, round(rng.gauss(2.6 - 2 * lean, 0.9))))) for it in q.items
                }
            elif q.type == "likert":
                answers[q.code] = str(rng.choice(["1", "1", "2", "2", "3", "4"]))
            elif q.type == "multiple":
                answers[q.code] = [c.code for c in q.choices[:-1] if rng.random() < 0.4]
            elif q.type.startswith("text") and rng.random() < 0.5:
                answers[q.code] = rng.choice(
                    [
                        "残業が減って働きやすくなった",
                        "育休を取りやすい雰囲気がほしい",
                        "上司に相談しやすい。田中さんありがとう 090-1234-5678",
                    ]
                )
        attributes = [
            sex,
            rng.choice(["-29", "30", "40", "50", "60+"]),
            rng.choice(["staff", "chief", "manager"]),
            "regular",
            "3-9",
            "none",
        ][: len(definition.attributes)]
        rows.append(
            [
                f"id{i}",
                "2025-06-01",
                rng.choice(["A社", "B社"]),
                "ウェブ",
                *attributes,
                *[c.value(answers) for c in columns],
            ]
        )
    return exports.header(definition), rows, exports.codebook(definition)


def test_cli_on_the_platform_export(tmp_path):
    header, rows, (book_header, book_rows) = _export("workplace.v1", 400)
    path = tmp_path / "回答.xlsx"
    path.write_bytes(
        xlsx_bytes(header, rows, sheet_title="回答", extra_sheets=[("コードブック", book_header, book_rows)])
    )
    assert main([str(path), "--json", str(tmp_path / "a.json"), "--xlsx", str(tmp_path / "a.xlsx")]) == 0
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert report["responses"] == 400 and report["threshold"] == 5
    codes = {d["item_code"] for d in report["distributions"]}
    assert {"WS-A01", "WS-Z01", "WS-Z02"} <= codes
    assert any(t["row_attribute"] == "年齢" for t in report["crosstabs"])  # '-29' came back from "'-29"
    ages = next(t for t in report["crosstabs"] if t["row_attribute"] == "年齢")
    assert ages["rows"][0]["n"] is not None
    assert set(report["gaps"]) >= {"sex", "managers", "young_old"}
    assert {r["organisation"] for r in report["recognition"]} == {"A社", "B社"}
    free = report["free_text"][0]["result"]
    assert all("1234" not in t and "田中" not in t for t in free["texts"])
    assert "NaN" not in (tmp_path / "a.json").read_text(encoding="utf-8")
    workbook = load_workbook(tmp_path / "a.xlsx")
    assert {"分布", "クロス集計", "気づきポイント", "3分の2基準"} <= set(workbook.sheetnames)


def test_cli_csv_with_codebook_cp932_national_and_before_after(tmp_path):
    header, rows, (book_header, book_rows) = _export("unconscious_bias.v1", 300)
    (tmp_path / "after.csv").write_bytes(csv_bytes(header, rows, encoding="cp932"))
    (tmp_path / "book.csv").write_bytes(csv_bytes(book_header, book_rows))
    header2, rows2, _ = _export("unconscious_bias.v1", 250, seed=2)
    (tmp_path / "before.csv").write_bytes(csv_bytes(header2, rows2))
    code = main(
        [
            str(tmp_path / "after.csv"),
            "--codebook",
            str(tmp_path / "book.csv"),
            "--before",
            str(tmp_path / "before.csv"),
            "--before-codebook",
            str(tmp_path / "book.csv"),
        ]
    )
    assert code == 0
    report = json.loads((tmp_path / "after.csv.analysis.json").read_text(encoding="utf-8"))
    assert any(n["item_code"] == "UB-H01" and n["group"] == "男性" for n in report["national"])
    assert report["change"]["unweighted"]["items"]
    assert report["multiple_choice"][0]["item_code"] == "UB-SRC"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage\x81", "文字コード"),
        ("列,何か\n".encode(), "コードブックの見出し"),
    ],
)
def test_cli_bad_codebook_or_encoding(tmp_path, capsys, content, message):
    header, rows, _ = _export("workplace.v1", 10)
    (tmp_path / "r.csv").write_bytes(csv_bytes(header, rows))
    (tmp_path / "book.csv").write_bytes(content)
    assert main([str(tmp_path / "r.csv"), "--codebook", str(tmp_path / "book.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_wrong_codebook_and_threshold(tmp_path, capsys):
    header, rows, _ = _export("workplace.v1", 10)
    _, _, (book_header, book_rows) = _export("unconscious_bias.v1", 1)
    (tmp_path / "r.csv").write_bytes(csv_bytes(header, rows))
    (tmp_path / "book.csv").write_bytes(csv_bytes(book_header, book_rows))
    assert main([str(tmp_path / "r.csv"), "--codebook", str(tmp_path / "book.csv")]) == 2
    assert "データにありません" in capsys.readouterr().err
    assert main([str(tmp_path / "r.csv"), "--threshold", "2"]) == 2
    assert "3人以上" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.xlsx")]) == 2
    assert "見つかりません" in capsys.readouterr().err


# --- issue 12 case 8: codes, labels and full-width forms; unrecognised cells; any directory; output names --------


def _write_csv(tmp_path, name, header, rows, book):
    (tmp_path / name).write_bytes(csv_bytes(header, rows))
    (tmp_path / "book.csv").write_bytes(csv_bytes(*book))
    return tmp_path / name


def _report(tmp_path, path):
    assert main([str(path), "--codebook", str(tmp_path / "book.csv")]) == 0
    report = json.loads(path.with_name(path.name + ".analysis.json").read_text(encoding="utf-8"))
    return report


def _sex_rows(report):
    table = next(t for t in report["crosstabs"] if t["row_attribute"] == "性別" and t["item_code"] == "WS-Z01")
    return {r["code"]: r["n"] for r in table["rows"]}


@pytest.mark.parametrize(
    "spelling",
    [
        {"F": "女性", "M": "男性", "X": "その他"},  # labels
        {"F": "Ｆ", "M": "Ｍ", "X": "Ｘ"},  # full width
        {"F": "f", "M": "m", "X": "x"},  # lower case
    ],
    ids=["labels", "full-width", "lower-case"],
)
def test_attribute_labels_and_full_width_forms_give_the_same_results_as_codes(tmp_path, spelling):
    header, rows, book = _export("workplace.v1", 400)
    sex = header.index("sex")
    by_codes = _report(tmp_path, _write_csv(tmp_path, "codes.csv", header, rows, book))
    respelled = [[*r[:sex], spelling[r[sex]], *r[sex + 1 :]] for r in rows]
    by_labels = _report(tmp_path, _write_csv(tmp_path, "labels.csv", header, respelled, book))
    assert _sex_rows(by_codes)["F"] > 100  # the women are there …
    assert by_labels == by_codes  # … and every figure is the same, whatever the spelling


def test_a_spreadsheet_that_turned_codes_into_numbers_gives_the_same_results(tmp_path):
    header, rows, book = _export("workplace.v1", 300)
    age = header.index("age_band")
    by_codes = _report(tmp_path, _write_csv(tmp_path, "codes.csv", header, rows, book))
    saved = [[*r[:age], {"-29": -29, "60+": 60}.get(r[age], r[age]), *r[age + 1 :]] for r in rows]
    path = tmp_path / "saved.xlsx"
    path.write_bytes(xlsx_bytes(header, saved, sheet_title="回答", extra_sheets=[("コードブック", *book)]))
    assert main([str(path)]) == 0
    assert json.loads((tmp_path / "saved.xlsx.analysis.json").read_text(encoding="utf-8")) == by_codes


def test_unrecognised_attribute_and_item_cells_are_errors_naming_the_cells(tmp_path, capsys):
    header, rows, book = _export("workplace.v1", 30)
    rows[3][header.index("sex")] = "女子"
    rows[7][header.index("WS-Z01")] = "とても"
    path = _write_csv(tmp_path, "r.csv", header, rows, book)
    assert main([str(path), "--codebook", str(tmp_path / "book.csv")]) == 2
    err = capsys.readouterr().err
    sex, item = column_letter(header.index("sex")), column_letter(header.index("WS-Z01"))
    assert f"5行目 {sex}列（sex）：「女子」は選択肢にありません" in err
    assert f"9行目 {item}列（WS-Z01）：「とても」は選択肢にありません" in err
    assert not path.with_name("r.csv.analysis.json").exists()


def test_csv_and_xlsx_of_one_name_write_different_results(tmp_path):
    header, rows, book = _export("workplace.v1", 50)
    _write_csv(tmp_path, "x.csv", header, rows, book)
    (tmp_path / "x.xlsx").write_bytes(
        xlsx_bytes(header, rows, sheet_title="回答", extra_sheets=[("コードブック", *book)])
    )
    assert main([str(tmp_path / "x.csv"), "--codebook", str(tmp_path / "book.csv")]) == 0
    assert main([str(tmp_path / "x.xlsx")]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"x.csv.analysis.json", "x.csv.analysis.xlsx", "x.xlsx.analysis.json", "x.xlsx.analysis.xlsx"} <= names


def test_the_cli_runs_from_any_directory(tmp_path):
    header, rows, book = _export("unconscious_bias.v1", 60)
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    (elsewhere / "回答.xlsx").write_bytes(
        xlsx_bytes(header, rows, sheet_title="回答", extra_sheets=[("コードブック", *book)])
    )
    repository = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "shokuba.analysis", "回答.xlsx"],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(repository)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((elsewhere / "回答.xlsx.analysis.json").read_text(encoding="utf-8"))
    assert report["responses"] == 60 and report["national"]  # the templates' national figures were found
