"""Every support and notifications API operation × every role (token; session for two roles): 404 for a
consultation or referral the caller may not see, 403 for a visible one without the right, 2xx otherwise; a refused
write changes nothing and leaves the audit log as it was."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry, Notification, NotificationDelivery
from shokuba.network.models import Member, User
from shokuba.support.models import Consultation, Message, ReferralRecord
from shokuba.support.tests.fixtures import consultation_with_rows

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


THREAD = {"sec": 200, "sup": 200, "coord": 200}
ASK = {"theme": "work_style", "title": "API の相談", "description": "内容"}
REFER = {"other_body": "よろず支援拠点", "reason": "経営相談", "consent_note": "電話で同意"}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("consultations", "GET", "support/consultations", None, expect(200, org=403)),
    ("consultation ask", "POST", "support/consultations", ASK, expect(201, sec=403, sup=403, org=403)),
    ("consultation", "GET", "support/consultations/{c}", None, expect(404, **THREAD)),
    (
        "message",
        "POST",
        "support/consultations/{c}/messages",
        {"body": "追記"},
        expect(404, sec=201, sup=201, coord=201),
    ),
    (
        "internal note by member",
        "POST",
        "support/consultations/{c}/messages",
        {"body": "メモ", "internal": True},
        expect(404, sec=201, sup=201, coord=422),
    ),
    (
        "status",
        "POST",
        "support/consultations/{c}/status",
        {"status": "closed"},
        expect(404, sec=200, sup=200, coord=200),
    ),
    (
        "status refused by the machine",
        "POST",
        "support/consultations/{c}/status",
        {"status": "received"},
        expect(404, sec=422, sup=422, coord=403),
    ),
    ("referral", "POST", "support/consultations/{c}/referrals", REFER, expect(404, sec=201, sup=201, coord=403)),
    (
        "referral outcome",
        "PATCH",
        "support/referrals/{r}",
        {"outcome": "resolved", "outcome_note": "説明会に協力"},
        expect(404, sec=200, sup=200, coord=403),
    ),
    ("directory", "GET", "support/directory?prefecture=28", None, expect(200)),
    ("notifications", "GET", "notifications", None, expect(200)),
    ("notification read", "POST", "notifications/{n}/read", None, expect(404, coord=200)),
]


@pytest.fixture
def places(toyooka: Member, kesennuma: Member, coordinator: User, support: User) -> dict[str, Any]:
    consultation, record = consultation_with_rows(toyooka, coordinator, support)
    notice = Notification.objects.create(
        recipient=coordinator, kind="support.answered", subject="件名", body="本文", delivery=NotificationDelivery.NONE
    )
    return {"c": consultation.pk, "r": record.pk, "n": notice.pk}


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        Consultation.objects.count(),
        Message.objects.count(),
        ReferralRecord.objects.count(),
        list(Consultation.objects.values_list("status", flat=True)),
        list(ReferralRecord.objects.values_list("outcome", flat=True)),
        Notification.objects.filter(read_at__isnull=False).count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_support_api_matrix(
    request: pytest.FixtureRequest,
    places: dict[str, Any],
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    api = Api(request.getfixturevalue(role), auth="token")
    matrix_row_check(
        lambda: api.call(method, path.format(**places), body), method=method, expected=statuses[role], state=_state
    )


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG))
