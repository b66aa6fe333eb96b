"""Requests that are never written to a log: the anonymous respondents' pages.

A log line pairs a time with a path, and a respondent's path holds the answering link: Django writes one for every
4xx/5xx answer (`django.request`: a form sent back with a missing answer, a retry page) and the development server
(`make run`) one for every request (`django.server`). The time of a failed send and of the successful one a moment
later would date the response finer than its date. The paths are settings.UNLOGGED_PATH_PREFIXES.
"""

from __future__ import annotations

import logging

from django.conf import settings


class UnloggedPathsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        path = getattr(getattr(record, "request", None), "path", None)
        if not isinstance(path, str) and record.args and isinstance(record.args, tuple):
            # The development server's line: the request line "POST /s/… HTTP/1.1" is its first argument.
            parts = str(record.args[0]).split(" ")
            path = parts[1] if len(parts) > 1 else None
        return not (isinstance(path, str) and path.startswith(tuple(settings.UNLOGGED_PATH_PREFIXES)))


def unlogged_paths_install() -> None:
    for name in ("django.request", "django.server"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, UnloggedPathsFilter) for f in logger.filters):
            logger.addFilter(UnloggedPathsFilter())
