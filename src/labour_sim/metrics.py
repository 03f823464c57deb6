"""Names of the outcomes a run reports, shared by scenarios, results and observations.

A *milestone* is reached at most once per citizen (the first time); its count at a date is
the number of distinct citizens who had reached it by then. Company metrics count distinct
companies. Targets in scenario files and observations in calibration files name these.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CITIZEN_METRICS",
    "COMPANY_METRICS",
    "COST_COLUMNS",
    "COST_LABELS",
    "METRICS",
    "METRIC_LABELS",
    "RETENTION_WEEKS",
]

#: Weeks after hire at which retention is measured (3, 6 and 12 months).
RETENTION_WEEKS: Final = (13, 26, 52)

METRIC_LABELS: Final[dict[str, str]] = {
    "referred": "citizens referred to the programme",
    "preparation": "citizens who started preparation",
    "placed": "citizens placed in a company",
    "ordinary": "citizens employed on ordinary hours",
    "reduced": "citizens in a small job on reduced hours",
    "paid": "citizens in paid work (ordinary, small job or flexjob)",
    "flexjob": "citizens in a flexjob",
    "education": "citizens who started education",
    "attached": "citizens attached to the labour market (ordinary work, flexjob or education)",
    "dropout": "citizens who dropped out",
    "employed_13w": "citizens still in paid work 13 weeks after hire",
    "employed_26w": "citizens still in paid work 26 weeks after hire",
    "employed_52w": "citizens still in paid work 52 weeks after hire",
    "companies_joined": "companies taking part",
    "companies_hosting": "companies that hosted a placement",
}

CITIZEN_METRICS: Final = tuple(k for k in METRIC_LABELS if not k.startswith("companies"))
COMPANY_METRICS: Final = tuple(k for k in METRIC_LABELS if k.startswith("companies"))
METRICS: Final = tuple(METRIC_LABELS)

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
