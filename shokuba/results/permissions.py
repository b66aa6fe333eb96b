"""Who may see a wave's results (集計・分析), which waves exist for them, and the only way to make the `Scope` an
analysis reads: `results_scope(actor, wave)`. Rules registered with core.permissions from ResultsConfig.ready().

Results are aggregates with small-cell suppression. The programme's coordinator and the network's staff see
everything; a prefecture's coordinator the network municipalities' waves inside the prefecture without
organisation breakdowns or free text (the same aggregates-only oversight as progress and the workplace picture);
an organisation admin only their own organisation's respondents (obj: Wave).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from shokuba.core.permissions import has_perm, register, require
from shokuba.core.privacy import min_group_size
from shokuba.network.models import MemberKind, Organisation
from shokuba.network.permissions import (
    administers,
    coordinates,
    coordinates_a_prefecture,
    is_secretariat,
    prefecture_oversees,
    reads_everything,
)
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.surveys.permissions import takes_part, visible_waves

APP = "results"


def register_permissions() -> None:
    # Until a wave is closed its figures change with every answer: two visits' difference would be one respondent.
    # So an open wave's results are only for those who may read its raw responses anyway.
    register(
        "results.view",
        lambda user, wave: (
            (wave.status == WaveStatus.CLOSED or is_secretariat(user) or coordinates(user, wave.member))
            and (
                reads_everything(user)
                or coordinates(user, wave.member)
                or prefecture_oversees(user, wave.member)
                or takes_part(user, wave)
            )
        ),
        on=Wave,
        app=APP,
    )
    # Every respondent of the wave, not only one organisation's: results.view without the organisation admin's.
    register(
        "results.view_all_respondents",
        lambda user, wave: (
            reads_everything(user) or coordinates(user, wave.member) or prefecture_oversees(user, wave.member)
        ),
        on=Wave,
        app=APP,
    )
    register(
        "results.view_organisations",
        lambda user, wave: reads_everything(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )
    register(
        "results.view_free_text",
        lambda user, wave: reads_everything(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )


def visible_result_waves(user: Any) -> QuerySet[Wave]:
    """Waves whose results (aggregates, suppressed under the threshold) the user may open: the visible waves, and
    for a prefecture's coordinator also the waves of the network's municipalities inside the prefecture (the same
    aggregates-only oversight as progress and the workplace picture: no organisation breakdown, no free text)."""
    if coordinates_a_prefecture(user):
        return Wave.objects.select_related("member__local_government", "version__questionnaire").filter(
            Q(member_id=user.member_id)
            | Q(member__kind=MemberKind.MUNICIPALITY, member__local_government__prefecture_code=user.member_id[:2])
        )
    return visible_waves(user)


# --- the scope of an analysis ---------------------------------------------------------------------------------

_MADE_HERE = object()


@dataclass(frozen=True)
class Scope:
    """Whose responses an analysis reads: a wave, narrowed to one organisation for an organisation admin, with
    what the actor may see of it. Made only by `results_scope` (or `programme_scope` from one), so no page, API
    handler or analysis can widen what a user reads by building one by hand."""

    wave: Wave
    organisation_id: int | None
    organisations_allowed: bool
    free_text_allowed: bool
    threshold: int
    # Counts by every cached dimension, fetched once per scope (one GROUP BY per table for a whole page).
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    made_by: object = field(default=None, compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.made_by is not _MADE_HERE:
            raise TypeError("a results Scope is made by shokuba.results.permissions.results_scope(actor, wave)")

    @property
    def member_id(self) -> str:
        return str(self.wave.member_id)


def results_scope(actor: Any, wave: Wave, *, organisation: Organisation | None = None) -> Scope:
    """The scope `actor` may analyse in `wave` (PermissionDenied when results.view is refused).

    An organisation admin always reads only their own organisation's respondents. `organisation` narrows the scope
    to one organisation's respondents, for an actor allowed the organisation breakdown (or that organisation's
    admin, or the platform itself: the recognition scheme's two-thirds rule)."""
    require(actor, "results.view", wave)
    if organisation is not None:
        if not (has_perm(actor, "results.view_organisations", wave) or administers(actor, organisation.pk)):
            raise PermissionDenied("results.view_organisations")
        organisation_id: int | None = organisation.pk
    elif has_perm(actor, "results.view_all_respondents", wave):
        organisation_id = None
    else:  # results.view through the organisation's own link only
        organisation_id = actor.organisation_id
    whole = organisation_id is None
    return Scope(
        wave=wave,
        organisation_id=organisation_id,
        organisations_allowed=whole and has_perm(actor, "results.view_organisations", wave),
        free_text_allowed=whole and has_perm(actor, "results.view_free_text", wave),
        threshold=min_group_size(),
        made_by=_MADE_HERE,
    )


def programme_scope(scope: Scope) -> Scope:
    """The whole wave behind an organisation's scope, for comparing the organisation with its programme: every
    respondent's aggregates under the same threshold, and never an organisation breakdown or free text."""
    return Scope(
        wave=scope.wave,
        organisation_id=None,
        organisations_allowed=False,
        free_text_allowed=False,
        threshold=scope.threshold,
        made_by=_MADE_HERE,
    )
