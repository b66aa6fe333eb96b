"""Reads for the survey pages and the API, always narrowed by core.permissions.visible_* first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shokuba.core.permissions import has_perm
from shokuba.network.models import Member
from shokuba.surveys.models import Questionnaire, QuestionnaireVersion, Response, VersionStatus, Wave, WaveLink
from shokuba.surveys.permissions import visible_questionnaires, visible_wave_links, visible_waves


@dataclass(frozen=True)
class LinkCount:
    link: WaveLink
    responses: int

    @property
    def expected(self) -> int | None:
        return self.link.expected_headcount

    @property
    def rate(self) -> float | None:
        """Responses ÷ expected head-count, in %, or None without a head-count."""
        if not self.link.expected_headcount:
            return None
        return 100.0 * self.responses / self.link.expected_headcount


@dataclass(frozen=True)
class WaveCounts:
    links: list[LinkCount]
    total: int
    expected: int | None  # sum over links with a head-count
    responses_with_expected: int

    @property
    def rate(self) -> float | None:
        if not self.expected:
            return None
        return 100.0 * self.responses_with_expected / self.expected


def questionnaire_list(*, user: Any, member: Member) -> QuerySet[Questionnaire]:
    return visible_questionnaires(user).filter(member=member).prefetch_related("versions")


def wave_list(*, user: Any, member: Member | None = None) -> QuerySet[Wave]:
    waves = visible_waves(user)
    if member is not None:
        waves = waves.filter(member=member)
    counted = (
        Response.objects.filter(member_id=OuterRef("member_id"), wave_id=OuterRef("pk"))
        .values("wave_id")
        .annotate(n=Count("submission_id"))
        .values("n")
    )
    return waves.annotate(response_count=Coalesce(Subquery(counted), 0))


def published_versions(*, user: Any, member: Member) -> QuerySet[QuestionnaireVersion]:
    return (
        QuestionnaireVersion.objects.filter(
            questionnaire__in=visible_questionnaires(user).filter(member=member), status=VersionStatus.PUBLISHED
        )
        .select_related("questionnaire")
        .order_by("questionnaire__title", "-number")
    )


def wave_links(*, user: Any, wave: Wave) -> QuerySet[WaveLink]:
    """The links of a wave the user may see: all of them for staff, only their own for an organisation admin."""
    return visible_wave_links(user).filter(wave=wave).order_by("organisation__name", "id")


def response_counts(wave: Wave, links: Iterable[WaveLink]) -> WaveCounts:
    """Responses per link (one GROUP BY) and in total, with rates where a head-count was given."""
    links = list(links)
    per_organisation: dict[int | None, int] = dict(
        Response.objects.filter(member_id=wave.member_id, wave=wave)
        .values("organisation_id")
        .annotate(n=Count("submission_id"))
        .values_list("organisation_id", "n")
    )
    rows = [LinkCount(link, int(per_organisation.get(link.organisation_id, 0))) for link in links]
    expected = [r for r in rows if r.expected]
    return WaveCounts(
        links=rows,
        total=sum(r.responses for r in rows),
        expected=sum(r.expected or 0 for r in expected) or None,
        responses_with_expected=sum(r.responses for r in expected),
    )


def wave_response_counts(*, user: Any, wave: Wave) -> WaveCounts:
    return response_counts(wave, wave_links(user=user, wave=wave))


def can_see_all_links(user: Any, wave: Wave) -> bool:
    return has_perm(user, "wave.view_all_links", wave)


def link_by_token(token: str) -> WaveLink | None:
    """The answering link for a token (one indexed query, with its wave and questionnaire version)."""
    if not token or len(token) > 64:
        return None
    return (
        WaveLink.objects.select_related("wave__version", "wave__member__local_government", "organisation")
        .filter(token=token)
        .first()
    )


# token -> the link's unchanging facts, with its wave's unchanging facts and its (published, frozen) version.
_submission_links: dict[str, WaveLink] = {}
_SUBMISSION_LINKS_MAX = 20_000


def submission_link(token: str, *, refresh: bool = False) -> WaveLink | None:
    """The link for a submission, on the hot path, from a per-process cache: which wave, member, organisation and
    questionnaire version a token belongs to never changes. The wave's status and dates in the cache may be stale;
    that is safe because the insert itself stores only while the wave is open (storage.response_store), and a
    wave that looked closed or not yet open is looked up again (`refresh=True`) before anyone is turned away."""
    cached = None if refresh else _submission_links.get(token)
    if cached is None:
        cached = link_by_token(token)
        if cached is None:
            _submission_links.pop(token, None)
            return None
        if len(_submission_links) >= _SUBMISSION_LINKS_MAX:
            _submission_links.clear()
        _submission_links[token] = cached
    known = cached.wave
    wave = Wave(
        id=known.pk,
        member_id=known.member_id,
        version_id=known.version_id,
        name=known.name,
        fiscal_year=known.fiscal_year,
        status=known.status,
        opens_on=known.opens_on,
        closes_on=known.closes_on,
        public_link=known.public_link,
    )
    wave.version = known.version  # published: frozen, safe to share between requests
    # New instances every time: concurrent requests share nothing mutable.
    return WaveLink(id=cached.pk, wave=wave, organisation_id=cached.organisation_id, token=cached.token)
