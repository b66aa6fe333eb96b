"""The layers of docs/ARCHITECTURE.md hold. import-linter's contracts (pyproject.toml, also run by `make check`) are
kept, and no dependency hides where import-linter cannot see it: no dynamic import, no router named by a dotted
string, and no import of shokuba inside a function except the app registrations in `AppConfig.ready()`."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shokuba"


def product_modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - the environment's own tool, fixed arguments
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_dynamic_imports() -> None:
    found = []
    for path, tree in product_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in {"import_module", "__import__", "import_string"}:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
                if name == "add_router" and any(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) and "." in a.value for a in node.args[1:]
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} router named by a string")
    assert found == []


def _imports_shokuba(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("shokuba")
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("shokuba") for alias in node.names)
    return False


def test_no_import_of_shokuba_inside_a_function_except_app_registration() -> None:
    found = []
    for path, tree in product_modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if _imports_shokuba(node) and not (path.name == "apps.py" and function.name == "ready"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} in {function.name}()")
    assert found == []
