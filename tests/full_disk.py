"""A private-files folder on a real filesystem that is full (issue #17's fault tests): a small tmpfs mounted on the
folder and filled to its last byte, so the operating system itself answers ENOSPC to the next write. Mounting needs
root (CAP_SYS_ADMIN); elsewhere the tests that use it are skipped, saying why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

MOUNT_TIMEOUT = 30


@contextlib.contextmanager
def small_filesystem(path: Path, size_kb: int = 512) -> Iterator[Path]:
    """`path` as the mount point of a tmpfs of `size_kb` KB, unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    try:
        subprocess.run(  # noqa: S603 - fixed command, our own temporary folder
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "shokuba-full-disk", str(path)],  # noqa: S607
            check=True,
            capture_output=True,
            timeout=MOUNT_TIMEOUT,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a small filesystem here: {exc}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=MOUNT_TIMEOUT)  # noqa: S603, S607


def fill(path: Path) -> Path:
    """Write a file into `path` until the filesystem refuses a byte more; returns it."""
    filler = path / ".filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def files_in(path: Path) -> list[str]:
    """Every file under `path` but the filler, relative."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file() and p.name != ".filler")
