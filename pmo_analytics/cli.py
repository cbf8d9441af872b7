"""The ``pmo-analytics`` command: thin — parse, call the library, print, exit code.

Exit codes (``CONTRACT.md``): 0 a plan was found (or the portfolio is valid), 2 bad input or
usage, 3 no plan satisfies the rules, 1 anything else. User errors print a clear message and
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


class UsageError(Exception):
    """Bad command-line usage or option values (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep our wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pmo-analytics",
        description="Portfolio analytics for IT PMOs: validate a portfolio, plan the project mix.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="load and validate a portfolio; print a summary")
    validate.add_argument("portfolio", help="folder of CSV files or .xlsx workbook")
    validate.set_defaults(handler=_validate)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .io import load_portfolio
    from .summary import portfolio_summary_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes are printed below, once
        portfolio = load_portfolio(args.portfolio)
    print(portfolio_summary_text(portfolio))
    if len(portfolio.warnings):
        print(f"\n{len(portfolio.warnings)} note(s):")
        print(portfolio.warnings.to_string(index=False, na_rep=""))
    return EXIT_OK


def run(argv: Sequence[str] | None) -> int:
    """Run the command line; returns the exit code (used by :func:`main` and tests)."""
    from .validation import PortfolioValidationError

    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except UsageError as err:
        print(f"pmo-analytics: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PortfolioValidationError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as err:
        print(f"pmo-analytics: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("pmo-analytics: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # anything else: say what happened, still without a traceback
        print(f"pmo-analytics: unexpected error ({type(err).__name__}): {err}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pmo-analytics`` console script."""
    sys.exit(run(argv))


if __name__ == "__main__":  # pragma: no cover
    main()
