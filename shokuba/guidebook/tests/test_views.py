"""The step page, evidence downloads and deletes: every role, other tenants, CSRF, and bad input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shokuba.core.models import AuditEntry
from shokuba.guidebook import services
from shokuba.guidebook.models import EvidenceFile, ProgressStatus, Step, StepProgress
from shokuba.guidebook.tests.samples import PDF, exe_bytes, png_bytes
from shokuba.network.models import Member

pytestmark = pytest.mark.django_db

STEP = "2-1-a"


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


def step_url(member_code: str = "282090", step_code: str = STEP) -> str:
    return reverse("guidebook:step_detail", args=[member_code, step_code])


def logged_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def valid_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "status": ProgressStatus.DONE,
        "started_on": "2026-04-01",
        "completed_on": "2026-05-15",
        "responsible": "企画課 山田",
        "notes": "庁内会議で決定",
    }
    data.update(overrides)
    return data


def stored_evidence(user: Any, member: Member, capture: Any, name: str = "資料.pdf") -> EvidenceFile:
    with capture(execute=True):
        return services.evidence_add(
            actor=user,
            member=member,
            step=Step.objects.get(code=STEP),
            stream=__import__("io").BytesIO(PDF),
            name=name,
            size=len(PDF),
        )


def db_state() -> tuple[list[tuple[Any, ...]], int, int]:
    return (
        list(StepProgress.objects.values_list("member_id", "step_id", "status", "responsible", "notes")),
        EvidenceFile.objects.count(),
        AuditEntry.objects.count(),
    )


# --- who may open the step page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "member_code", "expected", "has_form"),
    [
        ("secretariat", "282090", 200, True),
        ("support", "282090", 200, False),
        ("coordinator", "282090", 200, True),
        ("coordinator", "042056", 404, False),  # another tenant
        ("other_coordinator", "282090", 404, False),
        ("prefecture_coordinator", "042056", 403, False),  # sees the aggregate, not the details
        ("prefecture_coordinator", "282090", 404, False),  # outside the prefecture
        ("org_admin", "282090", 404, False),
    ],
)
def test_step_page_by_role(
    request: pytest.FixtureRequest, user_fixture: str, member_code: str, expected: int, has_form: bool
) -> None:
    response = logged_in(request.getfixturevalue(user_fixture)).get(step_url(member_code))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "参加企業・団体等の呼びかけ" in html
        assert "取組の参加者の募集など地域の体制づくり" in html  # the chapter
        assert ('enctype="multipart/form-data"' in html) is has_form


def test_anonymous_is_sent_to_login(toyooka: Member) -> None:
    response = Client().get(step_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_step_and_unknown_member_are_404(coordinator: Any) -> None:
    client = logged_in(coordinator)
    assert client.get(step_url(step_code="9-z")).status_code == 404
    assert client.get(step_url(member_code="999999")).status_code == 404


def test_page_shows_current_progress(coordinator: Any, toyooka: Member) -> None:
    services.step_progress_update(
        actor=coordinator,
        member=toyooka,
        step=Step.objects.get(code=STEP),
        status=ProgressStatus.IN_PROGRESS,
        started_on=dt.date(2026, 4, 1),
        completed_on=None,
        responsible="企画課 山田",
        notes="第1回会議済み",
    )
    html = logged_in(coordinator).get(step_url()).content.decode()
    assert "企画課 山田" in html
    assert "第1回会議済み" in html
    assert "令和8年4月1日" in html
    assert 'class="status status-in_progress">進行中<' in html


# --- saving --------------------------------------------------------------------------------------------------


def test_coordinator_saves_progress_and_is_redirected_with_a_message(coordinator: Any, toyooka: Member) -> None:
    client = logged_in(coordinator)
    response = client.post(step_url(), valid_post())
    assert response.status_code == 302
    assert response["Location"] == step_url()
    progress = StepProgress.objects.get(member=toyooka, step__code=STEP)
    assert progress.status == ProgressStatus.DONE
    assert progress.completed_on == dt.date(2026, 5, 15)
    assert progress.responsible == "企画課 山田"
    assert AuditEntry.objects.filter(target_type="guidebook.stepprogress", member_code="282090").count() == 1
    followed = client.get(response["Location"])
    assert "「参加企業・団体等の呼びかけ」の進捗を保存しました。" in followed.content.decode()


def test_progress_and_file_in_one_submit(
    coordinator: Any, toyooka: Member, private_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(coordinator)
    upload = SimpleUploadedFile("会議資料.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(), valid_post(file=upload))
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "会議資料.pdf"
    assert evidence.progress.status == ProgressStatus.DONE
    assert services.evidence_path(evidence).read_bytes() == PDF
    html = client.get(step_url()).content.decode()
    assert "資料「会議資料.pdf」を登録しました。" in html
    assert reverse("guidebook:evidence_download", args=[evidence.pk]) in html


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        (valid_post(completed_on=""), "completed_on", "完了日を入力してください"),
        (valid_post(completed_on="2026-03-01"), "completed_on", "開始日と同じ日か"),
        (valid_post(started_on="2026-13-45"), "started_on", "日付"),
        (valid_post(status="finished"), "status", "正しく選択してください"),
        (valid_post(responsible="あ" * 101), "responsible", "100"),
    ],
)
def test_bad_form_is_400_with_the_error_next_to_the_field_and_nothing_saved(
    coordinator: Any, toyooka: Member, data: dict[str, Any], field: str, fragment: str
) -> None:
    before = db_state()
    response = logged_in(coordinator).post(step_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    error_list = re.search(rf'<div role="alert" id="id_{field}_error"><ul class="errorlist">(.*?)</ul>', html, re.S)
    assert error_list is not None, html
    assert fragment in error_list.group(1)
    assert re.search(rf'<[^>]*id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', html)
    assert f"id_{field}_error" in re.search(rf'<[^>]*id="id_{field}"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert "保存されていません" in html
    assert db_state() == before


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("報告書.pdf", exe_bytes(), "一致しません"),
        ("setup.exe", exe_bytes(), "受け付けていません"),
        ("大きな資料.pdf", PDF + b"0" * 3000, "大きすぎます"),
        ("写真.png", b"", "空"),
    ],
)
def test_refused_file_is_400_and_the_progress_in_the_same_submit_is_not_saved(
    settings: Any, coordinator: Any, toyooka: Member, private_dir: Path, name: str, content: bytes, fragment: str
) -> None:
    settings.EVIDENCE_MAX_BYTES = 2048
    services.step_progress_update(
        actor=coordinator,
        member=toyooka,
        step=Step.objects.get(code=STEP),
        status=ProgressStatus.IN_PROGRESS,
        started_on=None,
        completed_on=None,
        responsible="前の担当",
        notes="",
    )
    before = db_state()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = logged_in(coordinator).post(step_url(), valid_post(file=upload))
    assert response.status_code == 400
    html = response.content.decode()
    error_list = re.search(r'<div role="alert" id="id_file_error"><ul class="errorlist">(.*?)</ul>', html, re.S)
    assert error_list is not None
    assert fragment in error_list.group(1)
    assert db_state() == before
    assert StepProgress.objects.get(member=toyooka, step__code=STEP).responsible == "前の担当"
    assert not any(p.is_file() for p in private_dir.rglob("*"))


@pytest.mark.parametrize("user_fixture", ["support", "prefecture_coordinator"])
def test_readers_cannot_post(request: pytest.FixtureRequest, user_fixture: str, kesennuma: Member) -> None:
    before = db_state()
    response = logged_in(request.getfixturevalue(user_fixture)).post(step_url("042056"), valid_post())
    assert response.status_code == 403
    assert db_state() == before


def test_other_tenant_post_is_404(other_coordinator: Any, toyooka: Member) -> None:
    before = db_state()
    assert logged_in(other_coordinator).post(step_url(), valid_post()).status_code == 404
    assert db_state() == before


def test_csrf_token_is_required(coordinator: Any, toyooka: Member) -> None:
    client = logged_in(coordinator, enforce_csrf_checks=True)
    before = db_state()
    assert client.post(step_url(), valid_post()).status_code == 403
    assert db_state() == before
    # The same post with the page's token goes through, so the 403 above was the missing token.
    client.get(step_url())
    token = client.cookies["csrftoken"].value
    assert client.post(step_url(), valid_post(csrfmiddlewaretoken=token)).status_code == 302
    assert StepProgress.objects.filter(member=toyooka, step__code=STEP, status=ProgressStatus.DONE).exists()


# --- download and delete -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("secretariat", 200),
        ("support", 200),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("prefecture_coordinator", 404),
        ("org_admin", 404),
    ],
)
def test_download_toyooka_evidence_by_role(
    request: pytest.FixtureRequest,
    coordinator: Any,
    toyooka: Member,
    django_capture_on_commit_callbacks: Any,
    user_fixture: str,
    expected: int,
) -> None:
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks, name="議事録 第1回.pdf")
    user = request.getfixturevalue(user_fixture)
    response = logged_in(user).get(reverse("guidebook:evidence_download", args=[evidence.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2%20%E7%AC%AC1%E5%9B%9E.pdf" in disposition
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_prefecture_coordinator_sees_a_municipality_but_not_its_evidence(
    secretariat: Any, prefecture_coordinator: Any, kesennuma: Member, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = stored_evidence(secretariat, kesennuma, django_capture_on_commit_callbacks)
    response = logged_in(prefecture_coordinator).get(reverse("guidebook:evidence_download", args=[evidence.pk]))
    assert response.status_code == 403


def test_download_of_unknown_or_missing_file_is_404(
    coordinator: Any, toyooka: Member, django_capture_on_commit_callbacks: Any
) -> None:
    client = logged_in(coordinator)
    assert client.get(reverse("guidebook:evidence_download", args=[999999])).status_code == 404
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks)
    services.evidence_path(evidence).unlink()
    assert client.get(reverse("guidebook:evidence_download", args=[evidence.pk])).status_code == 404


def test_delete_by_coordinator(coordinator: Any, toyooka: Member, django_capture_on_commit_callbacks: Any) -> None:
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks)
    path = services.evidence_path(evidence)
    client = logged_in(coordinator)
    url = reverse("guidebook:evidence_delete", args=[evidence.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == step_url()
    assert not EvidenceFile.objects.exists()
    assert not path.exists()
    assert "資料「資料.pdf」を削除しました。" in client.get(step_url()).content.decode()


@pytest.mark.parametrize(
    ("user_fixture", "expected"), [("support", 403), ("other_coordinator", 404), ("org_admin", 404)]
)
def test_delete_refused(
    request: pytest.FixtureRequest,
    coordinator: Any,
    toyooka: Member,
    django_capture_on_commit_callbacks: Any,
    user_fixture: str,
    expected: int,
) -> None:
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks)
    client = logged_in(request.getfixturevalue(user_fixture))
    assert client.post(reverse("guidebook:evidence_delete", args=[evidence.pk])).status_code == expected
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert services.evidence_path(evidence).exists()


def test_delete_needs_the_csrf_token(
    coordinator: Any, toyooka: Member, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks)
    client = logged_in(coordinator, enforce_csrf_checks=True)
    assert client.post(reverse("guidebook:evidence_delete", args=[evidence.pk])).status_code == 403
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_step_page_lists_evidence_with_download_and_delete_only_for_changers(
    coordinator: Any, support: Any, toyooka: Member, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = stored_evidence(coordinator, toyooka, django_capture_on_commit_callbacks)
    delete_url = reverse("guidebook:evidence_delete", args=[evidence.pk])
    download_url = reverse("guidebook:evidence_download", args=[evidence.pk])
    own = logged_in(coordinator).get(step_url()).content.decode()
    reader = logged_in(support).get(step_url()).content.decode()
    assert download_url in own and download_url in reader
    assert delete_url in own and delete_url not in reader


def test_png_upload_through_the_page(
    coordinator: Any, toyooka: Member, django_capture_on_commit_callbacks: Any
) -> None:
    upload = SimpleUploadedFile("photo.PNG", png_bytes(), content_type="application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(coordinator).post(
            step_url(), valid_post(status=ProgressStatus.IN_PROGRESS, completed_on="", file=upload)
        )
    assert response.status_code == 302
    assert EvidenceFile.objects.get().content_type == "image/png"
