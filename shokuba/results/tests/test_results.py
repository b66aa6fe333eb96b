"""Selectors' SQL counts against counts made in Python from the stored responses; suppression in the page, the
XLSX/CSV downloads and the API (a group of three is "—", and so is what would reveal it); tenancy."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from openpyxl import load_workbook

from shokuba.api.tests.helpers import Api
from shokuba.core.privacy import min_group_size
from shokuba.results import analyses, selectors
from shokuba.results.permissions import results_scope
from shokuba.results.tests.conftest import SCALE_ITEMS, fill
from shokuba.surveys.models import Response, Wave
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def _python_counts(wave: Wave, by: str) -> Counter[tuple[str, str, str]]:
    """(item code, choice code, group) from the responses' stored answers, without SQL aggregation."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for response in Response.objects.filter(member_id=wave.member_id, wave=wave):
        group = str(getattr(response, by) if by != "organisation" else response.organisation_id or "")
        for question, value in response.answers.items():
            if isinstance(value, dict):
                for item, point in value.items():
                    counts[(item, point, group)] += 1
            elif question in ("WS-Z01", "WS-Z02"):
                counts[(question, value, group)] += 1
    return counts


@pytest.mark.parametrize("by", ["sex", "age_band", "position", "organisation"])
def test_selector_counts_equal_python_counts(filled_wave: Wave, coordinator: Any, by: str) -> None:
    scope = results_scope(coordinator, filled_wave)
    codes = [c for codes in SCALE_ITEMS.values() for c in codes] + ["WS-Z01", "WS-Z02"]
    sql = selectors.choice_counts(scope, codes, (by,))
    expected = _python_counts(filled_wave, by)
    assert {(i, c, g[0]): n for (i, c, g), n in sql.items()} == dict(expected)
    sizes = selectors.group_sizes(scope, (by,))
    python_sizes = Counter(
        str(getattr(r, by) if by != "organisation" else r.organisation_id or "")
        for r in Response.objects.filter(wave=filled_wave)
    )
    assert {g[0]: n for g, n in sizes.items()} == dict(python_sizes)


def test_industry_and_size_band_come_from_the_organisation(filled_wave: Wave, coordinator: Any) -> None:
    scope = results_scope(coordinator, filled_wave)
    by_industry = selectors.group_sizes(scope, ("industry",))
    expected = Counter(
        r.organisation.industry for r in Response.objects.filter(wave=filled_wave).select_related("organisation")
    )
    assert {g[0]: n for g, n in by_industry.items()} == dict(expected)


def test_distributions_count_missing_and_dont_know_apart(filled_wave: Wave, coordinator: Any) -> None:
    result = analyses.item_distributions(results_scope(coordinator, filled_wave))
    first = next(d for d in result.objects["distributions"] if d.item_code == "WS-A01")
    stored = Counter(r.answers["WS-QA"]["WS-A01"] for r in Response.objects.filter(wave=filled_wave))
    assert [c.count for c in first.categories] == [stored[p] for p in "1234"]
    assert first.non_substantive[0].count == stored["dk"]
    assert first.valid_n == sum(stored[p] for p in "1234")


def test_overview_finds_the_gap_between_women_and_men(filled_wave: Wave, coordinator: Any) -> None:
    result = analyses.overview(results_scope(coordinator, filled_wave), "sex")
    top = result.objects["gaps"].items[0]
    assert top.item_code == "WS-Z01" and top.top_diff_points < 0  # women (A) lower than men (B)
    assert [r.organisation for r in result.objects["recognition"]]


@pytest.fixture
def small_group_wave(wave: Wave) -> Wave:
    fill(wave, seed=5, women=25, men=25, other=3, second=0)
    return wave


def _rows_by_label(data: dict[str, Any]) -> dict[str, Any]:
    return {row["label"]: row for row in data["crosstab"]["rows"]}


def test_a_group_of_three_and_its_complement_are_hidden_in_the_api(small_group_wave: Wave, coordinator: Any) -> None:
    response = Api(coordinator).get(f"results/waves/{small_group_wave.pk}/crosstab?item=WS-Z01&by=sex")
    assert response.status_code == 200
    rows = _rows_by_label(response.json_body)
    assert rows["その他"]["n"] is None and rows["その他"]["counts"] == [None, None, None, None]
    # Column totals are shown, so hiding only the group of three would let it be recovered: more is hidden.
    others = [v for label in ("女性", "男性") for v in rows[label]["counts"]]
    total = response.json_body["crosstab"]["total"]["counts"]
    assert None in others or None in total


def test_a_group_of_three_is_a_dash_in_the_page_xlsx_and_csv(small_group_wave: Wave, coordinator: Any) -> None:
    client = logged_in(coordinator)
    page = client.get(f"/surveys/waves/{small_group_wave.pk}/results/crosstab/?item=WS-Z01&by=sex&by2=")
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index('<th scope="row">その他</th>') :].split("</tr>")[0]
    assert row.count("—") >= 5 and "3" not in row.replace("—", "")
    base = f"/surveys/waves/{small_group_wave.pk}/results/crosstab/crosstab"
    xlsx = client.get(f"{base}.xlsx?item=WS-Z01&by=sex&by2=")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    lines = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert lines["その他"][1] == "—" and all(v == "—" for v in lines["その他"][2:6])
    text = client.get(f"{base}.csv?item=WS-Z01&by=sex&by2=").content.decode("utf-8-sig")
    csv_rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
    assert csv_rows["その他"][1] == "—" and csv_rows["その他"][2:6] == ["—"] * 4
    assert "—" in [*lines["女性"][2:6], *lines["男性"][2:6], *lines["全体"][2:6]]


def test_two_attributes_protect_each_attributes_margin(wave: Wave, coordinator: Any) -> None:
    fill(wave, seed=9, women=90, men=90, other=3, second=0)
    scope = results_scope(coordinator, wave)
    result = analyses.crosstab_analysis(scope, "WS-Z01", ["sex", "position"])
    rows = result.objects["crosstab"].rows
    hidden = [r for r in rows if r.n is None]
    assert len(hidden) < len(rows)
    # Within each one-attribute group that its own table shows (e.g. all women), the combined rows hidden are none,
    # or at least two: one alone would be that group minus the rest.
    gate = selectors.gate(scope)
    for dim, dimension in enumerate(("sex", "position")):
        one = gate.split((dimension,))
        labels = {c.code: c.label for c in selectors.categories_of(scope, dimension)}
        shown = {labels[key[0]] for key in one.keys if one.shown(key)}
        size: Counter[str] = Counter(r.label.split("・")[dim] for r in rows)
        per: Counter[str] = Counter(r.label.split("・")[dim] for r in hidden)
        assert all(n != 1 for key, n in per.items() if size[key] > 1 and key in shown), per


def test_organisation_admin_sees_only_their_organisation(filled_wave: Wave, org_admin: Any) -> None:
    data = Api(org_admin).get(f"results/waves/{filled_wave.pk}/items").json_body
    own = Response.objects.filter(wave=filled_wave, organisation=org_admin.organisation).count()
    assert data["responses"] == own < Response.objects.filter(wave=filled_wave).count()
    assert Api(org_admin).get(f"results/waves/{filled_wave.pk}/crosstab?item=WS-Z01&by=organisation").status_code == 422
    assert Api(org_admin).get(f"results/waves/{filled_wave.pk}/free-text?item=WS-FREE").status_code == 403


def test_organisation_admin_with_too_few_respondents_sees_nothing(wave: Wave, org_admin: Any) -> None:
    fill(wave, seed=2, women=2, men=1, second=20)
    data = Api(org_admin).get(f"results/waves/{wave.pk}/overview").json_body
    assert data["hidden"] is True and data["responses"] is None and data["gaps"] is None
    page = logged_in(org_admin).get(f"/surveys/waves/{wave.pk}/results/items/")
    assert "回答が5人未満のため" in page.content.decode()


def test_other_tenants_get_404(filled_wave: Wave, other_coordinator: Any, prefecture_coordinator: Any) -> None:
    for user in (other_coordinator, prefecture_coordinator):
        assert logged_in(user).get(f"/surveys/waves/{filled_wave.pk}/results/").status_code == 404
        assert Api(user).get(f"results/waves/{filled_wave.pk}/items").status_code == 404


def test_downloads_png_and_svg(filled_wave: Wave, coordinator: Any) -> None:
    client = logged_in(coordinator)
    png = client.get(f"/surveys/waves/{filled_wave.pk}/results/items/dist-WS-QA.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/surveys/waves/{filled_wave.pk}/results/items/dist-WS-QA.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content


def test_bad_input_is_a_clear_400(filled_wave: Wave, coordinator: Any) -> None:
    client = logged_in(coordinator)
    page = client.get(f"/surveys/waves/{filled_wave.pk}/results/crosstab/?item=NOPE&by=sex")
    assert page.status_code == 400
    api = Api(coordinator).get(f"results/waves/{filled_wave.pk}/crosstab?item=NOPE&by=sex")
    assert api.status_code == 422 and "NOPE" in api.json_body["message"]


def test_threshold_setting_is_never_below_three(settings: Any) -> None:
    settings.RESULTS_MIN_GROUP_SIZE = 2
    assert min_group_size() == 3
    settings.RESULTS_MIN_GROUP_SIZE = 10
    assert min_group_size() == 10


def test_a_city_wide_survey_is_set_beside_the_national_survey_with_its_year(coordinator: Any) -> None:
    """Issue 13.4: the national comparison of a city-wide survey (one public link, residents) was headed 「この事業」
    and gave the national survey's year only inside the sentences (R4 and R3 rows looked alike)."""
    import datetime as dt
    import random
    import uuid

    from django.utils import timezone

    from shokuba.surveys import services
    from shokuba.surveys.answers import raw_from_form
    from shokuba.surveys.models import Wave, WaveStatus

    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="unconscious_bias"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="2026年度 市民意識調査",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        public_link=True,
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    public = wave.links.get()
    assert public.organisation_id is None
    definition = services.definition_of(version)
    rng = random.Random(5)
    for i in range(40):
        data = {
            f"q.{q.code}.{item.code}": [rng.choice(["1", "2", "3", "4"])]
            for q in definition.questions
            if q.type == "matrix"
            for item in q.items
        }
        data.update({"a.sex": ["F" if i % 2 else "M"], "a.age_band": ["30"]})
        answers, attributes = raw_from_form(definition, data)
        services.response_submit(
            link=public, submission_id=uuid.UUID(int=rng.getrandbits(128)), answers=answers, attributes=attributes
        )
    Wave.objects.filter(pk=wave.pk).update(status=WaveStatus.CLOSED)
    html = logged_in(coordinator).get(f"/surveys/waves/{wave.pk}/results/").content.decode()
    national = html[html.index('id="national-heading"') :]
    national = national[: national.index("</table>")]
    assert "この事業" not in national
    assert '<th scope="col" class="numeric">兵庫県豊岡市の調査の回答者（%）</th>' in national
    assert '<th scope="col">全国調査の年度</th>' in national
    row = national[national.index("<tbody>") :]
    first_row = row[: row.index("</tr>")]
    # The statement whole, no code; the national figure's fiscal year in its own column.
    assert '<th scope="row">男性は仕事をして家計を支えるべきだ</th>' in first_row
    assert "<td>2022年度（令和4年度）</td>" in first_row and "UB-H01" not in national
    assert "<td>2021年度（令和3年度）</td>" in national
