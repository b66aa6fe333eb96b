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
    ALL_MOVERS,
    NATIONALITY_LABELS,
    SEX_LABELS,
    TOTAL_LABELS,
    AgeSexRecord,
    ParsedAgeSexTable,
    age_label_group,
    detect_table,
    detect_year,
    parse_count,
    statistics_code,
)
from shokuba.regional.indicators import AGE_GROUP_COUNT, add

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


def _dimensions(pages: StatsPages) -> Dimensions:
    place = _place(pages.stats_data_id)
    age = sex = nationality = table_item = None
    others: dict[str, str] = {}
    for dim, codes in pages.classes.items():
        if dim in ("area", "time"):
            continue
        names = set(codes.values())
        if sum(1 for n in names if age_label_group(n) is not None) >= 10:
            age = dim
        elif {"男", "女"} <= names or {"男性", "女性"} <= names:
            sex = dim
        elif names & NATIONALITY_LABELS == NATIONALITY_LABELS or ALL_MOVERS in names:
            nationality = dim
        elif dim == "tab" or any(detect_table(n) for n in names):
            table_item = dim
        else:
            total = next(
                (code for code, name in codes.items() if name in TOTAL_LABELS or name.startswith("総数")), None
            )
            if total is None and len(codes) > 1:
                raise EstatApiError.at(
                    place,
                    _("分類「%(name)s」の総数が分かりません。この分類で絞り込んで（cd%(dim)s）取り込んでください。")
                    % {"name": pages.class_names.get(dim, dim), "dim": dim.capitalize()},
                )
            others[dim] = total or next(iter(codes), "")
    if "area" not in pages.classes or age is None or sex is None:
        raise EstatApiError.at(
            place,
            _(
                "この統計表には地域・年齢（5歳階級）・男女の分類がそろっていません。住民基本台帳人口移動報告の年齢・男女別の表を指定してください。"
            ),
        )
    return Dimensions("area", age, sex, nationality, table_item, "time" if "time" in pages.classes else None, others)


def parse_stats_pages(pages: StatsPages, *, table: str, year: int) -> ParsedAgeSexTable:
    """The VALUEs for one table (転入者数 / 転出者数 / 転入超過数) and one year, as file rows would give them."""
    dims = _dimensions(pages)
    place = _place(pages.stats_data_id)
    item_code: str | None = None
    if dims.table_item:
        item_code = next((c for c, n in pages.classes[dims.table_item].items() if detect_table(n) == table), None)
        if item_code is None:
            found = ", ".join(pages.classes[dims.table_item].values())
            raise EstatApiError.at(
                place, _("この統計表に指定の表章項目がありません（あるのは：%(found)s）。") % {"found": found}
            )
    elif detect_table(pages.title) not in (None, table):
        raise EstatApiError.at(place, _("この統計表（%(title)s）は指定の統計表と違います。") % {"title": pages.title})
    time_codes = {
        c for c, n in pages.classes.get("time", {}).items() if detect_year(n) == year or c.startswith(str(year))
    }
    if dims.time and not time_codes:
        raise EstatApiError.at(place, _("この統計表に%(year)d年のデータがありません。") % {"year": year})
    ages = {code: age_label_group(name) for code, name in pages.classes[dims.age].items()}
    total_age = {code for code, name in pages.classes[dims.age].items() if name in TOTAL_LABELS}
    sexes = {code: SEX_LABELS.get(name) for code, name in pages.classes[dims.sex].items()}
    movers = {c for c, n in pages.classes[dims.nationality].items() if n == ALL_MOVERS} if dims.nationality else set()
    area_names = pages.classes["area"]
    cells: dict[tuple[str, str], list[int | None]] = defaultdict(lambda: [0] * AGE_GROUP_COUNT)
    totals: dict[tuple[str, str], int | None] = {}
    problems: list[ImportProblem] = []
    for index, value in enumerate(pages.values, start=1):
        if item_code is not None and value.get(f"@{dims.table_item}") != item_code:
            continue
        if dims.time and value.get("@time") not in time_codes:
            continue
        if dims.nationality and value.get(f"@{dims.nationality}") not in movers:
            continue
        if any(value.get(f"@{d}") != code for d, code in dims.others.items()):
            continue
        sex = sexes.get(str(value.get(f"@{dims.sex}")))
        area = str(value.get("@area", ""))
        if sex is None or statistics_code(area) is None:
            continue
        ok, number = parse_count(str(value.get("$", "")))
        if not ok:
            problems.append(
                ImportProblem(
                    Place(place.file, place.sheet, index),
                    _("値「%(value)s」が読めません（地域 %(area)s）。") % {"value": value.get("$"), "area": area},
                )
            )
            continue
        key = (area, sex)
        age_code = str(value.get(f"@{dims.age}"))
        if age_code in total_age:
            totals[key] = number
        elif (group := ages.get(age_code)) is not None:
            cells[key][group] = add(cells[key][group], number)
    if problems:
        raise EstatApiError(problems)
    parsed = ParsedAgeSexTable(
        place=place, table=table, table_place=None, year=year, synthetic=False, code_column=-1, records=[]
    )
    for (area, sex), ages_list in sorted(cells.items()):
        code = statistics_code(area)
        assert code is not None
        parsed.records.append(
            AgeSexRecord(code, area_names.get(area, ""), sex, totals.get((area, sex)), tuple(ages_list), 0)
        )
    if not parsed.records:
        raise EstatApiError.at(place, _("指定の表・年の移動者のデータがありません。"))
    return parsed


def fetch_age_sex_table(
    *,
    app_id: str,
    stats_data_id: str,
    url: str,
    table: str,
    year: int,
    fetch: Fetch = http_fetch,
    progress: Progress | None = None,
    extra_filters: Sequence[tuple[str, str]] = (),
) -> ParsedAgeSexTable:
    pages = fetch_all_pages(
        app_id=app_id,
        stats_data_id=stats_data_id,
        url=url,
        filters=dict(extra_filters),
        fetch=fetch,
        progress=progress,
    )
    return parse_stats_pages(pages, table=table, year=year)
