"""Imports run one way: base -> scenario -> model -> results -> interface."""

from __future__ import annotations

import ast
from pathlib import Path

import labour_sim

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labour_sim"

LAYERS = {
    "errors": 0, "metrics": 0, "distributions": 0, "streams": 0,
    "scenario": 1,
    "model": 2,
    "replication": 3, "results": 3, "costs": 3,
    "stats": 0,
    "experiments": 5,
    "programmes": 6,
    "calibration": 6, "cli_calibration": 9,
    "levers": 6, "cli_levers": 9,
    "plots": 7,
    "report": 8, "cli_report": 9,
    "cli": 9,
}  # fmt: skip


def layer_of(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def imports_of(path: Path) -> set[str]:
    """Package-relative modules imported by ``path``."""
    package = list(path.relative_to(PACKAGE).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            names = node.module.split(".") if node.module else [node.names[0].name]
            found.add(".".join([*base, *names]))
    return found


def test_every_module_has_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        if rel.parts == ("__init__",):
            continue
        layer_of(".".join(rel.parts))


def test_nothing_imports_upward() -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        if rel.parts == ("__init__",):
            continue
        own = layer_of(".".join(rel.parts))
        for module in imports_of(path):
            assert layer_of(module) <= own, f"{rel} imports {module} from a higher layer"


def test_public_api_is_declared() -> None:
    for name in labour_sim.__all__:
        assert hasattr(labour_sim, name), name
