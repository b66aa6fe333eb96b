"""Audit the locked dependencies against the advisory database (pip-audit), for CI.

- a known vulnerability in a pinned package: exit 1, naming package, version, advisory and the fixed versions;
- the advisory database answers for none of the packages (no network, a mirror without PyPI's JSON API): a loud
  SKIPPED line and exit 0 — CI must not pretend it audited, nor fail for a network it cannot reach;
- otherwise exit 0, listing any package it could not audit.

Usage: python scripts/audit_dependencies.py requirements.txt requirements-dev.txt
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    lines: list[str]


def judge(report: dict, *, returncode: int, stderr: str = "") -> Verdict:
    """What pip-audit's JSON report (`-f json`) means for CI."""
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if vulnerable:
        lines = ["dependency audit: FAILED — known vulnerabilities in pinned packages:"]
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                lines.append(f"  {dep['name']} {dep.get('version', '?')}: {vuln.get('id', '?')} (fixed in: {fixed})")
        return Verdict(1, lines)
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else (stderr.strip().splitlines() or ["no report"])[-1]
        return Verdict(
            0,
            [
                "dependency audit: SKIPPED — the advisory database answered for no package from here, "
                f"so nothing was audited ({len(skipped)} packages; first reason: {reason})"
            ],
        )
    lines = [f"dependency audit: passed — {len(audited)} packages audited, no known vulnerabilities"]
    if skipped:
        lines.append(f"  not audited ({len(skipped)}): " + ", ".join(d["name"] for d in skipped))
    return Verdict(0, lines)


def main(argv: list[str]) -> int:
    requirements = [arg for name in argv for arg in ("-r", name)]
    pip_audit = Path(sys.executable).with_name("pip-audit")
    done = subprocess.run(  # noqa: S603 - our own venv's pip-audit, fixed arguments
        [str(pip_audit), *requirements, "--no-deps", "--disable-pip", "-f", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if not report.get("dependencies") and done.returncode:
        # pip-audit itself failed before it could report (e.g. the OSV service unreachable): no audit happened.
        verdict = judge({}, returncode=done.returncode, stderr=done.stderr)
    else:
        verdict = judge(report, returncode=done.returncode, stderr=done.stderr)
    print("\n".join(verdict.lines), flush=True)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.txt", "requirements-dev.txt"]))
