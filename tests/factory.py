"""Build small scenarios in code for tests: every number an assumption, easy to override."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

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


#: What a business case needs besides a small scenario (accounts, business-as-usual
#: hazards, costs); rates per week, DKK.
BUSINESS: dict[str, Any] = {
    "accounts": {
        "refusion_weeks_1_4": q(0.8, "share"),
        "refusion_weeks_5_26": q(0.4, "share"),
        "refusion_weeks_27_52": q(0.3, "share"),
        "refusion_after_52": q(0.2, "share"),
        "subsidy_refusion": q(0.2, "share"),
        "benefit_weeks_at_referral": q(0.0, "weeks"),
        "discount_rate_per_year": q(0.035, "1/year"),
    },
    "business_as_usual": {
        "default": {k: q(0.003, "1/week") for k in ("ordinary", "flexjob", "education")}
    },
    "costs": {
        "benefit_dkk_per_week": q(2700.0, "DKK/week"),
        "fixed_dkk_per_month": q(10000.0, "DKK/month"),
        "flexjob_subsidy_dkk_per_month": q(18964.0, "DKK/month"),
    },
}


def build(changes: dict[str, Any] | None = None) -> Scenario:
    """The base test scenario with ``changes`` at dotted paths (values as raw tables)."""
    return parse_scenario(raw(changes))


def raw(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base test scenario as a raw dict (for validation tests).

    As TOML would give it: ISO date strings become dates, and the placeholder unit ``"x"``
    of :func:`q` becomes the unit of the field it is put in.
    """
    data = copy.deepcopy(BASE)
    for path, value in (changes or {}).items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    _as_toml(data, Scenario)
    return data


def _as_toml(node: Any, model: type[BaseModel] | None) -> None:
    """Dates for ISO strings and field units for ``"x"``, in place (see :func:`raw`)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            with contextlib.suppress(ValueError):
                node[key] = dt.date.fromisoformat(value)
        field = model.model_fields.get(key) if model and isinstance(key, str) else None
        sub = _section_of(field.annotation) if field else None
        if isinstance(value, dict):
            extra = field.json_schema_extra if field else None
            unit = extra.get("unit") if isinstance(extra, dict) else None
            if value.get("unit") == "x" and isinstance(unit, str):
                value["unit"] = unit
            _as_toml(value, sub)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _as_toml(item, sub)


def _section_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (itself, in a union or as a tuple's items), if any."""
    for arg in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(arg) is tuple:
            arg = typing.get_args(arg)[0]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def binomial_scenario(p: float, attempts: int, cohort: int = 240, **extra: Any) -> Scenario:
    """Fixed cohort, constant durations, unlimited slots: ever employed ~ Binomial.

    Each citizen gets ``attempts`` placements, each hiring on ordinary hours with
    probability ``p``, so the number ever hired is Binomial(cohort, 1 - (1 - p)**attempts).
    ``extra`` are further changes (e.g. ``targets``).
    """
    return build(
        {
            "intake.monthly_counts": q([cohort / 12] * 12),
            "intake.assessment_weeks": d("constant", 1.0),
            "companies.initial": q(cohort),
            "companies.max_companies": q(cohort),
            "preparation.duration_weeks": d("constant", 1.0),
            "placement.duration_weeks": d("constant", 2.0),
            "placement.outcomes": {
                "ordinary": q(p),
                "reduced": q(0.0),
                "flexjob": q(0.0),
                "education": q(0.0),
            },
            "placement.max_attempts": q(attempts),
            **extra,
        }
    )


def target(name: str, metric: str, threshold: float, date: str = "2021-12-27") -> dict[str, Any]:
    """A target table."""
    return {"name": name, "metric": metric, "threshold": q(threshold), "date": date}


def write_toml(data: dict[str, Any], path: Path) -> Path:
    """Write a raw scenario dict as a TOML file (tables, arrays of tables, inline values)."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]", *(f"{k} = {_inline(v)}" for k, v in value.items())]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines += ["", f"[[{key}]]", *(f"{k} = {_inline(v)}" for k, v in item.items())]
        else:
            lines.insert(0, f"{key} = {_inline(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def kill_part_way(script: str, files: Path, pattern: str, after: int) -> int:
    """Run ``script`` in a fresh Python, SIGKILL it once ``after`` files match; how many did.

    Stands for a run killed without warning (power cut, OOM killer): nothing of the
    process gets to clean up.
    """
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while len(list(files.glob(pattern))) < after:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "nothing written in time"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return len(list(files.glob(pattern)))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``labour-sim ARGS`` in this process (as the console script would run it).

    Returns what a subprocess would: the exit code (argparse's own exits included) and the
    text written to stdout and stderr.
    """
    import contextlib
    import io

    from labour_sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["labour-sim", *args], code, out.getvalue(), err.getvalue())


def console_script() -> str:
    """The installed ``labour-sim`` console script beside this Python."""
    return str(Path(sys.executable).with_name("labour-sim"))
