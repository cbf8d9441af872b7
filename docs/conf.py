"""Sphinx configuration of the API reference: ``make docs`` builds it into docs/_build/html,
warnings as errors. The reference is built from the docstrings (numpydoc) of the public API:
``pmo_analytics.*`` and ``pmo_analytics.charts.*``, as listed in api.rst and charts.rst."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pmo_analytics  # noqa: E402

# numpydoc reports a docstring it cannot parse as a Python warning, which sphinx-build -W does
# not see: make it an error too, so that `make docs` fails on any docstring problem
warnings.filterwarnings("error", category=UserWarning, module="numpydoc")

project = "pmo_analytics"
author = "the pmo_analytics authors"
copyright = "the pmo_analytics authors, Apache-2.0"
release = version = pmo_analytics.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters sections give the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
templates_path: list[str] = []
exclude_patterns = ["_build", "generated/*.tmp"]
html_theme = "alabaster"
html_theme_options = {"description": "Open, exact and explainable portfolio analytics"}
html_static_path: list[str] = []
suppress_warnings: list[str] = []
