"""Objects explain themselves in short: reprs and notebook HTML of a few lines, the levers
table, and what-if errors that name the what-if."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import labour_sim as ls
from factory import build, target
from labour_sim.display import MAX_ROWS, Table, as_html, as_text

ROOT = Path(__file__).resolve().parents[1]
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"
QUIET = ls.Execution(workers=1, progress=False)


def short(text: str, lines: int = 20, chars: int = 2_000) -> None:
    assert len(text.splitlines()) <= lines and len(text) <= chars, text
    assert "DataFrame" not in text and "FieldInfo" not in text and "Annotated" not in text


def test_scenario_says_what_it_is_in_a_few_lines() -> None:
    scenario = ls.load_scenario(LOLLAND)
    text = repr(scenario)
    short(text)
    assert str(scenario) == text  # print(scenario) too: no pydantic dump
    for part in (
        "Scenario: Rekruttering fra kanten, Lolland-Falster",
        "2018-01-01 to 2021-12-31",
        "cohort: about",
        "550 ever employed on ordinary hours",
        "scenario.levers()",
    ):
        assert part in text, part
    html = scenario._repr_html_()
    assert html.count("<tr>") == 1 + len(scenario.targets) + 1 + len(scenario.levers())
    assert "<details><summary>levers:" in html and "staff.mentors" in html
    assert repr(scenario.staff.mentors) == "Quantity(20 mentors; assumption, range 10 to 40)"
    assert "source 'cabi_midterm'" in repr(scenario.intake.rate_per_week)


def test_levers_lists_every_number_with_unit_origin_and_range() -> None:
    scenario = ls.load_scenario(LOLLAND)
    levers = scenario.levers().set_index("path")
    assert len(levers) == len(list(ls.scenario.iter_numbers(scenario)))
    mentors = levers.loc["staff.mentors"]
    assert (mentors["value"], mentors["unit"], mentors["origin"]) == (20, "mentors", "assumption")
    assert (mentors["low"], mentors["high"]) == (10, 40)
    rate = levers.loc["intake.rate_per_week"]
    assert rate["origin"] == "source" and str(rate["source"]).startswith("https://")
    prep = levers.loc["preparation.duration_weeks"]
    assert prep["value"] == 12 and prep["distribution"] == "gamma (shape 2)"
    # Every path is one with_changes takes.
    changed = scenario.with_changes({path: levers.loc[path, "value"] for path in levers.index[:5]})
    assert changed.hash == scenario.hash


def test_a_what_if_error_names_the_what_if_not_the_file() -> None:
    scenario = ls.load_scenario(LOLLAND)
    for change in ({"staff.mentors": -3}, {"staff.mentorz": 3}):
        with pytest.raises(ls.ScenarioError) as info:
            scenario.with_changes(change)
        message = str(info.value)
        path = next(iter(change))
        assert f"the what-if {{{path}={change[path]}}} of {LOLLAND}" in message, message
        assert not message.endswith(f"in {LOLLAND}")


def test_results_and_comparison_are_short() -> None:
    scenario = build({"targets": [target("ordinary_80", "ordinary", 80)]})
    results = ls.run_experiment(scenario, 20, execution=QUIET)
    text = repr(results)
    short(text)
    assert text.startswith("Results: test, 20 replications (seed")
    assert "ordinary_80" in text and "likely" in text and "bands (" in text
    assert "<table>" in results._repr_html_() and len(results._repr_html_()) < 3_000
    more = scenario.with_changes({"companies.max_companies": 30})
    comparison = ls.compare(scenario, more, 20, execution=QUIET)
    text = repr(comparison)
    short(text)
    assert "20 paired replications" in text and "chance of reaching ordinary_80" in text
    row = comparison.difference("ordinary")
    assert f"{row['difference']:+.1f}" in text
    assert "<table>" in comparison._repr_html_()


def test_tables_are_cut_and_escaped() -> None:
    rows = tuple((f"<b>{i}</b>",) for i in range(MAX_ROWS + 5))
    table = Table(("x",), rows)
    assert "... and 5 more" in as_text("t", tables=[table])
    html = as_html("<script>", ["a & b"], [table])
    assert "<script>" not in html and "&lt;b&gt;0&lt;/b&gt;" in html and "a &amp; b" in html
    assert html.count("<tr>") == 1 + MAX_ROWS + 1


def test_public_functions_name_their_keywords() -> None:
    """No ``**options`` in the public API: tab completion and help show every keyword."""
    import inspect

    from labour_sim import plots

    hidden = []
    for module in (ls, plots):
        for name in module.__all__:
            obj = getattr(module, name)
            own = [obj] if inspect.isfunction(obj) else []
            if inspect.isclass(obj) and obj.__module__.startswith("labour_sim"):
                own += [
                    v
                    for k, v in vars(obj).items()
                    if inspect.isfunction(v) and not k.startswith("_")
                ]
            for function in own:
                kinds = {p.kind for p in inspect.signature(function).parameters.values()}
                if inspect.Parameter.VAR_KEYWORD in kinds:
                    hidden.append(f"{name}.{function.__name__}")
    assert not hidden, hidden
    assert "table_format" in inspect.signature(ls.Execution.replace).parameters


def test_every_result_object_has_a_short_representation() -> None:
    from labour_sim.display import lines_text

    for cls in (
        ls.Scenario, ls.Results, ls.Comparison, ls.Calibration, ls.Forecast, ls.Score, ls.Observations,
        ls.BudgetAnswer, ls.GoalAnswer, ls.Sweep, ls.Sensitivity, ls.BusinessCase,
    ):  # fmt: skip
        assert "__repr__" in vars(cls) and "_repr_html_" in vars(cls), cls.__name__
    text = lines_text("Sweep", [f"line {i}" for i in range(30)])
    assert text.splitlines()[0] == "Sweep:" and text.endswith("... and 10 more lines: lines()")
    assert len(text.splitlines()) == 1 + 20 + 1
    observations = ls.load_observations(
        ROOT / "scenarios/observations/lolland_falster_midterm.toml"
    )
    short(repr(observations), lines=10)
    assert re.search(r"attached_share +attached / referred +2019-12-31 +0\.167", repr(observations))


def test_business_case_says_each_payers_net_in_a_few_lines() -> None:
    """A constructed business case (three runs): the repr's figures are the runs' own."""
    import numpy as np
    import pandas as pd

    runs = pd.DataFrame({"sustained_effect": [2.0, 4.0, 6.0], "cost:funder": [9e6] * 3})
    for k, payer in enumerate(("municipality", "state", "public")):
        runs[f"net:{payer}"] = [1e6 * (k + 1), -5e5, 2e6]
        runs[f"payback_weeks:{payer}"] = [52.0, np.inf, np.inf]
        runs[f"break_even:{payer}"] = [np.nan] * 3
    case = ls.BusinessCase("Test", pd.DataFrame(), runs, 0.035, "2022-12-30", "funder")
    text = repr(case)
    short(text, lines=12)
    assert text.startswith("BusinessCase: Test, 3 replications against business as usual")
    assert "discounted at 3.5% a year" in text and "outside funder" in text
    net = runs["net:state"]
    assert re.search(
        rf"state +{net.mean():,.0f} +{net.quantile(0.05):,.0f} to {net.quantile(0.95):,.0f} +33%",
        text,
    ), text
    html = case._repr_html_()
    assert html.count("<tr>") == 1 + 3 and "municipality" in html and len(html) < 3_000
