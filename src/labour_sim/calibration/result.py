"""A calibration's result: posterior, point estimate, calibrated scenario, diagnostics.

:class:`Calibration` keeps the weighted posterior sample and the posterior predictive
draws, and derives everything else from them (see :mod:`.diagnostics`). It forecasts any
metric at any date with parameter uncertainty (:meth:`Calibration.forecast`), and saves to
and loads from a self-describing folder, each file written atomically (as experiments do)
and ``calibration.json`` last, so a folder with it is complete::

    calibration.json        scenario (data and file text), observations, priors, settings,
                            seed, versions, times, point estimate, warnings
    calibrated_scenario.toml  the calibrated scenario (``load_scenario`` reads it): the
                            posterior medians, each labelled as an estimate of this
                            calibration with its 90 % credible interval
    posterior.parquet       the posterior draws: one row per particle, each parameter path,
    posterior.csv           ``weight`` (the same table as text, for any tool)
    generations.parquet     per ABC generation: temperature, simulations, acceptance
    predictive_draws.parquet  per draw: particle, parameter values, simulated observations
    marginals.parquet, correlations.parquet, predictive_check.parquet   (derived, for tools)
    abc.db                  pyabc's history of the run (SQLite)
    holdout/                with leave-future-out (``calibrate(..., holdout=True)``): the
                            score of the held-out last date (:class:`.score.Score` files)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..display import Table, as_html, as_text
from ..errors import ScenarioError
from ..experiments import Execution
from ..experiments.posterior import Drift, PosteriorDraws
from ..experiments.store import (
    atomic_write,
    read_json,
    read_table,
    reading,
    write_json,
    write_table,
)
from ..metrics import METRICS
from ..scenario import Scenario, parse_scenario
from ..scenario.paths import find
from ..scenario.writer import scenario_toml
from .diagnostics import (
    correlation_table,
    marginal_table,
    predictive_table,
    warnings_for,
    weighted_quantile,
)
from .forecast import (
    DEFAULT_DRIFT,
    Forecast,
    Reading,
    check_forecast_request,
    drift_draws,
    forecast_tables,
    particle_draws,
    path_replications,
    run_draws,
    spread_sources,
)
from .observations import Observations, load_observations, parse_observations
from .priors import Parameter, parse_prior
from .score import Score, check_after, score_table
from .simulate import truncated

__all__ = ["CALIBRATED_SCENARIO", "Calibration"]

_TABLES = ("posterior", "generations", "predictive_draws")
#: The calibrated scenario's file in a calibration's folder.
CALIBRATED_SCENARIO = "calibrated_scenario.toml"


@dataclass(frozen=True, eq=False)
class Calibration:
    """What calibrating a scenario to observations found.

    Attributes
    ----------
    scenario : Scenario
        The scenario as it was before calibration.
    observations : Observations
        What it was calibrated to.
    parameters : tuple of Parameter
        The calibrated numbers and their priors.
    posterior : pandas.DataFrame
        The final ABC population: one column per parameter path, and ``weight`` (sums to 1).
    generations : pandas.DataFrame
        Per generation: ``t``, ``temperature``, ``accepted``, ``evaluations`` (candidates
        up to the population's cut), ``simulations_run`` and ``seconds``.
    predictive_draws : pandas.DataFrame
        Per posterior draw: ``draw``, ``particle``, the parameter values and each
        observation's simulated value (see :mod:`.forecast` for how draws are made).
    metadata : dict
        Seed, settings, times, simulations, versions and where the inputs came from.
    holdout : Score, optional
        With leave-future-out (``calibrate(..., holdout=True)``): the observations of the
        last date, held out of the calibration, scored against its forecast.
    """

    scenario: Scenario
    observations: Observations
    parameters: tuple[Parameter, ...]
    posterior: pd.DataFrame
    generations: pd.DataFrame
    predictive_draws: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    holdout: Score | None = None

    # -- diagnostics ------------------------------------------------------------------------
    @cached_property
    def marginals(self) -> pd.DataFrame:
        """Per parameter: prior, posterior mean, median, sd, credible intervals, identified."""
        return marginal_table(self.parameters, self.posterior)

    @cached_property
    def correlations(self) -> pd.DataFrame:
        """Weighted posterior correlation of every pair of parameters."""
        return correlation_table(self.parameters, self.posterior)

    @cached_property
    def predictive_check(self) -> pd.DataFrame:
        """Every observation against its posterior predictive distribution."""
        return predictive_table(self.observations, self.predictive_draws)

    @cached_property
    def warnings(self) -> list[str]:
        """Unidentified parameters, strong correlations, observations not covered, budget."""
        out = warnings_for(self.marginals, self.correlations)
        for _, row in self.predictive_check[~self.predictive_check["covered"]].iterrows():
            out.append(
                f"observation {row['observation']}: observed {row['observed']:g} lies outside "
                f"the posterior predictive 95 % interval [{row['report_p2_5']:.4g}, "
                f"{row['report_p97_5']:.4g}]; the model cannot reproduce it with these priors"
            )
        ess, n = self.effective_sample_size, len(self.posterior)
        if ess < 0.1 * n:
            out.append(
                f"the posterior rests on few particles (effective sample size {ess:.1f} of {n}): "
                "its intervals are rough; use a larger population or more generations"
            )
        done = self.generations["temperature"].dropna()  # a generation cut short has none
        final = float(done.iloc[-1]) if len(done) else 1.0
        if final > 1 + 1e-6:
            out.append(
                f"the run stopped at temperature {final:.3g} before reaching 1 (budget "
                "exhausted): the posterior is wider than the exact one; allow more simulations"
            )
        return out

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective number of particles of the weighted posterior, ``1 / sum w^2``."""
        w = self.posterior["weight"].to_numpy(dtype=float)
        return float(w.sum() ** 2 / np.sum(w**2)) if len(w) else 0.0

    @property
    def point_estimate(self) -> dict[str, float | int]:
        """Each parameter's posterior median (rounded for whole-number parameters)."""
        medians = self.marginals.set_index("parameter")["median"]
        return {p.path: p.value(float(medians[p.path])) for p in self.parameters}

    def credible_interval(self, path: str, level: float = 0.9) -> tuple[float, float]:
        """Central posterior interval of parameter ``path`` holding ``level``."""
        low, high = weighted_quantile(
            self.posterior[path], self.posterior["weight"], [(1 - level) / 2, (1 + level) / 2]
        )
        return float(low), float(high)

    @property
    def label(self) -> str:
        """The calibration's name: its set-up's, or what it was calibrated to."""
        setup = self.metadata.get("setup") or {}
        return str(setup.get("name") or f"{self.scenario.name} to {self.observations.name}")

    @cached_property
    def calibrated(self) -> Scenario:
        """The scenario at the point estimate, each calibrated number labelled an estimate.

        Each calibrated number keeps its unit; its provenance becomes an ``assumption``
        (a model estimate is not a sourced fact) that names this calibration, the
        observations and their dates, and the 90 % credible interval, with that interval as
        its ``range``; its ``note`` keeps the prior and where the uncalibrated value came
        from.
        """
        data = self.scenario.model_dump(mode="json")
        dates = ", ".join(sorted({o.date.isoformat() for o in self.observations}))
        change: dict[str, Any] = {}
        for p in self.parameters:
            value = self.point_estimate[p.path]
            low, high = self.credible_interval(p.path)
            note = (
                f"estimate: calibrated by '{self.label}' to '{self.observations.name}' "
                f"({dates}) by ABC-SMC: posterior median; 90 % credible interval "
                f"[{low:.4g}, {high:.4g}]"
            )
            node = find(data, p.path)
            if isinstance(node, dict) and "unit" in node:
                was = node.get("source") or node.get("assumption")
                origin = "source" if node.get("source") else "assumption"
                table = {
                    k: v
                    for k, v in node.items()
                    if v is not None and k not in ("source", "assumption", "note")
                }
                table["value" if "value" in node else "mean"] = value
                table["assumption"] = note
                table["range"] = [min(low, value), max(high, value)]
                table["note"] = (
                    f"prior {p.prior}; before calibration {node.get('value', node.get('mean'))}"
                    f" ({origin}: {was})" + (f"; {node['note']}" if node.get("note") else "")
                )
                change[p.path] = table
            else:
                change[p.path] = value
        return self.scenario.with_changes(change)

    def posterior_draws(self, drift: float | None = DEFAULT_DRIFT) -> PosteriorDraws:
        """The posterior as a calibrated experiment takes it (``run_experiment(calibration=)``).

        Parameters
        ----------
        drift : float or None, default DEFAULT_DRIFT
            Standard deviation of the yearly log change of hiring after the last
            observation, as in :meth:`forecast`; ``None`` or 0 leaves future drift out.
        """
        paths = tuple(p.path for p in self.parameters)
        dates = sorted({o.date.isoformat() for o in self.observations})
        setup = self.metadata.get("setup") or {}
        about = {
            "setup": setup.get("name"),
            "setup_file": setup.get("file"),
            "observations": self.observations.name,
            "observation_names": list(self.observations.names),
            "observation_dates": dates,
            "last_observation": self.observations.last_date.isoformat(),
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.hash,
            "calibration_seed": int(self.metadata.get("seed", 0)),
            "effective_sample_size": self.effective_sample_size,
            "not_reproduced": [
                str(name)
                for name in self.predictive_check.loc[
                    ~self.predictive_check["covered"], "observation"
                ]
            ],
        }
        values = self.posterior[list(paths)].to_numpy(dtype=float)
        return PosteriorDraws(
            self.label,
            paths,
            values,
            self.posterior["weight"].to_numpy(dtype=float),
            tuple(p.integer for p in self.parameters),
            Drift(self.observations.last_date, float(drift)) if drift else None,
            about,
            np.asarray(path_replications(self.parameters, values), dtype=np.int64),
        )

    @property
    def simulations(self) -> int:
        """Model simulations run by the ABC sampler (not counting predictive draws)."""
        return int(self.generations["simulations_run"].sum()) if len(self.generations) else 0

    def lines(self) -> list[str]:
        """The calibration in plain words: posterior, predictive check, warnings."""
        m = self.metadata
        out = [
            f"{self.scenario.name} calibrated to {self.observations.name}",
            f"  {len(self.observations)} observations, {len(self.parameters)} parameters; "
            f"{self.simulations:,} simulations in {m.get('seconds', float('nan')):.0f} s "
            f"(population {m.get('population_size')}, {self._generations_words()}, "
            f"seed {m.get('seed')}; effective sample size {self.effective_sample_size:.0f})",
            "Posterior (median and 90 % credible interval; prior)",
        ]
        for _, r in self.marginals.iterrows():
            out.append(
                f"  {r['parameter']:40s} {r['median']:10.4g}  [{r['p5']:.4g}, {r['p95']:.4g}]"
                f"   {r['prior']}{'' if r['identified'] else '  (not identified)'}"
            )
        out.append("Posterior predictive check (observed; simulated median and 95 % interval)")
        for _, r in self.predictive_check.iterrows():
            out.append(
                f"  {r['observation']:30s} observed {r['observed']:10.4g}; simulated "
                f"{r['median']:.4g} [{r['report_p2_5']:.4g}, {r['report_p97_5']:.4g}]  "
                f"{'ok' if r['covered'] else 'NOT COVERED'} (p = {r['p_value']:.2f})"
            )
        strong = self.correlations[self.correlations["correlation"].abs() >= 0.3]
        if len(strong):
            out.append("Posterior correlations (|r| >= 0.3)")
            out += [f"  {r['a']} ~ {r['b']}: {r['correlation']:+.2f}" for _, r in strong.iterrows()]
        out += [f"warning: {w}" for w in self.warnings]
        return out

    def _generations_words(self) -> str:
        """How many ABC generations ran to the end, and the one the budget cut short.

        The prior sample (``t = -1``) is not a generation; a generation cut short by the
        simulation cap has no temperature, and the posterior is the one before it.
        """
        runs = self.generations[self.generations["t"] >= 0]
        done = int(runs["temperature"].notna().sum())
        planned = self.metadata.get("generations") or len(runs)
        words = f"{done} of {planned}" if done != planned else f"{done}"
        words += " generation" if planned == 1 else " generations"
        cut = runs[runs["temperature"].isna()]
        if len(cut):
            words += (
                f" (generation {done + 1} stopped at {int(cut['accepted'].iloc[0])} of "
                f"{self.metadata.get('population_size')} accepted, not used)"
            )
        return words

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        check = self.predictive_check
        covered = int(check["covered"].sum()) if len(check) else 0
        lines = [
            f"{len(self.observations)} observations, {self.simulations:,} simulations, "
            f"effective sample size {self.effective_sample_size:.0f} (seed {self.metadata.get('seed')})",
            f"posterior predictive check: {covered} of {len(check)} observations covered "
            "(95 % interval)",
            *(f"warning: {w}" for w in self.warnings),
            "lines() says it all; calibrated is the scenario at the point estimate",
        ]
        posterior = Table(
            ("parameter", "median", "90 % credible interval", "prior", "identified"),
            tuple(
                (
                    str(r["parameter"]),
                    f"{r['median']:.4g}",
                    f"{r['p5']:.4g} to {r['p95']:.4g}",
                    str(r["prior"]),
                    "yes" if r["identified"] else "no",
                )
                for _, r in self.marginals.iterrows()
            ),
            caption="posterior",
        )
        title = f"Calibration: {self.scenario.name} to {self.observations.name}"
        return title, lines, [posterior]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    # -- forecasts ----------------------------------------------------------------------------
    def forecast(
        self,
        metrics: str | Iterable[str] | None = None,
        date: dt.date | str | None = None,
        draws: int | None = None,
        *,
        point_estimate: bool = False,
        drift: float | None = DEFAULT_DRIFT,
        execution: Execution | None = None,
    ) -> Forecast:
        """Posterior predictive distribution of ``metrics`` at ``date``, and every target.

        Parameters
        ----------
        metrics : str or iterable of str, optional
            Metrics to report (default: all of :data:`labour_sim.metrics.METRICS`).
        date : date or ISO string, optional
            When to read them (default: ``period.end``); any date of the simulated period.
        draws : int, optional
            Posterior draws, each continuing its particle's accepted simulation over the
            whole horizon (default: as many as the predictive check used).
        point_estimate : bool, default False
            Use the point estimate in every draw, on fresh replications (parameter
            uncertainty left out; a what-if at one value: it does not continue the
            accepted simulations, see :mod:`.forecast`).
        drift : float or None, default DEFAULT_DRIFT
            Standard deviation of the yearly log change of hiring after the last
            observation (each draw its own trend; an assumption, see
            :data:`~labour_sim.calibration.forecast.DEFAULT_DRIFT`); ``None`` or 0 keeps
            the calibrated rates unchanged to the horizon.
        execution : Execution, optional
            Where the draws run (its ``out`` is not used: save the forecast with
            :meth:`Forecast.save`).

        Returns
        -------
        Forecast
            Metric distributions, target probabilities (Wilson 95 % intervals), the draws.
        """
        when = _as_date(date) if date is not None else self.scenario.period.end
        names = (metrics,) if isinstance(metrics, str) else tuple(metrics or METRICS)
        n = draws if draws is not None else len(self.predictive_draws) or 400
        check_forecast_request(self.scenario, names, when, n)
        seed = int(self.metadata["seed"])
        weights = self.posterior["weight"].to_numpy(dtype=float)
        index = particle_draws(weights, n, seed)
        paths = [p.path for p in self.parameters]
        replications = None  # the point estimate: fresh replications (see .forecast)
        if point_estimate:
            values = np.tile([self.point_estimate[p] for p in paths], (n, 1)).astype(float)
        else:
            values = self.posterior[paths].to_numpy(dtype=float)[index]
            replications = path_replications(self.parameters, values)
        moves = None
        if drift:
            moves = (self.observations.last_date, drift_draws(n, drift, seed), float(drift))
        table = run_draws(
            self.scenario, self.parameters, values, seed, Reading(when, names, None, True),
            execution=execution, drift=moves, replications=replications,
        )  # fmt: skip
        table.insert(1, "particle", -1 if point_estimate else index)
        metric_table, target_table = forecast_tables(self.scenario, table, when, names)
        meta = {
            "scenario": self.scenario.name,
            "observations": self.observations.name,
            "seed": seed,
            "draws": n,
            "parameter_uncertainty": not point_estimate,
            "runs": "fresh replications at the point estimate"
            if point_estimate
            else "each particle's accepted ABC simulation, continued",
            "drift_sd_per_year": float(drift or 0.0),
            "drift_from": self.observations.last_date.isoformat(),
            "point_estimate": self.point_estimate,
        }
        return Forecast(when, metric_table, target_table, table, meta)

    def spread(
        self,
        metrics: str | Iterable[str] | None = None,
        date: dt.date | str | None = None,
        draws: int | None = None,
        *,
        drift: float = DEFAULT_DRIFT,
        execution: Execution | None = None,
    ) -> pd.DataFrame:
        """Where a forecast's spread comes from: Monte Carlo noise, parameters, future conditions.

        Runs the forecast's draws three times: at the point estimate without drift (fresh
        replications), at posterior draws without drift, and at posterior draws with
        ``drift`` (these two on the particles' own simulations, see :meth:`forecast`), and
        splits the variance of each metric at ``date`` with
        :func:`~labour_sim.calibration.forecast.spread_sources`.

        Returns
        -------
        pandas.DataFrame
            Per metric: the forecast's sd and each source's variance and share.
        """
        names = (metrics,) if isinstance(metrics, str) else tuple(metrics or METRICS)
        runs = [
            self.forecast(names, date, draws, point_estimate=True, drift=None, execution=execution),
            self.forecast(names, date, draws, drift=None, execution=execution),
            self.forecast(names, date, draws, drift=drift, execution=execution),
        ]
        point, parameters, future = (r.draws for r in runs)
        return spread_sources(point, parameters, future, names)

    def score(
        self,
        observations: Observations | str | Path,
        draws: int | None = None,
        *,
        drift: float | None = DEFAULT_DRIFT,
        execution: Execution | None = None,
    ) -> Score:
        """Score the calibration's forecasts against observations made after it.

        Parameters
        ----------
        observations : Observations or path
            Figures reported later, each dated after the calibration's last observation
            and within the scenario's simulated period.
        draws : int, optional
            Posterior predictive draws (default: as many as the predictive check used).
            Draw ``i`` uses the same particle and replication as in :meth:`forecast`, so
            the score reads the very runs a forecast describes.
        drift : float or None, default DEFAULT_DRIFT
            Future drift of hiring after the last observation, as in :meth:`forecast`.
        execution : Execution, optional
            Where the draws run (its ``out`` is not used: save with :meth:`Score.save`).

        Returns
        -------
        Score
            Per observation the 50 / 80 / 95 % forecast intervals of the report, its PIT,
            whether it falls in each interval and its CRPS; coverage and mean CRPS (see
            :mod:`labour_sim.calibration.score` for how the report's error enters).

        Raises
        ------
        ScenarioError
            For an observation not dated after the calibration's last one, or outside the
            simulated period, or a bad file.
        """
        obs = (
            observations
            if isinstance(observations, Observations)
            else load_observations(observations)
        )
        last = self.observations.last_date
        check_after(obs, last)
        obs.check(self.scenario)
        n = draws if draws is not None else len(self.predictive_draws) or 400
        if not (isinstance(n, int) and n >= 1):
            raise ScenarioError.single("draws", "a whole number >= 1", n)
        seed = int(self.metadata["seed"])
        index = particle_draws(self.posterior["weight"].to_numpy(dtype=float), n, seed)
        values = self.posterior[[p.path for p in self.parameters]].to_numpy(dtype=float)[index]
        table = run_draws(
            truncated(self.scenario, obs.last_date), self.parameters, values, seed,
            Reading(None, (), obs, False), execution=execution, description="score draws",
            drift=(last, drift_draws(n, drift, seed), float(drift)) if drift else None,
            replications=path_replications(self.parameters, values),
        )  # fmt: skip
        table.insert(1, "particle", index)
        scored, summary = score_table(obs, table, seed)
        meta = {
            "kind": "score",
            "scenario": self.scenario.name,
            "calibration": self.observations.name,
            "last_observation": last.isoformat(),
            "seed": seed,
            "draws": n,
            "predictive": "report = model value in one replication + N(0, sd^2)",
            "runs": "each particle's accepted ABC simulation, continued",
            "pit": "CDF of the report's predictive mixture (continuous: no randomisation)",
        }
        return Score(obs, scored, summary, table, meta)

    # -- files --------------------------------------------------------------------------------
    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write the result folder (see the module docstring); ``calibration.json`` last.

        ``format`` (``parquet``, ``csv`` or ``xlsx``) is the tables' format.
        """
        root = Path(folder)
        for name in _TABLES:
            write_table(root, name, getattr(self, name), format)
        for name in ("marginals", "correlations", "predictive_check"):
            write_table(root, name, getattr(self, name), format)
        if format != "csv":  # the posterior draws as text too, for any tool
            atomic_write(
                root / "posterior.csv", lambda tmp: self.posterior.to_csv(tmp, index=False)
            )
        text = scenario_toml(self.calibrated, _calibrated_header(self))
        atomic_write(root / CALIBRATED_SCENARIO, partial(_write_text, text=text))
        meta = {
            **self.metadata,
            "point_estimate": self.point_estimate,
            "warnings": self.warnings,
            "scenario_data": self.scenario.model_dump(mode="json"),
            "scenario_text": self.scenario.text,
            "scenario_file": self.scenario.origin,
            "observations_data": self.observations.to_dict(),
            "observations_text": self.observations.text,
            "observations_file": self.observations.origin,
            "parameters": [
                {"path": p.path, "prior": str(p.prior), "integer": p.integer, "key": p.key}
                for p in self.parameters
            ],
        }
        if self.holdout is not None:
            self.holdout.save(root / "holdout", format)
        elif (root / "holdout" / "score.json").is_file():  # left by a replaced calibration
            (root / "holdout" / "score.json").unlink()
        write_json(root / "calibration.json", meta)
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Calibration:
        """Read a calibration written by :meth:`save` (or ``labour-sim calibrate --out``)."""
        root = Path(folder)
        marker = root / "calibration.json"
        if not marker.is_file():
            raise ScenarioError.single(
                "calibration", "a folder written by labour-sim calibrate (with calibration.json)",
                str(root),
            )  # fmt: skip
        with reading(root, "a folder written by labour-sim calibrate"):
            return cls._from(root, read_json(marker))

    @classmethod
    def _from(cls, root: Path, meta: dict[str, Any]) -> Calibration:
        scenario = parse_scenario(
            meta.pop("scenario_data"),
            meta.get("scenario_file"),
            meta.get("scenario_text"),
            from_json=True,
        )
        obs = parse_observations(
            meta.pop("observations_data"), meta.get("observations_file"), from_json=True
        )
        observations = Observations(
            obs.name, obs.description, obs.sources, obs.items, obs.origin,
            meta.get("observations_text"),
        )  # fmt: skip
        parameters = tuple(
            Parameter(p["path"], parse_prior(p["prior"]), bool(p["integer"]), p["key"])
            for p in meta["parameters"]
        )
        for derived in ("point_estimate", "warnings"):
            meta.pop(derived, None)
        tables = {name: read_table(root, name) for name in _TABLES}
        held = Score.load(root / "holdout") if (root / "holdout" / "score.json").is_file() else None
        return cls(scenario, observations, parameters, metadata=meta, holdout=held, **tables)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _calibrated_header(cal: Calibration) -> str:
    lines = [
        f"Calibrated scenario: {cal.scenario.name}",
        f"written by the calibration '{cal.label}' (seed {cal.metadata.get('seed')})",
        f"calibrated to {cal.observations.name}, observations dated "
        + ", ".join(sorted({o.date.isoformat() for o in cal.observations})),
        "Each calibrated number is its posterior median, labelled as an estimate with its 90 %",
        "credible interval as its range; every other number is the scenario's own.",
        "A single scenario at the medians: for answers with parameter uncertainty run",
        "  labour-sim run SCENARIO --calibration THIS_FOLDER",
    ]
    return "\n".join(lines)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScenarioError.single("date", "an ISO date such as 2021-12-31", value) from None
