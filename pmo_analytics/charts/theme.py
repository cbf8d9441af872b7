"""The project chart theme: a colour-blind-safe palette and readable labels.

Charts use :data:`CATEGORY_COLOURS` for Run / Grow / Transform and :data:`PALETTE` (Okabe–Ito)
for anything else, so a chart reads the same in every notebook, report and slide.
"""

from __future__ import annotations

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
#: Sequential scheme for heatmaps (colour-blind safe).
SEQUENTIAL_SCHEME = "viridis"
DIVERGING_SCHEME = "blueorange"

FONT = "Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 560, 300


def category_scale(categories: list[str] | None = None) -> alt.Scale:
    """Colour scale for project categories: the fixed Run / Grow / Transform colours first."""
    domain = list(CATEGORY_COLOURS)
    for c in categories or []:
        if c not in domain:
            domain.append(c)
    extra = [p for p in PALETTE if p not in CATEGORY_COLOURS.values()]
    colours = list(CATEGORY_COLOURS.values()) + extra[: max(0, len(domain) - len(CATEGORY_COLOURS))]
    return alt.Scale(domain=domain, range=colours)


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
