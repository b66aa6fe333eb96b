"""The case library's kinds of notification (core.notifications): a case sent for review reaches the secretariat,
the review reaches the author, a comment reaches the author and the member's coordinators (never the commenter).
The services call these inside their transactions; mails go out when the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shokuba.core.notifications import kind_register, notify
from shokuba.network.models import Role, User

APP = "learning"
SUBMITTED, REVIEWED, COMMENTED = "learning.case_submitted", "learning.case_reviewed", "learning.case_commented"


def register_notices() -> None:
    kind_register(SUBMITTED, _("事例：確認を待つ事例の提出"), app=APP)
    kind_register(REVIEWED, _("事例：承認・差し戻し"), app=APP)
    kind_register(COMMENTED, _("事例：自分の自治体の事例へのコメント"), app=APP)


def _link(case: Any) -> str:
    return reverse("learning:case", args=[case.pk])


def case_submitted_notify(case: Any) -> None:
    notify(
        User.objects.filter(role=Role.SECRETARIAT, is_active=True),
        kind=SUBMITTED,
        subject_template="learning/notices/case_submitted_subject.txt",
        body_template="learning/notices/case_submitted_body.txt",
        context={"case": case},
        link=_link(case),
    )


def case_reviewed_notify(case: Any, *, approved: bool) -> None:
    notify(
        [case.created_by],
        kind=REVIEWED,
        subject_template="learning/notices/case_reviewed_subject.txt",
        body_template="learning/notices/case_reviewed_body.txt",
        context={"case": case, "approved": approved},
        link=_link(case),
    )


def case_commented_notify(case: Any, comment: Any, recipients: Iterable[User], commenter: Any) -> None:
    notify(
        recipients,
        kind=COMMENTED,
        subject_template="learning/notices/case_commented_subject.txt",
        body_template="learning/notices/case_commented_body.txt",
        context={"case": case, "comment": comment, "commenter": commenter},
        link=f"{_link(case)}#comments-heading",
    )
