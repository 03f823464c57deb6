"""The house: imports run one way, with no cycles and no private names across modules.

The import graph is built from the code with ``ast`` (imports inside functions included,
since that is where cycles hide). The rule, as this file enforces it:

* every module belongs to a layer: base (errors, metrics, distributions, streams, stats)
  -> scenario -> model -> replication -> experiments -> analysis (calibration, levers,
  programmes) -> presentation (plots -> report -> cli); the package's ``__init__`` is the
  public face and may import anything;
* a module imports only from its own layer or the layers below it;
* the graph has no cycle, within a layer or across layers;
* no module imports another module's private (underscore) name;
* presentation (plots, report, and the explorer's page, ``explorer.page``) never starts a
  simulation: it imports none of the functions that run replications, nor the explorer's
  session (which does).

Each check is a pure function of the sources, tested on a small constructed package too, so
a check that could never fail would be caught.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import labour_sim

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labour_sim"
NAME = "labour_sim"

LAYERS = {
    "errors": 0, "metrics": 0, "distributions": 0, "streams": 0, "stats": 0, "ufuncs": 0, "version": 0, "display": 0,
    "progress": 0, "jit": 0,
    "scenario": 1,
    "model": 2,
    "replication": 3,
    "experiments": 4,
    "calibration": 5, "levers": 5, "programmes": 5, "business": 5, "diagnosis": 5,
    "plots": 6,
    "report": 7,
    "cli": 8, "explorer": 8, "__main__": 8,
}  # fmt: skip

#: What runs replications: presentation imports none of these.
SIMULATING = frozenset(
    {
        "run_replication", "run_chunk", "run_settings", "run_experiment", "compare",
        "run_points", "run_design", "sweep", "morris", "sobol", "tornado", "budget_for",
        "what_would_it_take", "calibrate", "run_draws", "evaluation_table", "run_tornado",
        "programme_table", "map_chunks", "Pool", "business_case", "goal_searches",
    }
)  # fmt: skip
#: Modules whose job is to run replications: presentation imports nothing from them.
SIMULATING_MODULES = (
    "model", "replication", "programmes", "experiments.experiment", "experiments.compare",
    "experiments.driver", "experiments.executors", "experiments.worker", "levers.points",
    "levers.sweep", "levers.sensitivity", "levers.programme", "levers.goal", "levers.search",
    "levers.budget", "levers.confirm", "calibration.forecast", "calibration.sampler",
    "calibration.abc_smc", "calibration.simulate", "calibration.evaluation", "business.case",
    "diagnosis.goals", "explorer.session",
)  # fmt: skip
#: Presentation: these packages and modules (a module's submodules included).
PRESENTATION = ("plots", "report", "explorer.page")

Edge = tuple[str, str, str]  # (importer, imported module, name)


def module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_sources(root: Path) -> dict[str, tuple[str, bool]]:
    """``{module: (source, is_package)}`` of every module under ``root`` (names without the
    package's own name; ``""`` is the package's ``__init__``)."""
    return {
        module_name(p.relative_to(root)): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
        for p in root.rglob("*.py")
    }


def import_edges(sources: Mapping[str, tuple[str, bool]]) -> list[Edge]:
    """Every import of one module of the package by another, anywhere in the file."""
    edges: list[Edge] = []
    for module, (source, is_package) in sources.items():
        here = module.split(".") if module else []
        base_parts = here if is_package else here[:-1]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == NAME:
                        edges.append((module, alias.name.removeprefix(NAME).lstrip("."), ""))
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level == 0:
                if not (node.module or "").startswith(NAME):
                    continue
                target = (node.module or "").removeprefix(NAME).lstrip(".")
            else:
                up = base_parts[: len(base_parts) - (node.level - 1)]
                target = ".".join([*up, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                imported = sub if sub in sources else target
                if imported != module:
                    edges.append((module, imported, alias.name))
    return edges


def layer_of(module: str) -> int | None:
    """The module's layer; ``None`` for the package's public face."""
    return LAYERS[module.split(".")[0]] if module else None


def upward_imports(edges: list[Edge]) -> list[str]:
    found = []
    for importer, imported, _ in edges:
        own, other = layer_of(importer), layer_of(imported)
        if own is not None and (other is None or other > own):
            found.append(f"{importer} imports {imported or NAME} from a higher layer")
    return found


def private_imports(edges: list[Edge]) -> list[str]:
    return [
        f"{importer} takes {name} from {imported}"
        for importer, imported, name in edges
        if name.startswith("_") and not name.startswith("__")
    ]


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b, _ in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def simulating_imports(edges: list[Edge]) -> list[str]:
    """Imports by presentation of a function that runs replications, or of its module."""

    def within(module: str, names: tuple[str, ...]) -> bool:
        return any(module == m or module.startswith(m + ".") for m in names)

    return [
        f"{importer} imports {name or imported} from {imported}"
        for importer, imported, name in edges
        if within(importer, PRESENTATION)
        and not within(imported, PRESENTATION)
        and (name in SIMULATING or within(imported, SIMULATING_MODULES))
    ]


# -- the package ---------------------------------------------------------------------------
SOURCES = package_sources(PACKAGE)
EDGES = import_edges(SOURCES)


def test_every_module_has_a_layer() -> None:
    unknown = [m for m in SOURCES if m and m.split(".")[0] not in LAYERS]
    assert not unknown


def test_nothing_imports_upward() -> None:
    assert upward_imports(EDGES) == []


def test_the_import_graph_has_no_cycle() -> None:
    assert cycles(EDGES) == []


def test_no_private_name_crosses_a_module() -> None:
    assert private_imports(EDGES) == []


def test_presentation_never_starts_a_simulation() -> None:
    assert simulating_imports(EDGES) == []


def test_public_api_is_declared() -> None:
    for name in labour_sim.__all__:
        assert hasattr(labour_sim, name), name


# -- the checks themselves, on a constructed package ----------------------------------------
BAD = {
    "": ("from .cli import main\n", True),
    "errors": ("def _short(x): return x\n", False),
    "scenario": ("", True),
    "scenario.schema": ("def f():\n    from .loader import parse\n", False),
    "scenario.loader": ("from .schema import Scenario\nfrom ..errors import _short\n", False),
    "model": ("from ..cli import main\n", True),
    "cli": ("def main(): ...\n", True),
    "plots": ("from ..experiments import run_experiment\n", True),
    "report": ("", True),
    "report.build": ("def f():\n    from ..replication.run import cyclic_gc_paused\n", False),
    "replication": ("", True),
    "replication.run": ("def cyclic_gc_paused(): ...\n", False),
    "experiments": ("def run_experiment(): ...\n", True),
    "explorer": ("", True),
    "explorer.session": ("def view(): ...\n", False),
    "explorer.state": ("def parse_link(): ...\n", False),
    "explorer.page": ("from .session import view\nfrom .state import parse_link\n", False),
    "explorer.app": ("from .session import view\n", False),
}


def test_the_checks_find_what_they_look_for() -> None:
    edges = import_edges(BAD)
    assert cycles(edges) == [["scenario.loader", "scenario.schema"]]
    assert upward_imports(edges) == ["model imports cli from a higher layer"]
    assert private_imports(edges) == ["scenario.loader takes _short from errors"]
    assert simulating_imports(edges) == [
        "plots imports run_experiment from experiments",
        "report.build imports cyclic_gc_paused from replication.run",
        "explorer.page imports view from explorer.session",
    ]
