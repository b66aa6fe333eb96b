"""`manage.py import_workplace`: the secretariat loads the whole national 女性活躍DB file from the shell, through the
import page's own preview and confirm (built files in the DOMAIN.md §8 layout)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shokuba.core.models import AuditEntry
from shokuba.network.models import Member, Organisation
from shokuba.workplace.models import ImportStatus, IndicatorImport, IndicatorYear
from shokuba.workplace.tests.fixtures import wdb

NUMBERS = [wdb.corporate_number(5_000_000 + i) for i in range(4)]


@pytest.fixture
def network(toyooka: Member, kesennuma: Member) -> dict[str, Organisation]:
    """Two programmes' organisations: three in 豊岡市, one in 気仙沼市."""
    owners = (toyooka, toyooka, toyooka, kesennuma)
    return {
        number: Organisation.objects.create(
            member=owner,
            name=f"株式会社ネットワーク{i}",
            corporate_number=number,
            industry="E",
            size_band="101-300",
            location_id=owner.pk,
            joined_on=dt.date(2025, 4, 1),
        )
        for i, (number, owner) in enumerate(zip(NUMBERS, owners, strict=True))
    }


def _national_file(tmp_path: Path, data: bytes | None = None, name: str = "99_20251030_utf8_bom.zip") -> Path:
    """The national file as published: a ZIP holding 99_20251030_utf8_bom.csv, our four companies among 60."""
    path = tmp_path / name
    if data is None:
        data = wdb.zipped(wdb.csv_bytes(wdb.national(60, first=wdb.example_companies(NUMBERS))))
    path.write_bytes(data)
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_workplace", *args, stdout=out)
    return out.getvalue()


def test_the_national_file_writes_every_programme_s_organisations(
    tmp_path: Path, network: dict[str, Organisation]
) -> None:
    output = _run(str(_national_file(tmp_path)), "--year", "2024")
    assert "「99_20251030_utf8_bom.zip」" in output and "2024年度" in output and "全参加自治体" in output
    assert "読んだ行 60、照合できた企業・団体 4（変更あり 3・変更なし 1）" in output
    assert "雇用管理区分" in output  # the note on values given per category only
    assert "3件の企業・団体の2024年度の値を書き込みました" in output
    years = {y.organisation.corporate_number: y for y in IndicatorYear.objects.select_related("organisation")}
    assert set(years) == {NUMBERS[0], NUMBERS[1], NUMBERS[3]}  # NUMBERS[2] publishes nothing
    assert years[NUMBERS[0]].women_manager_ratio == 12.5 and years[NUMBERS[0]].source == "wdb"
    assert years[NUMBERS[3]].organisation.member_id == "042056"  # another programme, same file
    assert years[NUMBERS[3]].certifications["kurumin_platinum"]["since"] == "2022-10-01"
    batch = IndicatorImport.objects.get()
    assert batch.member is None and batch.status == ImportStatus.CONFIRMED and batch.created_by is None
    assert AuditEntry.objects.filter(target_type="workplace.indicatoryear").count() == 3


def test_member_narrows_to_one_programme(tmp_path: Path, network: dict[str, Organisation]) -> None:
    output = _run(str(_national_file(tmp_path)), "--year", "2024", "--member", "042056")
    assert "宮城県気仙沼市" in output and "照合できた企業・団体 1" in output
    assert [y.organisation.corporate_number for y in IndicatorYear.objects.all()] == [NUMBERS[3]]


def test_dry_run_shows_the_preview_and_writes_nothing(tmp_path: Path, network: dict[str, Organisation]) -> None:
    output = _run(str(_national_file(tmp_path)), "--year", "2024", "--dry-run")
    assert "照合できた企業・団体 4" in output and "何も書き込んでいません" in output
    assert not IndicatorYear.objects.exists()
    assert IndicatorImport.objects.get().status == ImportStatus.DISCARDED


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (wdb.excel_csv(wdb.national(5, first=wdb.example_companies(NUMBERS))), "桁が失われ"),
        (
            wdb.csv_bytes(
                wdb.national(5, first=wdb.example_companies(NUMBERS)),
                keep=lambda name: name in ("企業名", "法人番号", wdb.OVERTIME, wdb.PAY_GAP_ALL),
            ),
            "半分以上見つからない",
        ),
    ],
)
def test_a_refused_file_exits_2_and_writes_nothing(
    tmp_path: Path, network: dict[str, Organisation], data: bytes, says: str
) -> None:
    with pytest.raises(CommandError) as refused:
        _run(str(_national_file(tmp_path, data, "99_20251030_utf8_bom.csv")), "--year", "2024")
    assert refused.value.returncode == 2
    assert "何も書き込んでいません" in str(refused.value) and says in str(refused.value)
    assert not IndicatorYear.objects.exists() and not IndicatorImport.objects.exists()


def test_unknown_member_or_missing_file_exits_2(tmp_path: Path, network: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError) as unknown:
        _run(str(_national_file(tmp_path)), "--year", "2024", "--member", "999999")
    assert unknown.value.returncode == 2 and "999999" in str(unknown.value)
    with pytest.raises(CommandError) as missing:
        _run(str(tmp_path / "none.zip"), "--year", "2024")
    assert missing.value.returncode == 2 and "none.zip" in str(missing.value)
