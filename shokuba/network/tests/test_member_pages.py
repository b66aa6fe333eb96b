"""Member pages per role, the member list's filters, the home redirect, and the local-government search."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shokuba.network.models import LocalGovernment, Member, Organisation
from shokuba.network.selectors import local_government_search


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the member home ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "support", "coordinator"])
def test_full_readers_see_progress_and_organisations(
    request: pytest.FixtureRequest, role: str, organisation: Organisation
) -> None:
    response = logged_in(request.getfixturevalue(role)).get("/members/282090/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "兵庫県豊岡市" in html
    assert "ガイドブックの進捗" in html
    assert response.context["show_details"] is True
    assert list(response.context["organisations"]) == [organisation]
    assert f'href="/organisations/{organisation.pk}/"' in html


@pytest.mark.django_db
def test_only_writers_get_the_register_button(secretariat: Any, support: Any, coordinator: Any) -> None:
    button = 'href="/members/282090/organisations/new/"'
    assert button in logged_in(secretariat).get("/members/282090/").content.decode()
    assert button in logged_in(coordinator).get("/members/282090/").content.decode()
    assert button not in logged_in(support).get("/members/282090/").content.decode()


@pytest.mark.django_db
def test_a_prefecture_coordinator_sees_a_municipalitys_progress_but_not_its_organisations(
    prefecture_coordinator: Any, other_organisation: Organisation
) -> None:
    client = logged_in(prefecture_coordinator)
    response = client.get("/members/042056/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "宮城県気仙沼市" in html and "ガイドブックの進捗" in html
    assert response.context["show_details"] is False
    assert response.context["organisations"] == []
    assert "株式会社よその水産" not in html
    assert 'id="org-heading"' not in html
    assert "/guidebook/" not in html.split('id="progress-heading"')[1]  # no step detail (evidence) links
    # An aggregate only: chapter counts, no step rows with dates or the responsible person.
    assert response.context["chapters"] == [] and len(response.context["chapter_summaries"]) == 6
    assert "中心となる担当部署" not in html
    assert client.get(f"/organisations/{other_organisation.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_prefecture_coordinators_own_page_lists_the_municipalities_it_oversees(prefecture_coordinator: Any) -> None:
    response = logged_in(prefecture_coordinator).get("/members/040002/")
    assert response.status_code == 200
    overseen = [member for member, _summary in response.context["overseen"]]
    assert overseen and all(m.pk.startswith("04") and m.kind == "municipality" for m in overseen)
    assert "042056" in {m.pk for m in overseen}
    assert 'href="/members/042056/"' in response.content.decode()
    summaries = dict(response.context["overseen"])
    assert summaries[next(m for m in overseen if m.pk == "042056")].total == 22


@pytest.mark.django_db
def test_a_prefecture_coordinator_does_not_reach_other_prefectures(prefecture_coordinator: Any) -> None:
    assert logged_in(prefecture_coordinator).get("/members/282090/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["042056", "040002", "999999"])
def test_a_municipal_coordinator_gets_404_outside_their_programme(coordinator: Any, code: str) -> None:
    assert logged_in(coordinator).get(f"/members/{code}/").status_code == 404


@pytest.mark.django_db
def test_a_municipal_coordinator_oversees_nobody(coordinator: Any) -> None:
    assert list(logged_in(coordinator).get("/members/282090/").context["overseen"]) == []


@pytest.mark.django_db
def test_an_org_admin_has_no_member_page(org_admin: Any) -> None:
    assert logged_in(org_admin).get("/members/282090/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login() -> None:
    response = Client().get("/members/282090/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/members/282090/"


# --- home redirect ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("secretariat", "/guidebook/"),
        ("support", "/guidebook/"),
        ("coordinator", "/members/282090/"),
        ("prefecture_coordinator", "/members/040002/"),
    ],
)
def test_home_sends_each_role_to_its_page(request: pytest.FixtureRequest, role: str, target: str) -> None:
    response = logged_in(request.getfixturevalue(role)).get("/")
    assert response.status_code == 302 and response["Location"].startswith(target)


@pytest.mark.django_db
def test_home_sends_an_org_admin_to_their_organisation(org_admin: Any, organisation: Organisation) -> None:
    response = logged_in(org_admin).get("/")  # their workplace dashboard (shokuba/workplace)
    assert response.status_code == 302
    assert response["Location"] == f"/workplace/organisations/{organisation.pk}/dashboard/"


# --- the member list ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_member_list_shows_all_68_members_with_organisation_counts(
    secretariat: Any, organisation: Organisation
) -> None:
    response = logged_in(secretariat).get("/members/")
    assert response.status_code == 200
    members = list(response.context["members"])
    assert len(members) == Member.objects.count() == 68
    counts = {m.pk: m.organisation_count for m in members}
    assert counts["282090"] == 1 and counts["042056"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "check"),
    [
        ({"region_block": "東北"}, lambda m: m.region_block == "東北"),
        ({"kind": "prefecture"}, lambda m: m.kind == "prefecture"),
        (
            {"region_block": "近畿", "kind": "municipality"},
            lambda m: m.region_block == "近畿" and m.kind == "municipality",
        ),
    ],
)
def test_the_member_list_filters(support: Any, query: dict[str, str], check: Any) -> None:
    response = logged_in(support).get("/members/", query)
    assert response.status_code == 200
    members = list(response.context["members"])
    assert members and all(check(m) for m in members)
    expected = Member.objects.filter(**query).count()
    assert len(members) == expected < 68


@pytest.mark.django_db
def test_the_member_list_filter_has_the_blocks_in_order(support: Any) -> None:
    html = logged_in(support).get("/members/").content.decode()
    assert html.index('value="北海道"') < html.index('value="東北"') < html.index('value="九州・沖縄"')


@pytest.mark.django_db
def test_an_unknown_filter_value_is_explained_not_silently_ignored(support: Any) -> None:
    response = logged_in(support).get("/members/", {"region_block": "月面"})
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert list(response.context["members"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "prefecture_coordinator", "org_admin"])
def test_the_member_list_is_for_the_network_staff(request: pytest.FixtureRequest, role: str) -> None:
    assert logged_in(request.getfixturevalue(role)).get("/members/").status_code == 403


# --- local-government search --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["28209", "282090", "２８２０９", "２８２０９０", " 28209 ", "豊岡", "豊岡市", "トヨオカ", "ﾄﾖｵｶ", "とよおか"],
)
def test_search_finds_toyooka_by_code_name_or_kana(query: str) -> None:
    assert "282090" in {lg.code for lg in local_government_search(query)}


@pytest.mark.django_db
def test_a_code_finds_exactly_one_body() -> None:
    assert [lg.code for lg in local_government_search("04205")] == ["042056"]
    assert [lg.code for lg in local_government_search("01100")] == ["011002"]


@pytest.mark.django_db
def test_a_code_with_a_wrong_check_digit_finds_nothing() -> None:
    assert list(local_government_search("282091")) == []


@pytest.mark.django_db
def test_a_short_number_is_a_code_prefix() -> None:
    results = list(local_government_search("042"))
    assert results and all(lg.code.startswith("042") for lg in results)


@pytest.mark.django_db
def test_a_prefecture_name_finds_the_prefecture_and_its_municipalities() -> None:
    codes = {lg.code for lg in local_government_search("宮城県", limit=100)}
    assert "040002" in codes and "042056" in codes
    assert all(code.startswith("04") for code in codes)


@pytest.mark.django_db
def test_results_are_capped() -> None:
    assert len(local_government_search("市", limit=50)) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "存在しない町"])
def test_nothing_matches_nothing(query: str) -> None:
    assert list(local_government_search(query)) == []


@pytest.mark.django_db
def test_the_search_page(coordinator: Any) -> None:
    client = logged_in(coordinator)
    assert "該当する団体はありません" not in client.get("/local-governments/").content.decode()
    response = client.get("/local-governments/", {"q": "ｹｾﾝﾇﾏ"})
    assert response.status_code == 200
    assert [lg.code for lg in response.context["results"]] == ["042056"]
    html = response.content.decode()
    assert "宮城県気仙沼市" in html and "042056" in html
    assert "該当する団体はありません" in client.get("/local-governments/", {"q": "999999"}).content.decode()


@pytest.mark.django_db
def test_the_search_page_needs_a_login() -> None:
    assert Client().get("/local-governments/", {"q": "28209"}).status_code == 302


@pytest.mark.django_db
def test_reference_data_is_complete() -> None:
    assert LocalGovernment.objects.count() == 1788
    toyooka = LocalGovernment.objects.get(pk="282090")
    assert (toyooka.full_name, toyooka.city_kana, toyooka.code5) == ("兵庫県豊岡市", "トヨオカシ", "28209")
