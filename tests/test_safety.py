"""Safe exports: formulas neutralised and restored, atomic files, all-or-nothing folders."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_analytics import safety


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'", "''x", "'=already", "plain", "", "a=b"],
)
def test_restore_undoes_neutralise(text):
    assert safety.restore_text(safety.neutralise_text(text)) == text


def test_neutralise_only_risky_text():
    assert safety.neutralise_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safety.neutralise_text("ERP upgrade") == "ERP upgrade"
    assert safety.neutralise_text(-5) == -5
    assert safety.restore_text("'plain") == "'plain"  # not one the library added


def test_neutralise_series_vectorised_and_object_alike():
    values = ["=1", "ok", None, "-x", "'q"]
    expected = ["'=1", "ok", "<blank>", "'-x", "''q"]
    for dtype in ("str", object):
        out = safety.neutralise_series(pd.Series(values, dtype=dtype))
        assert out.fillna("<blank>").tolist() == expected
    numbers = pd.Series([-1.0, 2.0])
    assert safety.neutralise_series(numbers) is numbers


def test_neutralise_frame_covers_header_and_index():
    frame = pd.DataFrame({"=a": ["=b"]}, index=pd.Index(["=c"]))
    out = safety.neutralise_frame(frame)
    assert (
        list(out.columns) == ["'=a"] and out.index.tolist() == ["'=c"] and out.iloc[0, 0] == "'=b"
    )
    assert frame.iloc[0, 0] == "=b"  # the input is untouched


def test_csv_text_is_safe():
    text = safety.csv_text(pd.DataFrame({"name": ["=2+3", "fine"], "cost": [-1.5, 2.0]}))
    assert text == "name,cost\n'=2+3,-1.5\nfine,2.0\n"


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    safety.write_text_atomic(target, "one")
    safety.write_text_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_staged_directory_is_all_or_nothing(tmp_path):
    out = tmp_path / "plan"
    with safety.staged_directory(out) as stage:
        (stage / "a.csv").write_text("first")
    with pytest.raises(RuntimeError, match="solver crashed"):
        with safety.staged_directory(out) as stage:
            (stage / "a.csv").write_text("second")
            (stage / "b.csv").write_text("partial")
            raise RuntimeError("solver crashed")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    assert (out / "a.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_restore_of_a_whole_text_array_is_restore_of_each_cell():
    import pyarrow as pa

    cells = ["'=1+1", "''quoted'", "'plain", "ok", "", "'-5", "'@x"]
    restored = safety.restore_arrow_text(pa.array(cells, pa.large_string())).to_pylist()
    assert restored == [safety.restore_text(c) for c in cells]
    assert restored[:4] == ["=1+1", "'quoted'", "'plain", "ok"]
