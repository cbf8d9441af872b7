"""The report's Jinja2 templates (``templates/*.html.j2``, package data), autoescaping.

Python prepares every section as plain data (:mod:`pmo_analytics.report._sections`); the
templates turn it into markup, escaping every value on the way. Only the page's own trusted
parts — the style sheet, the inlined Vega bundle, the chart specs made safe for a script
element (:func:`pmo_analytics.report._figures.json_for_script`) — are marked safe.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' environment: autoescaping, strict about missing data."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pmo_analytics.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    return env


def render_page(context: Mapping[str, Any]) -> str:
    """The whole page (``report.html.j2``) from its data."""
    return environment().get_template("report.html.j2").render(**context)


def render_section(data: Mapping[str, Any]) -> str:
    """One section from its data (``data["kind"]`` names its macro in ``sections.html.j2``)."""
    module = environment().get_template("sections.html.j2").module
    return str(getattr(module, data["kind"])(data))


def trusted(text: str) -> Markup:
    """Text the page itself made and checked (style sheet, script bundle, safe JSON)."""
    return Markup(text)
