"""The e-Stat API v3 getStatsData (JSON): paging with NEXT_KEY, CLASS as dict or list, special values.

Every page is fetched before anything is handed on, so a network failure on page 3 leaves nothing half-imported.
The fetch function is injectable: tests pass recorded responses and never touch the network.

Response shape (e-Stat API 3.0 specification, JSON):
GET_STATS_DATA.RESULT{STATUS, ERROR_MSG, DATE}; .PARAMETER{...}; .STATISTICAL_DATA{RESULT_INF{TOTAL_NUMBER,
FROM_NUMBER, TO_NUMBER, NEXT_KEY?}, TABLE_INF{@id, STAT_NAME, TITLE, ...}, CLASS_INF{CLASS_OBJ[{@id, @name,
CLASS: {...} | [{...}]}]}, DATA_INF{NOTE, VALUE: {...} | [{@tab, @cat01, @area, @time, @unit, $}]}}.
STATUS 0 is success, 1 success without data, 2 success with some errors; 100 and over are errors.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shokuba.regional.estat.errors import ImportProblem, Place, StatisticsImportError
from shokuba.regional.estat.tables import (
    SEX_LABELS,
    TOTAL_LABELS,
    AgeSexRecord,
    Movers,
    ParsedAgeSexTable,
    age_label_group,
    choose_movers,
    detect_table,
    detect_year,
    nationality_kind,
    parse_count,
    statistics_code,
)
from shokuba.regional.indicators import AGE_GROUP_COUNT, add, sum_counts

Fetch = Callable[[str, Mapping[str, str]], Mapping[str, Any]]
Progress = Callable[[int, str], None]

MAX_PAGES = 200
TIMEOUT_SECONDS = 60


class EstatApiError(StatisticsImportError):
    pass


def http_fetch(url: str, params: Mapping[str, str]) -> Mapping[str, Any]:
    """One GET to the API; a refused connection or a time-out is reported as a network failure."""
    request = urllib.request.Request(  # noqa: S310 - the URL is the configured https endpoint
        f"{url}?{urllib.parse.urlencode(params)}", headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        payload: Mapping[str, Any] = json.loads(response.read().decode("utf-8"))
        return payload


def as_list(value: Any) -> list[Any]:
    """CLASS, VALUE and NOTE are a dict when they hold one item and a list otherwise."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


@dataclass
class StatsPages:
    """All pages of one getStatsData request, merged."""

    stats_data_id: str
    title: str
    classes: dict[str, dict[str, str]] = field(default_factory=dict)  # dimension id -> code -> name
    class_names: dict[str, str] = field(default_factory=dict)  # dimension id -> its name (性別, 年齢, …)
    values: list[Mapping[str, Any]] = field(default_factory=list)


def _place(stats_data_id: str, page: int | None = None) -> Place:
    name = _("e-Stat API 統計表ID %(id)s") % {"id": stats_data_id}
    return Place(name, _("%(page)dページ目") % {"page": page} if page else "")


def _check_status(payload: Mapping[str, Any], stats_data_id: str, page: int) -> Mapping[str, Any]:
    root = payload.get("GET_STATS_DATA") if isinstance(payload, Mapping) else None
    if not isinstance(root, Mapping) or not isinstance(root.get("RESULT"), Mapping):
        raise EstatApiError.at(
            _place(stats_data_id, page), _("e-Stat API の応答の形が想定と違います（GET_STATS_DATA がありません）。")
        )
    result = root["RESULT"]
    try:
        status = int(result.get("STATUS", -1))
    except (TypeError, ValueError):
        status = -1
    message = str(result.get("ERROR_MSG", ""))
    if status == 1:
        raise EstatApiError.at(
            _place(stats_data_id, page), _("該当するデータがありません（e-Stat：%(message)s）。") % {"message": message}
        )
    if status not in (0, 2):
        raise EstatApiError.at(
            _place(stats_data_id, page),
            _("e-Stat API がエラーを返しました（STATUS %(status)d：%(message)s）。")
            % {"status": status, "message": message},
        )
    data = root.get("STATISTICAL_DATA")
    if not isinstance(data, Mapping):
        raise EstatApiError.at(_place(stats_data_id, page), _("e-Stat API の応答に STATISTICAL_DATA がありません。"))
    return data


def fetch_all_pages(
    *,
    app_id: str,
    stats_data_id: str,
    url: str,
    filters: Mapping[str, str] | None = None,
    fetch: Fetch = http_fetch,
    progress: Progress | None = None,
) -> StatsPages:
    """Every page of a getStatsData request, following NEXT_KEY; raises before returning anything on failure."""
    if not app_id:
        raise EstatApiError.at(
            _place(stats_data_id),
            _("e-Stat API のアプリケーションID（ESTAT_APP_ID）が設定されていません。管理者に設定を依頼してください。"),
        )
    params: dict[str, str] = {"appId": app_id, "statsDataId": stats_data_id, "metaGetFlg": "Y", "cntGetFlg": "N"}
    params.update(filters or {})
    pages = StatsPages(stats_data_id=stats_data_id, title="")
    start: str | None = None
    for page in range(1, MAX_PAGES + 1):
        if start is not None:
            params["startPosition"] = start
        try:
            payload = fetch(url, dict(params))
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            raise EstatApiError.at(
                _place(stats_data_id, page),
                _(
                    "e-Stat API に接続できませんでした（%(detail)s）。"
                    "何も取り込んでいません。時間をおいてやり直してください。"
                )
                % {"detail": getattr(exc, "reason", exc)},
            ) from exc
        except ValueError as exc:
            raise EstatApiError.at(
                _place(stats_data_id, page), _("e-Stat API の応答が JSON として読めません。")
            ) from exc
        data = _check_status(payload, stats_data_id, page)
        if page == 1:
            _read_classes(data, pages)
        values = as_list((data.get("DATA_INF") or {}).get("VALUE"))
        if not values:
            raise EstatApiError.at(
                _place(stats_data_id, page), _("e-Stat API の応答のページにデータ（VALUE）がありません。")
            )
        pages.values.extend(values)
        result_inf = data.get("RESULT_INF") or {}
        if progress:
            total = int(result_inf.get("TOTAL_NUMBER") or len(pages.values))
            progress(
                min(99, len(pages.values) * 100 // max(total, 1)),
                _("%(n)d 件を受信しました") % {"n": len(pages.values)},
            )
        next_key = result_inf.get("NEXT_KEY")
        if not next_key:
            return pages
        start = str(next_key)
    raise EstatApiError.at(
        _place(stats_data_id),
        _("ページ数が多すぎます（%(n)dページ超）。絞り込み条件を指定してください。") % {"n": MAX_PAGES},
    )


def _read_classes(data: Mapping[str, Any], pages: StatsPages) -> None:
    table_inf = data.get("TABLE_INF") or {}
    title = table_inf.get("TITLE")
    statistics_name = table_inf.get("STATISTICS_NAME") or ""
    title_text = title.get("$", "") if isinstance(title, Mapping) else str(title or "")
    pages.title = f"{statistics_name} {title_text}".strip()
    for obj in as_list((data.get("CLASS_INF") or {}).get("CLASS_OBJ")):
        dim = str(obj.get("@id"))
        pages.class_names[dim] = str(obj.get("@name", ""))
        pages.classes[dim] = {str(c.get("@code")): str(c.get("@name", "")) for c in as_list(obj.get("CLASS"))}


@dataclass(frozen=True)
class Dimensions:
    area: str
    age: str
    sex: str
    nationality: str | None
    table_item: str | None
    time: str | None
    others: dict[str, str]  # dimension -> the code of its total, to keep


def _role_by_name(name: str) -> str | None:
    """The role of a CLASS_OBJ by its @name (年齢, 性別, 国籍, 表章項目 …)."""
    label = name.replace(" ", "").replace("\u3000", "")
    if label.startswith("年齢"):
        return "age"
    if label in ("性別", "男女", "男女別"):
        return "sex"
    if label.startswith("国籍"):
        return "nationality"
    if label.startswith("表章項目"):
        return "table_item"
    return None


def _role_by_values(dim: str, names: set[str]) -> str | None:
    if sum(1 for n in names if age_label_group(n) is not None) >= 10:
        return "age"
    if {"男", "女"} <= names or {"男性", "女性"} <= names:
        return "sex"
    if names and all(nationality_kind(n) is not None for n in names):
        return "nationality"
    if dim == "tab" or any(detect_table(n) for n in names):
        return "table_item"
    return None


def _dimensions(pages: StatsPages) -> Dimensions:
    place = _place(pages.stats_data_id)
    roles: dict[str, str] = {}
    others: dict[str, str] = {}
    for dim, codes in pages.classes.items():
        if dim in ("area", "time"):
            continue
        role = _role_by_name(pages.class_names.get(dim, "")) or _role_by_values(dim, set(codes.values()))
        if role is not None and role not in roles:
            roles[role] = dim
            continue
        total = next((code for code, name in codes.items() if name in TOTAL_LABELS or name.startswith("総数")), None)
        if total is None and len(codes) > 1:
            raise EstatApiError.at(
                place,
                _("分類「%(name)s」の総数が分かりません。この分類で絞り込んで（cd%(dim)s）取り込んでください。")
                % {"name": pages.class_names.get(dim, dim), "dim": dim.capitalize()},
            )
        others[dim] = total or next(iter(codes), "")
    if "area" not in pages.classes or "age" not in roles or "sex" not in roles:
        raise EstatApiError.at(
            place,
            _(
                "この統計表には地域・年齢（5歳階級）・男女の分類がそろっていません。"
                "住民基本台帳人口移動報告の年齢・男女別の表を指定してください。"
            ),
        )
    return Dimensions(
        "area",
        roles["age"],
        roles["sex"],
        roles.get("nationality"),
        roles.get("table_item"),
        "time" if "time" in pages.classes else None,
        others,
    )


@dataclass
class _Cells:
    name: str
    total: int | None = None
    has_total: bool = False
    ages: list[int | None] = field(default_factory=lambda: [0] * AGE_GROUP_COUNT)


def parse_stats_pages(pages: StatsPages, *, table: str | None, year: int) -> list[ParsedAgeSexTable]:
    """The VALUEs of one year as tables (転入者数 / 転出者数 / 転入超過数; only `table` when given), as file rows
    would give them. 国籍 is read as in files: 移動者 when present, else 日本人移動者, marked as such."""
    dims = _dimensions(pages)
    place = _place(pages.stats_data_id)
    item_tables: dict[str, str] = {}
    other_tables: set[str] = set()
    if dims.table_item:
        for code, name in pages.classes[dims.table_item].items():
            kind = detect_table(name)
            if kind is None:
                continue
            if table is not None and kind != table:
                other_tables.add(kind)
                continue
            item_tables[code] = kind
        if not item_tables:
            found = ", ".join(pages.classes[dims.table_item].values())
            raise EstatApiError.at(
                place, _("この統計表に指定の表章項目がありません（あるのは：%(found)s）。") % {"found": found}
            )
    title_table = detect_table(pages.title)
    if not dims.table_item:
        if table is not None and title_table not in (None, table):
            raise EstatApiError.at(
                place, _("この統計表（%(title)s）は指定の統計表と違います。") % {"title": pages.title}
            )
        if table is None and title_table is None:
            raise EstatApiError.at(
                place,
                _(
                    "どの統計表（転入者数・転出者数・転入超過数）か、応答の中身から分かりません。統計表を指定してください。"
                ),
            )
    time_codes = {
        c for c, n in pages.classes.get("time", {}).items() if detect_year(n) == year or c.startswith(str(year))
    }
    if dims.time and not time_codes:
        raise EstatApiError.at(place, _("この統計表に%(year)d年のデータがありません。") % {"year": year})
    age_classes = pages.classes[dims.age]
    ages = {code: age_label_group(name) for code, name in age_classes.items()}
    total_age = {code for code, name in age_classes.items() if name in TOTAL_LABELS}
    ignored_ages = [name for code, name in age_classes.items() if ages[code] is None and code not in total_age]
    sexes = {code: SEX_LABELS.get(name) for code, name in pages.classes[dims.sex].items()}
    nationalities: dict[str, str | None] = (
        {code: nationality_kind(name) for code, name in pages.classes[dims.nationality].items()}
        if dims.nationality
        else {}
    )
    area_names = pages.classes["area"]
    parts: dict[tuple[str | None, str, int | None], dict[tuple[str, str], _Cells]] = defaultdict(dict)
    problems: list[ImportProblem] = []
    for index, value in enumerate(pages.values, start=1):
        if dims.table_item:
            row_table: str | None = item_tables.get(str(value.get(f"@{dims.table_item}")))
            if row_table is None:
                continue
        else:
            row_table = table or title_table
        if dims.time and value.get("@time") not in time_codes:
            continue
        movers = Movers.ALL
        if dims.nationality:
            kind = nationalities.get(str(value.get(f"@{dims.nationality}")))
            if kind is None:
                continue
            movers = kind
        if any(value.get(f"@{d}") != code for d, code in dims.others.items()):
            continue
        sex = sexes.get(str(value.get(f"@{dims.sex}")))
        area = str(value.get("@area", ""))
        if sex is None or statistics_code(area) is None:
            continue
        age_code = str(value.get(f"@{dims.age}"))
        group = ages.get(age_code)
        is_total = age_code in total_age
        if group is None and not is_total:
            continue  # a subtotal (0～14歳 …) or 移動前の住所地不詳
        ok, number = parse_count(str(value.get("$", "")))
        if not ok:
            problems.append(
                ImportProblem(
                    Place(place.file, place.sheet, index),
                    _("値「%(value)s」が読めません（地域 %(area)s）。") % {"value": value.get("$"), "area": area},
                )
            )
            continue
        by_area = parts[(row_table, movers, year)]
        cells = by_area.get((area, sex))
        if cells is None:
            cells = by_area[(area, sex)] = _Cells(area_names.get(area, ""))
        if is_total:
            cells.total, cells.has_total = number, True
        elif group is not None:
            cells.ages[group] = add(cells.ages[group], number)
    if problems:
        raise EstatApiError(problems)
    records: dict[tuple[str | None, str, int | None], list[AgeSexRecord]] = {}
    for key, by_area in parts.items():
        records[key] = []
        for (area, sex), cells in sorted(by_area.items()):
            code5 = statistics_code(area)
            assert code5 is not None
            total = cells.total if cells.has_total else sum_counts(cells.ages)
            records[key].append(AgeSexRecord(code5, cells.name, sex, total, tuple(cells.ages), 0))
    if not any(records.values()):
        raise EstatApiError.at(place, _("指定の表・年の移動者のデータがありません。"))
    common: list[str] = []
    if ignored_ages:
        common.append(
            _("年齢の「%(labels)s」は5歳階級ではないため使いませんでした。") % {"labels": "・".join(ignored_ages)}
        )
    parsed = []
    for (row_table, _year), (movers, chosen, notes) in sorted(choose_movers(records, place).items(), key=str):
        parsed.append(
            ParsedAgeSexTable(
                place=place,
                table=row_table,
                table_place=None,
                year=year,
                synthetic=False,
                code_column=-1,
                records=chosen,
                movers=movers,
                notes=[*notes, *common],
            )
        )
    return parsed


def fetch_age_sex_table(
    *,
    app_id: str,
    stats_data_id: str,
    url: str,
    table: str | None,
    year: int,
    fetch: Fetch = http_fetch,
    progress: Progress | None = None,
    extra_filters: Sequence[tuple[str, str]] = (),
) -> list[ParsedAgeSexTable]:
    pages = fetch_all_pages(
        app_id=app_id,
        stats_data_id=stats_data_id,
        url=url,
        filters=dict(extra_filters),
        fetch=fetch,
        progress=progress,
    )
    return parse_stats_pages(pages, table=table, year=year)
