"""The apps' layers: `registry` never imports `programs` or `reports` (the decision in the README). A registry page
that shows program records loads a programs template tag library instead (programs_ledger, programs_groups)."""

import ast
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent.parent / "registry"


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_the_registry_never_imports_the_programs_or_the_reports():
    found = [
        f"{path.relative_to(REGISTRY.parent)}: {module}"
        for path in sorted(REGISTRY.rglob("*.py"))
        for module in _imported_modules(path)
        if module.split(".")[0] in {"programs", "reports"}
    ]

    assert found == []
