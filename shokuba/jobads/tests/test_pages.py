"""The job-ad pages and services as a coordinator and an organisation admin use them: check, read the findings
with their law and rewrite, apply the rewrites, compare; files (.txt, .docx, .pdf) and a CSV of many ads; the
organisation's own figures in the suggestions; bad input refused with the field named and nothing stored."""

from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shokuba.core.models import AuditEntry
from shokuba.core.permissions import SYSTEM
from shokuba.jobads import services
from shokuba.jobads.models import JobAdCheck
from shokuba.jobads.tests.fixtures import AD, saved_check
from shokuba.network.models import Organisation
from shokuba.workplace.services import indicator_year_save

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def state() -> tuple[int, int]:
    return AuditEntry.objects.count(), JobAdCheck.objects.count()


def test_a_coordinator_checks_an_ad_applies_the_rewrites_and_sees_before_and_after(
    coordinator: Any, organisation: Organisation
) -> None:
    client = client_for(coordinator)
    page = client.get("/jobads/members/282090/")
    assert page.status_code == 200
    assert "求人票の「見え方」チェック" in page.content.decode()
    response = client.post("/jobads/members/282090/", {"organisation": organisation.pk, "title": "営業職", "text": AD})
    assert response.status_code == 302
    check = JobAdCheck.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert "<mark>営業マン</mark>" in html and "<mark>35歳以下</mark>" in html
    assert "男女雇用機会均等法 第5条・性差別禁止指針" in html and "労働施策総合推進法 第9条" in html
    assert "書き換え案：営業職" in html and "書き換え案：年齢不問" in html
    audit = AuditEntry.objects.order_by("-id").first()
    assert audit is not None and audit.target_type == "jobads.jobadcheck" and audit.after["findings"] == 2

    keys = [f["key"] for f in check.findings if f["severity"] == "violation"]
    response = client.post(f"/jobads/checks/{check.pk}/rewrite/", {"keys": keys})
    assert response.status_code == 302
    new = JobAdCheck.objects.exclude(pk=check.pk).get()
    assert new.previous_id == check.pk and new.source == "rewrite"
    assert new.text.startswith("【営業職募集】\n年齢不問の方。")
    assert new.scores["sex"] == 100 and new.scores["age"] == 100
    html = client.get(response["Location"]).content.decode()
    assert "書き換えの前と後" in html and "解消した指摘 2 件" in html
    assert '<span class="score-up">+35</span>' in html
    # The old version is kept as it was.
    check.refresh_from_db()
    assert check.text == AD


def test_bad_input_names_the_field_and_stores_nothing(coordinator: Any, organisation: Organisation) -> None:
    client = client_for(coordinator)
    before = state()
    response = client.post("/jobads/members/282090/", {"organisation": organisation.pk, "title": "営業職", "text": " "})
    assert response.status_code == 400
    assert "求人の本文を入力してください。" in response.content.decode()
    response = client.post(
        "/jobads/members/282090/", {"organisation": organisation.pk, "title": "営業\u202e職", "text": AD}
    )
    assert response.status_code == 400 and "求人の名前" in response.content.decode()
    bad_file = SimpleUploadedFile("ad.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(
        "/jobads/members/282090/", {"organisation": organisation.pk, "title": "営業職", "text": "", "file": bad_file}
    )
    assert response.status_code == 400 and "ad.exe" in response.content.decode()
    # Rewriting with nothing chosen, or a key the check does not have.
    check = saved_check(organisation, coordinator)
    before = state()
    for keys in ([], ["sex:nothing:here"]):
        response = client.post(f"/jobads/checks/{check.pk}/rewrite/", {"keys": keys})
        assert response.status_code == 303
        assert "書き換える指摘を選んでください。" in client.get(response["Location"]).content.decode()
    assert state() == before


def test_an_organisation_admin_sees_and_checks_only_their_own_organisation(
    org_admin: Any, organisation: Organisation, coordinator: Any, toyooka: Any
) -> None:
    spare = Organisation.objects.create(
        member=toyooka,
        name="株式会社予備",
        industry="D",
        size_band="1-29",
        location_id="282090",
        joined_on="2026-02-01",
    )
    theirs = saved_check(spare, coordinator)
    client = client_for(org_admin)
    html = client.get("/jobads/members/282090/").content.decode()
    assert organisation.name in html and "株式会社予備" not in html
    assert "まとめてチェックする" not in html
    assert client.get(f"/jobads/checks/{theirs.pk}/").status_code == 404
    before = state()
    response = client.post("/jobads/members/282090/", {"organisation": spare.pk, "title": "事務", "text": AD})
    assert response.status_code == 400 and state() == before  # not among the choices
    assert client.get("/jobads/members/042056/").status_code == 404


def test_missing_information_is_filled_from_the_organisation_s_latest_indicators(
    coordinator: Any, organisation: Organisation
) -> None:
    indicator_year_save(
        actor=SYSTEM,
        organisation=organisation,
        fiscal_year=2024,
        raw={"men_childcare_leave": 1, "men_spouse_gave_birth": 4},
    )
    indicator_year_save(
        actor=SYSTEM,
        organisation=organisation,
        fiscal_year=2025,
        raw={"men_childcare_leave": 3, "men_spouse_gave_birth": 5, "managers": 10, "managers_women": 2},
        arrangements={"flex_telework": True},
    )
    check = saved_check(organisation, coordinator)
    rewrites = {f["rule"]: f["rewrite"] for f in check.findings if f["severity"] == "missing"}
    assert rewrites["childcare"] == "男性の育休取得率 60%（2025年度）"
    assert rewrites["women_managers"] == "女性管理職比率 20%（2025年度）"
    assert rewrites["flexible"] == "働き方：テレワークの制度があります"
    html = client_for(coordinator).get(f"/jobads/checks/{check.pk}/").content.decode()
    assert "追記の例：男性の育休取得率 60%（2025年度）" in html


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", document)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ad.txt", "看護婦募集。\r\n時給1,600円。".encode("cp932")),
        ("ad.txt", "看護婦募集。\n時給1,600円。".encode("utf-8-sig")),
        ("ad.docx", _docx(["看護婦募集。", "時給1,600円。"])),
    ],
)
def test_an_ad_is_read_from_a_file(coordinator: Any, organisation: Organisation, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content)
    response = client_for(coordinator).post(
        "/jobads/members/282090/", {"organisation": organisation.pk, "title": "看護", "text": "", "file": upload}
    )
    assert response.status_code == 302
    check = JobAdCheck.objects.get()
    assert check.source == "file" and check.text.splitlines() == ["看護婦募集。", "時給1,600円。"]
    assert [f["rewrite"] for f in check.findings if f["severity"] == "violation"] == ["看護師"]


def test_a_pdf_ad_is_read_with_pdftotext(coordinator: Any, organisation: Organisation) -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("pdftotext is missing under CI (scripts/install_poppler.sh)")
        pytest.skip("pdftotext (poppler-utils) is not installed: bash scripts/install_poppler.sh")
    from reportlab.pdfgen import canvas

    from shokuba.surveys.distribution import pdf_font

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont(pdf_font(), 12)
    page.drawString(72, 760, "保母さん募集。月給20万円。")
    page.save()
    upload = SimpleUploadedFile("ad.pdf", out.getvalue(), content_type="application/pdf")
    response = client_for(coordinator).post(
        "/jobads/members/282090/", {"organisation": organisation.pk, "title": "保育", "text": "", "file": upload}
    )
    assert response.status_code == 302, response.content.decode()
    check = JobAdCheck.objects.get()
    assert "保母さん募集" in check.text
    assert [f["rule"] for f in check.findings if f["severity"] == "violation"] == ["nursery_fem"]


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["企業・団体", "求人の名前", "本文"])
    writer.writerows(rows)
    return SimpleUploadedFile("ads.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def test_a_coordinator_checks_many_ads_from_a_csv_and_gets_the_summary_and_the_download(
    coordinator: Any, organisation: Organisation
) -> None:
    client = client_for(coordinator)
    upload = _csv(
        [[organisation.name, "事務", "女性歓迎。\n月給18万円。"], [organisation.name, "営業", "営業職。男女問わず。"]]
    )
    response = client.post("/jobads/members/282090/batch/", {"file": upload})
    assert response.status_code == 302
    assert JobAdCheck.objects.filter(source="batch").count() == 2
    html = client.get("/jobads/members/282090/").content.decode()
    assert "チェックした求人は延べ 2 件" in html
    download = client.get("/jobads/members/282090/export.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    text = download.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["企業・団体", "求人の名前", "チェック日時"]
    assert {r[1] for r in rows[1:]} == {"営業"}  # the organisation's latest check
    cp932 = client.get("/jobads/members/282090/export.csv?encoding=cp932")
    assert "Shift_JIS" in cp932["Content-Type"] and cp932.content.decode("cp932").startswith("企業・団体")


def test_a_bad_row_of_the_csv_is_named_and_nothing_is_stored(coordinator: Any, organisation: Organisation) -> None:
    before = state()
    upload = _csv(
        [
            [organisation.name, "事務", "看護婦募集"],
            ["株式会社どこにもない", "営業", "営業マン"],
            [organisation.name, "", "本文"],
        ]
    )
    response = client_for(coordinator).post("/jobads/members/282090/batch/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "3行目：企業・団体「株式会社どこにもない」はこの自治体の参加企業・団体にありません。" in html
    assert "4行目：求人の名前を入力してください。" in html
    assert state() == before
    missing_column = SimpleUploadedFile("ads.csv", "企業・団体,本文\r\nA,B\r\n".encode("utf-8-sig"))
    response = client_for(coordinator).post("/jobads/members/282090/batch/", {"file": missing_column})
    assert response.status_code == 400 and "求人の名前" in response.content.decode()
    assert state() == before


def test_the_api_checks_saves_rewrites_and_compares(coordinator: Any, organisation: Organisation) -> None:
    from shokuba.api.tests.helpers import Api

    api = Api(coordinator, auth="token")
    answer = api.call("POST", "jobads/check", {"text": "カメラマン募集。20代の方歓迎。"})
    assert answer.status_code == 200
    body = answer.json()
    assert [(f["rule"], f["law_title"]) for f in body["findings"] if f["severity"] == "violation"] == [
        ("cameraman", "男女雇用機会均等法 第5条・性差別禁止指針"),
        ("age_limit", "労働施策総合推進法 第9条"),
    ]
    assert JobAdCheck.objects.count() == 0
    saved = api.call(
        "POST", f"jobads/organisations/{organisation.pk}/checks", {"title": "撮影", "text": "カメラマン募集"}
    )
    assert saved.status_code == 201
    check = saved.json()
    key = next(f["key"] for f in check["findings"] if f["severity"] == "violation")
    rewritten = api.call("POST", f"jobads/checks/{check['id']}/rewrite", {"keys": [key]})
    assert rewritten.status_code == 201
    after = rewritten.json()
    assert after["text"] == "カメラパーソン（撮影スタッフ）募集"
    assert after["comparison"]["resolved"] == [key] and after["comparison"]["after"]["sex"] == 100
    blank = api.call("POST", f"jobads/organisations/{organisation.pk}/checks", {"title": "撮影", "text": "  "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "text"]
    nothing = api.call("POST", f"jobads/checks/{after['id']}/rewrite", {"keys": ["sex:none:x"]})
    assert nothing.status_code == 422
    summary = api.call("GET", "jobads/members/282090/summary", None).json()
    assert summary["checked"] == 1 and summary["rows"][0]["latest"] == after["id"]


def test_services_refuse_without_the_right_and_change_nothing(support: Any, organisation: Organisation) -> None:
    from django.core.exceptions import PermissionDenied

    before = state()
    with pytest.raises(PermissionDenied):
        services.jobad_check_save(actor=support, organisation=organisation, title="事務", text=AD)
    assert state() == before
