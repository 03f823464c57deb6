"""Generated docs are current: regenerating them would change nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from labour_sim import Execution, load_scenario, run_experiment
from labour_sim.metrics import METRICS, POINT_METRICS
from labour_sim.programmes import (
    FINGERPRINT_REPLICATIONS,
    fingerprint,
    programme_table,
    programmes_markdown,
    table_fingerprints,
    table_settings,
)
from labour_sim.scenario.doc import scenario_format

ROOT = Path(__file__).resolve().parents[1]
PROGRAMMES = ROOT / "docs" / "programmes.md"
QUIET = Execution(workers=1, progress=False)


def test_scenario_format_doc_is_current() -> None:
    current = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert current == scenario_format(), "run `make docs` to regenerate docs/scenario-format.md"


def test_programme_table_is_current() -> None:
    """The table's replications start with the rows this code and these scenarios give.

    The table itself takes thousands of replications; its first ones are the same in a
    short run, so their fingerprint tells whether anything changed since `make docs`.
    """
    current = PROGRAMMES.read_text(encoding="utf-8")
    _, seed = table_settings(current)
    recorded = table_fingerprints(current)
    paths = sorted((ROOT / "scenarios").glob("*.toml"))
    assert set(recorded) == {p.name for p in paths}, "run `make docs`"
    for path in paths:
        rows = run_experiment(
            load_scenario(path), FINGERPRINT_REPLICATIONS, seed, execution=QUIET
        ).replications
        assert fingerprint(rows) == recorded[path.name], f"{path.name}: run `make docs`"


def test_fingerprint_sees_any_change_of_an_outcome() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    rows = run_experiment(scenario, FINGERPRINT_REPLICATIONS, 1, execution=QUIET).replications
    changed = rows.copy()
    changed.loc[3, "ordinary"] += 1
    assert fingerprint(rows) != fingerprint(changed)
    longer = run_experiment(scenario, FINGERPRINT_REPLICATIONS + 5, 1, execution=QUIET)
    assert fingerprint(longer.replications) == fingerprint(rows)  # first rows only


def test_programme_table_renders_every_programme_and_its_settings() -> None:
    paths = sorted((ROOT / "scenarios").glob("*.toml"))[:2]
    table = programme_table(paths, 10, 5, execution=QUIET)
    markdown = programmes_markdown(table, 10, 5)
    assert table_settings(markdown) == (10, 5)
    assert table_fingerprints(markdown) == dict(
        zip(table["file"], table["fingerprint"], strict=True)
    )
    for row in table.drop_duplicates("file").itertuples():
        assert f"`{row.file}`" in markdown and f"**{row.programme}**" in markdown
    assert isinstance(table, pd.DataFrame) and set(table["file"]) == {p.name for p in paths}


def test_the_readme_lists_every_metric() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("Cumulative metrics (`labour_sim.METRICS`)")
    paragraph = readme[start : readme.index("\n\n", start)]
    missing = [m for m in (*METRICS, *POINT_METRICS) if f"`{m}`" not in paragraph]
    assert not missing, f"README's metrics paragraph leaves out {missing}"
