"""The project chart theme: a colour-blind-safe palette and readable labels.

Charts use :data:`CATEGORY_COLOURS` for Run / Grow / Transform, :data:`RAG_COLOURS` (with
:data:`RAG_SHAPES`) for red / amber / green status, and :data:`PALETTE` (Okabe–Ito) for anything
else; the few greys and black have names here too. So a chart reads the same in every notebook,
report, workbook and slide.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import altair as alt

#: Okabe & Ito (2008) colour-blind-safe palette, black moved last.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
]
CATEGORY_COLOURS: dict[str, str] = {"Run": "#0072B2", "Grow": "#009E73", "Transform": "#E69F00"}
#: Used for limits (budget, capacity) drawn over bars.
LIMIT_COLOUR = "#D55E00"
#: RAG status colours (Okabe–Ito): bluish green, orange, vermilion; grey for unknown.
RAG_COLOURS: dict[str, str] = {
    "green": PALETTE[2],
    "amber": PALETTE[1],
    "red": PALETTE[5],
    "unknown": "#999999",
}
#: RAG status shapes: every status also differs in shape, so it reads without colour.
RAG_SHAPES: dict[str, str] = {
    "green": "circle",
    "amber": "triangle-up",
    "red": "square",
    "unknown": "diamond",
}
#: Grey of what is shown for reference: unknown status, the candidates beside the selection.
NEUTRAL_COLOUR = RAG_COLOURS["unknown"]
#: Black of outlines, reference ticks and the group's bars: marks that must read without colour.
INK_COLOUR = "#000000"
#: Dark grey of annotations: dependency arrows, point labels.
NOTE_COLOUR = "#444444"
#: Sequential scheme for heatmaps (colour-blind safe).
SEQUENTIAL_SCHEME = "viridis"
DIVERGING_SCHEME = "blueorange"

FONT = "Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 560, 300


def category_colours(categories: Iterable[str] | None = None) -> dict[str, str]:
    """Colour of each project category: Run / Grow / Transform in their fixed colours first,
    then the other ``categories`` in the order given, in the palette's remaining colours (cycled
    when there are more categories than colours).

    Examples
    --------
    >>> category_colours(["Grow", "Compliance"])
    {'Run': '#0072B2', 'Grow': '#009E73', 'Transform': '#E69F00', 'Compliance': '#CC79A7'}
    """
    others = list(dict.fromkeys(c for c in categories or [] if c not in CATEGORY_COLOURS))
    extra = [p for p in PALETTE if p not in CATEGORY_COLOURS.values()]
    return {**CATEGORY_COLOURS, **dict(zip(others, itertools.cycle(extra), strict=False))}


def category_scale(categories: Iterable[str] | None = None) -> alt.Scale:
    """Colour scale for project categories (see :func:`category_colours`)."""
    colours = category_colours(categories)
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def theme_config() -> dict:
    """Vega-Lite config of the project theme."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "titleFontWeight": "normal",
                "gridColor": "#e6e6e6",
                "labelLimit": 260,
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "title": {
                "fontSize": 15,
                "anchor": "start",
                "fontWeight": "bold",
                "subtitleFontSize": 12,
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
        }
    }


def apply_theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Return ``chart`` with the project theme as its config (does not touch global state)."""
    return chart.configure(**theme_config()["config"])


@alt.theme.register("pmo_analytics", enable=False)
def _registered_theme() -> alt.theme.ThemeConfig:
    return theme_config()  # type: ignore[return-value]


def use_theme() -> None:
    """Make the project theme altair's default for this session (notebooks)."""
    alt.theme.enable("pmo_analytics")
