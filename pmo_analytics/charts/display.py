"""Showing charts in notebooks with no network: one renderer, set up in one place.

altair's own renderers do not work on a machine without internet access: its default HTML
loads vega, vega-lite and vega-embed from a CDN, and the Vega-Lite mimetype it can emit instead
(``application/vnd.vegalite.v6+json``) has no renderer in JupyterLab 4, whose built-in one
stops at Vega-Lite 5. The ``pmo_analytics`` renderer registered here shows every chart as

- ``text/html``: the chart drawn by vega-embed (SVG, tooltips, export menu) with the JavaScript
  inlined from vl-convert (:func:`~pmo_analytics.charts.vega_javascript`; loaded once per
  page however many charts it holds), around a static PNG of the same chart that stays in place
  where scripts do not run (an untrusted notebook, a viewer that strips scripts);
- ``image/png``: the static chart alone, for front ends and exports without HTML (PDF, LaTeX).

Importing :mod:`pmo_analytics.charts` enables it unless another renderer was chosen;
:func:`setup` enables it with the project theme, or a static-only variant (smaller notebooks).
The JavaScript takes about 0.9 MB in each chart's output, so that every output draws on its own
in JupyterLab, the classic notebook, VS Code and an HTML export, whatever order they load in.
"""

from __future__ import annotations

import base64
import html
import uuid
from typing import Any

import altair as alt

from . import _parts as parts
from ._assets import json_for_script, vega_javascript, vegalite_version
from .theme import use_theme

#: Name of the renderer in ``altair.renderers``.
RENDERER = "pmo_analytics"
#: Name of the static-only variant (PNG, no JavaScript in the notebook).
STATIC_RENDERER = "pmo_analytics_static"
#: CSS class of the container of every chart the renderer shows.
CHART_CLASS = "pmo-chart"
#: vega-embed options: SVG (crisp, printable), tooltips, the export menu but nothing that needs
#: the network (the online Vega editor) or shows the spec.
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

# Draws one chart: loads the bundle unless a chart before it did (the bundle's top-level
# declarations, run twice in one page, would clash), then replaces the static image with the
# interactive chart. A chart that fails keeps its static image and says why on the console.
_SCRIPT = """(function () {
  var script = document.currentScript;
  var box = (script && script.previousElementSibling) || document.getElementById("%(id)s");
  if (typeof window.vegaEmbed !== "function") {
    (function () {
%(bundle)s
    }).call(window);
  }
  var target = document.createElement("div");
  box.appendChild(target);
  window.vegaEmbed(target, %(spec)s, %(options)s)
    .then(function () {
      var still = box.querySelector(".pmo-chart-static");
      if (still) { box.removeChild(still); }
      box.setAttribute("data-pmo-chart", "drawn");
    })
    .catch(function (err) {
      box.removeChild(target);
      box.setAttribute("data-pmo-chart", "failed");
      console.error("pmo_analytics: this chart could not be drawn interactively: " + err);
    });
})();"""


def static_png(spec: dict, *, scale: float = 1.0) -> bytes:
    """The chart of a Vega-Lite ``spec`` as PNG, rendered offline by vl-convert.

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x").to_dict()
    >>> static_png(spec)[:4]
    b'\\x89PNG'
    """
    import vl_convert as vlc

    version = vegalite_version()
    if version:
        return vlc.vegalite_to_png(spec, scale=scale, vl_version=version)
    return vlc.vegalite_to_png(spec, scale=scale)


def chart_html(spec: dict, *, png: bytes | None = None, embed_options: dict | None = None) -> str:
    """HTML that draws a Vega-Lite ``spec`` with no network: a container holding the static
    ``png`` (if given) and a script that replaces it with the interactive chart.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec (``chart.to_dict()``).
    png : bytes, optional
        The static chart, shown until (or where) the script runs.
    embed_options : dict, optional
        vega-embed options merged over :data:`EMBED_OPTIONS`.

    Returns
    -------
    str
        A ``<div class="pmo-chart">`` and a ``<script>``; the div's ``data-pmo-chart`` is
        ``static`` until the chart is drawn, then ``drawn`` (or ``failed``).

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x").to_dict()
    >>> chart_html(spec).startswith('<div class="pmo-chart"')
    True
    """
    element_id = f"pmo-chart-{uuid.uuid4().hex}"
    title = _title_text(spec)
    image = ""
    if png is not None:
        source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        image = (
            f'<img class="pmo-chart-static" alt="{html.escape(title)} (static image)" '
            f'src="{source}">'
        )
    script = _SCRIPT % {
        "id": element_id,
        "bundle": vega_javascript(),
        "spec": json_for_script(spec),
        "options": json_for_script({**EMBED_OPTIONS, **(embed_options or {})}),
    }
    return (
        f'<div class="{CHART_CLASS}" id="{element_id}" data-pmo-chart="static">{image}</div>'
        f'<script type="text/javascript">{script}</script>'
    )


def _title_text(spec: dict) -> str:
    """The chart's title as plain text ("chart" without one)."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title) if title else "chart"


def offline_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    """altair renderer: the interactive chart as ``text/html`` with the JavaScript inlined and
    the static chart inside it, and the static chart as ``image/png``.

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x").to_dict()
    >>> sorted(offline_renderer(spec))
    ['image/png', 'text/html']
    """
    png = static_png(spec)
    return {
        "text/html": chart_html(spec, png=png, embed_options=metadata.get("embed_options")),
        "image/png": base64.b64encode(png).decode("ascii"),
    }


def static_renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    """altair renderer: the static chart only, as ``image/png`` (no JavaScript, no tooltips).

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x").to_dict()
    >>> list(static_renderer(spec))
    ['image/png']
    """
    return {"image/png": base64.b64encode(static_png(spec, scale=2.0)).decode("ascii")}


def register_renderers(*, enable: bool = False) -> None:
    """Register :data:`RENDERER` and :data:`STATIC_RENDERER` with altair; with ``enable``, make
    :data:`RENDERER` the active one if altair's own default still is (a renderer the user
    chose is kept)."""
    alt.renderers.register(RENDERER, offline_renderer)
    alt.renderers.register(STATIC_RENDERER, static_renderer)
    if enable and alt.renderers.active == "default":
        alt.renderers.enable(RENDERER)


def setup(*, theme: bool = True, interactive: bool = True, currency: str | None = None) -> None:
    """Set up charts for this notebook session: offline rendering, the theme, the currency.

    Parameters
    ----------
    theme : bool
        Make the project theme altair's default (:func:`~pmo_analytics.charts.use_theme`).
    interactive : bool
        True (default): charts draw with tooltips from JavaScript inlined in each output, with
        a static PNG where scripts do not run. False: static PNG only (much smaller notebooks,
        no tooltips).
    currency : str, optional
        Currency code of the portfolio's money ("EUR"), shown on every money axis and tooltip
        of the charts that follow, unless a chart is given its own ``currency``. The data
        contract has every amount in one currency but does not name it.

    Examples
    --------
    >>> import altair as alt
    >>> setup(currency="EUR")
    >>> alt.renderers.active
    'pmo_analytics'
    >>> setup(currency=None)
    >>> _ = alt.theme.enable("default")  # (the example leaves altair's theme as it was)
    """
    register_renderers()
    alt.renderers.enable(RENDERER if interactive else STATIC_RENDERER)
    if theme:
        use_theme()
    parts.set_currency(currency)
