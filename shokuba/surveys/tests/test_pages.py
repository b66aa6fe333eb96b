"""The staff pages as a coordinator uses them: template → edit → publish → wave → open → link."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shokuba.surveys.models import Questionnaire, VersionStatus, Wave
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_authoring_and_running_a_wave_through_the_pages(coordinator: Any, organisation: Any) -> None:
    client = logged_in(coordinator)
    home = client.get(reverse("surveys:member_surveys", args=["282090"]))
    assert home.status_code == 200 and "アンコンシャス・バイアス気づきアンケート" in home.content.decode()
    response = client.post(reverse("surveys:questionnaire_start", args=["282090"]), {"template_code": "employer"})
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse("surveys:questionnaire_detail", args=[questionnaire.pk])
    page = client.get(response["Location"]).content.decode()
    assert "第1版を公開する" in page and "EM-03" in page and "iframe" in page

    edit_url = reverse("surveys:question_edit", args=[questionnaire.pk, "EM-06"])
    assert client.get(edit_url).status_code == 200
    form = {
        "text": "課題を3つまで選んでください。",
        "help": "",
        "section": "課題",
        "required": "on",
        "max_choices": "3",
        "choice_code": ["1", "2", "3", "4", "5", "6", "7", "8", ""],
        "choice_label": [
            "女性の応募が少ない",
            "配置",
            "候補",
            "長時間",
            "代替",
            "理解",
            "ノウハウ",
            "特にない",
            "人手不足",
        ],
        "choice_order": ["1", "2", "3", "4", "5", "6", "7", "9", "8"],
        "choice_exclusive": ["8"],
        "choice_delete": ["2"],
    }
    saved = client.post(edit_url, form)
    assert saved.status_code == 302
    draft = questionnaire.versions.get()
    question = next(q for q in draft.definition["questions"] if q["code"] == "EM-06")
    assert [c["code"] for c in question["choices"]] == ["1", "3", "4", "5", "6", "7", "9", "8"]

    bad = client.post(edit_url, {**form, "text": ""})
    assert bad.status_code == 400 and "入力内容を確認してください" in bad.content.decode()

    client.post(
        reverse("surveys:question_add", args=[questionnaire.pk]), {"kind": "text_short", "text": "部署名（任意）"}
    )
    client.post(reverse("surveys:question_move", args=[questionnaire.pk, "C01"]), {"direction": "up"})
    client.post(reverse("surveys:question_remove", args=[questionnaire.pk, "C01"]))
    assert "C01" not in [q["code"] for q in questionnaire.versions.get().definition["questions"]]

    client.post(reverse("surveys:questionnaire_publish", args=[questionnaire.pk]))
    version = questionnaire.versions.get()
    assert version.status == VersionStatus.PUBLISHED
    blocked = client.post(edit_url, form)
    assert blocked.status_code == 404  # no draft any more: the published version is not editable

    phone = client.get(reverse("surveys:version_phone", args=[questionnaire.pk, 1]))
    assert phone.status_code == 200
    preview = client.get(reverse("surveys:version_preview", args=[questionnaire.pk, 1]))
    assert preview.status_code == 200 and "プレビュー" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"

    today = timezone.localdate()
    created = client.post(
        reverse("surveys:wave_create", args=["282090"]),
        {
            "version": str(version.pk),
            "name": "2026年度 事業所調査",
            "fiscal_year": "2026",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "organisations": [str(organisation.pk)],
        },
    )
    wave = Wave.objects.get()
    assert created["Location"] == reverse("surveys:wave_detail", args=[wave.pk])
    client.post(reverse("surveys:wave_open", args=[wave.pk]))
    link = wave.links.get()
    client.post(reverse("surveys:link_headcount", args=[link.pk]), {"expected_headcount": "12"})
    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert link.token in page and "受付中" in page and 'value="12"' in page
    answer = client.get(reverse("surveys:answer", args=[link.token]))
    assert answer.status_code == 200 and "事業所アンケート" in answer.content.decode()


def test_a_wave_form_with_bad_dates_is_refused(coordinator: Any, published: Any, organisation: Any) -> None:
    client = logged_in(coordinator)
    response = client.post(
        reverse("surveys:wave_create", args=["282090"]),
        {
            "version": str(published.pk),
            "name": "x",
            "fiscal_year": "2026",
            "opens_on": "2026-12-01",
            "closes_on": "2026-11-01",
            "organisations": [str(organisation.pk)],
        },
    )
    assert response.status_code == 400
    assert "終了日は開始日と同じか、それより後の日付にしてください。" in response.content.decode()
    assert not Wave.objects.exists()
