"""Ranking-sensitivity charts: weight tipping points and rank distributions.

Each takes a frame of :mod:`pmo_analytics.scoring.sensitivity` (or its result) and returns an altair
chart in the project theme; none saves or shows itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from ..exceptions import ArgumentTypeError, OptionsError
from ._parts import human_label, project_labels
from .theme import HEIGHT, INK_COLOUR, NOTE_COLOUR, PALETTE, SEQUENTIAL_SCHEME, WIDTH


def tipping_point_chart(
    tipping: object,
    *,
    names: pd.Series | Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """For each criterion, the weight range over which the top-k holds, and the stated weight.

    Parameters
    ----------
    tipping : DataFrame or RankingSensitivity
        :func:`pmo_analytics.tipping_points`'s frame (or a result holding it).
    names : Series or mapping, optional
        project_id → name (``portfolio.projects["name"]``): the projects that enter and leave
        are shown as "P012 · Name" (else by id).
    title : str, optional

    Returns
    -------
    alt.LayerChart
        One row per criterion (in words): a bar from ``low`` to ``high`` (weights in [0, 1]),
        a black tick at the stated weight, above the bar's low end the projects that would
        enter (+) and leave (−) the top-k just below it, beside its high end those just above.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"criterion": ["x"], "weight": [0.6], "low": [0.5], "high": [1.0],
    ...                   "leaves_at_low": ["A"], "enters_at_low": ["B"],
    ...                   "leaves_at_high": [None], "enters_at_high": [None]})
    >>> len(tipping_point_chart(t).to_dict()["layer"])
    4
    """
    frame = getattr(tipping, "tipping_points", tipping)
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError("give the tipping_points frame or a RankingSensitivity")
    needed = ("criterion", "weight", "low", "high", "enters_at_low", "enters_at_high")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"the tipping-point frame lacks {', '.join(missing)}; it needs {', '.join(needed)}"
        )
    data = frame.copy()
    for end in ("low", "high"):
        enters = data[f"enters_at_{end}"]
        leaves = data.get(f"leaves_at_{end}", pd.Series(None, index=data.index, dtype=object))
        data[f"label_{end}"] = [
            _change_text(came, went, names) for came, went in zip(enters, leaves, strict=True)
        ]
    data["criterion"] = [human_label(c) for c in data["criterion"].astype(str)]
    k = frame.attrs.get("top_k", getattr(tipping, "top_k", None))
    criteria = data["criterion"].tolist()
    base = alt.Chart(data, width=WIDTH, height=max(HEIGHT // 2, 44 * len(criteria)))
    y = alt.Y("criterion:N", sort=criteria, title=None)
    x_scale = alt.Scale(domain=[0, 1])
    tooltip = [
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("weight:Q", title="Stated weight", format=".1%"),
        alt.Tooltip("low:Q", title="Top set holds from", format=".1%"),
        alt.Tooltip("high:Q", title="… to", format=".1%"),
        alt.Tooltip("label_low:N", title="Just below"),
        alt.Tooltip("label_high:N", title="Just above"),
    ]
    band = base.mark_bar(color=PALETTE[4], height=14).encode(
        y=y, x=alt.X("low:Q", scale=x_scale, title="Criterion weight (others rescaled proportionally)",
                     axis=alt.Axis(format=".0%")),
        x2="high:Q", tooltip=tooltip,
    )  # fmt: skip
    stated = base.mark_tick(color=INK_COLOUR, thickness=3, size=22).encode(
        y=y, x="weight:Q", tooltip=tooltip
    )
    low_text = base.mark_text(
        align="left", dy=-15, color=NOTE_COLOUR, fontSize=10, limit=440
    ).encode(y=y, x="low:Q", text="label_low:N")
    high_text = base.mark_text(
        align="left", dx=6, color=NOTE_COLOUR, fontSize=10, limit=440
    ).encode(y=y, x="high:Q", text="label_high:N")
    heading = title or (
        f"How far each weight can move before the top {k} changes" if k else "Weight tipping points"
    )
    subtitle = (
        "Bar: weights that keep the same top set; tick: stated weight; "
        "+ enters / − leaves the top set just past each end"
    )
    return alt.layer(band, stated, low_text, high_text).properties(
        title=alt.TitleParams(heading, subtitle=subtitle)
    )


def _change_text(
    enters: object, leaves: object, names: pd.Series | Mapping[str, str] | None
) -> str:
    """ "+P1 · Name / −P2 · Name" of the projects entering and leaving ("" when none)."""
    parts = []
    for sign, ids in (("+", enters), ("−", leaves)):
        if isinstance(ids, str) and ids.strip():
            labels = project_labels([i.strip() for i in ids.split(",")], names)
            parts.append(sign + f", {sign}".join(labels))
    return " / ".join(parts)


def rank_distribution_chart(
    sensitivity: object,
    *,
    top: int = 20,
    names: pd.Series | Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Heat map of each project's rank probabilities under uncertain weights.

    Parameters
    ----------
    sensitivity : RankingSensitivity or DataFrame
        :func:`pmo_analytics.ranking_sensitivity`'s result, or its ``rank_distribution``
        frame (project_id, rank, probability; projects in stated rank order).
    top : int
        Show the first ``top`` projects (in stated order) and ranks up to their largest.
    names : Series or mapping, optional
        project_id → name (``portfolio.projects["name"]``): projects are shown as
        "P012 · Name" (else by id).
    title : str, optional

    Returns
    -------
    alt.Chart
        x = rank, y = project (stated order), colour = probability on the theme's sequential
        scheme (likelier = darker, on a square-root scale so that the many small chances stay
        apart; ranks never reached are left blank); with a
        RankingSensitivity, each project's label carries its probability of being in the
        top-k.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"project_id": ["A", "A", "B"], "rank": [1, 2, 2], "probability": [0.7, 0.3, 0.7]})
    >>> rank_distribution_chart(d).to_dict()["encoding"]["color"]["field"]
    'probability'
    """
    frame = getattr(sensitivity, "rank_distribution", sensitivity)
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError("give a RankingSensitivity or its rank_distribution frame")
    missing = [c for c in ("project_id", "rank", "probability") if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"the rank distribution lacks {', '.join(missing)}; it needs project_id, rank, probability"
        )
    projects = list(pd.unique(frame["project_id"].astype(str)))[: int(top)]
    data = frame[frame["project_id"].astype(str).isin(projects)].copy()
    data["project_id"] = data["project_id"].astype(str)
    labels = dict(zip(projects, _short(project_labels(projects, names)), strict=True))
    probability = getattr(sensitivity, "top_k_probability", None)
    k = getattr(sensitivity, "top_k", None)
    if probability is not None and k is not None:
        labels = {
            p: f"{labels[p]} ({probability.loc[p, 'probability_top_k']:.0%} in top {k})"
            for p in projects
        }
    data["project"] = data["project_id"].map(labels)
    order = [labels[p] for p in projects]
    return (
        alt.Chart(data, title=title or "Rank under uncertain weights", width=WIDTH,
                  height=max(HEIGHT, 18 * len(projects)))
        .mark_rect()
        .encode(
            x=alt.X("rank:O", title="Rank"),
            y=alt.Y("project:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            color=alt.Color("probability:Q", title="Probability",
                            scale=alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1], type="sqrt"),
                            legend=alt.Legend(format=".0%", values=[0.01, 0.1, 0.25, 0.5, 1])),
            tooltip=[
                alt.Tooltip("project:N", title="Project"),
                alt.Tooltip("rank:O", title="Rank"),
                alt.Tooltip("probability:Q", title="Probability", format=".1%"),
            ],
        )
    )  # fmt: skip


#: Longest project label on the rank distribution's axis, before the top-k share [characters].
_LABEL_CHARACTERS = 34


def _short(labels: list[str]) -> list[str]:
    """``labels`` cut to :data:`_LABEL_CHARACTERS` characters (an ellipsis where cut)."""
    return [t if len(t) <= _LABEL_CHARACTERS else t[: _LABEL_CHARACTERS - 1] + "…" for t in labels]
