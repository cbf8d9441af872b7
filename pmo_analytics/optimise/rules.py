"""The portfolio's rules between and across projects as constraint blocks.

Dependencies (``requires``, ``follows``, ``excludes``; their timing as ``../shared/CONTRACT.md``
gives it) and balance rules (a minimum or maximum share of spend or count per category or
business unit), each a :class:`~.blocks.Block` over the start options.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._vocab import NEEDS_KINDS
from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .blocks import Block
from .options import OptimiseOptions


def dependency_blocks(
    portfolio: Portfolio, opts: pd.DataFrame, excluded: pd.Series, options: OptimiseOptions
) -> list[Block]:
    """requires, follows and excludes as rows over the start options (see CONTRACT.md)."""
    deps = portfolio.dependencies
    if deps.empty:
        return []
    projects = portfolio.projects
    index = projects.index
    # integer project codes: every merge below runs on them, not on id strings
    cols = pd.DataFrame(
        {
            "code": index.get_indexer(opts.index.levels[0])[opts.index.codes[0]],
            "col": opts["col"].to_numpy(),
            "pos": opts["pos"].to_numpy(),
        }
    )
    has_options = np.zeros(len(index), dtype=bool)
    has_options[cols["code"].unique()] = True
    deps = deps.assign(
        p=index.get_indexer(deps["project_id"]), o=index.get_indexer(deps["other_id"])
    )

    def options_of(rows: pd.DataFrame, key: str) -> pd.DataFrame:
        """Each row's start options of the project coded in column ``key`` (row, col, pos)."""
        keyed = pd.DataFrame({"row": np.arange(len(rows)), "code": rows[key].to_numpy()})
        return keyed.merge(cols, on="code", sort=False)[["row", "col", "pos"]]

    blocks = []
    # requires and follows: y_p <= y_o. A completed other counts as done; an other without
    # start options (forced out, cancelled, no window) keeps p out.
    done = projects["status"].eq("completed").to_numpy()
    chain = deps[
        deps["kind"].isin(NEEDS_KINDS).to_numpy() & has_options[deps["p"]] & ~done[deps["o"]]
    ]
    chain = chain.reset_index(drop=True)
    if len(chain):
        mine = options_of(chain, "p").assign(coef=1.0)
        theirs = options_of(chain, "o").assign(coef=-1.0)
        rows = chain[["project_id", "other_id", "kind"]].assign(rhs=0.0)
        entries = pd.concat([mine, theirs], ignore_index=True)[["row", "col", "coef"]]
        blocks.append(Block("requires", "<=", rows, entries))

    # follows: p started by t  =>  o started by t - duration(o), for every start t of p
    follows = chain[chain["kind"].eq("follows").to_numpy() & has_options[chain["o"]]].reset_index(
        drop=True
    )
    if len(follows):
        grid = options_of(follows, "p")
        pairs = follows.iloc[grid["row"].to_numpy()].reset_index(drop=True)
        t = grid["pos"].to_numpy()
        rows = pd.DataFrame(
            {"project_id": pairs["project_id"], "other_id": pairs["other_id"], "t": t, "rhs": 0.0}
        )
        mine = options_of(pairs, "p")
        mine = mine[mine["pos"].to_numpy() <= t[mine["row"].to_numpy()]]
        theirs = options_of(pairs, "o")
        other_duration = projects["duration"].to_numpy()[pairs["o"].to_numpy()]
        r = theirs["row"].to_numpy()
        theirs = theirs[theirs["pos"].to_numpy() + other_duration[r] <= t[r]]
        entries = pd.concat([mine.assign(coef=1.0), theirs.assign(coef=-1.0)], ignore_index=True)
        blocks.append(Block("follows", "<=", rows, entries[["row", "col", "coef"]]))

    # excludes: not both
    excl = deps[
        deps["kind"].eq("excludes").to_numpy() & has_options[deps["p"]] & has_options[deps["o"]]
    ]
    excl = excl.reset_index(drop=True)
    if len(excl):
        rows = excl[["project_id", "other_id", "kind"]].assign(rhs=1.0)
        entries = pd.concat([options_of(excl, "p"), options_of(excl, "o")], ignore_index=True)
        blocks.append(Block("excludes", "<=", rows, entries[["row", "col"]].assign(coef=1.0)))
    return blocks


def balance_blocks(
    portfolio: Portfolio, opts: pd.DataFrame, cost: pd.DataFrame, options: OptimiseOptions
) -> list[Block]:
    """Each balance rule's minimum and maximum share as rows over the start options.

    A share of spend weighs each option by its cost inside the horizon; a share of count by 1.
    """
    if not options.balance:
        return []
    projects = portfolio.projects
    option_project = opts.index.get_level_values("project_id")
    spend = (
        cost.groupby("col")["coef"].sum().reindex(opts["col"].to_numpy(), fill_value=0.0).to_numpy()
    )
    rows, entries = [], []
    for i, rule in enumerate(options.balance):
        if rule.by not in projects.columns:
            raise OptionsError(
                f"balance rule by={rule.by!r}: not a projects column; valid: {', '.join(map(str, projects.columns))}"
            )
        member = (
            projects[rule.by].reindex(option_project).astype(str) == str(rule.group)
        ).to_numpy(dtype=float)
        weight = spend if rule.measure == "spend" else np.ones(len(opts))
        for bound, share, sign in (("min", rule.min_share, -1.0), ("max", rule.max_share, 1.0)):
            if share is None:
                continue
            # min: sum w (member - share) x >= 0  <=>  sum w (share - member) x <= 0
            coef = sign * weight * (member - share)
            row = len(rows)
            rows.append(
                {
                    "rule": i,
                    "by": rule.by,
                    "group": rule.group,
                    "bound": bound,
                    "share": share,
                    "measure": rule.measure,
                    "rhs": 0.0,
                }
            )
            nz = coef != 0
            entries.append(
                pd.DataFrame({"row": row, "col": opts["col"].to_numpy()[nz], "coef": coef[nz]})
            )
    return [Block("balance", "<=", pd.DataFrame(rows), pd.concat(entries, ignore_index=True))]
