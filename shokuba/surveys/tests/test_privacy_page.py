"""The respondents' privacy page (issue 11 §5): linked from every answering page, saying what is stored, what is not,
who sees what and how long; in Japanese, and in English through the respondent pages' own `?lang=en` (no cookie)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shokuba.surveys import respond, services
from shokuba.surveys.models import Wave, WaveLink
from shokuba.surveys.tests.samples import workplace_form

pytestmark = pytest.mark.django_db

PRIVACY = "/s/privacy/"


def _post(link: WaveLink, data: dict[str, Any], query: str = "") -> Any:
    return Client().post(reverse("surveys:answer", args=[link.token]) + query, data)


def _pages(link: WaveLink, coordinator: Any, published: Any, organisation: Any, monkeypatch: Any) -> dict[str, Any]:
    """Every page a respondent can meet, by name (the 503 page is checked with a real failure in
    tests/test_database_unavailable.py)."""
    url = reverse("surveys:answer", args=[link.token])
    pages: dict[str, Any] = {
        "form": Client().get(url),
        "form sent back with a problem": _post(
            link, {"submission_id": str(uuid.uuid4()), **workplace_form(**{"a.sex": "Z"})}
        ),
        "bad submission id": _post(link, {**workplace_form(), "submission_id": "x"}),
        "too large": Client().post(
            url,
            urlencode({"submission_id": str(uuid.uuid4()), **workplace_form(**{"q.WS-FREE": "x" * 2_000_000})}),
            content_type="application/x-www-form-urlencoded",
        ),
        "forged link": Client().get("/s/no-such-link/"),
    }
    done = _post(link, {"submission_id": str(uuid.uuid4()), **workplace_form()})
    pages["confirmation"] = Client().get(done["Location"])
    monkeypatch.setattr(respond, "SUBMISSIONS_PER_WINDOW", 1)
    pages["too many at once (429)"] = _post(link, {"submission_id": str(uuid.uuid4()), **workplace_form()})
    later = services.wave_create(
        actor=coordinator,
        version=published,
        name="来年度",
        fiscal_year=2027,
        opens_on=timezone.localdate() + dt.timedelta(days=30),
        closes_on=timezone.localdate() + dt.timedelta(days=60),
        organisations=[organisation],
    )
    pages["not yet open"] = Client().get(reverse("surveys:answer", args=[later.links.get().token]))
    Wave.objects.filter(pk=link.wave_id).update(status="closed")
    pages["closed"] = Client().get(url)
    return pages


def test_every_answering_page_links_the_privacy_page(
    link: WaveLink, coordinator: Any, published: Any, organisation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _pages(link, coordinator, published, organisation, monkeypatch)
    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == {
        "form": 200,
        "form sent back with a problem": 400,
        "bad submission id": 400,
        "too large": 400,
        "forged link": 404,
        "confirmation": 200,
        "too many at once (429)": 429,
        "not yet open": 403,
        "closed": 410,
    }
    for name, page in pages.items():
        html = page.content.decode()
        assert f'href="{PRIVACY}"' in html, name
        assert "回答の取扱い（プライバシー）" in html, name
        assert f'href="{page.wsgi_request.path}?lang=en"' in html, name  # and the way to English
        assert not page.cookies, name


def test_the_privacy_page_says_what_is_stored_what_is_not_who_sees_what_and_how_long(
    settings: Any, django_assert_num_queries: Any
) -> None:
    settings.RESULTS_MIN_GROUP_SIZE = 7
    with django_assert_num_queries(0):  # it can be read even while the database is down
        response = Client().get(PRIVACY, HTTP_ACCEPT_LANGUAGE="en")  # the browser's language does not switch it
    assert response.status_code == 200
    assert response["Content-Language"] == "ja" and not response.cookies
    page = response.content.decode()
    assert '<html lang="ja">' in page
    for heading in (
        "記録するもの",
        "記録しないもの",
        "あなたの端末に残るもの",
        "誰が何を見られるか",
        "どのくらいの期間、保管するか",
    ):
        assert f">{heading}</h2>" in page
    for fact in (
        "回答した日付（時刻は記録しません）",
        "IP アドレス、ブラウザーや端末の種類",
        "Cookie（回答のページは Cookie を使いません）",
        "回答した時刻と、回答が届いた順番",
        "お名前、メールアドレス、ログインの情報",
        "ローカルストレージ",
        "回答者が7人未満の区分は「—」で伏せて表示します。一人ひとりの回答と自由記述は見られません。",  # the employer
        "一人ひとりの回答（回答日、区分、企業・団体、自由記述を含みます。お名前などはありません）",  # the programme
        "リンクごとの送信件数を1分単位で数えます。この件数は、その1分が終わると消去します。",
        "一定の期間が過ぎた回答を自動で消す機能はありません",
        "作成から7日で消去します",
    ):
        assert fact in page, fact
    assert f'href="{PRIVACY}?lang=en"' in page


def test_the_privacy_page_and_the_answering_pages_are_in_english_with_lang_en(link: WaveLink) -> None:
    response = Client().get(PRIVACY + "?lang=en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en" and not response.cookies
    page = response.content.decode()
    assert '<html lang="en">' in page
    for text in (
        "How your answers are handled (privacy)",
        "What is recorded",
        "What is not recorded",
        "The date you answered (the time is not recorded)",
        "Your IP address, or the kind of browser or device",
        "Who sees what",
        "Groups with fewer than 5 respondents are hidden",
        "How long answers are kept",
    ):
        assert text in page, text
    assert "記録するもの" not in page
    assert f'href="{PRIVACY}" lang="ja"' in page  # back to Japanese

    # The answering form in English keeps English through its own links: privacy, sending, the confirmation.
    form = Client().get(reverse("surveys:answer", args=[link.token]) + "?lang=en")
    assert form["Content-Language"] == "en" and not form.cookies
    assert f'href="{PRIVACY}?lang=en"' in form.content.decode()
    assert 'data-text-sending="Sending…"' in form.content.decode()
    sent = _post(link, {"submission_id": str(uuid.uuid4()), **workplace_form()}, query="?lang=en")
    assert sent.status_code == 303 and sent["Location"].endswith("/thanks/?lang=en")
    thanks = Client().get(sent["Location"])
    assert "Your answers have been received" in thanks.content.decode()
    # Without ?lang, Japanese, whatever cookie or browser language a staff member's browser carries.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("surveys:answer", args=[link.token]))["Content-Language"] == "ja"
