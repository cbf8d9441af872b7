"""The project chart theme: a colour-blind-safe palette, one colour convention, readable labels.

Charts use :data:`CATEGORY_COLOURS` for Run / Grow / Transform, :data:`RAG_COLOURS` (with
:data:`RAG_SHAPES`) for red / amber / green status, and :data:`PALETTE` (Okabe–Ito) for anything
else; the few greys and black have names here too. So a chart reads the same in every notebook,
report, workbook and slide.

The colour convention, kept by every chart:

- **Quantities are sequential: more is darker.** Utilisation, probabilities, shares and counts
  coloured from none to much use :data:`SEQUENTIAL_SCHEME` (light at none, dark at the most),
  through :func:`sequential_scale`; the light end recedes, so mostly-empty heatmaps stay quiet.
- **Too much is vermilion.** :data:`LIMIT_COLOUR` marks limits (budget, capacity) and whatever
  exceeds them: over-allocated cells, and how far demand passes capacity, in
  :data:`OVER_SCHEME` (light to dark orange: more over is darker).
- **Diverging only around a threshold the chart shows.** :data:`DIVERGING_SCHEME` is for a
  quantity whose midpoint means something (a reference line or a legend that names it); no
  chart colours utilisation that way, since dark at both ends would say "idle" and "full" alike.
- **No colour named in words.** Titles and subtitles describe marks by their legend or shape,
  never "the red line": colour names differ between people and screens.

Labels are human (:func:`~pmo_analytics.charts._parts.human_label`: "Financial return", not
``financial_return``; projects as "P012 · Name"); money axes carry the currency where it is known
(:func:`~pmo_analytics.charts._parts.money_title`); value axes start at zero unless the chart
shows why not (the performance indices around 1 draw the line at 1).
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
#: Sequential scheme of quantities (ColorBrewer blues, colour-blind safe): light = none,
#: dark = most.
SEQUENTIAL_SCHEME = "blues"
#: Sequential scheme of amounts past a limit (ColorBrewer oranges): light = just over,
#: dark = far over; the over-limit partner of :data:`SEQUENTIAL_SCHEME`.
OVER_SCHEME = "oranges"
#: Diverging scheme, only around a meaningful threshold that the chart shows.
DIVERGING_SCHEME = "blueorange"
#: Share of a sequential scale from which a cell is dark enough for white text.
DARK_FROM = 0.55

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


def sequential_scale(domain: list[float] | None = None) -> alt.Scale:
    """Colour scale of a quantity, more = darker (:data:`SEQUENTIAL_SCHEME`), over ``domain``.

    Examples
    --------
    >>> sequential_scale([0, 1]).to_dict()
    {'domain': [0, 1], 'scheme': 'blues'}
    """
    if domain is None:
        return alt.Scale(scheme=SEQUENTIAL_SCHEME)
    return alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=list(domain))


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
