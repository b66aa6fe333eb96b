"""The support pages' and the notification pages' rows of the project's permission matrix
(tests/test_permission_matrix.py).

豊岡市 (coord) has a consultation with an attachment, an answer and a referral; the support team and the secretariat
read and answer all; 宮城県's coordinator (pref) and 気仙沼市's (other) see nothing of 豊岡市's consultations (a
member never sees another member's, a prefecture included); the organisation admin has no access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.core.models import Notification, NotificationDelivery
from shokuba.core.notifications import unsubscribe_token
from shokuba.support.tests.fixtures import consultation_with_rows


def _rows(world: Any) -> Any:
    found = getattr(world, "_support_rows", None)
    if found is None:
        found = world._support_rows = consultation_with_rows(world.toyooka, world.users["coord"], world.users["sup"])
    return found


def _c(world: Any) -> int:
    return int(_rows(world)[0].pk)


def _r(world: Any) -> int:
    return int(_rows(world)[1].pk)


def _file(world: Any) -> int:
    return int(_rows(world)[0].messages.first().attachments.first().pk)


def _notice(world: Any) -> int:
    notice = Notification.objects.create(
        recipient=world.users["coord"],
        kind="support.answered",
        subject="件名",
        body="本文",
        link="/support/",
        delivery=NotificationDelivery.NONE,
    )
    return int(notice.pk)


ASK = {"theme": "work_style", "title": "相談", "description": "内容", "urgency": "normal"}
REFER = {"other_body": "よろず支援拠点", "for_member": "on", "reason": "経営相談", "consent_note": "電話で同意"}


def support_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    thread = {"sec": 200, "sup": 200, "coord": 200}
    staff = {"sec": 200, "sup": 200}
    return [
        case("support:index", "GET", lambda w: "/support/", expect(200, org=403)),
        case("support:ask", "GET", lambda w: "/support/ask/", expect(403, coord=200, pref=200, other=200)),
        case(
            "support:ask",
            "POST",
            lambda w: "/support/ask/",
            expect(403, coord=302, pref=302, other=302),
            body=lambda w: ASK,
        ),
        case("support:dashboard", "GET", lambda w: "/support/dashboard/", expect(403, **staff)),
        case("support:faq", "GET", lambda w: "/support/faq/", expect(200)),
        case("support:topics", "GET", lambda w: "/support/topics/", expect(403, sec=200)),
        case("support:saved_answers", "GET", lambda w: "/support/saved-answers/", expect(403, **staff)),
        case("support:consultation", "GET", lambda w: f"/support/consultations/{_c(w)}/", expect(404, **thread)),
        case(
            "support:reply",
            "POST",
            lambda w: f"/support/consultations/{_c(w)}/reply/",
            expect(404, sec=302, sup=302, coord=302),
            body=lambda w: {"body": "追記します"},
        ),
        case(
            "support:status",
            "POST",
            lambda w: f"/support/consultations/{_c(w)}/status/",
            expect(404, sec=302, sup=302, coord=403),
            body=lambda w: {"status": "in_progress"},
        ),
        case(
            "support:assign",
            "POST",
            lambda w: f"/support/consultations/{_c(w)}/assign/",
            expect(404, sec=302, sup=302, coord=403),
            body=lambda w: {"assignee": ""},
        ),
        case(
            "support:consent",
            "POST",
            lambda w: f"/support/consultations/{_c(w)}/consent/",
            expect(404, sec=403, sup=403, coord=302),
            body=lambda w: {"consent": "1"},
        ),
        case(
            "support:refer",
            "GET",
            lambda w: f"/support/consultations/{_c(w)}/refer/",
            expect(404, sec=200, sup=200, coord=403),
        ),
        case(
            "support:refer",
            "POST",
            lambda w: f"/support/consultations/{_c(w)}/refer/",
            expect(404, sec=302, sup=302, coord=403),
            body=lambda w: REFER,
        ),
        case(
            "support:faq_create",
            "GET",
            lambda w: f"/support/consultations/{_c(w)}/faq/",
            expect(404, sec=200, sup=200, coord=403),
        ),
        case("support:referral", "GET", lambda w: f"/support/referrals/{_r(w)}/", expect(404, **thread)),
        case(
            "support:referral_letter",
            "GET",
            lambda w: f"/support/referrals/{_r(w)}/letter.pdf",
            expect(404, **thread),
        ),
        case("support:attachment", "GET", lambda w: f"/support/files/{_file(w)}/", expect(404, **thread)),
        # One's own notifications: every role; another person's notice is a 404.
        case("core:notifications", "GET", lambda w: "/notifications/", expect(200)),
        case(
            "core:notification_open",
            "POST",
            lambda w: f"/notifications/{_notice(w)}/open/",
            expect(404, coord=302),
        ),
        case("core:notification_read_all", "POST", lambda w: "/notifications/read-all/", expect(302)),
        case("core:notification_preferences", "GET", lambda w: "/notifications/preferences/", expect(200)),
        # The mail's link works without logging in, for whoever holds it.
        case(
            "core:notification_unsubscribe",
            "GET",
            lambda w: f"/notifications/unsubscribe/{unsubscribe_token(w.users['coord'], 'support.answered')}/",
            expect(200, anon=200),
        ),
    ]
