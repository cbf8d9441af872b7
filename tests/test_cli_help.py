"""``pmo-analytics --help`` and each command's help show every option's default."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from pmo_analytics.cli import build_parser
from pmo_analytics.optimise import OptimiseOptions


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["validate", "plan", "replan"])
def test_every_optional_argument_states_its_default(command: str) -> None:
    parser = _commands()[command]
    for action in parser._actions:
        if action.option_strings and not action.required and action.dest != "help":
            assert "(default: " in (action.help or ""), (command, action.option_strings)


def test_the_help_shows_the_optimisers_defaults_as_they_are() -> None:
    defaults = OptimiseOptions()
    text = subprocess.run(
        [sys.executable, "-m", "pmo_analytics.cli", "plan", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert f"(default: {defaults.time_limit:g} s)" in flat
    assert f"with --method solver) (default: {defaults.solver})" in flat
    assert (
        f"the same plan on every run); solver: the solver alone on the whole model, stopped by --time-limit (default: {defaults.method})"
        in flat
    )
    assert f"about twice as long (default: {defaults.effort:g})" in flat
    assert f"(default: {defaults.threads})" in flat
    top = subprocess.run(
        [sys.executable, "-m", "pmo_analytics.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "lists its options with their defaults" in " ".join(top.split())
