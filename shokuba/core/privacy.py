"""The platform's privacy setting: the smallest group whose survey figures may be shown."""

from __future__ import annotations

from django.conf import settings

from shokuba.analysis.suppression import DEFAULT_THRESHOLD, MIN_THRESHOLD


def min_group_size() -> int:
    """The suppression threshold in force (setting RESULTS_MIN_GROUP_SIZE, default 5, never below 3)."""
    value = int(getattr(settings, "RESULTS_MIN_GROUP_SIZE", DEFAULT_THRESHOLD))
    return max(value, MIN_THRESHOLD)
