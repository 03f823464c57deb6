"""``BusinessCase``: the programme against business as usual, by payer and year, with bands.

* :meth:`BusinessCase.table`: net cost (DKK, discounted to ``period.start``) by year and
  payer, the mean with a 90 % band over replications (SØM's table, with uncertainty);
* :meth:`BusinessCase.lines`: the same in words, with each payer's payback and break-even
  effect (the additional sustained jobs that would make the programme pay for that payer).
  Replications without an additional sustained job are counted and reported, never
  dropped.

A positive amount is a cost, a negative one a saving. Nothing here simulates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..display import Table, as_html, as_text
from .accounts import PAYERS

__all__ = ["BusinessCase"]


@dataclass(frozen=True)
class BusinessCase:
    """The business case of a scenario over replications.

    Attributes
    ----------
    scenario : str
        Scenario name.
    flows : DataFrame
        ``replication``, ``year``, ``payer``, ``item``, ``dkk`` (discounted), ``dkk_nominal``.
    runs : DataFrame
        Per replication: ``sustained_effect`` (additional citizens in a job held 26 weeks by
        the horizon) and per payer ``net:P`` (DKK, discounted), ``cost:P``, ``saving:P`` and
        ``payback_weeks:P``; ``cost:funder``, the programme's own cost when an outside funder
        pays it (else 0).
    rate : float
        Discount rate per year.
    horizon_date : str
        Date of the horizon (end of follow-up), ISO.
    paid_by : str
        Who pays the programme's own cost (``accounts.programme_paid_by``).
    calibration : dict, optional
        What the replications were calibrated to, as a calibrated run's
        ``metadata["calibration"]`` (``None``: uncalibrated, the scenario as written).
    seed : int, optional
        Seed of the run (``None``: not recorded); with it, replication ``r`` is replication
        ``r`` of :func:`~labour_sim.run_experiment` on that seed.
    """

    scenario: str
    flows: pd.DataFrame
    runs: pd.DataFrame
    rate: float
    horizon_date: str
    paid_by: str = "municipality"
    calibration: dict[str, Any] | None = None
    seed: int | None = None

    @property
    def n(self) -> int:
        """Replications."""
        return len(self.runs)

    def table(self) -> pd.DataFrame:
        """Net cost by year (rows, plus ``total``) and payer: mean, 5 % and 95 % (DKK)."""
        net = self.flows.groupby(["replication", "year", "payer"])["dkk"].sum().unstack("payer")
        total = net.groupby("replication").sum()
        total["year"] = "total"
        yearly = net.reset_index("year")
        both = pd.concat([yearly.reset_index(), total.reset_index()], ignore_index=True)
        both["year"] = both["year"].astype(str)
        g = both.groupby("year", sort=False)[list(PAYERS)]
        stats = {"mean": g.mean(), "p5": g.quantile(0.05), "p95": g.quantile(0.95)}
        out = pd.concat(stats, axis=1).swaplevel(axis=1)
        out = out[[(p, k) for p in PAYERS for k in stats]]
        out.columns.names = ["payer", None]
        return out

    def items(self) -> pd.DataFrame:
        """Mean discounted DKK over the horizon by item (rows) and payer (columns).

        When an outside funder pays the programme, a last column ``funder`` holds its cost
        (in no public account): without it the programme's row would read 0 everywhere.
        """
        per_run = self.flows.groupby(["replication", "item", "payer"])["dkk"].sum()
        payers = [*PAYERS, "funder"] if self.paid_by == "funder" else list(PAYERS)
        table = per_run.groupby(["item", "payer"]).mean().unstack("payer")[payers]
        if "funder" in table:  # it pays the programme only: 0 on every other item
            table["funder"] = table["funder"].fillna(0.0)
        return table

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        r = self.runs
        title = (
            f"BusinessCase: {self.scenario}, {self.n:,} replications{self._seed}{self._basis} "
            "against "
            "business as usual"
        )
        effect = r["sustained_effect"]
        lines = [
            f"net cost (DKK) up to {self.horizon_date}, discounted at {self.rate:.1%} a year; "
            "positive = net cost, negative = saving",
            f"additional citizens in a job held 26 weeks by {self.horizon_date}: "
            f"{effect.mean():.1f} (90 %: {effect.quantile(0.05):.0f} to "
            f"{effect.quantile(0.95):.0f})",
        ]
        if self.paid_by == "funder":
            lines.append(
                f"programme's own cost {r['cost:funder'].mean():,.0f} DKK: its outside funder's"
            )
        rows = []
        for p in PAYERS:
            net, paid = r[f"net:{p}"], r[f"payback_weeks:{p}"]
            rows.append(
                (
                    p,
                    f"{net.mean():,.0f}",
                    f"{net.quantile(0.05):,.0f} to {net.quantile(0.95):,.0f}",
                    f"{float(np.isfinite(paid).mean()):.0%}",
                )
            )
        table = Table(("payer", "net (mean)", "90 % of runs", "pays back in"), tuple(rows))
        return title, [*lines, "table(), items(), lines(): by year, by item, in words"], [table]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    @property
    def _seed(self) -> str:
        """``", seed S"``, or ``""`` when the seed is not recorded."""
        return "" if self.seed is None else f", seed {self.seed}"

    @property
    def _basis(self) -> str:
        """``""`` uncalibrated, else which calibration the replications were drawn from."""
        if self.calibration is None:
            return ""
        return f", each at its own posterior draw of calibration '{self.calibration['label']}'"

    def lines(self) -> list[str]:
        """The business case in words, one payer a line, with payback and break-even."""
        r = self.runs
        none = float((r["sustained_effect"] <= 0).mean())
        out = [
            f"Against business as usual, discounted at {self.rate:.1%} a year to the start, "
            f"up to {self.horizon_date} ({self.n} replications{self._seed}{self._basis}; "
            "positive = net cost):"
        ]
        if self.paid_by == "funder":
            out.append(
                f"  the programme's own cost, {r['cost:funder'].mean():,.0f} DKK (discounted), "
                "is paid by its outside funder and is in none of the public accounts below"
            )
        for p in PAYERS:
            net = r[f"net:{p}"]
            paid = r[f"payback_weeks:{p}"]
            back = float(np.isfinite(paid).mean())
            when = f", median after {paid[np.isfinite(paid)].median():.0f} weeks" if back else ""
            be = r[f"break_even:{p}"].dropna()
            even = (
                f"; break-even at {be.median():,.0f} additional sustained jobs" if len(be) else ""
            )
            out.append(
                f"  {p}: {net.mean():,.0f} DKK (90 %: {net.quantile(0.05):,.0f} to "
                f"{net.quantile(0.95):,.0f}); pays back in {back:.0%} of runs{when}{even}"
            )
        effect = r["sustained_effect"]
        out.append(
            f"  additional citizens in a job held 26 weeks by {self.horizon_date}: "
            f"{effect.mean():.1f} (90 %: {effect.quantile(0.05):.0f} to "
            f"{effect.quantile(0.95):.0f}); no additional sustained job in {none:.0%} of runs"
        )
        return out
