"""The chart theme: fixed category colours, the palette for the rest, RAG colours and shapes."""

from __future__ import annotations

import pmo_analytics as pa
from pmo_analytics.charts.theme import (
    CATEGORY_COLOURS,
    PALETTE,
    RAG_COLOURS,
    RAG_SHAPES,
    category_colours,
    category_scale,
)


def test_category_colours_keep_the_fixed_ones_and_cycle_the_palette_for_others():
    assert category_colours() == CATEGORY_COLOURS
    extra = [c for c in PALETTE if c not in CATEGORY_COLOURS.values()]
    others = [f"C{k}" for k in range(len(extra) + 2)]
    colours = category_colours(["Grow", *others, "C0"])
    assert list(colours) == [*CATEGORY_COLOURS, *others]
    assert [colours[c] for c in others] == [*extra, *extra[:2]]  # cycled past the palette
    scale = category_scale(["Grow", *others]).to_dict()
    assert scale == {"domain": list(colours), "range": list(colours.values())}


def test_rag_status_differs_in_colour_and_shape_and_is_exported():
    assert list(RAG_COLOURS) == list(RAG_SHAPES)
    assert len(set(RAG_COLOURS.values())) == len(set(RAG_SHAPES.values())) == len(RAG_COLOURS)
    assert pa.charts.RAG_COLOURS is RAG_COLOURS
