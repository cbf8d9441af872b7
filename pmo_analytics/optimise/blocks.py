"""Constraint blocks: one family of rows over the start options, and the ways to build them.

A :class:`Block` holds one row per constraint (labelled, e.g. by role and period) and its
nonzero entries (row, column, coefficient). The builders here place a portfolio's long tables
(costs, demand) on the start options by merging on integer project codes and group them into
rows by their labels — never by looping over projects × periods × roles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Block:
    """One family of constraints: ``entries`` · x (sense) ``rows.rhs``.

    rows : DataFrame indexed 0..k-1 with label columns (e.g. role, period) and ``rhs``.
    entries : DataFrame with integer ``row`` (into rows), integer ``col`` (into the
        formulation's columns) and float ``coef``.
    """

    family: str
    sense: str
    rows: pd.DataFrame
    entries: pd.DataFrame

    @property
    def size(self) -> int:
        return len(self.rows)


def placed_entries(
    frame: pd.DataFrame, opts: pd.DataFrame, amount: str, n_periods: int, by: list[str]
) -> pd.DataFrame:
    """Merge a long table (project_id, offset, amount, *by) with the start options.

    Returns col (option column), pos (period position), the ``by`` labels and ``coef``;
    only periods inside the horizon and nonzero amounts. The merge runs on the options'
    project codes (the MultiIndex's own factorisation), not on the id strings.
    """
    projects = opts.index.levels[0]
    code = projects.get_indexer(frame["project_id"])
    keep = (code >= 0) & (frame[amount].to_numpy() != 0)
    lines = frame.loc[keep, ["offset", amount, *by]].assign(code=code[keep])
    starts = pd.DataFrame(
        {
            "code": opts.index.codes[0],
            "start_pos": opts["pos"].to_numpy(),
            "col": opts["col"].to_numpy(),
        }
    )
    merged = lines.merge(starts, on="code", how="inner", sort=False)
    merged["pos"] = (merged["start_pos"].to_numpy() + merged["offset"].to_numpy()).astype(np.int64)
    merged = merged[(merged["pos"] >= 0) & (merged["pos"] < n_periods)]
    return (
        merged[["col", "pos", *by, amount]].rename(columns={amount: "coef"}).reset_index(drop=True)
    )


def grouped_block(
    family: str,
    sense: str,
    placed: pd.DataFrame,
    keys: list[str],
    rhs: pd.Series,
    *,
    add_up: bool = False,
) -> Block:
    """A block with one row per entry of ``rhs`` (indexed by ``keys``); ``placed`` entries join
    their row on the same keys. ``add_up`` sums several entries of one (row, col)."""
    rows = rhs.rename("rhs").reset_index()
    numbered = rows[keys].assign(row=np.arange(len(rows)))
    for key in keys:
        if placed[key].dtype != numbered[key].dtype:
            dtype = pd.CategoricalDtype(numbered[key].unique())
            numbered[key] = numbered[key].astype(dtype)
            placed = placed.assign(**{key: placed[key].astype(dtype)})
    joined = placed[[*keys, "col", "coef"]].merge(numbered, on=keys, how="inner", sort=False)
    entries = joined[["row", "col", "coef"]].astype({"coef": float})
    if add_up:
        entries = entries.groupby(["row", "col"], sort=True, as_index=False)["coef"].sum()
    return Block(family, sense, rows, entries.reset_index(drop=True))


def per_project_block(family: str, sense: str, opts: pd.DataFrame, ids: pd.Index) -> Block:
    """One row per project in ``ids``: the sum of its start options (sense) 1."""
    rows = pd.DataFrame({"project_id": ids, "rhs": 1.0})
    row_of_code = pd.Index(ids).get_indexer(opts.index.levels[0])  # level code -> row (or -1)
    row = row_of_code[opts.index.codes[0]]
    keep = row >= 0
    entries = pd.DataFrame({"row": row[keep], "col": opts["col"].to_numpy()[keep], "coef": 1.0})
    return Block(family, sense, rows, entries)
