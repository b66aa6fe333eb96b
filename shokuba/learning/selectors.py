"""Reads of the case library, always narrowed by `visible_cases`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from shokuba.learning.models import Case, CaseState
from shokuba.learning.permissions import visible_cases
from shokuba.network.models import Member, Role
from shokuba.support.models import Status as ConsultationStatus
from shokuba.support.permissions import visible_consultations


def case_for(user: Any, pk: int) -> Case:
    """A case the user may see, else 404 (another member's draft does not exist for them)."""
    case = visible_cases(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def consultation_as_case(user: Any, consultation_id: int) -> tuple[str, dict[str, Any]] | None:
    """A case to start from one of the member's own closed consultations: (its title, the form's initial values).
    Only the member's coordinator's own consultations (another member's is None); the support team's answers are
    copied, never its internal notes. The case is the member's own story, reviewed by the secretariat as any other."""
    member_id = getattr(user, "member_id", None)
    consultation = (
        visible_consultations(user)
        .filter(pk=consultation_id, member_id=member_id, status=ConsultationStatus.CLOSED)
        .first()
        if member_id
        else None
    )
    if consultation is None:
        return None
    answers = [
        m.body for m in consultation.messages.filter(internal=False, author__role__in=[Role.SUPPORT, Role.SECRETARIAT])
    ]
    initial: dict[str, Any] = {"title": consultation.title[:120], "tried": consultation.description}
    if consultation.step is not None:
        initial["steps"] = [consultation.step.code]
    if answers:
        initial["happened"] = "\n\n".join(answers)
    return consultation.title, initial


def own_cases(user: Any) -> QuerySet[Case]:
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return Case.objects.none()
    return visible_cases(user).filter(member_id=member_id).order_by("-updated_at", "-pk")


def review_queue(user: Any) -> QuerySet[Case]:
    return visible_cases(user).filter(state=CaseState.SUBMITTED).order_by("submitted_at", "pk")


def helpful_count(case: Case) -> int:
    return case.helpful_marks.count()


def related_cases(user: Any, case: Case, limit: int = 5) -> list[Case]:
    """Other approved cases sharing the most guidebook steps, then themes (ties: the most recent)."""
    steps = list(case.steps.values_list("pk", flat=True))
    approved = visible_cases(user).filter(state=CaseState.APPROVED).exclude(pk=case.pk)
    candidates: list[Case] = list(
        approved.filter(steps__in=steps).annotate(shared=Count("steps")).order_by("-shared", "-updated_at")[:50]
    )
    if len(candidates) < limit:
        seen = {c.pk for c in candidates}
        candidates += [c for c in approved.order_by("-updated_at")[:200] if c.pk not in seen]
    themes = set(case.themes)

    def rank(other: Case) -> tuple[int, int]:
        return (getattr(other, "shared", 0) + len(themes & set(other.themes)), 0)

    chosen = sorted(candidates, key=rank, reverse=True)
    return [c for c in chosen if rank(c)[0] > 0][:limit]


def regions() -> list[str]:
    return list(Member.objects.order_by("region_block").values_list("region_block", flat=True).distinct())
