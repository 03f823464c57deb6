"""The business case (analysis layer): costs and savings by payer and year, against business as usual.

``accounts`` (one replication: weekly flows of both arms, refusion, discounting, payback)
-> ``result`` (:class:`BusinessCase`: the SØM-shaped table with bands, in words) and
``case`` (:func:`business_case`: runs the replications).
"""

from .accounts import ITEM_LABELS, ITEMS, PAYERS, discount_factors, payback_week, refusion_share
from .case import business_case
from .result import BusinessCase

__all__ = [
    "ITEMS",
    "ITEM_LABELS",
    "PAYERS",
    "BusinessCase",
    "business_case",
    "discount_factors",
    "payback_week",
    "refusion_share",
]
