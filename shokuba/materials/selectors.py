"""Reads of materials, kits, workshop records, experts and introduction requests, narrowed by the permissions'
`visible_*`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404

from shokuba.materials.models import (
    Expert,
    IntroductionRequest,
    IntroductionStatus,
    Material,
    MaterialVersion,
    WorkshopKit,
    WorkshopRecord,
)
from shokuba.materials.permissions import (
    reads_materials,
    visible_introductions,
    visible_materials,
    visible_workshops,
)
from shokuba.search.selectors import SearchFilters, search


def _or_404(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def materials_for(user: Any) -> QuerySet[Material]:
    return visible_materials(user).prefetch_related("steps", "versions")


def material_for(user: Any, pk: int) -> Material:
    return _or_404(materials_for(user), pk)


def versions_of(material: Material) -> QuerySet[MaterialVersion]:
    """Newest first."""
    return material.versions.order_by("-number")


def latest_version(material: Material) -> MaterialVersion | None:
    return versions_of(material).first()


def version_for(user: Any, pk: int) -> MaterialVersion:
    return _or_404(versions_for_api(user), pk)


def versions_for_api(user: Any) -> QuerySet[MaterialVersion]:
    return MaterialVersion.objects.filter(material__in=visible_materials(user)).select_related("material")


def download_count(material: Material) -> int:
    """Every download of every version, and each opening of a video link."""
    files = material.versions.aggregate(n=Sum("downloads"))["n"] or 0
    return int(files) + material.video_views


def kits_for(user: Any) -> QuerySet[WorkshopKit]:
    return WorkshopKit.objects.all() if reads_materials(user) else WorkshopKit.objects.none()


def kit_for(user: Any, pk: int) -> WorkshopKit:
    return _or_404(kits_for(user), pk)


def workshops_for(user: Any) -> QuerySet[WorkshopRecord]:
    return visible_workshops(user)


def workshop_for(user: Any, pk: int) -> WorkshopRecord:
    return _or_404(visible_workshops(user), pk)


def experts_for(user: Any) -> QuerySet[Expert]:
    return Expert.objects.all() if reads_materials(user) else Expert.objects.none()


def expert_for(user: Any, pk: int) -> Expert:
    return _or_404(experts_for(user), pk)


def introductions_for(user: Any) -> QuerySet[IntroductionRequest]:
    return visible_introductions(user)


def introduction_for(user: Any, pk: int) -> IntroductionRequest:
    return _or_404(visible_introductions(user), pk)


def waiting_introductions(user: Any) -> int:
    return visible_introductions(user).filter(status=IntroductionStatus.RECEIVED).count()


def material_list(
    user: Any, *, query: str = "", step: str = "", audience: str = "", language: str = ""
) -> list[Material]:
    """The materials a user may read, found by the one search when there is a query (its order), else newest first;
    narrowed by step, audience and language."""
    materials = materials_for(user)
    if query.strip():
        hits = search(user, query, filters=SearchFilters(kinds=("material",), step=step), limit=100).hits
        by_id = materials.in_bulk([h.object_id for h in hits])
        found = [by_id[h.object_id] for h in hits if h.object_id in by_id]
    else:
        found = list(materials.filter(steps__code=step).distinct() if step else materials[:500])
    return [m for m in found if (not audience or audience in m.audiences) and (not language or m.language == language)]
