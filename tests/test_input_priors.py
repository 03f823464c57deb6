"""Priors checked against the field's own bounds: the user's prior is named, not its midpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory import build, run_cli
from labour_sim import ScenarioError
from labour_sim.calibration.priors import parse_parameters

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("path", "prior", "within"),
    [
        ("placement.outcomes.ordinary", "uniform(0.5, 2)", "[0, 1]"),
        ("placement.outcomes.ordinary", "loguniform(0.1, 1.5)", "[0, 1]"),
        ("companies.initial", "uniform(-5, 5)", "[0, 1e+06]"),
        ("placement.mentor_multiplier", "uniform(0.5, 200)", "(0, 100]"),
        ("groups.all.share", "uniform(-0.2, 0.5)", "[0, 1]"),
        ("groups.0.share", "uniform(-0.2, 0.5)", "[0, 1]"),
        ("placement.duration_weeks", "uniform(-1, 4)", "[0, 2600]"),  # a distribution's mean
    ],
)
def test_a_bounded_prior_outside_the_fields_bounds_is_named(
    path: str, prior: str, within: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_parameters(build(), {path: prior})
    assert str(info.value) == (
        f"parameters.{path}: expected a prior within {within}; got {prior} in parameters"
    )


def test_the_walk_through_priors_are_refused_by_their_own_text() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_parameters(
            build(),
            {"placement.outcomes.ordinary": "uniform(0.5, 2)",
             "intake.assessment_weeks": "uniform(-5, 5)"},
        )  # fmt: skip
    text = str(info.value)
    assert "got uniform(0.5, 2)" in text and "1.25" not in text  # the midpoint is not shown
    assert "parameters.intake.assessment_weeks: expected a prior within [0, 2600]" in text


def test_priors_within_the_bounds_and_normal_priors_pass() -> None:
    params = parse_parameters(
        build(),
        {
            "placement.outcomes.ordinary": "uniform(0, 1)",
            "placement.mentor_multiplier": "uniform(0, 5)",  # ends at the excluded 0
            "companies.initial": "uniform(-0.4, 20)",  # rounds to 0 at worst
            "placement.outcomes.reduced": "normal(0.1, 0.5)",  # unbounded: truncated
        },
    )
    assert [p.path for p in params] == [
        "placement.outcomes.ordinary",
        "placement.mentor_multiplier",
        "companies.initial",
        "placement.outcomes.reduced",
    ]


def test_a_whole_number_prior_is_checked_after_rounding() -> None:
    with pytest.raises(ScenarioError, match=r"expected a prior within \[1, 1000\]"):
        parse_parameters(build(), {"companies.slots_per_company": "uniform(0.4, 3)"})


def test_a_normal_prior_keeps_the_median_check() -> None:
    with pytest.raises(ScenarioError, match=r"^placement\.outcomes\.ordinary\.value: "):
        parse_parameters(build(), {"placement.outcomes.ordinary": "normal(1.5, 0.1)"})


def test_calibrate_names_the_prior_on_the_command_line(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "lolland_falster.toml"
    observations = ROOT / "scenarios" / "observations" / "lolland_falster_midterm.toml"
    proc = run_cli("calibrate", str(scenario), str(observations), "--param",
                   "intake.rate_per_week=uniform(-5, 5)", "--out", str(tmp_path / "cal"), "-q")  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "labour-sim: parameters.intake.rate_per_week: expected a prior within [0, 10000]; "
        "got uniform(-5, 5) in parameters"
    )
