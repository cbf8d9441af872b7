"""Analytic Hierarchy Process: criteria weights from stakeholders' pairwise judgements.

A judgement ``(a, b, ratio)`` says how many times more ``a`` matters than ``b`` on Saaty's
1–9 scale (``1/3`` means ``b`` matters three times more). From a set of judgements
:func:`ahp_weights` derives priority weights (principal eigenvector, Saaty 1980; or row
geometric means, Crawford & Williams 1985), measures their consistency (λmax,
CI = (λmax − n)/(n − 1), CR = CI/RI with Saaty's or Alonso & Lamata's random index) and says
which judgements cause the inconsistency. It also handles the cases a PMO meets in practice:
incomplete judgements, several stakeholders and a hierarchy of criteria.

Where each part lives:

* :mod:`.matrix` — one pairwise matrix: weights, λmax, CI/CR, random indices, and the ranking
  of the judgements that cause the inconsistency;
* :mod:`.completion` — incomplete judgements: missing pairs filled to minimise λmax (Bozóki,
  Fülöp & Rónyai 2010) or by logarithmic least squares (Kwiesielewicz 1996);
* :mod:`.judgements` — checking the judgements as given, and the group's judgements as the
  weighted geometric mean of the stakeholders' (Aczél & Saaty 1983; Forman & Peniwati 1998);
* :mod:`.hierarchy` — criteria → sub-criteria: each node solved, local weights multiplied down
  to global weights, the hierarchy's CR as Saaty's Σ g·CI / Σ g·RI;
* :mod:`.weights` — :func:`ahp_weights`, which ties these together, and :class:`AHPResult`.

Judgements outside [1/9, 9], a pair judged twice by one stakeholder with different values,
criteria compared with themselves and criteria not connected by any chain of comparisons are
errors (:class:`AHPInputError`, which lists every problem).
"""

from ...exceptions import AHPInputError
from .completion import COMPLETIONS
from .hierarchy import GOAL
from .judgements import GROUP, RATIO_MAX, RATIO_MIN
from .matrix import (
    ALONSO_LAMATA_RANDOM_INDEX,
    CR_THRESHOLD,
    METHODS,
    RANDOM_INDICES,
    SAATY_RANDOM_INDEX,
    random_index,
)
from .weights import AHPResult, ahp_weights, comparison_matrix

__all__ = [
    "ALONSO_LAMATA_RANDOM_INDEX",
    "COMPLETIONS",
    "CR_THRESHOLD",
    "GOAL",
    "GROUP",
    "METHODS",
    "RANDOM_INDICES",
    "RATIO_MAX",
    "RATIO_MIN",
    "SAATY_RANDOM_INDEX",
    "AHPInputError",
    "AHPResult",
    "ahp_weights",
    "comparison_matrix",
    "random_index",
]
