"""Events for the tests: a complete input and an event created by the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.events import services
from shokuba.events.models import Event

TOKYO = dt.timezone(dt.timedelta(hours=9))


def event_input(**changes: Any) -> services.EventInput:
    start = (
        (timezone.now() + dt.timedelta(days=10)).astimezone(TOKYO).replace(hour=14, minute=0, second=0, microsecond=0)
    )
    data = services.EventInput(
        kind="lecture",
        title="男性の育休を職場で支える（講義）",
        description="育休の制度と、職場での引き継ぎの手順。\n質疑応答あり。",
        speaker="○○大学 教授 山田花子",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue="東京都千代田区 会議室A, 3階; 受付は1階",
        online_url="https://meet.example.jp/lecture-1",
        capacity=30,
        steps=["4-3"],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def make_event(**changes: Any) -> Event:
    return services.event_save(actor=SYSTEM, data=event_input(**changes))
