"""axe-core in the browser tests: where the installed script is, how it gets into a page, and how to read its result.

`scripts/install_axe.sh` (run by `make test`) fetches axe-core from the npm registry at a pinned version, checks the
tarball against its pinned integrity and leaves `axe.min.js` in var/axe/ (git-ignored). The pages run under the strict
Content-Security-Policy (`script-src 'self'`): Playwright's `page.add_script_tag(path=...)` inserts the file's text as
an inline `<script>`, which the policy blocks (and the `page` fixture would report as a violation). The source is
therefore evaluated through the DevTools protocol (`page.evaluate`), which the page's policy does not govern, so the
page is checked exactly as it is served, policy included; axe itself needs no eval.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

AXE_DIR = Path(__file__).resolve().parents[2] / "var" / "axe"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what JIS X 8341-3:2016 level AA (= WCAG 2.0 AA) asks, and the later
# success criteria on top.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_pinned_version() -> str:
    """The version scripts/install_axe.sh pins (AXE_VERSION="x.y.z")."""
    script = (Path(__file__).resolve().parents[2] / "scripts" / "install_axe.sh").read_text(encoding="utf-8")
    found = re.search(r'^AXE_VERSION="([^"]+)"', script, re.MULTILINE)
    assert found, "scripts/install_axe.sh pins no AXE_VERSION"
    return found.group(1)


def axe_script_path() -> Path | None:
    """The installed axe.min.js of the pinned version, or None."""
    path = AXE_DIR / f"axe-core-{axe_pinned_version()}" / "axe.min.js"
    return path if path.is_file() else None


def axe_missing_message() -> str:
    return f"ACCESSIBILITY TESTS SKIPPED: axe-core is not installed in {AXE_DIR} (run `bash scripts/install_axe.sh`)"


def axe_run(page: Any, source: str) -> list[dict[str, Any]]:
    """The violations axe finds in the page as it is now (WCAG 2.x A/AA rules only)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    return list(result) + duplicate_ids(page)


# axe no longer checks duplicate ids under the WCAG tags (WCAG 2.2 dropped 4.1.1), but a label's `for`, and
# aria-labelledby / aria-describedby, reach only the first element with an id: a second one loses its name.
_DUPLICATE_IDS = """() => {
    const seen = new Map();
    for (const element of document.querySelectorAll("[id]")) {
        if (element.closest("svg")) continue;  // drawn charts: hidden from assistive technology, never labelled
        seen.set(element.id, (seen.get(element.id) || 0) + 1);
    }
    return [...seen].filter(([, count]) => count > 1).map(([id, count]) => ({id, count}));
}"""


def duplicate_ids(page: Any) -> list[dict[str, Any]]:
    found = page.evaluate(_DUPLICATE_IDS)
    if not found:
        return []
    nodes = [
        {"target": f"#{item['id']} (×{item['count']})", "summary": "the same id on several elements"} for item in found
    ]
    return [
        {
            "id": "duplicate-id",
            "impact": "serious",
            "help": "ids must be unique (labels and ARIA reach the first)",
            "nodes": nodes,
        }
    ]


def violations_describe(where: str, violations: list[dict[str, Any]], shown: int = 5) -> list[str]:
    """One line per violated rule: the page, the rule's id and help, and the elements (the first few of them)."""
    lines = []
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]]
        more = f" and {len(targets) - shown} more" if len(targets) > shown else ""
        line = f"{where}: {violation['id']} ({violation['help']}) at {' | '.join(targets[:shown])}{more}"
        if os.environ.get("AXE_VERBOSE"):  # axe's own account of what is wrong with each element
            line += "".join(
                f"\n    {node['target']}: {' '.join(node['summary'].split())}" for node in violation["nodes"]
            )
        lines.append(line)
    return lines
