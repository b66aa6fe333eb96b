"""The engine imports no Django: importing every module of shokuba.analysis in a fresh interpreter loads none."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import shokuba.analysis

PACKAGE = Path(shokuba.analysis.__file__).parent


def test_no_module_imports_django():
    modules = [f"shokuba.analysis.{m.name}" for m in pkgutil.iter_modules([str(PACKAGE)]) if m.name != "__main__"]
    assert "shokuba.analysis.suppression" in modules and "shokuba.analysis.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PACKAGE.parent.parent)},
    )
    assert result.stdout.strip() == ""


def test_no_source_mentions_django_import():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
