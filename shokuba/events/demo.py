"""Demo events: a lecture held three weeks ago (豊岡市 and 気仙沼市 registered and attended, materials and the
recording linked) and an exchange meeting in three weeks (気仙沼市 registered). Both marked demo (`Event.demo`,
「（デモ）」 in the title, a tag on the page); speakers, addresses and links are invented and say so."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.events import services
from shokuba.events.models import Event
from shokuba.network.models import User

TOKYO = dt.timezone(dt.timedelta(hours=9))
NOTE = "※デモ用の架空の開催です。講師・会場・リンクは創作です。\n"


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TOKYO)


@transaction.atomic
def demo_events() -> list[Event]:
    coordinators = [u for name in ("toyooka", "kesennuma") if (u := User.objects.filter(username=name).first())]
    start = _at(-21, 14)
    lecture = services.event_save(
        actor=SYSTEM,
        demo=True,
        data=services.EventInput(
            kind="lecture",
            title="男性の育休を職場で支える：中小企業の引き継ぎの実務（デモ）",
            description=NOTE + "育休の制度と給付の最新の動き、代替要員と業務の引き継ぎの準備、"
            "事業所への伝え方。質疑応答の時間があります。",
            speaker="○○大学 教授（デモ）",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            online_url="https://meet.example.jp/demo-lecture",
            capacity=100,
            steps=["4-3"],
        ),
    )
    registrations = [
        services.registration_create(actor=user, event=lecture, now=start - dt.timedelta(days=7))
        for user in coordinators
    ]
    services.attendance_record(
        actor=SYSTEM, event=lecture, attended={r.pk for r in registrations}, now=start + dt.timedelta(hours=3)
    )
    services.materials_save(
        actor=SYSTEM,
        event=lecture,
        materials_url="https://example.jp/demo/lecture-slides.pdf",
        recording_url="https://example.jp/demo/lecture-recording",
    )
    meeting_start = _at(21, 15)
    meeting = services.event_save(
        actor=SYSTEM,
        demo=True,
        data=services.EventInput(
            kind="exchange",
            title="担当者交流会：事業所アンケートの回収率をどう上げたか（デモ）",
            description=NOTE + "参加自治体の担当者が、事業所アンケートの配り方・回収の工夫と"
            "うまくいかなかったことを持ち寄って話します。",
            starts_at=meeting_start,
            ends_at=meeting_start + dt.timedelta(hours=1, minutes=30),
            venue="東京都千代田区（デモ）会議室",
            online_url="https://meet.example.jp/demo-exchange",
            capacity=20,
            registration_deadline=meeting_start - dt.timedelta(days=3),
            steps=["2-2-a"],
        ),
    )
    kesennuma = User.objects.filter(username="kesennuma").first()
    if kesennuma is not None:
        services.registration_create(actor=kesennuma, event=meeting)
    return [lecture, meeting]
