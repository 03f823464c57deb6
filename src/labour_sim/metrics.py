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

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALL_METRICS",
    "CITIZEN_METRICS",
    "COMPANY_METRICS",
    "COST_COLUMNS",
    "COST_LABELS",
    "CUMULATIVE_LABELS",
    "FUNNEL",
    "FUNNEL_PART",
    "METRICS",
    "METRIC_LABELS",
    "NET_PUBLIC_BASIS",
    "PER_FIGURES",
    "POINT_LABELS",
    "POINT_METRICS",
    "PROGRAMME_ITEMS",
    "RETENTION_WEEKS",
    "funnel_steps",
    "metric_at",
    "metric_noun",
    "target_words",
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
    "cost:per_additional_sustained_job": "programme cost per additional job held 26 weeks",
}
COST_COLUMNS = tuple(COST_LABELS)


def metric_noun(metric: str) -> str:
    """What a metric counts, without "citizens ever": ``'placed in a company'``.

    Company metrics keep their noun (``'companies that ever took part'``); a point-in-time
    metric keeps its ``'on the date'``. An unknown name is returned with ``_`` as spaces.
    """
    label = METRIC_LABELS.get(metric, metric.replace("_", " "))
    for prefix in ("citizens who ever ", "citizens ever ", "citizens "):
        if label.startswith(prefix):
            return label.removeprefix(prefix)
    return label


def metric_at(metric: str, date: object) -> str:
    """A metric's count at a date: ``'placed in a company by 2021-12-31'`` (point in time: on)."""
    noun = metric_noun(metric)
    if noun.endswith(" on the date"):
        return f"{noun.removesuffix(' on the date')} on {date}"
    return f"{noun} by {date}"


def target_words(metric: str, threshold: float, date: object) -> str:
    """A target in words: ``'850 placed in a company by 2021-12-31'`` (citizens or companies).

    Parameters
    ----------
    metric : str
        The target's metric (a key of :data:`METRIC_LABELS`).
    threshold : float
        The count promised (citizens or companies).
    date : date or str
        The date it is promised by (for a point-in-time metric: on).
    """
    return f"{threshold:,.0f} {metric_at(metric, date)}"


#: Every "per" figure: (numerator column, what the denominator counts, and when). The
#: denominator of figure ``F`` is the row's column ``F:n``; the numerator's date is the
#: programme's end (``end``) and the denominator's is ``end`` or the savings horizon
#: (``savings``). A row's figure is numerator / denominator, ``nan`` when it is 0; across
#: replications the figure is the mean numerator over the mean denominator, and the share of
#: replications whose denominator is 0 is reported beside it.
#: What ``cost:net_public`` is counted against (unlike the business case: against business
#: as usual, discounted), said wherever the figure stands beside the business case.
NET_PUBLIC_BASIS: Final = "against every citizen staying on benefit, undiscounted"
PER_FIGURES: Final[dict[str, tuple[str, str, str]]] = {
    "cost:per_participant": ("cost:programme", "citizens referred", "end"),
    "cost:per_hired": ("cost:programme", "citizens hired into paid work", "savings"),
    "cost:per_ordinary": ("cost:programme", "citizens hired on ordinary hours", "savings"),
    "cost:per_sustained_job": (
        "cost:programme",
        "citizens in paid work 26 weeks after hire",
        "savings",
    ),
    "cost:net_public_per_sustained_job": (
        "cost:net_public",
        "citizens in paid work 26 weeks after hire",
        "savings",
    ),
    "cost:per_additional_sustained_job": (
        "cost:programme",
        "additional citizens in a job held 26 weeks (programme minus business as usual)",
        "savings",
    ),
}


#: Steps of the pathway funnel, each a subset of the one above (replications-table column
#: and label, citizens): everyone placed was referred, everyone in paid work was placed,
#: and everyone still in paid work 26 weeks after hire was hired. Preparation is shown only
#: where it lies between referred and placed in every replication.
FUNNEL = (
    ("referred", "referred to the programme"),
    ("preparation", "started preparation"),
    ("placed", "placed in a company"),
    ("paid", "hired (ordinary, small job or flexjob)"),
    ("employed_26w", "still in paid work 26 weeks after hire"),
)
#: A part of a step drawn as an inner bar: (column, label, the step it is part of).
FUNNEL_PART = ("ordinary", "of which on ordinary hours", "paid")


def funnel_steps(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The :data:`FUNNEL` steps present in ``table`` that nest in every replication.

    A step is kept when, in every row, it is at most the step kept above it and at least
    the next step present: no bar can exceed the one above it.
    """
    present = [(c, label) for c, label in FUNNEL if c in table]
    kept: list[tuple[str, str]] = []
    for i, (column, label) in enumerate(present):
        above = table[kept[-1][0]] if kept else None
        below = table[present[i + 1][0]] if i + 1 < len(present) else None
        if (above is None or (table[column] <= above).all()) and (
            below is None or (below <= table[column]).all()
        ):
            kept.append((column, label))
    return kept


#: The items of the programme's own cost (``cost:programme`` is their sum) and the scenario
#: numbers each is priced by (what a reader checks when an item looks large).
PROGRAMME_ITEMS: Final[dict[str, tuple[str, ...]]] = {
    "cost:mentor": ("costs.mentor_hours_per_week", "costs.mentor_dkk_per_hour"),
    "cost:mentor_training": ("costs.mentor_training_dkk",),
    "cost:intake": ("costs.intake_dkk",),
    "cost:company_recruitment": ("costs.company_recruitment_dkk",),
    "cost:fixed": ("costs.fixed_dkk_per_month",),
}
