"""Conventions a newcomer expects: ``python -m``, ``--version``, ``validate`` that knows every
kind of file, tables in CSV or Excel, the scenarios inside the wheel, no dangling references."""

from __future__ import annotations

import re
import runpy
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pandas as pd
import pytest

import labour_sim
from factory import build, raw, run_cli, target, write_toml
from labour_sim import Execution, Results, ScenarioError, run_experiment
from labour_sim.experiments.store import read_table, write_table
from labour_sim.scenario import files as scenario_files
from labour_sim.scenario.files import file_kind, scenario_folder, scenarios

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
QUIET = Execution(workers=1, progress=False)


def test_python_dash_m_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["labour-sim", "--version"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("labour_sim", run_name="__main__", alter_sys=True)
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"labour-sim {labour_sim.__version__}"


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "labour_sim.version.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", labour_sim.__version__)


@pytest.mark.parametrize(
    ("file", "says"),
    [
        ("lolland_falster.toml", "ok (scenario: Rekruttering fra kanten, Lolland-Falster)"),
        ("observations/lolland_falster_midterm.toml", "ok (observation file: 4 observations)"),
        ("calibration/lolland_falster_midterm.toml", "ok (calibration set-up: Rekruttering"),
        ("base/denmark.toml", "ok (base of 6 scenarios: Code of Care, Hedensted;"),
    ],
)
def test_validate_knows_each_kind_of_file(file: str, says: str) -> None:
    proc = run_cli("validate", str(SCENARIOS / file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(says), proc.stdout


def test_validate_reports_an_observation_files_own_mistakes(tmp_path: Path) -> None:
    text = (SCENARIOS / "observations" / "lolland_falster_midterm.toml").read_text()
    bad = tmp_path / "obs.toml"
    bad.write_text(text.replace('metric = "referred"', 'metric = "hired"', 1))
    proc = run_cli("validate", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "observations.citizens.metric" in proc.stderr
    assert "period" not in proc.stderr and "intake" not in proc.stderr  # no scenario errors
    # Checked against a scenario, an observation dated after its simulated period is named.
    late = tmp_path / "late.toml"
    late.write_text(text.replace("date = 2019-12-31", "date = 2039-12-31", 1))
    proc = run_cli("validate", str(late), "--scenario", str(SCENARIOS / "lolland_falster.toml"))
    assert proc.returncode == 2 and "observations.citizens.date" in proc.stderr, proc.stderr


def test_validate_many_files_one_line_each(tmp_path: Path) -> None:
    shipped = sorted(str(p) for p in SCENARIOS.rglob("*.toml"))
    proc = run_cli("validate", *shipped)
    assert proc.returncode == 0, proc.stderr
    assert [line.split(": ok (")[0] for line in proc.stdout.splitlines()] == shipped
    broken = tmp_path / "broken.toml"
    broken.write_text("name = ")
    proc = run_cli("validate", shipped[0], str(broken))
    assert proc.returncode == 2 and proc.stdout.startswith(f"{shipped[0]}: ok")
    assert "valid TOML" in proc.stderr and str(broken) in proc.stderr


def test_file_kind_by_content() -> None:
    for path in SCENARIOS.rglob("*.toml"):
        data = tomllib.loads(path.read_text())
        expected = path.parent.name if path.parent.name in ("observations", "calibration") else ""
        assert file_kind(data) == (expected or "scenario"), path


def test_run_writes_tables_in_the_format_asked(tmp_path: Path) -> None:
    targets = {"targets": [target("ordinary_10", "ordinary", 10)]}
    scenario = write_toml(raw(targets), tmp_path / "s.toml")
    out = tmp_path / "csv"
    proc = run_cli(
        "run",
        str(scenario),
        "-n",
        "4",
        "--workers",
        "1",
        "-q",
        "--out",
        str(out),
        "--format",
        "csv",
    )
    assert proc.returncode == 0, proc.stderr
    direct = run_experiment(build(targets), 4, execution=QUIET)  # the same run, in memory
    for name in ("replications", "bands", "targets", "costs"):
        assert (out / f"{name}.csv").is_file() and not (out / f"{name}.parquet").exists()
    loaded = Results.load(out)
    assert loaded.n == 4
    for name in ("replications", "bands", "targets", "costs"):
        same_values(getattr(loaded, name), getattr(direct, name), exact=True)
    assert loaded.replications["scenario_hash"].tolist() == [direct.metadata["scenario_hash"]] * 4
    # Excel (openpyxl is slow: a small table): values to the last binary digit.
    write_table(tmp_path, "costs", direct.costs, "xlsx")
    same_values(read_table(tmp_path, "costs"), direct.costs, exact=False)


def same_values(got: pd.DataFrame, want: pd.DataFrame, exact: bool) -> None:
    assert list(got.columns) == list(want.columns)
    numeric = want.select_dtypes("number").columns
    tolerance = {"check_exact": True} if exact else {"rtol": 1e-15}
    pd.testing.assert_frame_equal(
        got[numeric].astype(float), want[numeric].astype(float), **tolerance
    )
    text = want.columns.drop(numeric)
    assert got[text].astype(str).values.tolist() == want[text].astype(str).values.tolist()


def test_a_table_is_held_once_and_a_hash_stays_text(tmp_path: Path) -> None:
    table = pd.DataFrame({"scenario_hash": ["1234e567", "0012"], "x": [0.1, 2.5]})
    write_table(tmp_path, "t", table, "parquet")
    write_table(tmp_path, "t", table, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
    assert read_table(tmp_path, "t")["scenario_hash"].tolist() == ["1234e567", "0012"]
    with pytest.raises(ScenarioError, match="format"):
        write_table(tmp_path, "t", table, "json")
    with pytest.raises(ScenarioError, match="table_format"):
        Execution(table_format="json")


def test_packages_and_package_data_cover_the_sources_and_every_scenario() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    code = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    data = {"labour_sim.scenario_files"} | {
        f"labour_sim.scenario_files.{p.name}" for p in SCENARIOS.iterdir() if p.is_dir()
    }
    assert set(setuptools["packages"]) == code | data
    assert setuptools["package-dir"]["labour_sim.scenario_files"] == "scenarios"
    globs = setuptools["package-data"]
    for path in SCENARIOS.rglob("*.toml"):
        package = ".".join(["labour_sim.scenario_files", *path.parent.relative_to(SCENARIOS).parts])
        assert any(fnmatch(path.name, g) for g in globs.get(package, ())), path


def test_scenarios_lists_the_shipped_files_from_a_checkout_and_an_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = scenarios()
    assert scenario_folder() == SCENARIOS
    assert set(listed["file"]) == {
        p.relative_to(SCENARIOS).as_posix() for p in SCENARIOS.rglob("*.toml")
    }
    programmes = labour_sim.scenarios("scenario")
    assert set(programmes["kind"]) == {"scenario"} and len(programmes) == len(
        list(SCENARIOS.glob("*.toml"))
    )
    row = listed.set_index("file").loc["lolland_falster.toml"]
    assert labour_sim.load_scenario(row["path"]).name == row["name"]
    # Installed: the wheel's package data labour_sim/scenario_files/ comes first.
    (tmp_path / "scenario_files" / "base").mkdir(parents=True)
    (tmp_path / "scenario_files" / "one.toml").write_text('name = "One"\n')
    monkeypatch.setattr(scenario_files.resources, "files", lambda package: tmp_path)
    installed = scenarios()
    assert installed[["kind", "file", "name"]].values.tolist() == [["scenario", "one.toml", "One"]]
    with pytest.raises(ValueError, match="kind"):
        scenarios("programme")


#: Example names in help texts, not files: a reader substitutes their own.
_EXAMPLES = {"scenarios/a.toml", "scenarios/b.toml", "scenarios/observations/LATER_REPORT.toml"}
_PATH = re.compile(
    r"(?<![\w./-])((?:docs|scenarios|notebooks|benchmarks|tests|src)/[\w./-]+"
    r"\.(?:md|toml|py|ipynb|png|svg|txt|yaml|csv))"
)


def test_no_reference_to_a_file_the_repository_does_not_have() -> None:
    texts = [ROOT / "README.md", ROOT / "Makefile", *ROOT.glob("docs/**/*.md")]
    for pattern in (
        "src/**/*.py",
        "tests/*.py",
        "benchmarks/*.py",
        "notebooks/*.ipynb",
        "scenarios/**/*.toml",
    ):
        texts += ROOT.glob(pattern)
    missing = []
    for path in texts:
        text = path.read_text(encoding="utf-8")
        missing += [
            f"{path.name}: {m}"
            for m in _PATH.findall(text)
            if m not in _EXAMPLES and not (ROOT / m).exists()
        ]
        if path.suffix == ".md":
            links = re.findall(r"\]\(([^)#:\s]+)\)", text)
            missing += [
                f"{path.name}: {link}" for link in links if not (path.parent / link).exists()
            ]
        missing += [
            f"{path.name}: {m}"
            for m in re.findall(r"\b[A-Z_]+\.md\b", text)
            if not list(ROOT.rglob(m))
        ]
    assert not missing, missing
