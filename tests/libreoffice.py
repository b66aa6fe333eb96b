"""LibreOffice for the spreadsheet round-trip tests: a file opened and saved by a real spreadsheet program.

The tests run Debian's `libreoffice-calc` headless (installed by `scripts/install_libreoffice.sh` from `make test`).
Without it they are skipped loudly on a developer's machine (a warning in the summary, with the reason), and fail
under CI, where a skipped round trip would hide a broken import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pytest

COMMAND_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = "install it with `make test` as a user who may install packages, or `apt-get install libreoffice-calc`"

# LibreOffice's CSV filter options (https://help.libreoffice.org/latest/en-US/text/shared/guide/csv_params.html):
# separator 44 (,), text delimiter 34 ("), character set (76 UTF-8, 64 Shift_JIS), first line 1, no column types,
# language 1041 (Japanese), quoted fields not forced to text, "detect special numbers" (dates, 60+) on or off.
UTF8 = 76
SHIFT_JIS = 64


def csv_filter(*, charset: int = UTF8, special_numbers: bool = True) -> str:
    return f"44,34,{charset},1,,1041,false,{'true' if special_numbers else 'false'}"


def soffice() -> str:
    """The LibreOffice executable; skips the test loudly (fails under CI) when there is none."""
    for name in COMMAND_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = f"LibreOffice (soffice) is not installed, so the real spreadsheet round trip cannot run: {INSTALL_HINT}"
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(message)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def convert(source: Path, target_format: str, *, infilter: str | None = None, outfilter: str | None = None) -> Path:
    """Open `source` in LibreOffice and save it as `target_format` ("xlsx" or "csv") next to it, as a user would
    with 「名前を付けて保存」. `infilter` (CSV options) says how a CSV is opened; `outfilter` how a CSV is saved.
    A private profile per call keeps parallel test workers apart."""
    executable = soffice()
    outdir = source.parent / f"saved-{target_format}"
    outdir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [executable, f"-env:UserInstallation=file://{profile}", "--headless"]
        if infilter:
            command.append(f"--infilter=CSV:{infilter}")
        target = (
            f"csv:Text - txt - csv (StarCalc):{outfilter}" if target_format == "csv" and outfilter else target_format
        )
        command += ["--convert-to", target, "--outdir", str(outdir), str(source)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603
    saved = outdir / f"{source.stem}.{target_format}"
    assert result.returncode == 0 and saved.exists(), (result.stdout, result.stderr)
    return saved
