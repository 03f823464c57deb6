"""Names of the outcomes a run reports, shared by scenarios, results and observations.

Two kinds of metric, each label saying which it is:

* **Cumulative** (:data:`METRICS`): a *milestone* is reached at most once per citizen (the
  first time); its count at a date is the number of distinct citizens who had *ever*
  reached it by then, whether or not they are still there (``paid``: "citizens ever in
  paid work"). Company metrics count distinct companies that ever joined or hosted.
* **Point in time** (:data:`POINT_METRICS`): the citizens *in* a state on the date (a stay
  ``[enter, leave)`` in weeks covers the date; a stay still under way at the horizon counts
  to the end), e.g. ``in_paid_work``: "citizens in paid work on the date". An evaluation
  that reports "how many are in work now" is an observation of one of these.

A *hybrid* placement combines a few paid hours in the company with the internship or wage
subsidy (``placement.hybrid_share`` of placements): ``hybrid_placed`` and
``in_hybrid_placement`` count them, ``paid_hours`` counts citizens who ever had paid hours
in either form (paid work or a hybrid placement), which ``paid`` does not.

Both can be targets (scenario files) and observations (calibration files); both are columns
of every summary row (at the end date, and ``metric@DATE`` at each other target date).
Only the cumulative metrics have weekly series of their own (``metric:NAME`` in
:data:`labour_sim.replication.summary.SERIES`): a point-in-time count at a whole week is a
sum of the weekly state counts (``state:NAME``) already kept, so adding them would only
widen every stored series (and change its shape, which saved results and the golden
comparison rely on) without adding information.

:data:`METRIC_LABELS` labels every metric of both kinds; :data:`ALL_METRICS` names them
all, cumulative first.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALL_METRICS",
    "CITIZEN_METRICS",
    "COMPANY_METRICS",
    "COST_COLUMNS",
    "COST_LABELS",
    "CUMULATIVE_LABELS",
    "METRICS",
    "METRIC_LABELS",
    "POINT_LABELS",
    "POINT_METRICS",
    "RETENTION_WEEKS",
]

#: Weeks after hire at which retention is measured (3, 6 and 12 months).
RETENTION_WEEKS: Final = (13, 26, 52)

#: Cumulative metrics: distinct citizens (companies) who ever reached it by the date.
CUMULATIVE_LABELS: Final[dict[str, str]] = {
    "referred": "citizens ever referred to the programme",
    "preparation": "citizens who ever started preparation",
    "placed": "citizens ever placed in a company",
    "hybrid_placed": "citizens ever in a hybrid placement (a few paid hours within a placement)",
    "ordinary": "citizens ever employed on ordinary hours",
    "reduced": "citizens ever in a small job on reduced hours",
    "paid": "citizens ever in paid work (ordinary, small job or flexjob)",
    "paid_hours": "citizens who ever had paid hours (paid work or a hybrid placement)",
    "flexjob": "citizens ever in a flexjob",
    "education": "citizens who ever started education",
    "attached": "citizens ever attached to the labour market (ordinary work, flexjob or education)",
    "dropout": "citizens who ever dropped out",
    "employed_13w": "citizens ever still in paid work 13 weeks after hire",
    "employed_26w": "citizens ever still in paid work 26 weeks after hire",
    "employed_52w": "citizens ever still in paid work 52 weeks after hire",
    "companies_joined": "companies that ever took part",
    "companies_hosting": "companies that ever hosted a placement",
}

#: Point-in-time metrics: citizens in the state on the date.
POINT_LABELS: Final[dict[str, str]] = {
    "in_preparation": "citizens in preparation on the date",
    "waiting": "citizens waiting for a company slot on the date",
    "in_placement": "citizens in a company placement on the date",
    "in_hybrid_placement": "citizens in a hybrid placement (paid hours within it) on the date",
    "in_ordinary": "citizens employed on ordinary hours on the date",
    "in_reduced": "citizens in a small job on reduced hours on the date",
    "in_flexjob": "citizens in a flexjob on the date",
    "in_paid_work": "citizens in paid work (ordinary, small job or flexjob) on the date",
    "in_education": "citizens in education on the date",
}

#: Every metric's label, cumulative then point in time.
METRIC_LABELS: Final[dict[str, str]] = {**CUMULATIVE_LABELS, **POINT_LABELS}

#: Cumulative metrics (each has a weekly series and a row of the compiled first-reach tally).
METRICS: Final = tuple(CUMULATIVE_LABELS)
#: Point-in-time metrics (no weekly series of their own; see the module docstring).
POINT_METRICS: Final = tuple(POINT_LABELS)
#: Every metric a target or an observation can name.
ALL_METRICS: Final = (*METRICS, *POINT_METRICS)
CITIZEN_METRICS: Final = tuple(k for k in ALL_METRICS if not k.startswith("companies"))
COMPANY_METRICS: Final = tuple(k for k in ALL_METRICS if k.startswith("companies"))

#: Cost columns of a replication row (DKK; see :mod:`labour_sim.replication.costs`) and
#: their labels.
COST_LABELS = {
    "cost:mentor": "mentor hours",
    "cost:mentor_training": "mentor training",
    "cost:intake": "intake assessments",
    "cost:company_recruitment": "company recruitment",
    "cost:fixed": "fixed programme costs",
    "cost:programme": "programme cost (grant-funded)",
    "cost:caseworker": "caseworker time",
    "cost:benefits_paid": "benefits paid",
    "cost:wage_subsidy": "wage subsidy",
    "cost:flexjob_subsidy": "flexjob subsidy",
    "cost:public": "public cost",
    "saving:benefits": "benefits saved",
    "cost:net_public": "net public cost",
    "cost:per_participant": "programme cost per participant",
    "cost:per_hired": "programme cost per citizen hired",
    "cost:per_ordinary": "programme cost per citizen hired on ordinary hours",
    "cost:per_sustained_job": "programme cost per job held 26 weeks",
    "cost:net_public_per_sustained_job": "net public cost per job held 26 weeks",
}
COST_COLUMNS = tuple(COST_LABELS)
