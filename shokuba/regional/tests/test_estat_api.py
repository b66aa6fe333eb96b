"""The e-Stat API v3 importer on recorded responses (tests/fixtures): paging, CLASS as dict or list, special
values, STATUS errors, an empty page and a network failure mid-paging. The network is never called."""

from __future__ import annotations

import io
import json
import urllib.error
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from shokuba.regional.estat import api as estat_api
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.models import AgeSexFigures, StatisticsImport
from shokuba.regional.services import statistics_import_api

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE1 = json.loads((FIXTURES / "estat_getStatsData_page1.json").read_text(encoding="utf-8"))
PAGE2 = json.loads((FIXTURES / "estat_getStatsData_page2.json").read_text(encoding="utf-8"))
ERROR = json.loads((FIXTURES / "estat_getStatsData_error_status.json").read_text(encoding="utf-8"))
NO_DATA = json.loads((FIXTURES / "estat_getStatsData_no_data.json").read_text(encoding="utf-8"))
EMPTY_PAGE = json.loads((FIXTURES / "estat_getStatsData_empty_page.json").read_text(encoding="utf-8"))
STATS_DATA_ID = "0003999991"
NEXT_KEY = PAGE1["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]["NEXT_KEY"]

pytestmark = pytest.mark.django_db


class Recorded:
    """Answers each call with the next recorded response (or raises it), remembering the parameters sent."""

    def __init__(self, *responses: Any) -> None:
        self.responses = list(responses)
        self.calls: list[dict[str, str]] = []

    def __call__(self, url: str, params: Mapping[str, str]) -> Mapping[str, Any]:
        self.calls.append(dict(params))
        response = self.responses.pop(0)
        if isinstance(response, BaseException):
            raise response
        return response


def imported(fetch: Recorded, **kwargs: Any) -> StatisticsImport:
    from shokuba.core.permissions import SYSTEM

    return statistics_import_api(
        actor=SYSTEM, stats_data_id=STATS_DATA_ID, table="11-3", year=2024, fetch=fetch, **kwargs
    )


def refused(fetch: Recorded) -> str:
    before = (AgeSexFigures.objects.count(), StatisticsImport.objects.count())
    with pytest.raises(StatisticsImportError) as caught:
        imported(fetch)
    assert (AgeSexFigures.objects.count(), StatisticsImport.objects.count()) == before
    return "\n".join(caught.value.messages)


def test_pages_are_followed_with_next_key_and_imported() -> None:
    fetch = Recorded(PAGE1, PAGE2)
    [record] = imported(fetch)
    assert [c.get("startPosition") for c in fetch.calls] == [None, str(NEXT_KEY)]
    assert fetch.calls[0]["appId"] == "test-app-id" and fetch.calls[0]["statsDataId"] == STATS_DATA_ID
    assert record.source == "api" and record.area_count == 3
    women = AgeSexFigures.objects.get(table="11-3", year=2024, area_code="282090", sex="F")
    assert women.age_15 == -40 and women.age_20 == 6 and women.age_25 == -4
    assert women.age_90 is None  # "***"
    assert women.age_40 == 0  # "-"
    men = AgeSexFigures.objects.get(table="11-3", year=2024, area_code="282090", sex="M")
    assert men.age_15 == -36 and men.total == 2 + 1 - 1 - 36 + 12 + 9 + 2 + 1 + 1
    # 日本人 rows (999) and 転入者数 (12345) were left out; 兵庫県 is ten times Toyooka
    prefecture = AgeSexFigures.objects.get(table="11-3", year=2024, area_code="280003", sex="F")
    assert prefecture.age_15 == -400
    assert AgeSexFigures.objects.get(area_code="000000", sex="T").ages == (0,) * 19


def test_class_as_a_single_object_or_a_list_reads_the_same() -> None:
    assert isinstance(PAGE1["GET_STATS_DATA"]["STATISTICAL_DATA"]["CLASS_INF"]["CLASS_OBJ"][-1]["CLASS"], dict)
    assert estat_api.as_list({"@code": "1"}) == [{"@code": "1"}]
    assert estat_api.as_list([{"@code": "1"}]) == [{"@code": "1"}]
    assert estat_api.as_list(None) == []


def test_an_error_status_is_shown_with_its_message() -> None:
    message = refused(Recorded(ERROR))
    assert "STATUS 100" in message and "認証に失敗しました。アプリケーションIDを確認して下さい。" in message
    assert STATS_DATA_ID in message


def test_no_data_and_an_empty_page_are_refused() -> None:
    assert "該当するデータがありません" in refused(Recorded(NO_DATA))
    assert "データ（VALUE）がありません" in refused(Recorded(PAGE1, EMPTY_PAGE))


def test_a_network_failure_mid_paging_imports_nothing() -> None:
    message = refused(Recorded(PAGE1, urllib.error.URLError("timed out")))
    assert "接続できませんでした" in message and "2ページ目" in message and "何も取り込んでいません" in message


def test_a_missing_application_id_is_explained(settings: Any) -> None:
    settings.ESTAT_APP_ID = ""
    assert "ESTAT_APP_ID" in refused(Recorded(PAGE1, PAGE2))


def test_a_table_item_the_request_lacks_is_refused() -> None:
    page = json.loads(json.dumps(PAGE2))
    assert "NEXT_KEY" not in page["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]  # the last page
    classes = page["GET_STATS_DATA"]["STATISTICAL_DATA"]["CLASS_INF"]["CLASS_OBJ"]
    classes[0]["CLASS"] = {"@code": "001", "@name": "転入者数", "@level": "", "@unit": "人"}
    assert "表章項目" in refused(Recorded(page))


def test_the_http_client_is_urllib_and_reports_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    class Response(io.BytesIO):
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    seen: list[str] = []

    def fake_urlopen(request: Any, timeout: float) -> Response:
        seen.append(request.full_url)
        return Response(json.dumps(PAGE2, ensure_ascii=False).encode("utf-8"))

    monkeypatch.setattr(estat_api.urllib.request, "urlopen", fake_urlopen)
    payload = estat_api.http_fetch("https://api.example.invalid/getStatsData", {"appId": "x", "statsDataId": "1"})
    assert payload["GET_STATS_DATA"]["RESULT"]["STATUS"] == 0
    assert seen == ["https://api.example.invalid/getStatsData?appId=x&statsDataId=1"]

    def failing_urlopen(request: Any, timeout: float) -> Response:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(estat_api.urllib.request, "urlopen", failing_urlopen)
    with pytest.raises(StatisticsImportError) as caught:
        estat_api.fetch_all_pages(app_id="x", stats_data_id=STATS_DATA_ID, url="https://api.example.invalid/")
    assert "接続できませんでした" in str(caught.value)
