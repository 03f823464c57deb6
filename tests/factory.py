"""Build small scenarios in code for tests: every number an assumption, easy to override."""

from __future__ import annotations

import copy
from typing import Any

from labour_sim import Scenario, parse_scenario


def q(value: Any, unit: str = "x") -> dict[str, Any]:
    """A quantity labelled as a test assumption."""
    lo = min(value) if isinstance(value, list) else value
    hi = max(value) if isinstance(value, list) else value
    key = "values" if isinstance(value, list) else "value"
    return {key: value, "unit": unit, "assumption": "test", "range": [lo, hi]}


def d(dist: str, mean: float, unit: str = "weeks", **params: float) -> dict[str, Any]:
    """A distribution quantity labelled as a test assumption."""
    return {
        "dist": dist,
        "mean": mean,
        "unit": unit,
        "assumption": "test",
        "range": [mean, mean],
        **params,
    }


def zero() -> dict[str, Any]:
    return d("constant", 0.0)


BASE: dict[str, Any] = {
    "name": "test",
    "period": {"start": "2020-01-06", "end": "2021-12-27", "follow_up_weeks": q(52)},
    "intake": {
        "schedule": "monthly",
        "monthly_counts": q([20.0] * 12),
        "assessment_weeks": d("exponential", 2.0),
    },
    "groups": [{"name": "all", "share": q(1.0), "readiness": d("constant", 1.0, "multiplier")}],
    "companies": {
        "initial": q(10),
        "max_companies": q(20),
        "recruitment_per_week": q(0.5),
        "slots_per_company": q(1),
        "willingness": d("constant", 1.0, "multiplier"),
    },
    "staff": {},
    "preparation": {"duration_weeks": d("exponential", 4.0), "support_multiplier": q(1.0)},
    "placement": {
        "duration_weeks": d("exponential", 8.0),
        "outcomes": {
            "ordinary": q(0.3),
            "reduced": q(0.1),
            "flexjob": q(0.05),
            "education": q(0.05),
        },
        "mentor_multiplier": q(1.0),
        "max_attempts": q(2),
        "back_to_preparation": q(0.5),
    },
    "employment": {
        "ordinary_job_weeks": d("exponential", 100.0),
        "reduced_job_weeks": d("exponential", 50.0),
        "reduced_to_ordinary": q(0.2),
        "hours_growth_weeks": d("exponential", 20.0),
        "follow_up_hazard_ratio": q(1.0),
        "relapse_to_programme": q(0.0),
    },
    "dropout": {"rate_per_week": q(0.0)},
}


def build(changes: dict[str, Any] | None = None) -> Scenario:
    """The base test scenario with ``changes`` at dotted paths (values as raw tables)."""
    return parse_scenario(raw(changes))


def raw(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base test scenario as a raw dict (for validation tests)."""
    data = copy.deepcopy(BASE)
    for path, value in (changes or {}).items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data
