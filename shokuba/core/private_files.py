"""Folders of uploaded files under PRIVATE_FILES_DIR (never under the web root), and their staging folders: a file
is written to `<folder>/.incoming/` inside the service's transaction and moved into place when it commits; what a
rolled-back transaction left there is removed once it is older than STAGED_FILE_MAX_AGE_SECONDS."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

STAGED_FILE_MAX_AGE_SECONDS = 3600


def private_dir(name: str) -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_dir(folder: Path) -> Path:
    """`folder`'s staging folder, cleared of files staged by transactions that rolled back."""
    path = folder / ".incoming"
    path.mkdir(parents=True, exist_ok=True)
    limit = time.time() - STAGED_FILE_MAX_AGE_SECONDS
    for staged in path.iterdir():
        try:
            if staged.is_file() and staged.stat().st_mtime < limit:
                staged.unlink(missing_ok=True)
        except OSError:
            continue
    return path
