"""From parsed tables to rows ready to write: areas checked against the 1,788 local governments, every sex present,
the table and year the user named matching the file. Nothing here writes; services.statistics_* does, atomically.
"""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shokuba.network.models import LocalGovernment
from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.regional.estat.grid import read_table_file
from shokuba.regional.estat.tables import (
    Movers,
    ParsedAgeSexTable,
    ParsedFlowTable,
    looks_like_prefecture_flows,
    parse_age_sex_tables,
    parse_prefecture_flows,
)
from shokuba.regional.indicators import SEXES
from shokuba.regional.models import NATION_CODE, StatisticsTable

Progress = Callable[[int, str], None]

TOKYO_SPECIAL_WARDS_AGGREGATE = "13100"
AGGREGATE_NAMES = ("特別区部", "市部", "郡部")
# A prefecture's municipalities may differ a little from today's list in older tables (mergers); below this share
# of its municipalities a prefecture counts as not covered by the file.
MUNICIPALITY_COVERAGE = 0.8
# One row of AgeSexFigures as written: area code, sex, total, the 19 age groups.
FigureRow = tuple[Any, ...]
# One row of PrefectureFlow: origin, destination, sex, movers.
FlowRow = tuple[str, str, str, int | None]


def table_label(table: str) -> str:
    return str(dict(StatisticsTable.choices).get(table, table))


@dataclass(frozen=True)
class AreaDirectory:
    """The statistics' 5-digit codes against the local governments' 6-digit ones."""

    code6_by_code5: dict[str, str]
    designated_bodies: dict[str, tuple[int, ...]]  # prefecture -> bodies of designated cities (100, 130, …)
    names: dict[str, str]  # code6 -> full name (都道府県 + 市区町村)

    @classmethod
    def load(cls) -> AreaDirectory:
        governments = list(LocalGovernment.objects.values_list("code", "prefecture_name", "city_name"))
        designated: dict[str, list[int]] = defaultdict(list)
        for code, _prefecture, _city in governments:
            body = int(code[2:5])
            # 政令指定都市 have bodies 100-199 ending in 0; Tokyo's wards (131xx) are not cities.
            if 100 <= body < 200 and body % 10 == 0 and code[:2] != "13":
                designated[code[:2]].append(body)
        return cls(
            {c[:5]: c for c, _p, _n in governments},
            {k: tuple(sorted(v)) for k, v in designated.items()},
            {c: f"{p}{n}" for c, p, n in governments},
        )

    def classify(self, code5: str, name: str = "") -> tuple[str, str | None]:
        """('area', code6), ('nation', 000000), or ('aggregate' | 'district' | 'ward' | 'unknown', None).

        aggregate: 特別区部, 市部, 郡部; district: a 郡 (30300 海草郡), the sum of its towns and villages. Both are
        sums of rows the table also lists; their codes are not local government codes."""
        if code5 == "00000":
            return "nation", NATION_CODE
        if code5 in self.code6_by_code5:
            return "area", self.code6_by_code5[code5]
        label = name.replace(" ", "").replace("\u3000", "")
        body = int(code5[2:])
        if code5 == TOKYO_SPECIAL_WARDS_AGGREGATE or label in AGGREGATE_NAMES or 0 < body < 100:
            return "aggregate", None
        if label.endswith("郡") or (not label and body >= 300 and body % 10 == 0):
            return "district", None
        if 100 < body < 200 and any(b < body < b + 30 for b in self.designated_bodies.get(code5[:2], ())):
            return "ward", None  # a designated city's ward; the city's own row is used
        return "unknown", None

    @property
    def area_total(self) -> int:
        """Every area a national table has: the nation, 47 prefectures and their municipalities."""
        return len(self.code6_by_code5) + 1


@dataclass(frozen=True)
class AreaScope:
    """The areas one import may write: a coordinator imports only their own member's areas (a prefecture member:
    the prefecture and its municipalities; a municipality member: itself)."""

    member_code: str
    label: str
    prefecture_wide: bool

    def allows(self, code6: str) -> bool:
        if code6 == NATION_CODE:
            return False
        if self.prefecture_wide:
            return code6[:2] == self.member_code[:2]
        return code6 == self.member_code


@dataclass
class PreparedImport:
    """What an import will write, checked and complete."""

    table: str
    year: int
    synthetic: bool
    source_name: str
    source_sha256: str = ""
    movers: str = Movers.ALL
    figures: list[FigureRow] = field(default_factory=list)
    flows: list[FlowRow] = field(default_factory=list)
    area_codes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    complete: bool = False  # the whole national table: 全国, 47 prefectures, (nearly) all municipalities
    scope: str = ""  # in words, which areas the import covers

    @property
    def area_count(self) -> int:
        return len(self.area_codes)

    @property
    def row_count(self) -> int:
        return len(self.figures) + len(self.flows)


def _check_table_and_year(
    parsed: ParsedAgeSexTable | ParsedFlowTable, *, table: str | None, year: int | None, place: Place
) -> int:
    if table is not None and parsed.table is not None and parsed.table != table:
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
    table: str | None,
    year: int | None,
    source_name: str,
    directory: AreaDirectory | None = None,
    scope: AreaScope | None = None,
) -> PreparedImport:
    """Rows of AgeSexFigures for every area the table holds, or every problem found with its place.

    A table may cover any set of areas (a prefecture's own download holds that prefecture and its municipalities):
    the import replaces those areas only. `scope` narrows the rows to the areas a coordinator may write."""
    place = parsed.place
    chosen_year = _check_table_and_year(parsed, table=table, year=year, place=place)
    found_table = parsed.table or table
    assert found_table is not None  # the parser names the table or refuses
    directory = directory or AreaDirectory.load()
    problems: list[ImportProblem] = []
    prepared = PreparedImport(
        table=found_table,
        year=chosen_year,
        synthetic=parsed.synthetic,
        source_name=source_name,
        movers=parsed.movers,
        notes=list(parsed.notes),
    )
    seen: dict[tuple[str, str], int] = {}
    first_row: dict[str, int] = {}
    skipped: dict[str, set[str]] = defaultdict(set)
    outside: set[str] = set()
    net = found_table == StatisticsTable.NET_MIGRATION
    for record in parsed.records:
        kind, code6 = directory.classify(record.code, record.name)
        if kind in ("aggregate", "district", "ward"):
            skipped[kind].add(record.code)
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
        if scope is not None and not scope.allows(code6):
            outside.add(code6)
            continue
        if not net and any(v is not None and v < 0 for v in (record.total, *record.ages)):
            problems.append(
                ImportProblem(
                    place.at(row=record.row),
                    _(
                        "負の数があります。「%(expected)s」に負の数はありません。転入超過数（表11-3）のファイルではありませんか。"
                    )
                    % {"expected": table_label(found_table)},
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
        prepared.figures.append((code6, record.sex, record.total, *record.ages))
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
                    place.at(row=first_row[code6] or None),
                    _("団体コード「%(code)s」に「%(sexes)s」の行がありません。")
                    % {"code": code6[:5], "sexes": "・".join(_sex_label(s) for s in missing)},
                )
            )
    if problems:
        raise StatisticsImportError(problems)
    if scope is not None and not by_area:
        raise StatisticsImportError.at(
            place,
            _(
                "このファイルには、取り込める地域（%(scope)s）の行がありません。参加自治体の担当者は、"
                "担当する地域の数値だけを取り込めます。"
            )
            % {"scope": scope.label},
        )
    prepared.area_codes = sorted(by_area)
    prepared.complete, prepared.scope = coverage_of(set(by_area), directory)
    if skipped["district"]:
        prepared.notes.append(
            _("郡の行（%(codes)s など %(n)d 地域）は、郡に属する町村の行があるため取り込みませんでした。")
            % {"codes": "・".join(sorted(skipped["district"])[:3]), "n": len(skipped["district"])}
        )
    if skipped["aggregate"]:
        prepared.notes.append(
            _("集計の行（特別区部・市部・郡部 %(n)d 地域）は、内訳の行があるため取り込みませんでした。")
            % {"n": len(skipped["aggregate"])}
        )
    if skipped["ward"]:
        prepared.notes.append(
            _("政令指定都市の区の行（%(n)d 区）は取り込まず、市全体の行を使いました。") % {"n": len(skipped["ward"])}
        )
    if outside:
        prepared.notes.append(
            _("担当する地域（%(scope)s）の外の %(n)d 地域は取り込みませんでした。")
            % {"scope": scope.label if scope else "", "n": len(outside)}
        )
    if not prepared.complete:
        prepared.notes.append(
            _("この取込は %(scope)s の %(n)d 地域分です。ほかの地域の数値は変わりません。")
            % {"scope": prepared.scope, "n": prepared.area_count}
        )
    mismatched = sum(
        1 for row in prepared.figures if row[2] is not None and None not in row[3:] and row[2] != sum(row[3:])
    )
    if mismatched:
        prepared.notes.append(
            _("総数が年齢階級の合計と一致しない行が %(n)d 行あります（原表のまま取り込みました）。") % {"n": mismatched}
        )
    return prepared


def coverage_of(present: set[str], directory: AreaDirectory) -> tuple[bool, str]:
    """Whether a set of areas is the whole national table, and the areas in words (全国, 和歌山県, …)."""
    expected: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    prefectures_present: list[str] = []
    for code6 in directory.code6_by_code5.values():
        if code6[2:5] == "000":
            if code6 in present:
                prefectures_present.append(code6)
            continue
        expected[code6[:2]] += 1
        found[code6[:2]] += code6 in present
    covered = [p for p in sorted(expected) if found[p] >= MUNICIPALITY_COVERAGE * expected[p]]
    # Population tables have no 全国 row; every prefecture with (nearly) all its municipalities is the whole country.
    complete = len(prefectures_present) == 47 and len(covered) == len(expected)
    if complete:
        if NATION_CODE in present:
            return True, str(_("全国（全国・47都道府県・市区町村）"))
        return True, str(_("全国（47都道府県・市区町村）"))
    touched = sorted({code[:2] for code in present if code != NATION_CODE})
    names = [directory.names.get(directory.code6_by_code5.get(f"{p}000", ""), p) for p in touched]
    parts = []
    if NATION_CODE in present:
        parts.append(str(_("全国")))
    if names:
        shown = "・".join(names[:5])
        parts.append(shown + (_("ほか%(n)d都道府県") % {"n": len(names) - 5} if len(names) > 5 else ""))
    return False, "・".join(parts)


def prepare_prefecture_flows(parsed: ParsedFlowTable, *, year: int | None, source_name: str) -> PreparedImport:
    chosen_year = _check_table_and_year(parsed, table=StatisticsTable.PREFECTURE_FLOWS, year=year, place=parsed.place)
    prepared = PreparedImport(
        table=StatisticsTable.PREFECTURE_FLOWS, year=chosen_year, synthetic=parsed.synthetic, source_name=source_name
    )
    prepared.flows = [(r.origin, r.destination, r.sex, r.movers) for r in parsed.records]
    origins = sorted({r.origin for r in parsed.records})
    prepared.area_codes = origins
    prepared.complete = len(origins) == 47
    prepared.scope = str(_("全国（47都道府県）")) if prepared.complete else ", ".join(origins)
    return prepared


def _sex_label(sex: str) -> str:
    return {"T": _("総数"), "M": _("男"), "F": _("女")}[sex]


def prepare_file(
    data: bytes,
    *,
    file_name: str,
    table: str | None,
    year: int | None,
    progress: Progress | None = None,
    directory: AreaDirectory | None = None,
    scope: AreaScope | None = None,
) -> list[PreparedImport]:
    """Read, parse and check one downloaded file: one import per table it holds (a database download of 表11 may
    hold 転入者数, 転出者数 and 転入超過数 together). Raises StatisticsImportError; writes nothing."""
    with cyclic_collection_paused():
        return _prepare_file(
            data, file_name=file_name, table=table, year=year, progress=progress, directory=directory, scope=scope
        )


@contextmanager
def cyclic_collection_paused() -> Iterator[None]:
    """A whole-country table is some 400,000 cells read into lists of strings: nothing in them refers back to
    anything, yet the cyclic garbage collector walks them again and again while they are made (a tenth of an
    import's time). It is paused for the read and parse, and runs as usual afterwards (reference counting frees
    everything meanwhile)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepare_file(
    data: bytes,
    *,
    file_name: str,
    table: str | None,
    year: int | None,
    progress: Progress | None,
    directory: AreaDirectory | None,
    scope: AreaScope | None,
) -> list[PreparedImport]:
    sheets = read_table_file(data, file_name=file_name, progress=progress)
    prepared: list[PreparedImport]
    if table == StatisticsTable.PREFECTURE_FLOWS or (table is None and looks_like_prefecture_flows(sheets)):
        if scope is not None:
            raise StatisticsImportError.at(
                Place(file_name), _("都道府県間移動者数の表は全国の表のため、事務局が取り込みます。")
            )
        prepared = [
            prepare_prefecture_flows(
                parse_prefecture_flows(sheets, file_name=file_name), year=year, source_name=file_name
            )
        ]
    else:
        directory = directory or AreaDirectory.load()
        parsed_tables = parse_age_sex_tables(sheets, file_name=file_name, table=table, year=year, progress=progress)
        prepared = [
            prepare_age_sex(parsed, table=table, year=year, source_name=file_name, directory=directory, scope=scope)
            for parsed in parsed_tables
        ]
    digest = hashlib.sha256(data).hexdigest()
    for item in prepared:
        item.source_sha256 = digest
    return prepared
