"""Names of the outcomes a run reports, shared by scenarios, results and observations.

A *milestone* is reached at most once per citizen (the first time); its count at a date is
the number of distinct citizens who had reached it by then. Company metrics count distinct
companies. Targets in scenario files and observations in calibration files name these.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CITIZEN_METRICS", "COMPANY_METRICS", "METRICS", "METRIC_LABELS", "RETENTION_WEEKS"]

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
