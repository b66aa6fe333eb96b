"""Reading a report's PDF as a person would, with poppler's tools (scripts/install_poppler.sh): its text, its fonts,
its pages as images."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HAVE_POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm"))


def _run(tool: str, *args: str) -> str:
    executable = shutil.which(tool)
    assert executable is not None, f"{tool} missing (scripts/install_poppler.sh)"
    result = subprocess.run([executable, *args], capture_output=True, check=True, text=True, timeout=120)  # noqa: S603
    return result.stdout


def pdf_text(path: Path) -> str:
    return _run("pdftotext", "-layout", str(path), "-")


def pdf_fonts(path: Path) -> str:
    return _run("pdffonts", str(path))


def pdf_pages(path: Path, prefix: Path, resolution: int = 60) -> list[Path]:
    """Render every page to `<prefix>-N.png` (replacing earlier renders) and return them in order."""
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    _run("pdftoppm", "-r", str(resolution), "-png", str(path), str(prefix))
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
