"""The import boundary: the pure core never imports the edges or their frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDGE_PACKAGES = (
    "scheduler.store",
    "scheduler.cli",
    "api",
    "fastapi",
    "sqlalchemy",
    "alembic",
    "typer",
    "uvicorn",
    "starlette",
)
PURE = [
    p
    for p in (ROOT / "scheduler").rglob("*.py")
    if not any(part in ("store", "cli") for part in p.relative_to(ROOT / "scheduler").parts)
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_pure_core_imports_no_edge() -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in PURE
        for name in imported_modules(path)
        if any(name == edge or name.startswith(edge + ".") for edge in EDGE_PACKAGES)
    }
    assert not offenders, sorted(offenders)


def test_only_the_store_imports_sqlalchemy() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("scheduler", "calendars", "api")
        for path in (ROOT / package).rglob("*.py")
        if "store" not in path.relative_to(ROOT).parts
        and any(n.startswith(("sqlalchemy", "alembic")) for n in imported_modules(path))
    ]
    assert offenders == []
