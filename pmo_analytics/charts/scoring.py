"""Scoring charts: criteria contributions, AHP weights per stakeholder, strategic alignment.

Each takes a tidy frame (or result) of the scoring modules and returns an altair chart in the
project theme; none saves or shows itself (see :func:`pmo_analytics.charts.save_chart`).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from ..exceptions import ArgumentTypeError
from ..scoring import CR_THRESHOLD, GROUP
from ._parts import human_label, project_labels, require_columns
from .theme import HEIGHT, INK_COLOUR, NEUTRAL_COLOUR, PALETTE, WIDTH

#: The group's weights are drawn in black beside the stakeholders' colours.
_GROUP_COLOUR = INK_COLOUR


def criteria_contribution_chart(
    scored: pd.DataFrame,
    *,
    top: int | None = 20,
    names: pd.Series | Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Stacked bars of each project's weighted score, split by criterion contribution.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`pmo_analytics.score_projects` (project_id, criterion,
        contribution, weight, weighted_score, rank; score and normalised for the tooltip).
    top : int, optional
        Show the best ``top`` projects by rank (None: all).
    names : Series or mapping, optional
        project_id → name (``portfolio.projects["name"]``): projects are shown as
        "P012 · Name" (else by id).
    title : str, optional

    Returns
    -------
    alt.Chart
        y = project (best first), x = contribution to the weighted score (0–1) stacked by
        criterion (criteria in words, in their order, coloured from the theme palette),
        tooltip with raw and normalised score.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.scoring import score_projects
    >>> p = generate_portfolio(8, seed=1)
    >>> chart = criteria_contribution_chart(score_projects(p.scores, p.criteria))
    >>> chart.to_dict()["encoding"]["color"]["field"]
    'criterion'
    """
    require_columns(
        scored, ("project_id", "criterion", "contribution", "weight", "rank"), "the scored frame"
    )
    data = scored.copy()
    if top is not None:
        data = data[data["rank"] <= int(top)]
    data["project_id"] = data["project_id"].astype(str)
    data["criterion"] = [human_label(c) for c in data["criterion"].astype(str)]
    data["project"] = project_labels(data["project_id"], names)
    criteria = list(pd.unique(data["criterion"]))
    order = data.drop_duplicates("project_id").sort_values("rank")["project"].tolist()
    data["criterion_order"] = data["criterion"].map({c: k for k, c in enumerate(criteria)})
    tooltip = [
        alt.Tooltip("project:N", title="Project"),
        alt.Tooltip("criterion:N", title="Criterion"),
    ]
    for column, label in (("score", "Score"), ("normalised", "Normalised")):
        if column in data:
            tooltip.append(alt.Tooltip(f"{column}:Q", title=label, format=".3~f"))
    tooltip += [
        alt.Tooltip("weight:Q", title="Weight", format=".1%"),
        alt.Tooltip("contribution:Q", title="Contribution", format=".3f"),
    ]
    if "weighted_score" in data:
        tooltip.append(alt.Tooltip("weighted_score:Q", title="Weighted score (0–1)", format=".3f"))
    height = max(HEIGHT, 18 * len(order))
    return (
        alt.Chart(data, title=title or "Weighted score by criterion", width=WIDTH, height=height)
        .mark_bar()
        .encode(
            y=alt.Y("project:N", sort=order, title=None),
            x=alt.X(
                "sum(contribution):Q",
                title="Weighted score, 0–1 (sum of the criteria's contributions)",
            ),
            color=alt.Color(
                "criterion:N",
                title="Criterion",
                sort=criteria,
                scale=alt.Scale(domain=criteria, range=(PALETTE * 3)[: len(criteria)]),
            ),
            order=alt.Order("criterion_order:Q"),
            tooltip=tooltip,
        )
    )


def ahp_weights_chart(result: object, *, title: str | None = None) -> alt.Chart:
    """Criteria weights of each stakeholder beside the group's, with their consistency ratios.

    Parameters
    ----------
    result : AHPResult or DataFrame
        :func:`pmo_analytics.ahp_weights`'s result, or its ``stakeholder_weights`` frame
        (stakeholder, criterion, weight, consistency_ratio).
    title : str, optional

    Returns
    -------
    alt.Chart
        y = criterion, x = weight, bars side by side per stakeholder (the group in black), each
        stakeholder labelled with its consistency ratio; inconsistent ones (CR > 0.10) flagged.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmo_analytics.scoring.ahp import ahp_weights
    >>> c = pd.DataFrame({"stakeholder": ["A", "B"], "a": ["x", "x"], "b": ["y", "y"], "ratio": [2.0, 3.0]})
    >>> ahp_weights_chart(ahp_weights(c)).to_dict()["encoding"]["x"]["field"]
    'weight'
    """

    table = getattr(result, "stakeholder_weights", result)
    if not isinstance(table, pd.DataFrame):
        raise ArgumentTypeError("give an AHPResult or its stakeholder_weights frame")
    require_columns(
        table, ("stakeholder", "criterion", "weight", "consistency_ratio"), "the AHP weights frame"
    )
    data = table.copy()
    data["criterion"] = [human_label(c) for c in data["criterion"].astype(str)]

    def label(row: pd.Series) -> str:
        flag = " ✗ revisit" if row["consistency_ratio"] > CR_THRESHOLD + 1e-12 else ""
        name = "Group" if row["stakeholder"] == GROUP else str(row["stakeholder"])
        return f"{name} (CR {row['consistency_ratio']:.3f}){flag}"

    data["who"] = data.apply(label, axis=1)
    people = [s for s in pd.unique(data["stakeholder"]) if s != GROUP]
    order = [
        data.loc[data["stakeholder"] == s, "who"].iloc[0]
        for s in [*people, GROUP]
        if s in set(data["stakeholder"])
    ]
    colours = [PALETTE[k % (len(PALETTE) - 1)] for k in range(len(people))]
    if GROUP in set(data["stakeholder"]):
        colours.append(_GROUP_COLOUR)
    criteria = (
        (data[data["stakeholder"] == GROUP] if GROUP in set(data["stakeholder"]) else data)
        .sort_values("weight", ascending=False)["criterion"]
        .drop_duplicates()
        .tolist()
    )
    return (
        alt.Chart(data, title=title or "Criteria weights by stakeholder (AHP)", width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("criterion:N", sort=criteria, title=None),
            yOffset=alt.YOffset("who:N", sort=order),
            x=alt.X("weight:Q", title="Weight", axis=alt.Axis(format=".0%", tickCount=8)),
            color=alt.Color("who:N", title="Stakeholder (CR: consistency ratio)", sort=order,
                            scale=alt.Scale(domain=order, range=colours),
                            legend=alt.Legend(titleLimit=320)),
            tooltip=[
                alt.Tooltip("stakeholder:N", title="Stakeholder"),
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
                alt.Tooltip("consistency_ratio:Q", title="Consistency ratio", format=".3f"),
            ],
        )
    )  # fmt: skip


_MEASURES = {
    "value_share": "Value (selection)",
    "spend_share": "Spend (selection)",
    "candidate_value_share": "Value (all candidates)",
    "target_share": "Target (criteria weight)",
}


def strategic_alignment_chart(alignment: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Share of value and spend by criterion, category and business unit, beside the
    candidate list and the criteria weights (targets).

    Parameters
    ----------
    alignment : DataFrame
        The output of :func:`pmo_analytics.strategic_alignment`.
    title : str, optional

    Returns
    -------
    alt.FacetChart
        One panel per dimension: y = group, x = share, bars per measure (selection's value and
        spend shares, all candidates' value share, target weight where there is one).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.scoring.alignment import strategic_alignment
    >>> p = generate_portfolio(12, seed=1)
    >>> chart = strategic_alignment_chart(strategic_alignment(p, p.projects.index[:5]))
    >>> "facet" in chart.to_dict()
    True
    """
    require_columns(
        alignment,
        ("dimension", "group", "value_share", "spend_share", "candidate_value_share"),
        "the alignment frame",
    )
    columns = [c for c in _MEASURES if c in alignment.columns]
    data = alignment.melt(
        id_vars=["dimension", "group"], value_vars=columns, var_name="measure", value_name="share"
    )
    data = data.dropna(subset=["share"])
    data["measure"] = data["measure"].map(_MEASURES)
    data["group"] = [human_label(g) for g in data["group"].astype(str)]
    data["dimension"] = [human_label(d) for d in data["dimension"].astype(str)]
    measures = [_MEASURES[c] for c in columns if _MEASURES[c] in set(data["measure"])]
    colours = [PALETTE[0], PALETTE[1], NEUTRAL_COLOUR, _GROUP_COLOUR][: len(measures)]
    dimensions = [human_label(d) for d in pd.unique(alignment["dimension"])]
    return (
        alt.Chart(data, width=WIDTH)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=None),
            yOffset=alt.YOffset("measure:N", sort=measures),
            x=alt.X("share:Q", title="Share", axis=alt.Axis(format=".0%")),
            color=alt.Color("measure:N", title=None, sort=measures,
                            scale=alt.Scale(domain=measures, range=colours)),
            tooltip=[
                alt.Tooltip("dimension:N", title="Dimension"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .facet(row=alt.Row("dimension:N", title=None, sort=dimensions))
        .resolve_scale(y="independent")
        .properties(title=title or "Strategic alignment: where value and spend go")
    )  # fmt: skip
