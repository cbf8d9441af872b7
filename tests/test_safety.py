"""Safe exports: formulas neutralised and restored, atomic files, all-or-nothing folders."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from pmo_analytics import safety
from pmo_analytics.exceptions import OutputFolderError


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


# --------------------------------------------------------------------------- output folders
def test_a_swap_carries_other_entries_over_as_the_same_files(tmp_path):
    out = tmp_path / "plan"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "sub" / "a.txt").write_text("deep")
    (out / "a.csv").write_text("old")
    inode = (out / "notes.txt").stat().st_ino
    with safety.staged_directory(out) as stage:
        (stage / "a.csv").write_text("new")
    assert (out / "a.csv").read_text() == "new"
    assert (out / "notes.txt").read_text() == "mine" and (out / "notes.txt").stat().st_ino == inode
    assert (out / "sub" / "a.txt").read_text() == "deep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_folder_where_an_output_file_goes_is_refused_before_anything_changes(tmp_path):
    out = tmp_path / "plan"
    (out / "b.csv" / "keep").mkdir(parents=True)
    (out / "a.csv").write_text("old")
    with pytest.raises(OutputFolderError, match="holds a folder named b.csv"):
        with safety.staged_directory(out) as stage:
            (stage / "a.csv").write_text("new")
            (stage / "b.csv").write_text("new")
    assert (out / "a.csv").read_text() == "old" and (out / "b.csv" / "keep").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


@pytest.mark.parametrize(
    "given, message",
    [
        ("", "the output folder is empty"),
        ("f.txt", "f.txt is a file, not a folder"),
        ("f.txt/plan", "lies under .*f.txt, which is a file"),
        (".", "is the working folder"),
        ("..", "holds the working folder"),
        ("in", "in is the portfolio"),
    ],
)
def test_output_folders_that_cannot_take_the_outputs(tmp_path, monkeypatch, given, message):
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "in").mkdir()
    monkeypatch.chdir(tmp_path)
    inputs = {"the portfolio": "in" if given == "in" else None}
    with pytest.raises(OutputFolderError, match=message):
        safety.check_output_folder(given, inputs=inputs)


def test_without_an_exchange_a_failed_second_rename_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "a.csv").write_text("old")
    monkeypatch.setattr(safety, "exchange_paths", lambda a, b: False)
    renames = []
    real_rename = os.rename

    def rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="Input/output error"):
        with safety.staged_directory(out) as stage:
            (stage / "a.csv").write_text("new")
    monkeypatch.setattr(os, "rename", real_rename)
    assert (out / "a.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_run_puts_back_a_folder_a_killed_run_renamed_aside(tmp_path):
    # as a kill between the two renames leaves it: old folder aside, new one staged, no target
    stage = tmp_path / f"{safety.STAGE_PREFIX}{safety._HOST}-{dead_pid()}-x1"
    (tmp_path / f"{stage.name}.old").mkdir()
    (tmp_path / f"{stage.name}.old" / "a.csv").write_text("old")
    (tmp_path / f"{stage.name}.target").write_text("plan")
    stage.mkdir()
    (stage / "a.csv").write_text("new")
    alive = tmp_path / f"{safety.STAGE_PREFIX}{safety._HOST}-{os.getpid()}-x2"
    alive.mkdir()  # a run still going: left alone
    removed = safety.remove_stale_stages(tmp_path)
    assert (tmp_path / "plan" / "a.csv").read_text() == "old"
    assert removed == [stage.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["plan", alive.name])


def test_folders_are_exchanged_in_one_step_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not safety.exchange_paths(a, b):
        pytest.skip("this system or file system cannot exchange folders")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
