"""scripts/audit_dependencies.py: what pip-audit's JSON report means for CI."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


audit = _script()

# pip-audit 2.x `-f json` shapes.
CLEAN = {"name": "django", "version": "5.2.9", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.2", "5.1.10"], "aliases": ["CVE-2025-1"], "description": ""}
    ],
}
SKIPPED = {"name": "segno", "skip_reason": "Dependency not found on PyPI and could not be audited: segno (1.6.6)"}


def test_a_known_vulnerability_fails_naming_package_advisory_and_fix() -> None:
    verdict = audit.judge({"dependencies": [CLEAN, VULNERABLE, SKIPPED]}, returncode=1)
    assert verdict.exit_code == 1
    assert "django 5.2.1: PYSEC-2025-1 (fixed in: 5.2.2, 5.1.10)" in "\n".join(verdict.lines)


def test_nothing_audited_is_a_loud_skip_not_a_pass() -> None:
    verdict = audit.judge({"dependencies": [SKIPPED, {**SKIPPED, "name": "whitenoise"}]}, returncode=0)
    assert verdict.exit_code == 0
    assert verdict.lines[0].startswith("dependency audit: SKIPPED")
    assert "2 packages" in verdict.lines[0]


def test_a_failed_run_without_a_report_is_a_skip_that_says_why() -> None:
    verdict = audit.judge({}, returncode=1, stderr="Traceback …\nConnectionError: Failed to resolve 'api.osv.dev'")
    assert verdict.exit_code == 0
    assert "SKIPPED" in verdict.lines[0] and "api.osv.dev" in verdict.lines[0]


def test_a_clean_audit_passes_and_lists_what_it_could_not_audit() -> None:
    verdict = audit.judge({"dependencies": [CLEAN, SKIPPED]}, returncode=0)
    assert verdict.exit_code == 0
    assert verdict.lines == [
        "dependency audit: passed — 1 packages audited, no known vulnerabilities",
        "  not audited (1): segno",
    ]
