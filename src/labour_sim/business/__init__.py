"""The business case (analysis layer): costs and savings by payer and year, against business as usual.

``accounts`` (one replication: weekly flows of both arms, refusion, discounting, payback)
-> ``case`` (:func:`business_case`: many replications, the SØM-shaped table with bands).
"""

from .accounts import ITEMS, PAYERS, discount_factors, payback_week, refusion_share
from .case import BusinessCase, business_case

__all__ = [
    "ITEMS",
    "PAYERS",
    "BusinessCase",
    "business_case",
    "discount_factors",
    "payback_week",
    "refusion_share",
]
