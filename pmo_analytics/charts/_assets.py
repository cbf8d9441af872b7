"""The JavaScript that draws charts in a browser, taken offline from vl-convert.

vl-convert ships vega, vega-lite and vega-embed; :func:`vega_javascript` asks it for one
bundle of the three (no network) so that the report and the charts shown in notebooks
(:mod:`pmo_analytics.charts.display`) inline them and open anywhere. Building
the bundle takes vl-convert several seconds, so the result is kept in memory for the process and
on disk between runs, in ``$PMO_ANALYTICS_CACHE_DIR`` or else ``$XDG_CACHE_HOME/pmo_analytics``
(``~/.cache/pmo_analytics``), one file per vl-convert and Vega-Lite version. A cache that cannot
be written is skipped silently; a cached file that looks wrong is rebuilt.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from pathlib import Path

from .. import safety
from ..exceptions import RenderError

#: What the bundle defines on ``window`` (checked on every cached copy).
_GLOBALS = ("window.vegaEmbed=", "window.vega=", "window.vegaLite=")


def cache_dir() -> Path:
    """The folder that holds the cached JavaScript bundle."""
    explicit = os.environ.get("PMO_ANALYTICS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pmo_analytics"


def vegalite_version() -> str | None:
    """The Vega-Lite version (``6.4``) vl-convert should bundle: altair's, where vl-convert has
    it (None: vl-convert's latest)."""
    import altair as alt
    import vl_convert as vlc

    match = re.match(r"v?(\d+)\.(\d+)", alt.SCHEMA_VERSION)
    wanted = f"{match.group(1)}.{match.group(2)}" if match else None
    return wanted if wanted in vlc.get_vegalite_versions() else None


@functools.lru_cache(maxsize=1)
def vega_javascript() -> str:
    """vega, vega-lite and vega-embed in one script defining ``vegaEmbed``, ``vega`` and
    ``vegaLite`` on ``window``; safe to inline in a ``<script>`` element.

    Examples
    --------
    >>> js = vega_javascript()  # doctest: +SKIP
    >>> "window.vegaEmbed=" in js  # doctest: +SKIP
    True
    """
    import vl_convert as vlc

    version = vegalite_version()
    name = f"vega-bundle-vlc{vlc.__version__}-vl{version or 'latest'}.js"
    cached = cache_dir() / name
    try:
        text = cached.read_text(encoding="utf-8")
        if all(g in text for g in _GLOBALS) and "</script" not in text.lower():
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = vlc.javascript_bundle(vl_version=version) if version else vlc.javascript_bundle()
    missing = [g for g in _GLOBALS if g not in text]
    if missing:
        raise RenderError(
            f"vl-convert {vlc.__version__} returned a JavaScript bundle without "
            f"{', '.join(missing)}; the report cannot draw its charts"
        )
    # a "</script" inside the bundle would end the inline <script> element early
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    try:
        safety.write_text_atomic(cached, text)
    except OSError:
        pass  # a read-only home: rebuild next time
    return text


def json_for_script(data: object) -> str:
    r"""JSON that is safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` characters).

    Examples
    --------
    >>> print(json_for_script({"name": "</script>"}))
    {"name": "\u003c/script\u003e"}
    """
    text = json.dumps(_finite(data), ensure_ascii=False, allow_nan=False, sort_keys=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _finite(data: object) -> object:
    """``data`` with NaN and infinities as null (JSON has neither)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data
