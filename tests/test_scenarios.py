"""Every programme scenario: validates, runs, extends its base correctly, cites every number."""

from __future__ import annotations

from pathlib import Path

import pytest

from labour_sim import Execution, ScenarioError, load_scenario, run_experiment
from labour_sim.scenario import differences, iter_numbers

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
BASE = ROOT / "scenarios" / "base" / "denmark.toml"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_validates_and_runs(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.targets, "a programme scenario states its promise as targets"
    results = run_experiment(
        scenario, 4, seed=1, execution=Execution(workers=1, progress=False, chunk_size=4)
    )
    assert results.n == 4
    assert (results.replications["referred"] > 0).all()
    assert len(results.targets) == len(scenario.targets)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_number_is_sourced_or_an_assumption(path: Path) -> None:
    scenario = load_scenario(path)
    numbers = list(iter_numbers(scenario))
    assert len(numbers) > 30
    for name, prov in numbers:
        assert prov.unit, name
        if prov.source is None:
            assert prov.assumption and prov.range is not None, name
            low, high = prov.range
            assert low <= high, name
        else:
            known = prov.source in scenario.sources or prov.source.startswith("http")
            assert known or prov.source.endswith(".txt"), (name, prov.source)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def programme(base: str = "base/denmark.toml") -> str:
    """A programme that extends ``base`` and overrides the dropout rate only."""
    text = (ROOT / "scenarios" / "lolland_falster.toml").read_text()
    return text.replace(
        "[budget]",
        '[dropout]\nrate_per_week = { value = 0.02, unit = "1/week", assumption = "t", '
        "range = [0, 1] }\n\n[budget]",
    ).replace('extends = "base/denmark.toml"', f'extends = "{base}"')


def test_override_wins_and_the_rest_comes_from_the_base(tmp_path: Path) -> None:
    write(tmp_path, "base/denmark.toml", BASE.read_text())
    scenario = load_scenario(write(tmp_path, "p.toml", programme()))
    base_only = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    assert scenario.dropout.rate_per_week.value == 0.02  # overridden
    assert scenario.dropout.rate_per_week.is_assumption  # the whole quantity replaced
    assert base_only.dropout.rate_per_week.value == 0.005  # the base's value
    assert scenario.employment == base_only.employment  # not overridden: the base's
    assert scenario.costs.benefit_dkk_per_week == base_only.costs.benefit_dkk_per_week
    assert scenario.costs.fixed_dkk_per_month.value == 250000  # set by the programme
    assert "kh_2021" in scenario.sources and "cabi_rfk" in scenario.sources  # merged


def test_a_change_to_the_base_reaches_every_programme(tmp_path: Path) -> None:
    base = BASE.read_text()
    write(tmp_path, "base/denmark.toml", base)
    paths = [write(tmp_path, f"p{i}.toml", programme()) for i in range(2)]
    before = [load_scenario(p) for p in paths]
    changed = base.replace(
        "benefit_dkk_per_week = { value = 2700,", "benefit_dkk_per_week = { value = 3000,"
    )
    assert changed != base
    write(tmp_path, "base/denmark.toml", changed)
    for path, old in zip(paths, before, strict=True):
        new = load_scenario(path)
        assert old.costs.benefit_dkk_per_week.value == 2700
        assert new.costs.benefit_dkk_per_week.value == 3000
        assert new.hash != old.hash
        assert "benefit_dkk_per_week = { value = 3000," in new.text


def test_bases_can_extend_bases(tmp_path: Path) -> None:
    write(tmp_path, "base/denmark.toml", BASE.read_text())
    write(
        tmp_path,
        "base/island.toml",
        'extends = "denmark.toml"\n[dropout]\nrate_per_week = '
        '{ value = 0.01, unit = "1/week", assumption = "islands", range = [0, 1] }\n',
    )
    text = (ROOT / "scenarios" / "lolland_falster.toml").read_text()
    text = text.replace('extends = "base/denmark.toml"', 'extends = "base/island.toml"')
    scenario = load_scenario(write(tmp_path, "p.toml", text))
    assert scenario.dropout.rate_per_week.value == 0.01
    assert scenario.costs.benefit_dkk_per_week.value == 2700


def test_a_missing_base_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", programme("base/nowhere.toml"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.path == "extends" and "nowhere.toml" in problem.given
    assert str(path) in str(info.value)


def test_a_cycle_of_bases_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'extends = "b.toml"\nname = "a"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "a.toml")
    (problem,) = info.value.problems
    assert problem.path == "extends" and "do not extend each other" in problem.expected
    assert "a.toml" in problem.given and "b.toml" in problem.given


# -- dotted paths, provenance and pickling (one place for each) ------------------------------


def test_paths_address_list_items_by_name_and_index() -> None:
    from labour_sim.scenario.paths import find, node_at, number_at

    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    data = scenario.model_dump(mode="python")
    assert number_at(scenario, "groups.jobparat.share") == 0.353
    assert number_at(data, "groups.1.share") == 0.353
    assert number_at(scenario, "targets.ordinary_550.threshold") == 550
    assert number_at(scenario, "placement.duration_weeks") == 13  # a distribution's mean
    assert number_at(scenario, "staff.mentor_required") is None  # a boolean is no number
    assert node_at(data, "companies.willingness")["dist"] == "gamma"
    assert find(data, "groups.nobody.share") is None
    for path, part in [("groups.nobody.share", "nobody"), ("companies.bogus", "bogus")]:
        with pytest.raises(ScenarioError) as info:
            node_at(data, path)
        (problem,) = info.value.problems
        assert problem.path == path and problem.given == repr(part)


def test_levers_read_list_items_by_name() -> None:
    from labour_sim.levers.space import current_value

    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    assert current_value(scenario, "groups.aktivitetsparat.share") == 0.647
    assert current_value(scenario, "targets.ordinary_550.threshold") == 550
    assert current_value(scenario, "groups.nobody.share") is None


def test_unpickling_skips_the_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from labour_sim.scenario import loader

    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    blob = pickle.dumps(scenario)

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the loader's checks ran again")

    monkeypatch.setattr(loader, "parse_scenario", fail)
    back = pickle.loads(blob)
    assert back == scenario and back.hash == scenario.hash
    assert (back.origin, back.text) == (scenario.origin, scenario.text)


def test_provenance_is_set_on_a_copy() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    stamped = scenario.with_provenance("elsewhere.toml", "text")
    assert (stamped.origin, stamped.text) == ("elsewhere.toml", "text")
    assert scenario.origin != "elsewhere.toml"
    assert stamped.hash == scenario.hash


def test_differences_name_each_changed_setting_by_its_path() -> None:
    a = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    b = a.with_changes(
        {"staff.mentors": 40, "groups.jobparat.share": 0.353, "period.end": a.period.end}
    )
    assert differences(a.model_dump(mode="json"), b.model_dump(mode="json")) == [
        "staff.mentors: 20 -> 40"  # unchanged values and the what-if's provenance: nothing
    ]
    c = b.with_changes({"groups.jobparat.readiness.shape": 5}).model_dump(mode="json")
    del c["intake"]["cohort_max"]
    assert differences(b.model_dump(mode="json"), c) == [
        "groups.jobparat.readiness.shape: 4 -> 5",  # a list item by its name
        "intake.cohort_max: 2,600 -> absent",
    ]


def test_a_value_reads_without_an_exponent() -> None:
    from labour_sim.scenario.numbers import value_text

    assert value_text(42_260_000.0) == "42,260,000"  # was 4.226e+07
    assert (value_text(1234.5), value_text(0.123456), value_text(7)) == ("1,234.5", "0.1235", "7")
    assert value_text([1.5, 2.0, 3.0, 4.0]) == "[1.5, 2, 3, ...] (4 values)"
