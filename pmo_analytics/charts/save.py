"""Saving charts offline: PNG, SVG or self-contained HTML through vl-convert."""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt

from .. import safety
from ..exceptions import OptionsError
from .theme import theme_config

FORMATS = ("png", "svg", "html", "json")


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart`` as a dict (with the project theme applied)."""
    spec = chart.to_dict()
    config = {**theme_config()["config"], **spec.get("config", {})}
    return {**spec, "config": config}


def save_chart(
    chart: alt.TopLevelMixin, path: str | os.PathLike[str], *, scale: float = 2.0
) -> Path:
    """Save ``chart`` to ``path``; the format follows the suffix (.png, .svg, .html, .json).

    Rendering runs offline through vl-convert (no browser, no network). HTML is self-contained
    (the Vega libraries inlined). The file is written atomically.

    Examples
    --------
    >>> import altair as alt, pandas as pd, tempfile, pathlib
    >>> chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x")
    >>> out = save_chart(chart, pathlib.Path(tempfile.mkdtemp()) / "c.svg")
    >>> out.read_text()[:4]
    '<svg'
    """

    import vl_convert as vlc

    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise OptionsError(f"cannot save a chart as .{suffix}; use one of: .{', .'.join(FORMATS)}")
    spec = chart_spec(chart)
    if suffix == "png":
        safety.write_bytes_atomic(target, vlc.vegalite_to_png(spec, scale=scale))
    elif suffix == "svg":
        safety.write_text_atomic(target, vlc.vegalite_to_svg(spec))
    elif suffix == "html":
        safety.write_text_atomic(target, vlc.vegalite_to_html(spec, bundle=True))
    else:
        safety.write_text_atomic(target, json.dumps(spec, indent=2))
    return target
