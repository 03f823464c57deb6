"""Generated docs are current: regenerating them changes nothing."""

from __future__ import annotations

from pathlib import Path

from labour_sim import Execution
from labour_sim.programmes import programme_table, programmes_markdown, table_settings
from labour_sim.scenario.doc import scenario_format

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_format_doc_is_current() -> None:
    current = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert current == scenario_format(), "run `make docs` to regenerate docs/scenario-format.md"


def test_programme_table_is_current() -> None:
    current = (ROOT / "docs" / "programmes.md").read_text(encoding="utf-8")
    replications, seed = table_settings(current)
    paths = sorted((ROOT / "scenarios").glob("*.toml"))
    table = programme_table(paths, replications, seed, execution=Execution(progress=False))
    assert current == programmes_markdown(table, replications, seed), "run `make docs`"
    assert set(table["file"]) == {p.name for p in paths}
