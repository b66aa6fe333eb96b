"""The respondent's pages: links (forged, closed, not yet open), submitting, idempotence, bad input, limits."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shokuba.surveys import respond, selectors, services
from shokuba.surveys.models import Response, ResponseAnswer, Wave, WaveLink
from shokuba.surveys.tests.samples import workplace_form

pytestmark = pytest.mark.django_db


def answer_url(link: WaveLink) -> str:
    return reverse("surveys:answer", args=[link.token])


def submit(link: WaveLink, data: dict[str, Any], submission_id: str | None = None, client: Client | None = None) -> Any:
    client = client or Client(enforce_csrf_checks=True)
    payload = {"submission_id": submission_id or str(uuid.uuid4()), **data}
    return client.post(answer_url(link), payload)


def stored() -> tuple[int, int]:
    return Response.objects.count(), ResponseAnswer.objects.count()


def test_the_answering_page_needs_no_login_and_sets_no_cookie(link: WaveLink) -> None:
    response = Client().get(answer_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "働きやすさ・働きがい従業員アンケート" in page
    assert "株式会社テスト精工 の皆さまへ" in page
    assert "IP アドレス" in page and "回答した時刻" in page  # the privacy notice, before the questions
    assert page.index("このアンケートについて") < page.index("問1")
    assert "csrfmiddlewaretoken" not in page
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_a_valid_submission_is_stored_with_its_typed_rows_and_confirmed(link: WaveLink) -> None:
    client = Client(enforce_csrf_checks=True)  # no CSRF cookie exists for respondents: the link token protects
    response = submit(link, workplace_form(), client=client)
    assert response.status_code == 303
    assert response["Location"] == reverse("surveys:answer_thanks", args=[link.token])
    assert not response.cookies
    response = client.get(response["Location"])
    assert response.status_code == 200 and "回答を受け付けました" in response.content.decode()
    row = Response.objects.get()
    assert (row.member_id, row.wave_id, row.organisation_id) == ("282090", link.wave_id, link.organisation_id)
    assert (row.sex, row.age_band, row.position, row.employment) == ("F", "30", "staff", "")
    assert row.submitted_on == timezone.localdate()
    assert row.answers["WS-Z01"] == "2" and row.answers["WS-QA"]["WS-A01"] == "1"
    # 29 matrix statements + 2 overall items + the free text
    assert ResponseAnswer.objects.filter(submission_id=row.submission_id).count() == 32
    assert set(ResponseAnswer.objects.values_list("sex", flat=True)) == {"F"}


def test_the_same_submission_id_twice_is_stored_once_and_gets_the_same_confirmation(link: WaveLink) -> None:
    sid = str(uuid.uuid4())
    first = submit(link, workplace_form(), sid)
    second = submit(link, workplace_form(**{"q.WS-Z01": "4"}), sid)  # a retry after a timeout
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1
    assert Response.objects.get().answers["WS-Z01"] == "2"
    assert ResponseAnswer.objects.filter(item_code="WS-Z01").count() == 1


def test_a_submission_id_sent_again_on_another_wave_of_the_municipality_is_stored_there(
    coordinator: Any, published: Any, organisation: Any, link: WaveLink
) -> None:
    """Issue 11 §7: the same submission id on another wave of the same member showed the thanks page and stored
    nothing (the key is (member, submission id)). Now the key is derived from the link too."""
    today = timezone.localdate()
    later = services.wave_open(
        actor=coordinator,
        wave=services.wave_create(
            actor=coordinator,
            version=published,
            name="2026年度 フォローアップ調査",
            fiscal_year=2026,
            opens_on=today,
            closes_on=today + dt.timedelta(days=10),
            organisations=[organisation],
        ),
    )
    other_link = later.links.get()
    sid = str(uuid.uuid4())
    assert submit(link, workplace_form(), sid).status_code == 303
    assert submit(other_link, workplace_form(**{"q.WS-Z01": "4"}), sid).status_code == 303
    assert submit(other_link, workplace_form(**{"q.WS-Z01": "4"}), sid).status_code == 303  # a retry there
    by_wave = {r.wave_id: r for r in Response.objects.all()}
    assert set(by_wave) == {link.wave_id, later.pk}
    assert (by_wave[link.wave_id].answers["WS-Z01"], by_wave[later.pk].answers["WS-Z01"]) == ("2", "4")
    assert ResponseAnswer.objects.filter(wave_id=later.pk).count() == 32
    # Another organisation's link of the same wave: another response too.
    third = link.wave.links.exclude(pk=link.pk).get()
    assert submit(third, workplace_form(), sid).status_code == 303
    assert Response.objects.filter(wave_id=link.wave_id).count() == 2


def test_the_service_recognises_a_repeated_submission_id(link: WaveLink) -> None:
    sid = uuid.uuid4()
    from shokuba.surveys.answers import raw_from_form
    from shokuba.surveys.services import definition_of

    definition = definition_of(link.wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form().items()})
    first = services.response_submit(link=link, submission_id=sid, answers=answers, attributes=attributes)
    again = services.response_submit(link=link, submission_id=sid, answers=answers, attributes=attributes)
    assert (first.created, again.created) == (True, False)
    assert stored()[0] == 1


def test_a_forged_link_is_a_clear_404(link: WaveLink) -> None:
    for token in (link.token[:-1] + ("A" if link.token[-1] != "A" else "B"), "x" * 200, "nothing"):
        response = Client().get(f"/s/{token}/")
        assert response.status_code == 404
        assert "このリンクは使えません" in response.content.decode()
        response = submit(WaveLink(token=token), workplace_form())
        assert response.status_code == 404
    assert stored() == (0, 0)


def test_a_closed_wave_answers_410_and_stores_nothing(coordinator: Any, link: WaveLink) -> None:
    services.wave_close(actor=coordinator, wave=link.wave)
    response = Client().get(answer_url(link))
    assert response.status_code == 410
    assert "受付は終了しました" in response.content.decode()
    assert submit(link, workplace_form()).status_code == 410
    assert stored() == (0, 0)


def test_closing_takes_effect_at_once_even_for_a_link_already_in_use(coordinator: Any, link: WaveLink) -> None:
    assert submit(link, workplace_form()).status_code == 303  # the link's facts are now cached in this process
    Wave.objects.filter(pk=link.wave_id).update(status="closed")  # e.g. closed by another server process
    assert submit(link, workplace_form()).status_code == 410
    stale = selectors.submission_link(link.token)
    assert stale is not None
    stale.wave.status = "open"  # even a stale view of the wave cannot store: the insert checks the wave itself
    from shokuba.surveys.answers import raw_from_form

    definition = services.definition_of(stale.wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form().items()})
    with pytest.raises(services.WaveNotAccepting):
        services.response_submit(link=stale, submission_id=uuid.uuid4(), answers=answers, attributes=attributes)
    assert stored()[0] == 1


def test_a_wave_past_its_closing_date_is_closed_too(link: WaveLink) -> None:
    Wave.objects.filter(pk=link.wave_id).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    assert submit(link, workplace_form()).status_code == 410


def test_a_wave_not_yet_open_says_when_it_opens(coordinator: Any, published: Any, organisation: Any) -> None:
    wave = services.wave_create(
        actor=coordinator,
        version=published,
        name="来年度",
        fiscal_year=2027,
        opens_on=timezone.localdate() + dt.timedelta(days=30),
        closes_on=timezone.localdate() + dt.timedelta(days=60),
        organisations=[organisation],
    )
    link = wave.links.get()
    response = Client().get(answer_url(link))
    assert response.status_code == 403 and "まだ始まっていません" in response.content.decode()
    assert submit(link, workplace_form()).status_code == 403


def test_missing_required_answers_come_back_next_to_the_fields_and_nothing_is_saved(link: WaveLink) -> None:
    response = submit(link, workplace_form(**{"q.WS-Z01": None, "q.WS-QB.WS-B03": None}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "回答に確認が必要な箇所があります（2件）" in page
    assert "この質問に回答してください。" in page and "この項目に回答してください。" in page
    assert 'href="#f-q-WS-Z01"' in page
    assert 'value="2" checked' in page or "checked" in page  # what was answered is shown again
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"q.WS-Z01": "7"}, "選択肢にない回答です"),
        ({"q.WS-QA.WS-A01": "9"}, "選択肢にない回答です"),
        ({"a.sex": "Z"}, "選択肢にない回答です"),
        ({"q.WS-FREE": "あ" * 4001}, "4,000字以内で入力してください"),
    ],
)
def test_bad_answers_are_refused_with_a_message(link: WaveLink, overrides: dict[str, str], message: str) -> None:
    response = submit(link, workplace_form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored() == (0, 0)


def test_a_ten_megabyte_field_is_refused_before_it_is_parsed(link: WaveLink) -> None:
    body = urlencode({"submission_id": str(uuid.uuid4()), **workplace_form(**{"q.WS-FREE": "x" * 10_000_000})})
    response = Client().post(answer_url(link), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.content.decode()
    assert "送信された内容が大きすぎます" in page and "4,000字" in page
    assert len(page) < 20_000
    assert stored() == (0, 0)


def test_a_url_encoded_post_as_browsers_send_it_is_stored_the_same(link: WaveLink) -> None:
    submission_id = str(uuid.uuid4())
    body = urlencode({"submission_id": submission_id, **workplace_form(**{"q.WS-FREE": "定時に帰れる＆ 100% 満足"})})
    response = Client().post(answer_url(link), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    row = Response.objects.get()
    assert row.submission_id == services.stored_submission_id(link_id=link.pk, submission_id=uuid.UUID(submission_id))
    assert row.answers["WS-FREE"] == "定時に帰れる＆ 100% 満足" and row.answers["WS-QA"]["WS-A01"] == "1"
    assert ResponseAnswer.objects.filter(submission_id=row.submission_id).count() == 32


def test_more_fields_than_any_form_has_are_refused_and_nothing_is_stored(link: WaveLink, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    fields = {"submission_id": str(uuid.uuid4()), **workplace_form(), **{f"x{i}": "1" for i in range(100)}}
    for body, content_type in (
        (urlencode(fields), "application/x-www-form-urlencoded"),
        (fields, None),  # multipart, through Django's own parser
    ):
        if content_type:
            response = Client().post(answer_url(link), body, content_type=content_type)
        else:
            response = Client().post(answer_url(link), body)
        assert response.status_code == 400
        assert "回答の項目が多すぎます" in response.content.decode()
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        "a=1&a=2&b=",
        "a=%E5%83%8D%E3%81%8F+%2B1&b=x%3Dy",
        "a=%ff&b=%00",
        "a&b=1&&c=",
        "a=1;b=2",
        "",
    ],
)
def test_the_answering_view_reads_a_form_as_django_does(rf: Any, body: str) -> None:
    from django.http import QueryDict

    request = rf.post("/s/x/", body, content_type="application/x-www-form-urlencoded")
    expected = QueryDict(body, encoding="utf-8")
    assert respond._posted_fields(request) == {name: expected.getlist(name) for name in expected}


def test_another_charset_is_refused_as_django_refuses_it(link: WaveLink) -> None:
    body = urlencode({"submission_id": str(uuid.uuid4()), **workplace_form()}, encoding="cp932")
    content_type = "application/x-www-form-urlencoded; charset=shift_jis"
    response = Client().post(answer_url(link), body, content_type=content_type)
    assert response.status_code == 400  # Django accepts URL-encoded forms in UTF-8 only
    assert stored() == (0, 0)


def test_a_missing_or_malformed_submission_id_is_refused(link: WaveLink) -> None:
    response = Client().post(answer_url(link), {**workplace_form(), "submission_id": "not-a-uuid"})
    assert response.status_code == 400
    assert "送信の識別番号" in response.content.decode()
    assert stored() == (0, 0)


def test_submissions_are_rate_limited_per_link(monkeypatch: pytest.MonkeyPatch, link: WaveLink, wave: Wave) -> None:
    monkeypatch.setattr(respond, "SUBMISSIONS_PER_WINDOW", 2)
    assert submit(link, workplace_form()).status_code == 303
    assert submit(link, workplace_form()).status_code == 303
    limited = submit(link, workplace_form())
    assert limited.status_code == 429 and "混み合っています" in limited.content.decode()
    other = wave.links.exclude(pk=link.pk).get()
    assert submit(other, workplace_form()).status_code == 303  # per link, not global
    assert stored()[0] == 3


def test_a_public_link_collects_without_an_organisation(coordinator: Any, toyooka: Any) -> None:
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=toyooka, template_code="resident"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="住民",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        public_link=True,
    )
    services.wave_open(actor=coordinator, wave=wave)
    link = wave.links.get()
    assert link.organisation is None
    data = {
        "q.RS-01": "3",
        "q.RS-02.r1": "04",
        "q.RS-02.r2": "08",
        "q.RS-03": "dk",
        "q.RS-04": ["1", "5"],
        "q.RS-05": "2",
        "a.sex": "F",
    }
    first = submit(link, data)
    assert first.status_code == 303, first.content.decode()[:3000]
    response = Response.objects.get()
    assert response.organisation_id is None and response.answers["RS-02"] == ["04", "08"]
    ranks = list(ResponseAnswer.objects.filter(item_code="RS-02").order_by("seq").values_list("seq", "choice_code"))
    assert ranks == [(1, "04"), (2, "08")]
    repeated = submit(link, {**data, "q.RS-02.r2": "04"})
    assert repeated.status_code == 400 and "2回以上選ばれています" in repeated.content.decode()


def test_a_ranking_and_scale_answers_store_together(coordinator: Any, toyooka: Any) -> None:
    """Ranks (whole numbers) and scale values travel in one array of the submission statement: on PostgreSQL a
    list of mixed int and float once failed to bind. The resident survey has both."""
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=toyooka, template_code="resident"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="住民調査",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        public_link=True,
        organisations=[],
    )
    services.wave_open(actor=coordinator, wave=wave)
    link = wave.links.get()
    form = {
        "q.RS-01": "3",
        "q.RS-02.r1": "04",
        "q.RS-02.r2": "01",
        "q.RS-03": "2",
        "q.RS-04": ["1", "5"],
        "q.RS-05": "1",
        "a.sex": "F",
        "a.age_band": "-29",
    }
    response = submit(link, form)
    assert response.status_code == 303, response.content.decode()
    row = Response.objects.get()
    ranks = ResponseAnswer.objects.filter(submission_id=row.submission_id, item_code="RS-02").order_by("seq")
    assert [(r.seq, r.choice_code, r.value) for r in ranks] == [(1, "04", 1.0), (2, "01", 2.0)]
    assert ResponseAnswer.objects.get(submission_id=row.submission_id, item_code="RS-03").choice_code == "2"
