"""The ``pmo-analytics`` command: thin — parse, call the library, print, exit code.

Exit codes (``CONTRACT.md``): 0 a plan was found (or the portfolio is valid), 2 bad input or
usage, 3 no plan satisfies the rules, 1 anything else. User errors print a clear message and
never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

from . import safety
from ._vocab import METHODS, SOLVERS, VALUE_BASES
from .exceptions import (
    OutputFolderError,
    PortfolioValidationError,
    PreviousPlanError,
    ScenarioError,
    format_problems,
)
from .explore import apply_scenario, read_scenario, with_scenario_name
from .optimise import CHECKS, LimitSettings, OptimiseOptions, limit_worth, optimise, option_problem
from .portfolio import load_portfolio, portfolio_summary_text
from .replan import read_previous_plan, replan, write_replan_outputs
from .report import CONTRACT_FILES, EXPLAINED, PACK_FILES, write_plan_outputs

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
#: The solver options ``plan`` and ``replan`` share (each the name of an OptimiseOptions field).
_SOLVER_OPTIONS = ("solver", "method", "effort", "time_limit", "gap", "value_basis", "threads")


class UsageError(Exception):
    """Bad command-line usage or option values (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep our wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _defaults() -> dict[str, object]:
    """The optimiser's defaults (``OptimiseOptions``), for the help texts. Every option's help
    states its default itself rather than through argparse: the options default to None, so
    that a scenario file's values apply unless the command line gives one."""
    defaults = OptimiseOptions()
    return {name: getattr(defaults, name) for name in _SOLVER_OPTIONS}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pmo-analytics",
        description="Portfolio analytics for IT PMOs: validate a portfolio, plan the project mix, "
        "replan it next quarter.",
        epilog="Each command's --help lists its options with their defaults. Exit codes: 0 a "
        "plan was found (or the portfolio is valid), 2 bad input or usage, 3 no plan satisfies "
        "the rules, 1 anything else.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser(
        "validate",
        help="load and validate a portfolio; print a summary",
        description="Load and validate a portfolio; print a short summary, or every problem "
        "found (file, row, column, value, rule) and exit 2.",
    )
    validate.add_argument("portfolio", help="folder of CSV files or .xlsx workbook")
    validate.set_defaults(handler=_validate)

    plan = sub.add_parser(
        "plan",
        help="choose the project mix and start periods that maximise strategic value; write "
        "the plan, report.html and plan.xlsx",
        description="Optimise the portfolio and write summary.json, plan.csv, utilisation.csv and "
        "limits.csv (what one more step of each limit is worth) and the leadership pack: "
        "report.html (a self-contained page for the board) and plan.xlsx (the same figures as "
        "formatted sheets). Options given here override the scenario file's.",
    )
    plan.add_argument("portfolio", help="folder of CSV files or .xlsx workbook")
    plan.add_argument("--out", required=True, help="output folder (created if missing)")
    plan.add_argument(
        "--scenario", help="scenario file (.toml) applied to the portfolio (default: none)"
    )
    plan.add_argument(
        "--budget",
        type=_option("budget"),
        help="total budget over the horizon, in the portfolio's currency, on top of the budget "
        "per period (default: none, only budget.csv)",
    )
    _add_solver_options(plan)
    plan.add_argument(
        "--what-if",
        type=_count,
        default=0,
        metavar="N",
        help="for the report, re-solve with each of the N most valuable excluded projects "
        "forced in and say what that would cost; each takes as long as the plan (default: 0)",
    )
    _add_limit_options(plan)
    plan.set_defaults(handler=_plan)

    replan = sub.add_parser(
        "replan",
        help="roll last quarter's plan forward onto the new portfolio; say what changed and why",
        description="Re-optimise against the previous plan's outputs and write the new plan "
        "(summary.json, plan.csv, utilisation.csv, limits.csv, report.html, plan.xlsx) and "
        "changes.csv.",
    )
    replan.add_argument("portfolio", help="the new quarter's portfolio (folder or .xlsx)")
    replan.add_argument(
        "--previous",
        required=True,
        help="output folder of the previous plan (plan.csv, summary.json)",
    )
    replan.add_argument("--out", required=True, help="output folder (created if missing)")
    replan.add_argument(
        "--stop-in-flight",
        action="store_true",
        help="allow stopping in-flight projects, judged on value and cost still to come "
        "(default: in-flight projects continue)",
    )
    replan.add_argument(
        "--termination-cost",
        type=_option("termination_cost"),
        help="share of a stopped project's remaining cost charged for stopping; needs "
        "--stop-in-flight (default: 0)",
    )
    replan.add_argument(
        "--churn-penalty",
        type=_option("churn_penalty"),
        help="strategic value lost per project whose selection or start changes against the "
        "previous plan (default: 0, no penalty)",
    )
    replan.add_argument(
        "--as-of",
        help="status period of the in-flight figures, e.g. 2027Q1 (default: the latest period "
        "in actuals.csv)",
    )
    _add_solver_options(replan)
    _add_limit_options(replan)
    replan.set_defaults(handler=_replan)
    return parser


def _add_solver_options(parser: argparse.ArgumentParser) -> None:
    """The options of how to solve, shared by ``plan`` and ``replan``; the help gives each
    default (the optimiser's, unless a scenario file's [solver] or [objective] sets one)."""
    d = _defaults()
    limit = "none" if d["time_limit"] is None else f"{d['time_limit']:g} s"
    parser.add_argument(
        "--solver",
        choices=SOLVERS,
        help=f"MIP solver of the final search (of the whole search with --method solver) "
        f"(default: {d['solver']})",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        help="search: the engine (neighbourhood search around the solver, stopped on work "
        "done, the same plan on every run); solver: the solver alone on the whole model, "
        f"stopped by --time-limit (default: {d['method']})",
    )
    parser.add_argument(
        "--effort",
        type=_option("effort"),
        metavar="MULTIPLE",
        help=f"the engine's work budget as a multiple of its default: 2 searches about twice "
        f"as long (default: {d['effort']:g})",
    )
    parser.add_argument(
        "--time-limit",
        type=_option("time_limit"),
        metavar="SECONDS",
        help=f"safety cap on the search's seconds (the limit itself with --method solver); a "
        f"plan the cap cut short says so, and one not proven optimal is reported as feasible "
        f"with its gap (default: {limit})",
    )
    parser.add_argument(
        "--gap",
        type=_option("gap"),
        metavar="FRACTION",
        help=f"relative optimality gap at which to stop, 0 = prove the optimum (default: "
        f"{d['gap']:g})",
    )
    parser.add_argument(
        "--value-basis",
        choices=VALUE_BASES,
        help=f"what to maximise: strategic value, NPV or risk-adjusted strategic value "
        f"(default: {d['value_basis']})",
    )
    parser.add_argument(
        "--threads",
        type=_option("threads"),
        metavar="N",
        help=f"threads: the engine runs two steps side by side with 2, the same plan on 1 or "
        f"2; with --method solver, the solver's threads (1 is reproducible run to run) "
        f"(default: {d['threads']})",
    )


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    """How much work goes into limits.csv's gains, shared by ``plan`` and ``replan``."""
    parser.add_argument(
        "--limits",
        type=_count,
        default=LimitSettings().evaluate,
        metavar="N",
        help="re-optimise the N most promising limits with one more step each for limits.csv "
        f"and the report; 0: none (default: {LimitSettings().evaluate})",
    )
    parser.add_argument(
        "--limit-nodes",
        type=_count,
        default=LimitSettings().node_limit,
        metavar="N",
        help="branch-and-bound nodes of the whole-model search in each of those re-solves "
        f"(default: {LimitSettings().node_limit})",
    )


def _limit_settings(args: argparse.Namespace):
    """The settings of limits.csv's re-solves, as ``--limits`` and ``--limit-nodes`` ask
    (checked before any solve)."""
    try:
        return LimitSettings(evaluate=args.limits, node_limit=args.limit_nodes)
    except ValueError as err:
        raise UsageError(str(err)) from None


def _given(args: argparse.Namespace, names: Sequence[str]) -> dict[str, object]:
    """The options among ``names`` given on the command line (the others are None)."""
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _option(name: str):
    """An argparse type for the run option ``name``, judged as the library judges it."""

    whole = CHECKS[name].kind == "whole"

    def parse(text: str) -> float | int:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        if option_problem(name, value) is not None:
            raise argparse.ArgumentTypeError(f"{text} is not valid; use {CHECKS[name].rule()}")
        return value

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be zero or more")
    return value


def _check_out(args: argparse.Namespace, *extra: str) -> None:
    """Refuse an unusable ``--out`` before loading and solving (exit 2)."""
    inputs = {
        "the portfolio": args.portfolio,
        "the scenario file": getattr(args, "scenario", None),
        "the previous plan": getattr(args, "previous", None),
    }
    names = (*CONTRACT_FILES, *PACK_FILES, *extra)
    safety.check_output_folder(args.out, inputs=inputs, names=names)


def _plan(args: argparse.Namespace) -> int:
    _check_out(args)
    settings = _limit_settings(args)
    # a broken scenario file is found before the portfolio is loaded
    scenario = read_scenario(args.scenario) if args.scenario else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        portfolio = load_portfolio(args.portfolio)
    options = OptimiseOptions()
    if scenario is not None:
        portfolio, options = apply_scenario(portfolio, scenario, options)
    try:
        options = options.replace(**_given(args, ("budget", *_SOLVER_OPTIONS)))
        plan = optimise(portfolio, options)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if scenario is not None:  # options given on the command line win over the file's
        plan = with_scenario_name(plan, scenario)
    limits = limit_worth(plan, settings)
    write_plan_outputs(
        plan,
        args.out,
        explain=max(EXPLAINED, args.what_if),
        what_if=args.what_if,
        limits=limits,
    )
    print(plan.summary_text(limits))
    print(f"\noutputs written to {args.out}")
    if plan.status == "infeasible":
        return EXIT_INFEASIBLE
    return EXIT_OK if plan.is_solution() else EXIT_ERROR


def _replan(args: argparse.Namespace) -> int:
    if args.termination_cost is not None and not args.stop_in_flight:
        raise UsageError("--termination-cost applies only with --stop-in-flight")
    _check_out(args, "changes.csv")
    settings = _limit_settings(args)
    previous = read_previous_plan(args.previous)  # PreviousPlanError: exit 2, every problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        portfolio = load_portfolio(args.portfolio)
    try:
        options = OptimiseOptions().replace(**_given(args, _SOLVER_OPTIONS))
        result = replan(
            portfolio,
            previous,
            options=options,
            stop_in_flight=args.stop_in_flight,
            termination_cost=args.termination_cost or 0.0,
            churn_penalty=args.churn_penalty or 0.0,
            as_of=args.as_of,
        )
    except PreviousPlanError:
        raise
    except ValueError as err:
        raise UsageError(str(err)) from None
    limits = limit_worth(result.plan, settings)
    write_replan_outputs(result, args.out, limits=limits)
    print(result.plan.summary_text(limits))
    print()
    print(result.summary_text())
    print(f"\noutputs written to {args.out}")
    if result.plan.status == "infeasible":
        return EXIT_INFEASIBLE
    return EXIT_OK if result.plan.is_solution() else EXIT_ERROR


def _validate(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes are printed below, once
        portfolio = load_portfolio(args.portfolio)
    print(f"{args.portfolio}: a valid portfolio\n")
    print(portfolio_summary_text(portfolio))
    if len(portfolio.warnings):
        n = len(portfolio.warnings)
        print(f"\n{n} note{'s' if n != 1 else ''} (accepted, but worth a look):")
        print(format_problems(portfolio.warnings))
    return EXIT_OK


def run(argv: Sequence[str] | None) -> int:
    """Run the command line; returns the exit code (used by :func:`main` and tests)."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except UsageError as err:
        print(f"pmo-analytics: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PortfolioValidationError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ScenarioError, OutputFolderError) as err:
        print(f"pmo-analytics: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as err:
        print(f"pmo-analytics: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as done:  # --help and --version end here
        code = done.code
        return code if isinstance(code, int) else EXIT_OK if code is None else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("pmo-analytics: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # anything else: say what happened, still without a traceback
        print(f"pmo-analytics: unexpected error ({type(err).__name__}): {err}", file=sys.stderr)
        return EXIT_ERROR


class _ClosedPipeQuiet(io.TextIOBase):
    """A text stream that, once its reader has gone (``… | head -1``), drops what is written.

    The rest of the run goes on and the exit code stays the command's; the descriptor is
    pointed at ``/dev/null`` so that nothing complains when Python flushes it at exit.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self._gone = True
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pmo-analytics`` console script."""
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show "→" still gets the text
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    sys.stdout = _ClosedPipeQuiet(sys.stdout)
    sys.stderr = _ClosedPipeQuiet(sys.stderr)
    code = run(argv)
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
