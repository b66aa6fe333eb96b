"""Step guidance (data/guidance.json): the file's schema, tool links that resolve or say 準備中, the checklist saved
per member through its service (permission, audit, bad input), and the step page that shows it all."""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import clear_url_caches, include, path

from shokuba.core.models import AuditEntry
from shokuba.guidebook import guidance, services
from shokuba.guidebook.models import ProgressStatus, Step, StepProgress
from shokuba.guidebook.reference import guidebook_data
from shokuba.network.reference import reference_rows

pytestmark = pytest.mark.django_db


def step_codes() -> list[str]:
    return [s["code"] for c in guidebook_data()["chapters"] for s in c["steps"]]


def page(client: Client, user: Any, step_code: str, member: str = "282090") -> str:
    client.force_login(user)
    response = client.get(f"/guidebook/members/{member}/steps/{step_code}/")
    assert response.status_code == 200
    return response.content.decode()


# --- the data file ---------------------------------------------------------------------------------------------


def test_every_step_has_guidance_and_the_file_is_sound() -> None:
    assert guidance.guidance_problems(guidance.guidance_data(), step_codes()) == []
    for code in step_codes():
        entry = guidance.guidance_for(code)
        assert entry is not None and entry.tasks, code


def test_the_schema_check_finds_each_kind_of_mistake() -> None:
    data = copy.deepcopy(guidance.guidance_data())
    del data["steps"]["1-a"]
    data["steps"]["9-z"] = copy.deepcopy(data["steps"]["1-b"])
    data["steps"]["1-b"]["tasks"][0]["who"] = ["manager"]
    data["steps"]["1-b"]["tasks"][1]["when"] = "someday"
    data["steps"]["1-b"]["tasks"][1]["code"] = data["steps"]["1-b"]["tasks"][0]["code"]
    data["steps"]["2-2-a"]["tools"][1]["url"] = "surveys:libary"  # a typo in an installed app
    data["steps"]["2-2-a"]["tools"][0]["args"] = ["organisation"]
    data["steps"]["2-1-a"]["examples"][0]["source"] = "hearsay"
    problems = guidance.guidance_problems(data, step_codes())
    assert problems == [
        "step 1-a: no guidance",
        "step 9-z: not a step of guidebook.json",
        "step 1-b: task codes repeat: ['1', '1']",
        "step 1-b task 1: unknown who 'manager'",
        "step 1-b task 1: unknown when 'someday'",
        "step 2-1-a: unknown source 'hearsay'",
        "step 2-2-a: unknown tool arg 'organisation'",
        "step 2-2-a: URL name 'surveys:libary' with args [] does not reverse",
    ]


def test_links_to_apps_still_being_built_are_the_expected_ones() -> None:
    """Every tool the guidance links to exists now (the action plans of issue 13 and the job-ad check of issue 16
    were the last); a link that does not reverse is a mistake the schema check reports, or an app not merged yet."""
    pending = {
        t.url_name
        for code in step_codes()
        for t in guidance.guidance_for(code).tools  # type: ignore[union-attr]
        if None in [link.url for link in guidance.tool_links(guidance.StepGuidance((), (), (t,), ()), "282090")]
    }
    assert pending == set()
    tools = {t.url_name for code in step_codes() for t in guidance.guidance_for(code).tools}  # type: ignore[union-attr]
    # The tools the issue names per step are all there.
    assert {"network:organisation_create", "surveys:library", "regional:area", "surveys:member_surveys"} <= tools
    assert {"workplace:import_start", "plans:plan", "plans:reports", "jobads:check"} <= tools


def test_examples_name_network_members_and_quote_the_leading_three() -> None:
    members = {row["code"]: row for row in reference_rows("network_members.csv")}
    examples = [e for code in step_codes() for e in guidance.guidance_for(code).examples]  # type: ignore[union-attr]
    assert examples
    for example in examples:
        assert members[example.member_code]["leading_example"] == "yes", example
    texts = " ".join(e.text for e in examples)
    # The seed's facts, as the seed gives them: 豊岡's 122 事業所, 気仙沼's 100-person citizens' meeting and 2024
    # project with 97 事業所, 南砺 since 2021 with its community councils; and 豊岡's two-thirds rule.
    for fact in (
        "122事業所",
        "市民100人からなる会議",
        "2024年",
        "97事業所",
        "2021年度",
        "地域づくり協議会",
        "3分の2以上",
    ):
        assert fact in texts, fact


def test_the_workshop_step_carries_its_cautions() -> None:
    entry = guidance.guidance_for("4-5")
    assert entry is not None
    texts = [c.text for c in entry.cautions]
    assert any("ワークショップを実施する際の留意点" in t for t in texts)
    assert {c.source for c in entry.cautions} >= {"seed", "platform"}


# --- tool links -----------------------------------------------------------------------------------------------


def test_a_link_whose_url_does_not_resolve_is_shown_as_pending_without_a_link(
    client: Client, coordinator: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Every linked tool exists now (the job-ad check of issue 16 was the last), so the mechanism is shown with a
    copy of the data naming a tool whose app is not installed: it reads 「準備中」 without a link."""
    data = guidance.guidance_data()
    data["steps"]["4-4"]["tools"].append({"label": "開発中の道具", "url": "jobads:not_yet", "args": ["member"]})
    copy = tmp_path / "guidance.json"
    copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(guidance, "GUIDANCE_FILE", copy)
    guidance._parsed.cache_clear()
    try:
        html = page(client, coordinator, "4-4")
        assert '開発中の道具<span class="tool-pending">準備中</span>' in html
        assert '<a href="/jobads/members/282090/">求人票のチェック</a>' in html
    finally:
        monkeypatch.undo()
        guidance._parsed.cache_clear()
    plan_step = page(client, coordinator, "3-b")
    assert 'href="/plans/members/282090/"' in plan_step
    assert 'href="/regional/areas/282090/#outcomes"' in plan_step


def plan_view(request: Any, code: str) -> Any:  # pragma: no cover - never called, only reversed
    raise AssertionError


urlpatterns_with_plans = [
    path("plans/<str:code>/", plan_view, name="plan"),
    path("plans/<str:code>/reports/", plan_view, name="reports"),
]


def test_once_the_plans_app_has_its_urls_the_links_appear(client: Client, coordinator: Any, settings: Any) -> None:
    import shokuba.urls

    module = type(shokuba)("guidance_test_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("", include((urlpatterns_with_plans, "plans"))),
        *shokuba.urls.urlpatterns,
    ]
    sys.modules["guidance_test_urls"] = module
    settings.ROOT_URLCONF = "guidance_test_urls"
    clear_url_caches()
    try:
        html = page(client, coordinator, "3-b")
        assert '<a href="/plans/282090/">アクションプラン</a>' in html
        assert "準備中" not in html
        assert '<a href="/plans/282090/reports/">報告書</a>' in page(client, coordinator, "5-b")
    finally:
        del sys.modules["guidance_test_urls"]
        clear_url_caches()


# --- the checklist ----------------------------------------------------------------------------------------------


def test_ticks_are_saved_per_member_and_audited_in_words(coordinator: Any, toyooka: Any, kesennuma: Any) -> None:
    step = Step.objects.get(code="2-2-a")
    progress = services.step_checklist_save(actor=coordinator, member=toyooka, step=step, done=["3", "1"])
    assert progress.checklist == ["1", "3"]  # checklist order
    assert progress.status == ProgressStatus.NOT_STARTED  # ticks do not decide the status
    assert not StepProgress.objects.filter(member=kesennuma, step=step).exists()
    entry = AuditEntry.objects.filter(target_type="guidebook.stepprogress").latest("pk")
    assert entry.after["checklist"] == ["1", "3"]

    from shokuba.core.audit_views import entry_changes

    change = next(c for c in entry_changes(entry) if c.field == "済んだ作業")
    assert change.after == (
        "人口移動の統計で、若者・女性の転出入（年齢・男女別）を確かめる／"
        "参加企業・団体の職場の指標（女性管理職の割合、男性の育休取得率など）を集める"
    )
    # Saving the same ticks again writes no empty audit entry.
    count = AuditEntry.objects.count()
    services.step_checklist_save(actor=coordinator, member=toyooka, step=step, done=["1", "3"])
    assert AuditEntry.objects.count() == count


def test_an_unknown_task_is_refused_and_nothing_changes(coordinator: Any, toyooka: Any) -> None:
    step = Step.objects.get(code="1-a")
    services.step_checklist_save(actor=coordinator, member=toyooka, step=step, done=["1"])
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.step_checklist_save(actor=coordinator, member=toyooka, step=step, done=["2", "99"])
    assert raised.value.message_dict["checklist"] == [
        "手順「中心となる担当部署（担当者）の決定」のチェックリストに「99」という作業はありません。"
    ]
    assert StepProgress.objects.get(member=toyooka, step=step).checklist == ["1"]
    assert AuditEntry.objects.count() == count


def test_only_those_who_may_change_progress_tick(support: Any, other_coordinator: Any, toyooka: Any) -> None:
    step = Step.objects.get(code="1-a")
    for actor in (support, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.step_checklist_save(actor=actor, member=toyooka, step=step, done=["1"])
    assert not StepProgress.objects.filter(member=toyooka, step=step).exists()


# --- the step page ----------------------------------------------------------------------------------------------


def test_the_page_shows_checklist_cautions_tools_and_examples(client: Client, coordinator: Any) -> None:
    html = page(client, coordinator, "2-1-b")
    assert "この手順ですること" in html
    assert 'type="checkbox" name="done" value="1"' in html
    assert "誰が：担当者（担当部署）・若者・女性（当事者）" in html
    assert "いつ：1年目" in html
    assert "市民100人からなる会議" in html and "宮城県気仙沼市" in html
    assert "出典：内閣官房「地域働き方・職場改革の推進について」（令和8年1月19日）" in html
    html = page(client, coordinator, "2-1-a")
    assert 'href="/members/282090/#org-heading"' in html
    assert 'href="/members/282090/organisations/new/"' in html
    html = page(client, coordinator, "2-2-a")
    assert 'href="/surveys/templates/"' in html and 'href="/regional/areas/282090/"' in html
    html = page(client, coordinator, "4-4")
    assert '<a href="/jobads/members/282090/">求人票のチェック</a>' in html


def test_readers_see_the_ticks_without_a_form(client: Client, coordinator: Any, support: Any, toyooka: Any) -> None:
    services.step_checklist_save(actor=coordinator, member=toyooka, step=Step.objects.get(code="1-a"), done=["2"])
    html = page(client, support, "1-a")
    assert 'name="done"' not in html
    assert "チェックリスト（2項目中 1項目済み）" in html


def test_posting_the_checklist_saves_it(client: Client, coordinator: Any, toyooka: Any) -> None:
    client.force_login(coordinator)
    url = "/guidebook/members/282090/steps/4-5/checklist/"
    response = client.post(url, {"done": ["2", "3"]})
    assert response.status_code == 302
    assert StepProgress.objects.get(member=toyooka, step__code="4-5").checklist == ["2", "3"]
    html = page(client, coordinator, "4-5")
    assert "チェックリスト（3項目中 2項目済み）" in html
    assert 'value="2" id="task-2" aria-describedby="task-2-meta" checked' in html

    response = client.post(url, {"done": ["7"]})
    assert response.status_code == 400
    assert "「7」という作業はありません" in response.content.decode()
    assert StepProgress.objects.get(member=toyooka, step__code="4-5").checklist == ["2", "3"]
    # Unticking everything is a change too.
    assert client.post(url, {}).status_code == 302
    assert StepProgress.objects.get(member=toyooka, step__code="4-5").checklist == []


def test_the_demo_ticks_the_checklists_of_finished_steps() -> None:
    import random

    from shokuba.demo.generator import demo_progress

    demo_progress(random.Random(1))
    done = StepProgress.objects.filter(member_id="282090", status=ProgressStatus.DONE).select_related("step")
    assert done.exists()
    for progress in done:
        entry = guidance.guidance_for(progress.step.code)
        assert entry is not None and progress.checklist == list(entry.task_codes)
    under_way = StepProgress.objects.filter(status=ProgressStatus.IN_PROGRESS).select_related("step").first()
    assert under_way is not None and under_way.checklist == ["1"]
