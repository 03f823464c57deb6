"""Posterior draws as data: what a calibrated run needs to know of its calibration.

Experiments sit below calibration, so they do not know :class:`~labour_sim.calibration.Calibration`;
they take :class:`PosteriorDraws` (parameter paths, the weighted particles, a label naming
the calibration, what it was calibrated to, and the future drift of hiring), which
``Calibration.posterior_draws()`` makes. Anything with such a method can be passed as
``calibration=`` (:class:`HasPosteriorDraws`).

A calibrated replication ``r`` of seed ``seed`` runs at particle ``particle_draws(weights,
n, seed)[r]``, the particles resampled by weight from one seeded stream whose first ``m``
picks never depend on ``n``, so the rows do not depend on the number of replications, the
chunking or the workers. With drift, replication ``r``'s hiring follows its own trend from
the last observation date on (:func:`drift_condition`), its yearly log change
``drift_draws(n, sd, seed)[r]``. On the calibration's own seed, replication ``r`` continues
its particle's accepted ABC run (``runs``), as the calibration's forecasts do, so such a run
reproduces the forecast draws replication for replication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..errors import ScenarioError
from ..scenario import Scenario

__all__ = [
    "Calibrated",
    "Drift",
    "HasPosteriorDraws",
    "PosteriorDraws",
    "as_posterior_draws",
    "draw_changes",
    "drift_condition",
    "drift_draws",
    "particle_draws",
]

#: Spawn-key tag of the stream that picks posterior particles for draws (one element, so it
#: never meets the ``(replication, stream)`` keys of :mod:`labour_sim.streams`).
_DRAWS = 0xD8A
#: Spawn-key tag of the stream of each draw's future drift of hiring.
_DRIFT = 0xD81F7


def particle_draws(weights: NDArray[np.float64], n: int, seed: int) -> NDArray[np.int64]:
    """Indices of ``n`` particles resampled by weight; the first ``m`` never depend on ``n``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_DRAWS,)))
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def drift_draws(n: int, sd: float, seed: int) -> NDArray[np.float64]:
    """Each draw's yearly log change of hiring, ``N(0, sd)``; the first ``m`` never depend on ``n``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_DRIFT,)))
    return sd * rng.standard_normal(n)


def drift_condition(start: dt.date, log_change: float, sd: float) -> dict[str, Any]:
    """The trend condition of one draw's future drift of hiring, from ``start`` on."""
    return {
        "name": "future_drift",
        "kind": "trend",
        "applies_to": ["hiring"],
        "description": "how hiring moves after the last observation (one draw)",
        "start": start,
        "per_year": {
            "value": math.expm1(float(log_change)),
            "unit": "per year",
            "assumption": f"a draw of the future drift of hiring: log change N(0, {sd:g}) a year",
            "range": [math.expm1(-2 * sd), math.expm1(2 * sd)],
        },
    }


@dataclass(frozen=True)
class Drift:
    """Future drift of hiring: from ``start``, a yearly log change ``N(0, sd)`` per draw."""

    start: dt.date
    sd: float


def draw_changes(
    scenario: Scenario,
    paths: Sequence[str],
    integer: Sequence[bool],
    values: NDArray[np.float64],
    drift: tuple[dt.date, float, float] | None = None,
) -> dict[str, Any]:
    """The changes of one draw: ``values[j]`` at ``paths[j]`` (rounded where ``integer[j]``).

    ``drift`` is ``(start, log change, sd)``: the draw's trend of hiring is appended to
    ``scenario``'s conditions.
    """
    changes: dict[str, Any] = {
        path: round(float(x)) if whole else float(x)
        for path, whole, x in zip(paths, integer, values, strict=True)
    }
    if drift is not None:
        start, log_change, sd = drift
        base = [c.model_dump(mode="python") for c in scenario.conditions]
        changes["conditions"] = [*base, drift_condition(start, log_change, sd)]
    return changes


@dataclass(frozen=True, eq=False)
class PosteriorDraws:
    """A calibration's weighted posterior, as a calibrated experiment uses it.

    Attributes
    ----------
    label : str
        Names the calibration (its set-up's name, or what it was calibrated to).
    paths : tuple of str
        The calibrated scenario paths, one column of ``values`` each.
    values : numpy.ndarray
        ``(particles, paths)``: each particle's parameter values, in the paths' units.
    weights : numpy.ndarray
        ``(particles,)``: the particles' weights (any positive scale).
    integer : tuple of bool
        Whether each path takes whole numbers (values are rounded).
    drift : Drift, optional
        The future drift of hiring included in each replication (``None``: conditions as
        calibrated to the horizon).
    about : dict
        What the calibration was calibrated to, for the results' metadata: ``setup``,
        ``observations``, ``observation_dates``, ``last_observation``, ``scenario``,
        ``scenario_hash`` (the scenario it was calibrated on), ``seed``, ``folder``.
    runs : numpy.ndarray, optional
        ``(particles,)``: the replication of each particle's accepted ABC simulation on the
        calibration's seed (``about["calibration_seed"]``). A run on that seed continues
        each particle's accepted run past the last observation, as the calibration's
        forecasts do (the exact posterior predictive: ABC accepted values and run
        together); on any other seed replication ``r`` runs fresh at its particle.
    """

    label: str
    paths: tuple[str, ...]
    values: NDArray[np.float64]
    weights: NDArray[np.float64]
    integer: tuple[bool, ...]
    drift: Drift | None = None
    about: Mapping[str, Any] = field(default_factory=dict)
    runs: NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        n = len(self.weights)
        if self.values.shape != (n, len(self.paths)) or len(self.integer) != len(self.paths):
            raise ValueError(
                f"values of shape {self.values.shape} for {n} particles and {len(self.paths)} "
                f"paths ({len(self.integer)} integer flags)"
            )
        if not n or not np.all(self.weights >= 0) or not np.sum(self.weights) > 0:
            raise ScenarioError.single(
                "calibration", "a posterior with at least one particle of positive weight",
                f"{n} particles",
            )  # fmt: skip

    @property
    def fingerprint(self) -> str:
        """A hash of the label, paths, particles, weights and drift (names a run's inputs)."""
        digest = hashlib.sha256(repr((self.label, self.paths, self.integer)).encode())
        digest.update(np.ascontiguousarray(self.values, dtype=np.float64).tobytes())
        digest.update(np.ascontiguousarray(self.weights, dtype=np.float64).tobytes())
        digest.update(repr(self.drift).encode())
        return digest.hexdigest()[:16]

    def particles(self, n: int, seed: int) -> NDArray[np.int64]:
        """The particle of each of replications ``0 .. n - 1`` of ``seed``."""
        return particle_draws(self.weights, n, seed)

    def changes(self, scenario: Scenario, seed: int, start: int, stop: int) -> list[dict[str, Any]]:
        """The changes of replications ``start .. stop - 1`` over ``scenario`` (see the module)."""
        index = self.particles(stop, seed)
        moves = drift_draws(stop, self.drift.sd, seed) if self.drift else None
        out = []
        for r in range(start, stop):
            drift = None
            if self.drift is not None and moves is not None:
                drift = (self.drift.start, float(moves[r]), self.drift.sd)
            out.append(
                draw_changes(scenario, self.paths, self.integer, self.values[index[r]], drift)
            )
        return out

    def replications(self, seed: int, start: int, stop: int) -> list[int]:
        """The seed replication each of replications ``start .. stop - 1`` runs on."""
        if self.runs is None or seed != self.about.get("calibration_seed"):
            return list(range(start, stop))
        index = self.particles(stop, seed)
        return [int(self.runs[index[r]]) for r in range(start, stop)]

    def columns(self, seed: int, start: int, stop: int) -> list[dict[str, float | int]]:
        """What replications ``start .. stop - 1`` ran at, one record each.

        ``particle``, each ``parameter:PATH`` and, with drift, ``drift_per_year`` (the
        draw's yearly log change of hiring).
        """
        index = self.particles(stop, seed)
        moves = drift_draws(stop, self.drift.sd, seed) if self.drift else None
        out = []
        for r in range(start, stop):
            row: dict[str, float | int] = {"particle": int(index[r])}
            for j, path in enumerate(self.paths):
                x = float(self.values[index[r], j])
                row[f"parameter:{path}"] = round(x) if self.integer[j] else x
            if moves is not None:
                row["drift_per_year"] = float(moves[r])
            out.append(row)
        return out

    def metadata(self, replications: int, seed: int) -> dict[str, Any]:
        """What a run's metadata records of its calibration (JSON-ready)."""
        index = self.particles(replications, seed)
        return {
            "label": self.label,
            **dict(self.about),
            "fingerprint": self.fingerprint,
            "parameters": list(self.paths),
            "particles": len(self.weights),
            "distinct_particles_used": len(np.unique(index)),
            "drift_sd_per_year": self.drift.sd if self.drift else 0.0,
            "drift_from": self.drift.start.isoformat() if self.drift else None,
            "intervals_include": intervals_include(self.drift),
        }


def intervals_include(drift: Drift | None) -> list[str]:
    """The sources of spread a calibrated run's intervals include, in words."""
    out = ["Monte Carlo noise (the programme's own randomness)", "parameter uncertainty"]
    if drift is not None:
        out.append(
            f"future conditions (hiring drifts from {drift.start.isoformat()}: a yearly log "
            f"change with sd {drift.sd:g}, an assumption)"
        )
    return out


@runtime_checkable
class HasPosteriorDraws(Protocol):
    """Anything that gives posterior draws (``Calibration`` does)."""

    def posterior_draws(self) -> PosteriorDraws:
        """The posterior as :class:`PosteriorDraws`."""
        ...


#: What ``calibration=`` takes: a ``Calibration`` (or anything with posterior draws), its
#: :class:`PosteriorDraws`, or ``None`` (uncalibrated).
Calibrated = PosteriorDraws | HasPosteriorDraws | None


def as_posterior_draws(calibration: PosteriorDraws | HasPosteriorDraws) -> PosteriorDraws:
    """``calibration`` as :class:`PosteriorDraws`."""
    if isinstance(calibration, PosteriorDraws):
        return calibration
    if isinstance(calibration, HasPosteriorDraws):
        return calibration.posterior_draws()
    raise ScenarioError.single(
        "calibration", "a Calibration or PosteriorDraws", type(calibration).__name__
    )
