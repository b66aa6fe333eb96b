"""Imports: the 女性の活躍推進企業データベース file and the platform's template, each bad input with the cell named and
the indicator data untouched until the preview is confirmed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from shokuba.core.models import AuditEntry
from shokuba.network.models import Member, Organisation, User
from shokuba.workplace import imports, services, synthetic
from shokuba.workplace.models import ImportStatus, IndicatorImport, IndicatorYear

NUMBERS = [synthetic.corporate_number(4_000_000 + i) for i in range(3)]


@pytest.fixture
def companies(toyooka: Member) -> list[Organisation]:
    return [
        Organisation.objects.create(
            member=toyooka,
            name=f"株式会社照合{i}",
            corporate_number=number,
            industry="E",
            size_band="101-300",
            location_id="282090",
            joined_on=dt.date(2025, 4, 1),
        )
        for i, number in enumerate(NUMBERS)
    ] + [
        Organisation.objects.create(
            member=toyooka,
            name="番号のない組合",
            industry="Q",
            size_band="1-29",
            location_id="282090",
            joined_on=dt.date(2025, 4, 1),
        )
    ]


def _wdb(**kwargs: Any) -> bytes:
    kwargs.setdefault("corporate_numbers", NUMBERS)
    return synthetic.csv_bytes(kwargs.pop("count", 12), **kwargs)


def _preview(actor: Any, member: Member, data: bytes, *, kind: str = "wdb", name: str = "open.csv") -> IndicatorImport:
    return services.indicator_import_preview(
        actor=actor, member=member, kind=kind, data=data, file_name=name, file_sha256="x" * 64, fiscal_year=2024
    )


def _problems(batch: IndicatorImport) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in batch.summary["problems"]]


def _state() -> tuple[list[Any], int]:
    return list(IndicatorYear.objects.order_by("pk").values()), AuditEntry.objects.count()


# --- the open-data file -----------------------------------------------------------------------------------------


def test_wdb_preview_matches_by_corporate_number_and_writes_nothing(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    before = _state()
    batch = _preview(coordinator, toyooka, _wdb())
    assert _state() == before
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.summary["matched"] == 3
    assert batch.summary["rows_read"] == 12
    assert {u["name"] for u in batch.summary["unmatched"]} == {"番号のない組合"}
    assert batch.summary["missing_columns"] == []
    row = batch.rows[0]
    assert row["new"] is True and row["fiscal_year"] == 2024
    assert any(c["code"] == "women_manager_ratio" and c["old"] is None for c in row["changes"])
    assert row["period_note"] == "2024年4月1日～2025年3月31日"


def test_wdb_confirm_writes_all_with_audit_then_refuses_a_second_time(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    batch = _preview(coordinator, toyooka, _wdb())
    audits = AuditEntry.objects.count()
    assert services.indicator_import_confirm(actor=coordinator, batch=batch) == 3
    years = IndicatorYear.objects.filter(fiscal_year=2024)
    assert years.count() == 3
    assert {y.source for y in years} == {"wdb"}
    assert AuditEntry.objects.count() == audits + 3
    year = years.get(organisation=companies[0])
    assert year.women_manager_ratio == year.raw.get("women_manager_ratio")
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)


def test_wdb_reimport_of_the_same_values_changes_nothing(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    services.indicator_import_confirm(actor=coordinator, batch=_preview(coordinator, toyooka, _wdb()))
    again = _preview(coordinator, toyooka, _wdb())
    assert again.summary["unchanged"] == 3 and again.summary["changed"] == 0
    before = _state()
    assert services.indicator_import_confirm(actor=coordinator, batch=again) == 0
    assert _state() == before


def test_wdb_import_keeps_entered_counts(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    services.indicator_year_save(
        actor=coordinator,
        organisation=companies[0],
        fiscal_year=2024,
        raw={"managers": 20, "managers_women": 5},
    )
    batch = _preview(coordinator, toyooka, _wdb())
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    year = IndicatorYear.objects.get(organisation=companies[0], fiscal_year=2024)
    assert year.raw["managers"] == 20
    assert year.women_manager_ratio == 25.0  # the counts win over the published ratio
    assert year.pay_gap_all is not None


def test_stale_preview_is_refused_and_nothing_is_half_written(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    batch = _preview(coordinator, toyooka, _wdb())
    # Someone saves the third company's year after the preview was made.
    services.indicator_year_save(actor=coordinator, organisation=companies[2], fiscal_year=2024, raw={"managers": 3})
    before = _state()
    with pytest.raises(services.ImportNotConfirmable, match="株式会社照合2"):
        services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert _state() == before  # the first two rows were rolled back with the third
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED


def test_bad_cells_are_named_and_skipped(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    data = _wdb(
        cells={
            (0, "管理職女性割合"): "120",
            (1, "平均残業時間"): "約20時間",
            (2, "年休取得率"): "８５．５％",
            (0, "賃金差異（全労働者）"): "-",
            (1, "賃金差異（全労働者）"): "…",
        }
    )
    batch = _preview(coordinator, toyooka, data)
    problems = _problems(batch)
    assert (2, "管理職女性割合", problems[0][2]) in problems
    assert "0〜100%" in problems[0][2] and "取り込みません" in problems[0][2]
    assert any(p[:2] == (3, "平均残業時間") and "約20時間" in p[2] for p in problems)
    assert batch.summary["blocking"] is False
    rows = {r["organisation_id"]: r for r in batch.rows}
    assert "women_manager_ratio" not in rows[companies[0].pk]["raw"]
    assert "avg_monthly_overtime" not in rows[companies[1].pk]["raw"]
    assert rows[companies[2].pk]["raw"]["paid_leave_rate"] == 85.5  # full-width digits read
    assert "pay_gap_all" not in rows[companies[0].pk]["raw"]  # "-" is undisclosed, not zero
    assert "pay_gap_all" not in rows[companies[1].pk]["raw"]
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert IndicatorYear.objects.get(organisation=companies[0]).women_manager_ratio is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_encodings(encoding: str, coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    batch = _preview(coordinator, toyooka, _wdb(encoding=encoding))
    assert batch.summary["matched"] == 3
    assert batch.encoding == ("cp932" if encoding == "cp932" else "utf-8")


def test_zip_and_multiline_cells(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    data = _wdb()
    assert b"\n\xe3" in data or "\n・".encode() in data  # line breaks inside quoted cells
    batch = _preview(coordinator, toyooka, synthetic.zipped(data), name="opendata.zip")
    assert batch.summary["matched"] == 3
    assert any("ZIP" in n for n in batch.summary["notes"])


def test_columns_drift(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    data = _wdb(
        drop=["年休取得率", "平均残業時間"],
        rename={"管理職女性割合": "管理職に占める女性労働者の割合（％）", "企業名": "企業名称"},
    )
    batch = _preview(coordinator, toyooka, data)
    assert batch.summary["missing_columns"] == ["平均残業時間", "年休取得率"]
    assert "平均残業時間" in batch.summary["notes"][0]
    assert batch.summary["matched"] == 3
    assert all("women_manager_ratio" in r["raw"] or r["raw"] == {} for r in batch.rows[:1])


def test_missing_corporate_number_column_is_refused(coordinator: User, toyooka: Member) -> None:
    before = (_state(), IndicatorImport.objects.count())
    with pytest.raises(imports.ImportRefused, match="法人番号"):
        _preview(coordinator, toyooka, _wdb(drop=["法人番号"], corporate_numbers=[]))
    assert (_state(), IndicatorImport.objects.count()) == before


def test_csv_cut_mid_row_is_refused(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    data = _wdb()
    before = (_state(), IndicatorImport.objects.count())
    for cut in (len(data) - 40, len(data) // 2):
        with pytest.raises(imports.ImportRefused, match="途中で切れています"):
            _preview(coordinator, toyooka, data[:cut])
    assert (_state(), IndicatorImport.objects.count()) == before


def test_unknown_corporate_numbers_are_simply_not_ours(coordinator: User, toyooka: Member) -> None:
    batch = _preview(coordinator, toyooka, _wdb(corporate_numbers=[]))
    assert batch.summary["matched"] == 0 and batch.rows == []


def test_zip_bomb_and_broken_zip_are_refused(coordinator: User, toyooka: Member) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", b"0" * (20 * 1024 * 1024))  # compresses over 1000:1
    with pytest.raises(imports.ImportRefused, match="大きすぎます"):
        _preview(coordinator, toyooka, buffer.getvalue(), name="bomb.zip")
    with pytest.raises(imports.ImportRefused, match="壊れているか"):
        _preview(coordinator, toyooka, buffer.getvalue()[:200], name="cut.zip")
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", "a")
        archive.writestr("b.csv", "b")
    with pytest.raises(imports.ImportRefused, match="2個"):
        _preview(coordinator, toyooka, two.getvalue(), name="two.zip")


def test_other_encodings_are_refused(coordinator: User, toyooka: Member) -> None:
    with pytest.raises(imports.ImportRefused, match="文字コード"):
        _preview(coordinator, toyooka, "法人番号,企業名\n".encode() + b"\x85\x40\n")
    with pytest.raises(imports.ImportRefused, match="UTF-16"):  # refused by name at the upload check
        _preview(coordinator, toyooka, "法人番号,企業名\n".encode("utf-16"))


def test_coordinator_cannot_import_for_another_programme(coordinator: User, kesennuma: Member) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _preview(coordinator, kesennuma, _wdb())


# --- the platform's template ------------------------------------------------------------------------------------


def _template(rows: list[list[str]], header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    header = header or [
        "法人番号",
        "企業・団体名",
        "年度",
        "管理職の数（人）",
        "管理職のうち女性の数（人）",
        "テレワーク（在宅勤務等）（あり/なし）",
    ]
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_template_by_number_or_name_preview_then_confirm(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _template(
        [[NUMBERS[0], "", "2024", "10", "２", "あり"], ["", "番号のない組合", "2023年度", "4", "1", "なし"]]
    )
    before = _state()
    batch = _preview(coordinator, toyooka, data, kind="template", name="様式.csv")
    assert _state() == before
    assert batch.summary["problems"] == [] and batch.summary["matched"] == 2
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    first = IndicatorYear.objects.get(organisation=companies[0], fiscal_year=2024)
    assert first.women_manager_ratio == 20.0 and first.flex_telework is True and first.source == "template"
    assert IndicatorYear.objects.get(organisation=companies[3], fiscal_year=2023).women_manager_ratio == 25.0


def test_template_bad_rows_block_and_name_each_cell(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _template(
        [
            [NUMBERS[0], "", "2024", "10", "12", "あり"],  # women managers exceed managers
            [NUMBERS[1], "", "2024", "十", "1", "あり"],  # text in a number cell
            ["1234567890123", "", "2024", "1", "0", ""],  # wrong check digit
            [synthetic.corporate_number(9), "", "2024", "1", "0", ""],  # unknown 法人番号
            ["", "知らない会社", "2024", "1", "0", ""],
            [NUMBERS[2], "", "2024", "5", "1", "たぶん"],
            [NUMBERS[2], "", "1999", "5", "1", ""],
        ]
    )
    before = _state()
    batch = _preview(coordinator, toyooka, data, kind="template")
    problems = _problems(batch)
    assert batch.summary["blocking"] is True
    assert (2, "管理職のうち女性の数（人）") in [p[:2] for p in problems]
    assert any(p[:2] == (3, "管理職の数（人）") and "「十」" in p[2] for p in problems)
    assert any(p[:2] == (4, "法人番号") and "検査数字" in p[2] for p in problems)
    assert any(p[:2] == (5, "法人番号") and "見つかりません" in p[2] for p in problems)
    assert any(p[:2] == (6, "企業・団体名") and "知らない会社" in p[2] for p in problems)
    assert any(p[:2] == (7, "テレワーク（在宅勤務等）（あり/なし）") for p in problems)
    assert any(p[:2] == (8, "年度") for p in problems)
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert _state() == before


def test_template_xlsx_roundtrip(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    from shokuba.core.exports import xlsx_bytes

    header = imports.template_header()
    row = [""] * len(header)
    row[0], row[2] = NUMBERS[1], 2025
    row[header.index("配偶者が出産した男性労働者の数（人）")] = 10
    row[header.index("育児休業等をした男性労働者の数（人）")] = 3
    row[header.index("育児目的休暇を利用した男性労働者の数（育児休業等をした者を除く）（人）")] = 2
    row[header.index("男性の育児休業等取得率の算定式")] = "育児休業等＋育児目的休暇"
    data = xlsx_bytes(header, [row])
    batch = _preview(coordinator, toyooka, data, kind="template", name="様式.xlsx")
    assert batch.summary["problems"] == [], batch.summary["problems"]
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    year = IndicatorYear.objects.get(organisation=companies[1], fiscal_year=2025)
    assert year.male_childcare_leave_formula == "leave_and_purpose"
    assert year.male_childcare_leave_rate == 50.0 and year.male_childcare_leave_rate_leave == 30.0


def test_discard(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    batch = _preview(coordinator, toyooka, _wdb())
    services.indicator_import_discard(actor=coordinator, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and batch.rows == []
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert IndicatorYear.objects.count() == 0
