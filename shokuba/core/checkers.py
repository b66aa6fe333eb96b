"""Text checkers that an app provides and another app must run before it publishes a text.

One registration point, like core.permissions: the app that owns a checker registers it from its `ready()`; the
app that publishes looks it up by name and refuses to publish when none is registered (a posting must never go out
unchecked because the checker was not installed). Core knows neither side.

A checker takes the texts to check (field name -> text) and returns its findings; any finding blocks publishing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem a checker found: which field, a code of the rule, the words found and the message to show."""

    field: str
    code: str
    message: str
    excerpt: str = ""


Checker = Callable[[Mapping[str, str]], Sequence[Finding]]

_CHECKERS: dict[str, Checker] = {}


class CheckerAlreadyRegistered(ValueError):
    pass


def checker_register(name: str, checker: Checker) -> None:
    if name in _CHECKERS and _CHECKERS[name] is not checker:
        raise CheckerAlreadyRegistered(name)
    _CHECKERS[name] = checker


def checker_unregister(name: str) -> None:
    """For tests: remove a checker registered for the test."""
    _CHECKERS.pop(name, None)


def checker_of(name: str) -> Checker | None:
    return _CHECKERS.get(name)


# The job-ad checker (issue 16): run on every job posting before it is published.
JOB_AD_CHECKER = "job_ad"
