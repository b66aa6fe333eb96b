from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shokuba.api.tests.helpers import assert_error_shape, locs, messages
from shokuba.core.models import AuditEntry
from shokuba.guidebook.models import Step, StepProgress
from shokuba.guidebook.services import step_progress_update
from shokuba.network.models import Member, User


def _steps(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["code"]: step for chapter in body["chapters"] for step in chapter["steps"]}


def test_progress_lists_every_chapter_and_step_in_order(as_user: Any, coordinator: User, toyooka: Member) -> None:
    step_progress_update(
        actor=coordinator,
        member=toyooka,
        step=Step.objects.get(code="1-b"),
        status="in_progress",
        started_on=dt.date(2026, 4, 1),
        responsible="企画課 山田",
        notes="庁内会議で説明済み",
    )
    body = as_user(coordinator).get("members/282090/progress").json_body
    assert body["member"] == "282090" and body["member_name"] == "兵庫県豊岡市"
    codes = [step["code"] for chapter in body["chapters"] for step in chapter["steps"]]
    assert codes == list(Step.objects.order_by("chapter__position", "position").values_list("code", flat=True))
    step = _steps(body)["1-b"]
    assert step["status"] == "in_progress" and step["status_label"] == "進行中"
    assert step["started_on"] == "2026-04-01" and step["completed_on"] is None
    assert step["responsible"] == "企画課 山田"
    assert step["notes"] == "庁内会議で説明済み" and step["evidence_count"] == 0
    untouched = _steps(body)["1-a"]
    assert untouched["status"] == "not_started" and untouched["updated_at"] is None
    assert body["summary"]["counts"]["in_progress"] == 1
    assert body["summary"]["total"] == len(codes)


def test_prefecture_coordinator_reads_only_the_aggregate_of_a_municipality(
    as_user: Any, prefecture_coordinator: User, other_coordinator: User, kesennuma: Member
) -> None:
    step_progress_update(
        actor=other_coordinator,
        member=kesennuma,
        step=Step.objects.get(code="1-a"),
        status="done",
        started_on=dt.date(2026, 4, 1),
        completed_on=dt.date(2026, 5, 1),
        responsible="気仙沼 担当",
        notes="内部のメモ",
    )
    api = as_user(prefecture_coordinator)
    refused = api.get("members/042056/progress")
    assert refused.status_code == 403
    summary = api.get("members/042056").json_body["progress"]
    assert summary["counts"]["done"] == 1 and summary["done"] == 1
    assert "気仙沼 担当" not in api.get("members/042056").content.decode()


def test_put_creates_then_replaces_a_steps_progress_with_audit(as_user: Any, coordinator: User) -> None:
    api = as_user(coordinator)
    first = api.put(
        "members/282090/progress/3-a",
        {"status": "in_progress", "started_on": "2026-04-01", "responsible": "山田", "notes": "着手"},
    )
    assert first.status_code == 200, first.content.decode()
    assert first.json_body["status"] == "in_progress" and first.json_body["responsible"] == "山田"
    row = StepProgress.objects.get(member_id="282090", step__code="3-a")
    assert (row.status, row.started_on, row.updated_by_id) == ("in_progress", dt.date(2026, 4, 1), coordinator.pk)

    second = api.put("members/28209/progress/3-a", {"status": "done", "completed_on": "2026-06-30"})
    assert second.status_code == 200
    row.refresh_from_db()
    # PUT replaces the whole state: what was not sent is cleared.
    assert (row.status, row.started_on, row.completed_on, row.responsible, row.notes) == (
        "done",
        None,
        dt.date(2026, 6, 30),
        "",
        "",
    )
    entries = AuditEntry.objects.filter(target_type="guidebook.stepprogress", target_id=str(row.pk)).order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.member_code == "282090" and e.actor_id == coordinator.pk for e in entries)
    assert entries[1].before["status"] == "in_progress" and entries[1].after["status"] == "done"


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"status": "done"}, "completed_on", "完了日を入力"),
        ({"status": "in_progress", "completed_on": "2026-05-01"}, "completed_on", "完了"),
        (
            {"status": "done", "started_on": "2026-05-02", "completed_on": "2026-05-01"},
            "completed_on",
            "開始日",
        ),
        ({"status": "finished"}, "status", "次のいずれか"),
        ({"status": "done", "completed_on": "2026-02-30"}, "completed_on", "日付"),
        ({"status": "in_progress", "responsible": "あ" * 101}, "responsible", "100文字以内"),
        ({"status": "in_progress", "owner": "山田"}, "owner", "という項目はありません"),
        ({"started_on": "2026-04-01"}, "status", "指定してください"),
    ],
)
def test_bad_progress_is_422_naming_the_field_and_saves_nothing(
    as_user: Any, secretariat: User, body: dict[str, Any], field: str, fragment: str
) -> None:
    before = (StepProgress.objects.count(), AuditEntry.objects.count())
    response = as_user(secretariat).put("members/282090/progress/1-a", body)
    assert_error_shape(response, 422)
    assert ["body", field] in locs(response)
    assert fragment in messages(response)
    assert (StepProgress.objects.count(), AuditEntry.objects.count()) == before


def test_a_bad_update_leaves_the_previous_state(as_user: Any, secretariat: User, toyooka: Member) -> None:
    step = Step.objects.get(code="1-a")
    step_progress_update(actor=secretariat, member=toyooka, step=step, status="in_progress", responsible="前の担当")
    response = as_user(secretariat).put(
        "members/282090/progress/1-a", {"status": "done", "responsible": "新しい担当"}
    )  # done without a completion date
    assert response.status_code == 422
    row = StepProgress.objects.get(member=toyooka, step=step)
    assert (row.status, row.responsible) == ("in_progress", "前の担当")


def test_unknown_step_is_404(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).put("members/282090/progress/9-z", {"status": "in_progress"})
    assert_error_shape(response, 404)
    assert locs(response) == [["path", "step_code"]]
    assert not StepProgress.objects.exists()


def test_malformed_json_is_400(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).put("members/282090/progress/1-a", raw=b'{"status": ')
    assert_error_shape(response, 400)
    assert "JSON" in response.json_body["message"]
    assert not StepProgress.objects.exists()


def test_the_checklist_is_read_with_the_progress_and_a_put_leaves_it(
    as_user: Any, coordinator: User, toyooka: Member
) -> None:
    from shokuba.guidebook.services import step_checklist_save

    step_checklist_save(actor=coordinator, member=toyooka, step=Step.objects.get(code="2-2-a"), done=["1", "3"])
    api = as_user(coordinator)
    steps = _steps(api.get("members/282090/progress").json_body)
    assert steps["2-2-a"]["checklist"] == ["1", "3"] and steps["1-a"]["checklist"] == []
    updated = api.put("members/282090/progress/2-2-a", {"status": "in_progress", "started_on": "2026-04-01"})
    assert updated.status_code == 200 and updated.json_body["checklist"] == ["1", "3"]
    assert StepProgress.objects.get(member=toyooka, step__code="2-2-a").checklist == ["1", "3"]
