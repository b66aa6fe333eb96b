"""Reads of consultations and referrals, always narrowed by `visible_consultations` / `visible_referrals`.

The dashboard's figures are staff-only operational counts (how many consultations, how fast answered), not survey
answers: the survey suppression gate does not apply to them."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shokuba.analysis.japanese import word_forms
from shokuba.core.permissions import has_perm
from shokuba.search.registry import search_kind
from shokuba.search.selectors import Hit, search, visible_documents
from shokuba.support.models import (
    OPEN_STATUSES,
    Consultation,
    ConsultationTheme,
    Message,
    Outcome,
    ReferralRecord,
    Status,
)
from shokuba.support.permissions import visible_consultations, visible_referrals


def consultations_for(user: Any, *, status: str = "", overdue: bool = False) -> QuerySet[Consultation]:
    rows = visible_consultations(user)
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(first_answered_at__isnull=True, answer_due__lt=timezone.now(), status__in=OPEN_STATUSES)
    return rows


def is_overdue(consultation: Consultation) -> bool:
    return (
        consultation.first_answered_at is None
        and consultation.status in OPEN_STATUSES
        and consultation.answer_due < timezone.now()
    )


def thread(user: Any, consultation: Consultation) -> QuerySet[Message]:
    """The messages the user may read: internal notes only for the support side."""
    messages = consultation.messages.select_related("author").prefetch_related("attachments")
    if not has_perm(user, "support.view_internal"):
        messages = messages.filter(internal=False)
    return messages


def dashboard(user: Any) -> dict[str, Any]:
    """Open and overdue by member and theme, time to first answer, referrals by outcome, frequent themes."""
    rows = visible_consultations(user)
    now = timezone.now()
    overdue_q = Q(first_answered_at__isnull=True, answer_due__lt=now, status__in=OPEN_STATUSES)
    open_q = Q(status__in=OPEN_STATUSES)
    by_member = list(
        rows.values("member_id", "member__local_government__prefecture_name", "member__local_government__city_name")
        .annotate(open=Count("id", filter=open_q), overdue=Count("id", filter=overdue_q), total=Count("id"))
        .order_by("-open", "member_id")
    )
    themes = dict(ConsultationTheme.choices)
    by_theme = [
        {**row, "label": themes.get(row["theme"], row["theme"])}
        for row in rows.values("theme")
        .annotate(open=Count("id", filter=open_q), overdue=Count("id", filter=overdue_q), total=Count("id"))
        .order_by("-total", "theme")
    ]
    answered = rows.filter(first_answered_at__isnull=False).values_list("created_at", "first_answered_at")
    hours = [(a - c).total_seconds() / 3600 for c, a in answered if a is not None]
    referrals = visible_referrals(user)
    outcomes = dict(Outcome.choices)
    by_outcome = Counter(referrals.values_list("outcome", flat=True))
    by_body = list(
        referrals.values("body__kind", "body__name", "other_body").annotate(n=Count("id")).order_by("-n")[:20]
    )
    return {
        "total": rows.count(),
        "open": rows.filter(open_q).count(),
        "overdue": rows.filter(overdue_q).count(),
        "by_member": by_member,
        "by_theme": by_theme,
        "answered_count": len(hours),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "mean_hours": round(statistics.fmean(hours), 1) if hours else None,
        "referrals_total": referrals.count(),
        "by_outcome": [{"outcome": code, "label": outcomes[code], "n": by_outcome.get(code, 0)} for code in outcomes],
        "by_body": by_body,
        "follow_ups_due": referrals.filter(
            follow_up_on__lte=timezone.localdate(), outcome__in=[Outcome.PENDING, Outcome.IN_SUPPORT]
        ).count(),
    }


def referrals_of(user: Any, consultation: Consultation) -> QuerySet[ReferralRecord]:
    return visible_referrals(user).filter(consultation=consultation).prefetch_related("organisations")


def related_items(user: Any, consultation: Consultation, limit: int = 5, words: int = 4) -> list[Hit]:
    """Items in the search index (cases, …) that the reader may see and that share words with the consultation's
    title: each of its first content words is searched alone (the search wants every word of a query), and items
    are ranked by how many words they share, then by score; the consultation's guidebook step first."""
    step = consultation.step.code if consultation.step is not None else ""
    found: dict[tuple[str, int], tuple[int, int, float, Hit]] = {}
    for word in list(dict.fromkeys(word_forms(consultation.title)))[:words]:
        for hit in search(user, word, limit=limit * 2).hits:
            key = (hit.kind, hit.object_id)
            shared, same_step, score, _hit = found.get(key, (0, int(step in hit.steps), 0.0, hit))
            found[key] = (shared + 1, same_step, score + hit.score, hit)
    ranked = sorted(found.values(), key=lambda row: (-row[1], -row[0], -row[2], row[3].kind, row[3].object_id))
    return [row[3] for row in ranked[:limit]]


def citation(user: Any, kind: str, object_id: int) -> tuple[str, str] | None:
    """(title, path) of one indexed item the reader may see, to quote in an answer; None otherwise."""
    document = visible_documents(user).filter(kind=kind, object_id=object_id).first()
    if document is None:
        return None
    return document.title, search_kind(kind).url(object_id)
