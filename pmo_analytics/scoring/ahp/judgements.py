"""Pairwise judgements as given: checked, and combined over the stakeholders.

A judgement (stakeholder, a, b, ratio) says how many times more criterion a matters than b on
Saaty's 1–9 scale (``1/3``: b matters three times more). :func:`clean_judgements` checks every
row — the ratio a number in [1/9, 9], two different criteria, no pair judged twice by one
stakeholder with contradictory values — and raises one :class:`AHPInputError` listing every
problem; :func:`connection_problems` says where a stakeholder's judgements leave criteria
unlinked. The group's judgement of a pair is the weighted geometric mean of the judgements of
the stakeholders who judged it (Aczél & Saaty 1983; Forman & Peniwati 1998).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ...exceptions import AHPInputError

#: Judgements must lie in [1/9, 9]; 0.11 (1/9 written with two decimals) is accepted.
RATIO_MIN, RATIO_MAX = 0.11, 9.0
#: Label of the aggregated judgements in per-stakeholder tables.
GROUP = "(group)"
#: Two judgements of one pair by one stakeholder are "the same" within this factor (0.33 ≈ 1/3).
_SAME_JUDGEMENT = 1.02


def _text(values: pd.Series) -> np.ndarray:
    """Cells as stripped text, missing cells as ""."""
    return values.astype("string").fillna("").str.strip().to_numpy(dtype=object)


def _by_pair(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each judgement's pair named one way — lo < hi — and its log ratio of lo over hi."""
    a, b = frame["a"].to_numpy(dtype=object), frame["b"].to_numpy(dtype=object)
    forward = a <= b
    log = np.log(frame["ratio"].to_numpy(dtype=float))
    return np.where(forward, a, b), np.where(forward, b, a), np.where(forward, log, -log)


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group code of each row by its keys (codes in order of first appearance), and the first
    row of each group."""
    joined = keys[0].astype(object)
    for key in keys[1:]:
        joined = joined + "\x1f" + key
    codes, _ = pd.factorize(joined)
    return codes, np.unique(codes, return_index=True)[1]


def clean_judgements(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Judgements as stakeholder, a, b, ratio (float); raises AHPInputError listing problems.

    Examples
    --------
    >>> c = pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"], "ratio": ["3", "1/3"]})
    >>> clean_judgements(c)
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.AHPInputError: 1 problem(s) with the pairwise judgements:
      - judgement 2 (y vs z): ratio '1/3' is not a number
    """
    missing = [c for c in ("a", "b", "ratio") if c not in comparisons.columns]
    if missing:
        raise AHPInputError(
            [
                f"comparisons lack column(s) {', '.join(missing)}; expected a, b, ratio "
                "(stakeholder optional)"
            ]
        )
    n = len(comparisons)
    who = _text(comparisons["stakeholder"]) if "stakeholder" in comparisons else np.full(n, "")
    a, b = _text(comparisons["a"]), _text(comparisons["b"])
    ratio = pd.to_numeric(comparisons["ratio"], errors="coerce").to_numpy(dtype=float)
    unnamed = (a == "") | (b == "")
    not_number = ~unnamed & ~np.isfinite(ratio)
    with np.errstate(invalid="ignore"):
        off_scale = (ratio < RATIO_MIN - 1e-12) | (ratio > RATIO_MAX + 1e-12)
    outside = ~unnamed & ~not_number & off_scale
    itself = ~unnamed & ~not_number & ~outside & (a == b)
    raw = comparisons["ratio"].to_numpy(dtype=object)
    problems: list[str] = []
    for k in np.flatnonzero(unnamed | not_number | outside | itself):  # the bad rows only
        row, pair = k + 1, f"{a[k]} vs {b[k]}"
        if unnamed[k]:
            problems.append(f"judgement {row}: a and b must both name a criterion")
        elif not_number[k]:
            problems.append(f"judgement {row} ({pair}): ratio {raw[k]!r} is not a number")
        elif outside[k]:
            problems.append(
                f"judgement {row} ({pair}): ratio {ratio[k]:g} is outside Saaty's scale [1/9, 9]"
            )
        else:
            problems.append(f"judgement {row}: criterion {a[k]} is compared with itself")
    valid = ~(unnamed | not_number | outside | itself)
    frame = pd.DataFrame(
        {"stakeholder": who[valid], "a": a[valid], "b": b[valid], "ratio": ratio[valid]},
        dtype=object,
    ).astype({"ratio": float})
    # one stakeholder judging one pair twice with different values
    lo, hi, log = _by_pair(frame)
    codes, first = _groups(frame["stakeholder"].to_numpy(dtype=object), lo, hi)
    least, most = np.full(len(first), np.inf), np.full(len(first), -np.inf)
    np.minimum.at(least, codes, log)
    np.maximum.at(most, codes, log)
    for code in np.flatnonzero(most - least > np.log(_SAME_JUDGEMENT)):
        given = frame[codes == code]
        listed = "; ".join(
            f"{x} vs {y} = {r:g}"
            for x, y, r in zip(given["a"], given["b"], given["ratio"], strict=True)
        )
        s_ = given["stakeholder"].iloc[0]
        by = f"stakeholder {s_!r}" if s_ else "the judgements"
        problems.append(
            f"{by} judge {lo[first[code]]} vs {hi[first[code]]} more than once with "
            f"contradictory values ({listed})"
        )
    if problems:
        raise AHPInputError(problems)
    return frame


def _components(names: list[str], a: pd.Series, b: pd.Series) -> list[list[str]]:
    """The groups of criteria linked by chains of comparisons, largest first."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(names)
    n = len(names)
    edges = (np.ones(len(a)), (index.get_indexer(a), index.get_indexer(b)))
    _, labels = connected_components(coo_matrix(edges, shape=(n, n)), directed=False)
    everyone = np.asarray(names, dtype=object)
    groups = [list(everyone[labels == label]) for label in np.unique(labels)]
    return sorted(groups, key=lambda g: (-len(g), g))


def connection_problems(names: list[str], frame: pd.DataFrame, who: str, where: str) -> list[str]:
    """A problem when the judgements in ``frame`` do not link all ``names`` (else none).

    ``who`` names the stakeholder ("" for all judgements), ``where`` the hierarchy node
    (" under Cost", or "").
    """
    groups = _components(names, frame["a"], frame["b"])
    if len(groups) <= 1:
        return []
    by = f"stakeholder {who!r}'s judgements" if who else "the judgements"
    listed = " | ".join(", ".join(g) for g in groups)
    return [
        f"{by}{where} do not connect all criteria: no chain of comparisons links these groups: "
        f"{listed}; add a comparison between the groups"
    ]


def stakeholder_shares(
    stakeholders: list[str], given: Mapping[str, float] | None, problems: list[str]
) -> pd.Series:
    """Weight of each stakeholder in the group's geometric mean (equal by default)."""
    if given is None:
        return pd.Series(1.0, index=stakeholders)
    shares = pd.Series({str(k): float(v) for k, v in given.items()})
    missing = sorted(set(stakeholders) - set(shares.index))
    if missing:
        problems.append(
            f"stakeholder_weights lacks {', '.join(missing)}; give a weight for every stakeholder"
        )
    if (shares < 0).any() or not np.isfinite(shares).all():
        problems.append("stakeholder_weights must be finite and ≥ 0")
    return shares.reindex(stakeholders).fillna(0.0)


def aggregate_judgements(frame: pd.DataFrame, shares: pd.Series) -> pd.DataFrame:
    """The group's judgements: per pair, the weighted geometric mean over the stakeholders who
    judged it (a stakeholder's consistent repeats of a pair count once, as their mean).

    Examples
    --------
    >>> c = pd.DataFrame({"stakeholder": ["A", "B"], "a": ["x", "y"], "b": ["y", "x"],
    ...                   "ratio": [4.0, 1.0]})
    >>> aggregate_judgements(c, pd.Series({"A": 1.0, "B": 1.0}))["ratio"].tolist()
    [2.0]
    """
    lo, hi, log = _by_pair(frame)
    who = frame["stakeholder"].to_numpy(dtype=object)
    own, first = _groups(who, lo, hi)
    own_log = np.bincount(own, weights=log) / np.bincount(own)
    weight = shares.reindex(who[first]).fillna(0.0).to_numpy()
    pair, pair_first = _groups(lo[first], hi[first])
    total = np.bincount(pair, weights=weight)
    mean_log = np.divide(
        np.bincount(pair, weights=weight * own_log),
        total,
        out=np.zeros(len(total)),
        where=total > 0,
    )
    return pd.DataFrame(
        {
            "stakeholder": GROUP,
            "a": lo[first][pair_first],
            "b": hi[first][pair_first],
            "ratio": np.where(total > 0, np.exp(mean_log), 1.0),
        }
    ).astype({"stakeholder": object, "a": object, "b": object})


def oriented_pairs(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Judgements as positions i < j in ``names`` with log ratios (repeats of a pair: their
    mean), the first judgement of each pair as written (a, b) and whether it was flipped."""
    position = pd.Index(names)
    ia, ib = position.get_indexer(frame["a"]), position.get_indexer(frame["b"])
    flipped = ia > ib
    log = np.log(frame["ratio"].to_numpy(dtype=float))
    i, j = np.minimum(ia, ib), np.maximum(ia, ib)
    _, first, group = np.unique(i * len(names) + j, return_index=True, return_inverse=True)
    mean_log = np.bincount(group, weights=np.where(flipped, -log, log)) / np.bincount(group)
    order = np.argsort(first, kind="stable")  # the pairs in the order they were first judged
    rows = first[order]
    return pd.DataFrame(
        {
            "i": i[rows].astype(np.int64),
            "j": j[rows].astype(np.int64),
            "a": frame["a"].to_numpy(dtype=object)[rows],
            "b": frame["b"].to_numpy(dtype=object)[rows],
            "log": mean_log[order],
            "flipped": flipped[rows],
        }
    )
