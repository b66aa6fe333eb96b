"""From parsed tables to rows ready to write: areas checked against the 1,788 local governments, every sex present,
the table and year the user named matching the file. Nothing here writes; services.statistics_* does, atomically.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from shokuba.network.models import LocalGovernment
from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.regional.estat.grid import read_table_file
from shokuba.regional.estat.tables import (
    ParsedAgeSexTable,
    ParsedFlowTable,
    parse_age_sex_table,
    parse_prefecture_flows,
)
from shokuba.regional.indicators import SEXES
from shokuba.regional.models import (
    AGE_FIELDS,
    MIGRATION_TABLES,
    NATION_CODE,
    AgeSexFigures,
    PrefectureFlow,
    StatisticsTable,
)

Progress = Callable[[int, str], None]

TOKYO_SPECIAL_WARDS_AGGREGATE = "13100"


def table_label(table: str) -> str:
    return str(dict(StatisticsTable.choices).get(table, table))


@dataclass(frozen=True)
class AreaDirectory:
    """The statistics' 5-digit codes against the local governments' 6-digit ones."""

    code6_by_code5: dict[str, str]
    designated_bodies: dict[str, tuple[int, ...]]  # prefecture -> bodies of designated cities (100, 130, …)

    @classmethod
    def load(cls) -> AreaDirectory:
        codes = list(LocalGovernment.objects.values_list("code", flat=True))
        designated: dict[str, list[int]] = defaultdict(list)
        for code in codes:
            body = int(code[2:5])
            # 政令指定都市 have bodies 100-199 ending in 0; Tokyo's wards (131xx) are not cities.
            if 100 <= body < 200 and body % 10 == 0 and code[:2] != "13":
                designated[code[:2]].append(body)
        return cls({c[:5]: c for c in codes}, {k: tuple(sorted(v)) for k, v in designated.items()})

    def classify(self, code5: str) -> tuple[str, str | None]:
        """('area', code6), ('nation', 000000), or ('aggregate' | 'ward' | 'unknown', None)."""
        if code5 == "00000":
            return "nation", NATION_CODE
        if code5 in self.code6_by_code5:
            return "area", self.code6_by_code5[code5]
        body = int(code5[2:])
        if code5 == TOKYO_SPECIAL_WARDS_AGGREGATE or 0 < body < 100:
            return "aggregate", None  # 特別区部, 市部, 郡部: sums of rows the table also lists
        if 100 < body < 200 and any(b < body < b + 30 for b in self.designated_bodies.get(code5[:2], ())):
            return "ward", None  # a designated city's ward; the city's own row is used
        return "unknown", None


@dataclass
class PreparedImport:
    """What an import will write, checked and complete."""

    table: str
    year: int
    synthetic: bool
    source_name: str
    source_sha256: str = ""
    figures: list[AgeSexFigures] = field(default_factory=list)
    flows: list[PrefectureFlow] = field(default_factory=list)
    area_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.figures) + len(self.flows)


def _check_table_and_year(
    parsed: ParsedAgeSexTable | ParsedFlowTable, *, table: str, year: int | None, place: Place
) -> int:
    if parsed.table is not None and parsed.table != table:
        raise StatisticsImportError.at(
            parsed.table_place or place,
            _(
                "このファイルは「%(found)s」の表です。「%(expected)s」として取り込むことはできません。統計表の選択を確認してください。"
            )
            % {"found": table_label(parsed.table), "expected": table_label(table)},
        )
    if year is not None and parsed.year is not None and parsed.year != year:
        raise StatisticsImportError.at(
            parsed.table_place or place,
            _("このファイルは%(found)d年の表です（指定された年は%(expected)d年です）。")
            % {"found": parsed.year, "expected": year},
        )
    chosen = year or parsed.year
    if chosen is None:
        raise StatisticsImportError.at(place, _("表の年が分かりません。取り込む年を指定してください。"))
    return chosen


def prepare_age_sex(
    parsed: ParsedAgeSexTable,
    *,
    table: str,
    year: int | None,
    source_name: str,
    directory: AreaDirectory | None = None,
    require_complete: bool = False,
) -> PreparedImport:
    """Rows of AgeSexFigures (unsaved) for every area, or every problem found with its place.

    require_complete: the file must be the whole national table (全国, all 47 prefectures and most of each
    prefecture's municipalities), so that a file cut off between two areas is refused rather than imported
    as if complete.
    """
    place = parsed.place
    chosen_year = _check_table_and_year(parsed, table=table, year=year, place=place)
    directory = directory or AreaDirectory.load()
    problems: list[ImportProblem] = []
    prepared = PreparedImport(table=table, year=chosen_year, synthetic=parsed.synthetic, source_name=source_name)
    seen: dict[tuple[str, str], int] = {}
    first_row: dict[str, int] = {}
    skipped: dict[str, int] = defaultdict(int)
    for record in parsed.records:
        kind, code6 = directory.classify(record.code)
        if kind in ("aggregate", "ward"):
            skipped[kind] += 1
            continue
        if code6 is None:
            problems.append(
                ImportProblem(
                    place.at(row=record.row, column=parsed.code_column),
                    _("団体コード「%(code)s」（%(name)s）は全国地方公共団体コードにありません。")
                    % {"code": record.code, "name": record.name or _("名称なし")},
                )
            )
            continue
        if table != StatisticsTable.NET_MIGRATION and any(
            v is not None and v < 0 for v in (record.total, *record.ages)
        ):
            problems.append(
                ImportProblem(
                    place.at(row=record.row),
                    _(
                        "負の数があります。「%(expected)s」に負の数はありません。転入超過数（表11-3）のファイルではありませんか。"
                    )
                    % {"expected": table_label(table)},
                )
            )
            continue
        key = (code6, record.sex)
        if key in seen:
            problems.append(
                ImportProblem(
                    place.at(row=record.row, column=parsed.code_column),
                    _("団体コード「%(code)s」の「%(sex)s」の行が2回あります（%(first)d行目と重複）。")
                    % {"code": record.code, "sex": _sex_label(record.sex), "first": seen[key]},
                )
            )
            continue
        seen[key] = record.row
        first_row.setdefault(code6, record.row)
        values: dict[str, Any] = dict(zip(AGE_FIELDS, record.ages, strict=True))
        prepared.figures.append(
            AgeSexFigures(table=table, year=chosen_year, area_code=code6, sex=record.sex, total=record.total, **values)
        )
        if len(problems) > 200:
            break
    by_area: dict[str, set[str]] = defaultdict(set)
    for code6, sex in seen:
        by_area[code6].add(sex)
    for code6, sexes in sorted(by_area.items()):
        missing = [s for s in SEXES if s not in sexes]
        if missing:
            problems.append(
                ImportProblem(
                    place.at(row=first_row[code6]),
                    _("団体コード「%(code)s」に「%(sexes)s」の行がありません。")
                    % {"code": code6[:5], "sexes": "・".join(_sex_label(s) for s in missing)},
                )
            )
    if problems:
        raise StatisticsImportError(problems)
    if require_complete:
        gaps = _coverage_gaps(set(by_area), directory)
        if gaps:
            raise StatisticsImportError.at(
                place,
                _(
                    "表が全国分そろっていません（%(gaps)s）。ファイルが途中で切れているか、一部の地域だけの表です。"
                    "e-Stat からダウンロードした表をそのまま取り込んでください。"
                )
                % {"gaps": "、".join(gaps[:5]) + ("…" if len(gaps) > 5 else "")},
            )
    prepared.area_count = len(by_area)
    mismatched = sum(
        1
        for f in prepared.figures
        if f.total is not None and None not in f.ages and f.total != sum(v for v in f.ages if v is not None)
    )
    if skipped["aggregate"]:
        prepared.notes.append(
            _("集計行（特別区部・市部・郡部など）%(n)d 行は、内訳の行があるため取り込みませんでした。")
            % {"n": skipped["aggregate"]}
        )
    if skipped["ward"]:
        prepared.notes.append(
            _("政令指定都市の区の行 %(n)d 行は取り込まず、市全体の行を使いました。") % {"n": skipped["ward"]}
        )
    if mismatched:
        prepared.notes.append(
            _("総数が年齢階級の合計と一致しない行が %(n)d 行あります（原表のまま取り込みました）。") % {"n": mismatched}
        )
    return prepared


# A prefecture's municipalities may differ a little from today's list in older tables (mergers); a cut-off
# file loses whole prefectures or most of the last one.
MUNICIPALITY_COVERAGE = 0.8


def _coverage_gaps(present: set[str], directory: AreaDirectory) -> list[str]:
    gaps: list[str] = []
    if NATION_CODE not in present:
        gaps.append(_("全国の行がありません"))
    expected: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    for code6 in directory.code6_by_code5.values():
        if code6[2:5] != "000":
            expected[code6[:2]] += 1
            found[code6[:2]] += code6 in present
    for prefecture in sorted(expected):
        prefecture_code6 = directory.code6_by_code5.get(f"{prefecture}000")
        if prefecture_code6 is not None and prefecture_code6 not in present:
            gaps.append(_("都道府県コード %(code)s の行がありません") % {"code": prefecture})
        elif found[prefecture] < MUNICIPALITY_COVERAGE * expected[prefecture]:
            gaps.append(
                _("都道府県コード %(code)s の市区町村が %(found)d / %(expected)d しかありません")
                % {"code": prefecture, "found": found[prefecture], "expected": expected[prefecture]}
            )
    return gaps


def prepare_prefecture_flows(parsed: ParsedFlowTable, *, year: int | None, source_name: str) -> PreparedImport:
    chosen_year = _check_table_and_year(parsed, table=StatisticsTable.PREFECTURE_FLOWS, year=year, place=parsed.place)
    prepared = PreparedImport(
        table=StatisticsTable.PREFECTURE_FLOWS, year=chosen_year, synthetic=parsed.synthetic, source_name=source_name
    )
    for record in parsed.records:
        prepared.flows.append(
            PrefectureFlow(
                year=chosen_year,
                origin=record.origin,
                destination=record.destination,
                sex=record.sex,
                movers=record.movers,
            )
        )
    prepared.area_count = len({r.origin for r in parsed.records})
    return prepared


def _sex_label(sex: str) -> str:
    return {"T": _("総数"), "M": _("男"), "F": _("女")}[sex]


def prepare_file(
    data: bytes,
    *,
    file_name: str,
    table: str,
    year: int | None,
    progress: Progress | None = None,
    directory: AreaDirectory | None = None,
) -> PreparedImport:
    """Read, parse and check one downloaded file. Raises StatisticsImportError; writes nothing."""
    sheets = read_table_file(data, file_name=file_name, progress=progress)
    if table == StatisticsTable.PREFECTURE_FLOWS:
        prepared = prepare_prefecture_flows(
            parse_prefecture_flows(sheets, file_name=file_name), year=year, source_name=file_name
        )
    else:
        parsed = parse_age_sex_table(sheets, file_name=file_name, progress=progress)
        prepared = prepare_age_sex(
            parsed,
            table=table,
            year=year,
            source_name=file_name,
            directory=directory,
            # The 住民基本台帳人口移動報告 tables list 全国, every prefecture and municipality; population files
            # come from several sources in other shapes, so only the migration tables are held to completeness.
            require_complete=settings.REGIONAL_REQUIRE_COMPLETE_TABLES and table in MIGRATION_TABLES,
        )
    prepared.source_sha256 = hashlib.sha256(data).hexdigest()
    return prepared
