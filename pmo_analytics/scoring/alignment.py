"""Strategic alignment: where a selection's value and spend go, against the whole candidate list.

For any selection (a list of project ids, a boolean Series or a Plan) the share of value and of
spend that goes to each criterion (objective), category and business unit — the view that tells
leadership whether the portfolio matches the strategy it stated. A project's value and spend are
split across criteria in proportion to its weighted-score contributions (the same weighted score
that gives strategic value when ``value`` is blank), and the criteria weights are shown as the
target shares.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..exceptions import ArgumentTypeError, OptionsError
from .value_basis import objective_values
from .weighted import criteria_weights, value_contributions

DIMENSIONS = ("criterion", "category", "business_unit")
ALIGNMENT_COLUMNS = [
    "dimension", "group", "value", "value_share", "spend", "spend_share", "candidate_value",
    "candidate_value_share", "candidate_spend", "candidate_spend_share", "target_share",
]  # fmt: skip
#: Group of projects with no value in a dimension (blank category, or no scores to split by).
NONE_GROUP = "(none)"


def selected_ids(portfolio, selection: object) -> pd.Index:
    """Project ids of ``selection``: an iterable of ids, a boolean Series indexed by
    project_id, or a Plan (anything with a ``.selected`` Index of ids). Unknown ids are an error.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(3, n_periods=4, seed=1)
    >>> list(selected_ids(p, pd.Series([True, False, True], index=p.projects.index)))
    ['P001', 'P003']
    """
    chosen = getattr(selection, "selected", selection)
    if isinstance(chosen, str):
        raise ArgumentTypeError(
            "selection must be several project ids, a boolean Series or a Plan, not one string"
        )
    if isinstance(chosen, pd.Series) and pd.api.types.is_bool_dtype(chosen.dtype):
        ids = pd.Index(chosen.index[chosen.to_numpy(dtype=bool)])
    elif isinstance(chosen, pd.Series):
        ids = pd.Index(chosen.to_numpy())
    elif isinstance(chosen, Iterable):
        ids = pd.Index(list(chosen))
    else:
        raise ArgumentTypeError(
            f"selection of type {type(selection).__name__} is not valid; give project ids, "
            "a boolean Series indexed by project_id, or a Plan"
        )
    ids = ids.astype(str).unique()
    unknown = ids.difference(portfolio.projects.index)
    if len(unknown):
        raise OptionsError(f"selection names unknown projects: {', '.join(unknown[:10])}")
    return pd.Index(ids, name="project_id")


def _criterion_split(portfolio) -> tuple[pd.DataFrame, pd.Series] | None:
    """Each project's share of its weighted score per criterion, and the criteria weights."""

    if portfolio.scores.empty or portfolio.criteria.empty:
        return None
    weights = criteria_weights(portfolio.criteria, portfolio.comparisons)
    scored = value_contributions(
        portfolio.scores, portfolio.criteria, portfolio.projects.index, weights=weights
    )
    contribution = scored.pivot(index="project_id", columns="criterion", values="contribution")
    total = contribution.sum(axis=1)
    return contribution.div(total.where(total > 0), axis=0), weights


def strategic_alignment(
    portfolio,
    selection: object,
    *,
    dimensions: Iterable[str] = DIMENSIONS,
    basis: str = "value",
    discount_rate: float = 0.08,
) -> pd.DataFrame:
    """Share of value and spend by criterion, category and business unit for a selection.

    Parameters
    ----------
    portfolio : Portfolio
    selection : iterable of project_id, boolean Series, or Plan
        The projects chosen (a Plan's ``.selected``).
    dimensions : iterable of str
        ``criterion`` (value and spend split by each project's weighted-score contributions)
        and/or any projects column (default category and business_unit).
    basis : {"value", "risk_adjusted", "npv"}
        What "value" means (see :func:`pmo_analytics.objective_values`).
    discount_rate : float
        Annual rate for ``basis="npv"``.

    Returns
    -------
    DataFrame
        Tidy, one row per dimension and group: dimension, group, value, value_share, spend
        [currency: total planned cost], spend_share, the same four for the whole candidate list
        (``candidate_*``), and target_share (the criterion's weight, for ``criterion`` rows;
        NaN otherwise). Shares are of the selection's (or candidates') total in that dimension.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=6, seed=2)
    >>> table = strategic_alignment(p, p.projects.index[:4])
    >>> table.groupby("dimension")["value_share"].sum().round(6).unique().tolist()
    [1.0]
    """

    chosen = selected_ids(portfolio, selection)
    dimensions = list(dict.fromkeys(dimensions))
    projects = portfolio.projects
    unknown = [d for d in dimensions if d != "criterion" and d not in projects.columns]
    if unknown:
        valid = ", ".join(["criterion", *projects.columns])
        raise OptionsError(f"dimensions {', '.join(unknown)} are not valid; use any of {valid}")
    candidates = portfolio.candidates().union(chosen)
    values = objective_values(portfolio, basis=basis, discount_rate=discount_rate).reindex(
        candidates
    )
    spend = portfolio.total_cost().reindex(candidates).fillna(0.0)
    base = pd.DataFrame({"value": values.fillna(0.0), "spend": spend})
    split = _criterion_split(portfolio) if "criterion" in dimensions else None
    frames = []
    for dimension in dimensions:
        if dimension == "criterion":
            if split is None:
                continue
            shares, weights = split
            shares = shares.reindex(candidates)
            unscored = shares.isna().all(axis=1)
            shares = shares.fillna(0.0).assign(**{NONE_GROUP: unscored.astype(float)})
            long = shares.stack().rename("part").reset_index()
            long.columns = ["project_id", "group", "part"]
            long = long[long["part"] > 0]
            long["value"] = long["project_id"].map(base["value"]) * long["part"]
            long["spend"] = long["project_id"].map(base["spend"]) * long["part"]
            target = weights
        else:
            labels = projects[dimension].reindex(candidates).astype("string").fillna("").str.strip()
            long = pd.DataFrame(
                {
                    "project_id": candidates,
                    "group": labels.replace("", NONE_GROUP).to_numpy(),
                    "value": base["value"].to_numpy(),
                    "spend": base["spend"].to_numpy(),
                }
            )
            target = None
        frames.append(_shares(long, chosen, dimension, target))
    if not frames:
        return pd.DataFrame(columns=ALIGNMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ALIGNMENT_COLUMNS]


def _shares(
    long: pd.DataFrame, chosen: pd.Index, dimension: str, target: pd.Series | None
) -> pd.DataFrame:
    def totals(frame: pd.DataFrame) -> pd.DataFrame:
        sums = frame.groupby("group")[["value", "spend"]].sum()
        for column in ("value", "spend"):
            whole = sums[column].sum()
            sums[f"{column}_share"] = sums[column] / whole if whole != 0 else np.nan
        return sums

    everything = totals(long)
    selected = totals(long[long["project_id"].isin(chosen)]).reindex(everything.index)
    selected[["value", "spend"]] = selected[["value", "spend"]].fillna(0.0)
    share_cols = ["value_share", "spend_share"]
    has_total = selected[["value", "spend"]].sum().to_numpy() != 0
    selected[share_cols] = selected[share_cols].fillna(
        pd.Series(np.where(has_total, 0.0, np.nan), index=share_cols)
    )
    out = selected.join(everything.add_prefix("candidate_")).reset_index()
    out.insert(0, "dimension", dimension)
    out["target_share"] = out["group"].map(target) if target is not None else np.nan
    order = list(target.index) + [NONE_GROUP] if target is not None else None
    if order is not None:
        out["_order"] = out["group"].map({g: k for k, g in enumerate(order)})
        out = out.sort_values("_order", kind="stable").drop(columns="_order")
    else:
        out = out.sort_values("candidate_value", ascending=False, kind="stable")
    return out.reset_index(drop=True)
