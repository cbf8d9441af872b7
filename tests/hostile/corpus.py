"""The hostile corpus: inputs built to break the command line, and what each must answer.

``python tests/hostile/corpus.py OUT`` writes every case into ``OUT/<case>/`` (the big ones
too: some hundred megabytes, most of it sparse or compressed); the tests build each case in a
temporary folder instead, so nothing large is committed.

Every :class:`Case` builds its inputs in a folder of its own and gives the command line to run
there (paths are relative to that folder, which is the working folder of the run). What the
run must answer: its exit code, texts the output must hold (the file, sheet, option or folder
at fault; the rule), never a traceback, and the inputs unchanged. ``resource`` cases are run
as a real process and measured (:data:`CPU_SECONDS`, :data:`PEAK_MB`).

Classes (issue 13; the names of the cases start with their class):

1. ``header_`` files whose header cannot be read as it is (encodings, NUL bytes, separators,
   names) and nearly valid files that used to crash (no ``duration``);
2. ``gap_`` validation gaps: negative criteria weights, non-finite numbers on the command
   line, nested scenario and previous-plan files, bad option values;
3. ``big_`` unbounded work: long lines, many cells, huge or sparse files, workbooks whose
   used range or unzipped parts are beyond the stated limits;
4. ``out_`` output folders that cannot take the outputs, and ones that can (folders swapped
   in whole, other files carried over untouched, stale staging folders removed);
5. ``book_`` workbooks: formulas without a computed value, merged cells, damaged files,
   stated dimensions that lie;
6. ``ev_`` earned-value input (a planned value that is not the cost plan's);
7. ``odd_`` added: numbers and periods beyond the limits, files that are not regular files.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmo_analytics.portfolio.schema import TABLES

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE.parent / "bad_inputs" / "base"
FILES = tuple(TABLES)  # the contract's files, as the package's schema names them
BASE: dict[str, str] = {name: (BASE_DIR / f"{name}.csv").read_text() for name in FILES}
#: The most CPU time [s] and peak memory [MB] a refusal of too much input may take. Stated by
#: issue 13 (5 s, 500 MB). The time is the process's CPU time (user + system), which a busy
#: machine does not stretch as it stretches wall-clock time: on the 2 shared cores of CI a
#: refusal takes about 1 s of CPU (most of it starting Python and importing pandas), so 5 s
#: is generous, and it fails the minute-long runs of the issue by a wide margin.
CPU_SECONDS, PEAK_MB = 5.0, 500.0
MB = 1024**2
#: The options of a plan run in the corpus: a small portfolio, found fast.
PLAN = ("--time-limit", "20")


@dataclass(frozen=True)
class Case:
    """One hostile input and the answer it must get."""

    name: str
    build: Callable[[Path], list[str]]  # writes the inputs into a folder; returns the argv
    exit: int
    names: tuple[str, ...]  # texts the output must hold: the file, sheet, option or folder
    says: str = ""  # a piece of the message
    resource: bool = False  # run as a process, measured
    subprocess: bool = False  # run as a process (a representative subset)
    check: Callable[[Path], None] | None = field(default=None, compare=False)
    cwd: str = ""  # the working folder of the run, inside the case's folder
    outputs: tuple[str, ...] = ("out",)  # what the run may write (top-level names)


CASES: list[Case] = []


def case(name: str, exit: int, names: tuple[str, ...] | str, says: str = "", **flags):
    """Register the decorated builder as a case."""

    def register(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        shown = (names,) if isinstance(names, str) else names
        CASES.append(Case(name, build, exit, shown, says, **flags))
        return build

    return register


# --------------------------------------------------------------------------- building blocks
def portfolio(root: Path, **files: str | bytes | None) -> Path:
    """The base portfolio in ``root/p``; keyword arguments replace a file (None: delete it)."""
    folder = root / "p"
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        content = files.get(name, BASE[name])
        if content is None:
            continue
        path = folder / f"{name}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


def edited(name: str, old: str, new: str) -> str:
    """The base file ``name`` with ``old`` (present once) replaced by ``new``."""
    text = BASE[name]
    assert text.count(old) == 1, (name, old)
    return text.replace(old, new)


def header_and_rows(name: str) -> tuple[str, list[str]]:
    lines = BASE[name].splitlines()
    return lines[0], lines[1:]


def typed(text: str, column: str) -> object:
    """A CSV cell as Excel would hold it: numbers as numbers, booleans as booleans."""
    if column == "mandatory":
        return text in ("true", "yes")
    try:
        number = float(text)
    except ValueError:
        return text if text else None
    return int(number) if number.is_integer() else number


def workbook(root: Path, edit: Callable | None = None, name: str = "p.xlsx") -> Path:
    """The base portfolio as a workbook (one sheet per file, in :data:`FILES` order, so sheet
    ``i`` is the part ``xl/worksheets/sheet{i+1}.xml``); ``edit(book)`` changes it first."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for file in FILES:
        sheet = book.create_sheet(file)
        header, rows = header_and_rows(file)
        columns = header.split(",")
        sheet.append(columns)
        for row in rows:
            sheet.append([typed(c, h) for c, h in zip(row.split(","), columns, strict=True)])
    if edit is not None:
        edit(book)
    path = root / name
    book.save(path)
    return path


def rewrite_parts(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite parts of a zip (workbook) in place: ``edits`` maps a part to a bytes function."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info.filename, edits.get(info.filename, lambda d: d)(data))


def sheet_part(file: str) -> str:
    return f"xl/worksheets/sheet{FILES.index(file) + 1}.xml"


def sub(pattern: str, replacement: str, count: int = 1) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        out, n = re.subn(pattern.encode(), replacement.encode(), data, count=count)
        assert n, pattern
        return out

    return edit


def big_file(path: Path, chunk: bytes, total: int, *, head: bytes = b"", tail: bytes = b"") -> None:
    """``head``, ``chunk`` repeated up to ``total`` bytes, ``tail``: written in pieces."""
    with path.open("wb") as handle:
        handle.write(head)
        piece = chunk * max(1, (1 << 20) // len(chunk))
        written = 0
        while written < total:
            part = piece[: total - written]
            handle.write(part)
            written += len(part)
        handle.write(tail)


def sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no room on disk (a hole)."""
    with path.open("wb") as handle:
        handle.truncate(size)


def previous_plan(root: Path, **files: str | bytes) -> Path:
    """A previous plan folder ``root/prev`` (plan.csv and summary.json of the base)."""
    folder = root / "prev"
    folder.mkdir()
    defaults = {
        "plan.csv": "project_id,name,category,selected,start,finish,value,cost,reason\n"
        "P1,CRM refresh,Grow,true,2027Q1,2027Q2,40,180000,selected\n"
        "P2,Data platform,Transform,true,2027Q3,2027Q4,60,300000,mandatory\n"
        "P3,Payroll upgrade,Run,true,2026Q4,2027Q2,25,140000,in_flight\n"
        "P4,Customer portal,Grow,false,,,15,30000,budget\n",
        "summary.json": '{"status": "optimal", "objective": 125, "selected": ["P1", "P2", "P3"]}',
    }
    for name, content in {**defaults, **files}.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def utf16(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec)


# =========================================================================== 1. headers
for _file in FILES:
    _name = f"{_file}.csv"
    case(
        f"header_utf16le_no_bom_{_file}",
        2,
        _name,
        "looks like UTF-16",
        subprocess=_file == "projects",
    )(
        lambda root, f=_file: [
            "validate",
            str(portfolio(root, **{f: utf16(BASE[f], "utf-16-le")}).name),
        ]
    )
    case(f"header_utf16_with_bom_{_file}", 0, "a valid portfolio")(
        lambda root, f=_file: [
            "validate",
            portfolio(root, **{f: utf16(BASE[f], "utf-16-le", codecs.BOM_UTF16_LE)}).name,
        ]
    )
    case(f"header_nul_byte_{_file}", 2, _name, "a NUL byte")(
        lambda root, f=_file: [
            "validate",
            portfolio(root, **{f: BASE[f].replace(",", "\x00,", 1)}).name,
        ]
    )
    case(f"header_comma_header_semicolon_rows_{_file}", 2, _name, "the rows by ';'")(
        lambda root, f=_file: [
            "validate",
            portfolio(
                root,
                **{
                    f: header_and_rows(f)[0]
                    + "\n"
                    + "\n".join(r.replace(",", ";") for r in header_and_rows(f)[1])
                    + "\n"
                },
            ).name,
        ]
    )


@case(
    "header_semicolon_header_comma_rows", 2, "projects.csv", "separated by ';' but the rows by ','"
)
def _(root):
    header, rows = header_and_rows("projects")
    text = header.replace(",", ";") + "\n" + "\n".join(rows) + "\n"
    return ["validate", portfolio(root, projects=text).name]


@case("header_utf16be_no_bom", 2, "projects.csv", "looks like UTF-16")
def _(root):
    return ["validate", portfolio(root, projects=utf16(BASE["projects"], "utf-16-be")).name]


@case("header_utf16be_with_bom", 0, "a valid portfolio")
def _(root):
    data = utf16(BASE["projects"], "utf-16-be", codecs.BOM_UTF16_BE)
    return ["validate", portfolio(root, projects=data).name]


@case("header_utf32_with_bom", 0, "a valid portfolio")
def _(root):
    data = utf16(BASE["projects"], "utf-32-le", codecs.BOM_UTF32_LE)
    return ["validate", portfolio(root, projects=data).name]


@case("header_utf8_with_bom_crlf", 0, "a valid portfolio")
def _(root):
    data = codecs.BOM_UTF8 + BASE["projects"].replace("\n", "\r\n").encode()
    return ["validate", portfolio(root, projects=data).name]


@case("header_nul_byte_in_a_row", 2, ("cashflows.csv", "  3  "), "a NUL byte")
def _(root):
    return ["validate", portfolio(root, cashflows=edited("cashflows", "P1,1,", "P1,1\x00,")).name]


def _without_column(name: str, column: str, *, blank: bool = False) -> str:
    header, rows = header_and_rows(name)
    at = header.split(",").index(column)
    out = []
    for line in [header, *rows]:
        cells = line.split(",")
        if blank and line is not header:
            cells[at] = ""
        elif not blank:
            del cells[at]
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


@case("header_no_duration_column", 0, "a valid portfolio", subprocess=True)
def _(root):
    return ["validate", portfolio(root, projects=_without_column("projects", "duration")).name]


@case("header_every_duration_blank", 0, "a valid portfolio")
def _(root):
    text = _without_column("projects", "duration", blank=True)
    return ["validate", portfolio(root, projects=text).name]


@case("header_no_duration_and_no_cashflows_for_a_project", 0, "duration is blank")
def _(root):
    projects = _without_column("projects", "duration")
    cashflows = (
        "\n".join(line for line in BASE["cashflows"].splitlines() if not line.startswith("P4"))
        + "\n"
    )
    demand = (
        "\n".join(line for line in BASE["demand"].splitlines() if not line.startswith("P4")) + "\n"
    )
    return ["validate", portfolio(root, projects=projects, cashflows=cashflows, demand=demand).name]


@case("header_no_duration_column_plan", 0, "outputs written to out")
def _(root):
    # durations then come from the last offset of cost, benefit or demand: without P1's
    # benefit in its third period P1 takes two periods and P2 (which follows it) still fits
    projects = _without_column("projects", "duration")
    cashflows = edited("cashflows", "P1,2,0,60000\n", "")
    return [
        "plan",
        portfolio(root, projects=projects, cashflows=cashflows).name,
        "--out",
        "out",
        *PLAN,
    ]


@case("header_no_duration_column_infeasible_plan", 3, "P2 Data platform", "No plan satisfies")
def _(root):
    # with P1's benefit in its third period P1 takes three periods: P2 cannot follow it
    projects = _without_column("projects", "duration")
    return ["plan", portfolio(root, projects=projects).name, "--out", "out", *PLAN]


@case("header_projectid_run_together", 2, "projects.csv", "is 'projectid' meant to be 'project_id'")
def _(root):
    return [
        "validate",
        portfolio(root, projects=edited("projects", "project_id,", "projectid,")).name,
    ]


@case("header_project_id_missing", 2, "projects.csv", "required column missing")
def _(root):
    return ["validate", portfolio(root, projects=_without_column("projects", "project_id")).name]


@case("header_title_row_above_the_header", 2, "projects.csv", "required column missing")
def _(root):
    return [
        "validate",
        portfolio(root, projects="Portfolio export 2027Q1\n" + BASE["projects"]).name,
    ]


@case("header_workbook_saved_as_csv", 2, "projects.csv", "looks like a zip archive")
def _(root):
    book = workbook(root, name="book.xlsx")
    return ["validate", portfolio(root, projects=book.read_bytes()).name]


@case("header_xls_saved_as_csv", 2, "projects.csv", "old Excel .xls")
def _(root):
    return [
        "validate",
        portfolio(root, projects=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)).name,
    ]


@case("header_pdf_saved_as_csv", 2, "projects.csv", "a PDF document")
def _(root):
    return ["validate", portfolio(root, projects=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").name]


@case("header_windows_1252", 2, "projects.csv", "Windows-1252")
def _(root):
    text = edited("projects", "CRM refresh", "CRM refresh Café").encode("cp1252")
    return ["validate", portfolio(root, projects=text).name]


@case("header_carriage_returns_only", 0, "a valid portfolio")
def _(root):
    return ["validate", portfolio(root, projects=BASE["projects"].replace("\n", "\r")).name]


@case("header_tab_separated", 0, "a valid portfolio")
def _(root):
    return ["validate", portfolio(root, projects=BASE["projects"].replace(",", "\t")).name]


@case("header_spaced_and_upper_case_names", 0, "a valid portfolio")
def _(root):
    text = edited("projects", "project_id,name,", " Project ID , NAME ,")
    return ["validate", portfolio(root, projects=text).name]


@case("header_quoted_names", 0, "a valid portfolio")
def _(root):
    header, rows = header_and_rows("projects")
    text = ",".join(f'"{h}"' for h in header.split(",")) + "\n" + "\n".join(rows) + "\n"
    return ["validate", portfolio(root, projects=text).name]


@case("header_zero_width_space_in_a_name", 0, "a valid portfolio")
def _(root):
    return [
        "validate",
        portfolio(root, projects=edited("projects", "project_id,", "project\u200b_id,")).name,
    ]


@case("header_trailing_separators", 0, "a valid portfolio")
def _(root):
    text = "\n".join(line + ",," for line in BASE["capacity"].splitlines()) + "\n"
    return ["validate", portfolio(root, capacity=text).name]


@case("header_only_in_demand", 0, "a valid portfolio")
def _(root):
    return ["validate", portfolio(root, demand=header_and_rows("demand")[0] + "\n").name]


@case("header_empty_projects", 2, "projects.csv", "the file is empty")
def _(root):
    return ["validate", portfolio(root, projects="").name]


# =========================================================================== 2. gaps
@case(
    "gap_negative_criteria_weight",
    2,
    ("criteria.csv", "  2  "),
    "must not be negative",
    subprocess=True,
)
def _(root):
    return ["validate", portfolio(root, criteria=edited("criteria", "0.6,", "-0.6,")).name]


@case("gap_every_criteria_weight_negative", 2, ("criteria.csv", "  3  "), "must not be negative")
def _(root):
    text = edited("criteria", "0.4,", "-0.4,").replace("0.6,", "-0.6,")
    return ["validate", portfolio(root, criteria=text).name]


@case("gap_negative_weight_and_no_value_column", 2, "criteria.csv", "must not be negative")
def _(root):
    projects = _without_column("projects", "value")
    return [
        "plan",
        portfolio(root, projects=projects, criteria=edited("criteria", "0.6,", "-0.6,")).name,
        "--out",
        "out",
    ]


for _text in ("nan", "inf", "-inf", "1e309"):
    case(f"gap_criteria_weight_{_text}", 2, "criteria.csv", "not a number")(
        lambda root, t=_text: [
            "validate",
            portfolio(root, criteria=edited("criteria", "0.6,", f"{t},")).name,
        ]
    )

for _option, _values in (
    ("--budget", ("inf", "-inf", "1e309", "nan", "NaN", "Infinity", "-1e309")),
    ("--time-limit", ("inf", "nan", "0", "-5")),
    ("--gap", ("nan", "inf", "1", "-0.1")),
    ("--threads", ("0", "-1", "two")),
    ("--what-if", ("-1", "many", "1.5")),
):
    for _value in _values:
        case(
            f"gap_option_{_option[2:]}_{_value}",
            2,
            _option,
            subprocess=_value == "inf" and _option == "--budget",
        )(
            lambda root, o=_option, v=_value: [
                "plan",
                portfolio(root).name,
                "--out",
                "out",
                f"{o}={v}",
            ]
        )

for _option, _value in (
    ("--termination-cost", "inf"),
    ("--churn-penalty", "nan"),
    ("--time-limit", "1e309"),
):
    case(f"gap_replan_option_{_option[2:]}_{_value}", 2, _option)(
        lambda root, o=_option, v=_value: [
            "replan",
            portfolio(root).name,
            "--previous",
            previous_plan(root).name,
            "--out",
            "out",
            "--stop-in-flight",
            f"{o}={v}",
        ]
    )


def _scenario(root: Path, content: str | bytes, name: str = "s.toml") -> list[str]:
    path = root / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return ["plan", portfolio(root).name, "--out", "out", "--scenario", name]


_deep = "nests tables or lists more than 32 levels deep"
case("gap_scenario_nested_arrays", 2, "s.toml", _deep, subprocess=True)(
    lambda root: _scenario(root, "name = " + "[" * 5000 + "]" * 5000 + "\n")
)
case("gap_scenario_nested_inline_tables", 2, "s.toml", _deep)(
    lambda root: _scenario(root, "x = " + "{a=" * 800 + "1" + "}" * 800 + "\n")
)
case("gap_scenario_nested_table_headers", 2, "s.toml", _deep)(
    lambda root: _scenario(root, "[" + ".".join(["a"] * 3000) + "]\nb = 1\n")
)
case("gap_scenario_nested_in_a_known_key", 2, "s.toml", _deep)(
    lambda root: _scenario(root, "[budget]\namounts = " + "{a=" * 40 + "1" + "}" * 40 + "\n")
)
case("gap_scenario_shallow_nesting_is_a_plain_problem", 2, "s.toml", "budget.amounts")(
    lambda root: _scenario(root, "[budget]\namounts = " + "{a=" * 5 + "1" + "}" * 5 + "\n")
)
case("gap_scenario_not_utf8", 2, "s.toml", "not UTF-8")(
    lambda root: _scenario(root, b'name = "Caf\xe9"\n')
)
case("gap_scenario_nul_byte", 2, "s.toml", "not valid TOML")(
    lambda root: _scenario(root, b'name = "a\x00b"\n')
)
case("gap_scenario_binary", 2, "s.toml", "not UTF-8")(
    lambda root: _scenario(root, bytes(range(256)) * 4)
)
case("gap_scenario_many_unknown_keys", 2, "s.toml", "unknown key")(
    lambda root: _scenario(root, "".join(f"k{i} = {i}\n" for i in range(2000)))
)
case("gap_scenario_long_value_is_cut", 2, "s.toml", "…")(
    lambda root: _scenario(root, 'name = ["' + "x" * 100_000 + '"]\n')
)


@case("gap_scenario_is_a_folder", 2, "s.toml", "not a regular file")
def _(root):
    (root / "s.toml").mkdir()
    return ["plan", portfolio(root).name, "--out", "out", "--scenario", "s.toml"]


@case("gap_scenario_missing", 2, "s.toml", "does not exist")
def _(root):
    return ["plan", portfolio(root).name, "--out", "out", "--scenario", "s.toml"]


def _replan(root: Path, **files: str | bytes) -> list[str]:
    return [
        "replan",
        portfolio(root).name,
        "--previous",
        previous_plan(root, **files).name,
        "--out",
        "out",
    ]


case("gap_previous_summary_nested", 2, "summary.json", "levels deep")(
    lambda root: _replan(root, **{"summary.json": "[" * 100 + "]" * 100})
)
case("gap_previous_summary_not_an_object", 2, "summary.json", "must be a JSON object")(
    lambda root: _replan(root, **{"summary.json": "[1, 2]"})
)
case("gap_previous_summary_not_json", 2, "summary.json", "not valid JSON")(
    lambda root: _replan(root, **{"summary.json": b"\x00\x01{"})
)
case("gap_previous_plan_utf16", 2, "plan.csv", "not UTF-8")(
    lambda root: _replan(root, **{"plan.csv": "project_id,selected,start\n".encode("utf-16")})
)


@case("gap_previous_is_a_file", 2, "prev", "is not a folder")
def _(root):
    (root / "prev").write_text("x")
    return ["replan", portfolio(root).name, "--previous", "prev", "--out", "out"]


# =========================================================================== 3. big
def _big_csv(file: str, write: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def build(root: Path) -> list[str]:
        folder = portfolio(root)
        write(folder / f"{file}.csv")
        return ["validate", folder.name]

    return build


_limit_cols = "the limit is 1,000 columns"
case("big_header_1mb_of_commas_no_newline", 2, "projects.csv", _limit_cols, resource=True)(
    _big_csv("projects", lambda p: big_file(p, b",", MB))
)
case("big_header_1mb_of_semicolons_no_newline", 2, "projects.csv", _limit_cols, resource=True)(
    _big_csv("projects", lambda p: big_file(p, b";", MB))
)
case("big_header_1mb_one_cell_no_newline", 2, "projects.csv", "a cell of more than", resource=True)(
    _big_csv("projects", lambda p: big_file(p, b"a", MB))
)
case("big_header_1mb_unclosed_quote", 2, "projects.csv", "unclosed quote", resource=True)(
    _big_csv("projects", lambda p: big_file(p, b"a", MB, head=b'"'))
)
# a million empty cells after "P9" (trailing blank cells are no extra cells: its name is missing)
case(
    "big_row_of_a_million_cells", 2, ("projects.csv", "  7  "), "a value is required", resource=True
)(
    _big_csv(
        "projects",
        lambda p: big_file(p, b",", MB, head=BASE["projects"].encode() + b"P9", tail=b"\n"),
    )
)
case("big_cell_of_a_megabyte", 2, ("projects.csv", "  7  "), "a cell of more than", resource=True)(
    _big_csv(
        "projects",
        lambda p: big_file(p, b"x", MB, head=BASE["projects"].encode() + b"P9,", tail=b"\n"),
    )
)
case(
    "big_twenty_million_blank_lines",
    2,
    "demand.csv",
    "beyond the limit of 5,000,000 cells",
    resource=True,
)(_big_csv("demand", lambda p: big_file(p, b"\n", 20 * MB, head=b"project_id,role,offset,fte\n")))
case(
    "big_five_million_empty_rows",
    2,
    "demand.csv",
    "beyond the limit of 5,000,000 cells",
    resource=True,
)(
    _big_csv(
        "demand", lambda p: big_file(p, b",,,\n", 21 * MB, head=b"project_id,role,offset,fte\n")
    )
)
case("big_sparse_300mb_csv", 2, "demand.csv", "larger than the limit of 100 MB", resource=True)(
    _big_csv("demand", lambda p: sparse(p, 300 * MB))
)


def _xfd(book) -> None:
    book["projects"]["XFD1048576"] = "x"


case(
    "big_workbook_cell_at_xfd1048576",
    2,
    "p.xlsx[projects]",
    "16,384 columns by 1,048,576 rows",
    resource=True,
    subprocess=True,
)(lambda root: ["validate", workbook(root, _xfd).name])


@case(
    "big_workbook_cell_at_xfd1048576_no_dimension",
    2,
    "p.xlsx[projects]",
    "a cell at XFD1048576",
    resource=True,
)
def _(root):
    path = workbook(root, _xfd)
    rewrite_parts(path, {sheet_part("projects"): sub(r"<dimension [^>]*/>", "")})
    return ["validate", path.name]


@case(
    "big_workbook_stated_six_million_cells",
    2,
    "p.xlsx[budget]",
    "6 columns by 1,000,000 rows",
    resource=True,
)
def _(root):
    path = workbook(root)
    rewrite_parts(
        path, {sheet_part("budget"): sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:F1000000"')}
    )
    return ["validate", path.name]


@case("big_workbook_unzips_to_520mb", 2, "p.xlsx", "unzips to 520 MB", resource=True)
def _(root):
    path = workbook(root)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as handle:
            block = bytes(MB)
            for _ in range(520):
                handle.write(block)
    return ["validate", path.name]


@case("big_sparse_200mb_workbook", 2, "p.xlsx", "larger than the limit of 100 MB", resource=True)
def _(root):
    sparse(root / "p.xlsx", 200 * MB)
    return ["validate", "p.xlsx"]


case("big_scenario_nested_100k", 2, "s.toml", _deep, resource=True)(
    lambda root: _scenario(root, "name = " + "[" * 100_000 + "]" * 100_000 + "\n")
)
case("big_scenario_2mb", 2, "s.toml", "larger than the limit of 1 MB", resource=True)(
    lambda root: _scenario(root, "# " + "x" * (2 * MB) + "\n")
)
case("big_previous_summary_nested_100k", 2, "summary.json", "levels deep", resource=True)(
    lambda root: _replan(root, **{"summary.json": "[" * 100_000 + "]" * 100_000})
)
case("big_previous_plan_header_1mb", 2, "plan.csv", "more than 1,000 cells", resource=True)(
    lambda root: _replan(root, **{"plan.csv": "," * MB})
)
case(
    "big_horizon_of_eight_thousand_years",
    2,
    "capacity.csv",
    "beyond the limit of 1,000",
    resource=True,
)(
    lambda root: [
        "validate",
        portfolio(root, capacity=BASE["capacity"] + "Developer,9999Q4,5\n").name,
    ]
)
case("big_scenario_is_dev_zero", 2, "s.toml", "not a regular file", resource=True)(
    lambda root: (
        os.symlink("/dev/zero", root / "s.toml"),
        ["plan", portfolio(root).name, "--out", "out", "--scenario", "s.toml"],
    )[1]
)


# =========================================================================== 4. output folders
def _out(root: Path, out: str, *more: str) -> list[str]:
    return ["plan", portfolio(root).name, "--out", out, *PLAN, *more]


_own = "name a folder of its own for the outputs"
case("out_empty_string", 2, "the output folder is empty", subprocess=True)(
    lambda root: _out(root, "")
)
case("out_blank", 2, "the output folder is empty")(lambda root: _out(root, "   "))


def _elsewhere(root: Path, out: str) -> list[str]:
    """Run from ``root/w/work``, the portfolio in ``root/p``."""
    (root / "w" / "work").mkdir(parents=True)
    return ["plan", f"../../{portfolio(root).name}", "--out", out, *PLAN]


case("out_working_folder", 2, "is the working folder", cwd="w/work")(
    lambda root: _elsewhere(root, ".")
)
case("out_working_folder_by_its_path", 2, "is the working folder", cwd="w/work")(
    lambda root: _elsewhere(root, str(root / "w" / "work"))
)
case("out_parent_of_the_working_folder", 2, "holds the working folder", cwd="w/work")(
    lambda root: _elsewhere(root, "..")
)
case("out_dot_holding_the_portfolio", 2, ". holds the portfolio")(lambda root: _out(root, "."))
case("out_the_portfolio_folder", 2, "p is the portfolio")(lambda root: _out(root, "p"))
case("out_holds_the_portfolio", 2, "holds the portfolio")(lambda root: _out(root, "p/.."))
case("out_a_nul_character", 2, "NUL character")(lambda root: _out(root, "o\x00ut"))
case("out_a_name_too_long", 2, "cannot be used as the output folder")(
    lambda root: _out(root, "o" * 300)
)


@case("out_an_existing_file", 2, "report.txt is a file", _own, subprocess=True)
def _(root):
    (root / "report.txt").write_text("mine")
    return _out(root, "report.txt")


@case("out_under_a_file", 2, "which is a file")
def _(root):
    (root / "notes.txt").write_text("mine")
    return _out(root, "notes.txt/plan")


@case("out_the_input_workbook", 2, "p.xlsx is the portfolio")
def _(root):
    return ["plan", workbook(root).name, "--out", "p.xlsx", *PLAN]


@case("out_the_scenario_file", 2, "is the scenario file")
def _(root):
    (root / "s.toml").write_text('name = "cut"\n')
    return _out(root, "s.toml", "--scenario", "s.toml")


@case("out_the_previous_plan", 2, "is the previous plan")
def _(root):
    return ["replan", portfolio(root).name, "--previous", previous_plan(root).name, "--out", "prev"]


for _target in ("summary.json", "plan.csv", "utilisation.csv", "report.html", "plan.xlsx"):
    case(f"out_holds_a_folder_named_{_target}", 2, f"holds a folder named {_target}")(
        lambda root, t=_target: (
            (root / "out" / t / "keep").mkdir(parents=True),
            _out(root, "out"),
        )[1]
    )


@case("out_replan_holds_a_folder_named_changes.csv", 2, "holds a folder named changes.csv")
def _(root):
    (root / "out" / "changes.csv").mkdir(parents=True)
    return ["replan", portfolio(root).name, "--previous", previous_plan(root).name, "--out", "out"]


@case("out_holds_too_many_other_files", 2, "holds more than 10,000 files")
def _(root):
    (root / "out" / "many").mkdir(parents=True)
    for i in range(10_001):
        (root / "out" / "many" / f"{i}.txt").touch()
    return _out(root, "out")


def _complete(out: Path) -> None:
    from pmo_analytics.report import CONTRACT_FILES, PACK_FILES

    names = {p.name for p in out.iterdir()}
    assert set(CONTRACT_FILES) | set(PACK_FILES) <= names, names
    assert not [p for p in out.parent.iterdir() if p.name.startswith(_our_stages())]


def _our_stages() -> str:
    """How this machine's staging folders begin (another machine's are not judged)."""
    from pmo_analytics import safety

    return f"{safety.STAGE_PREFIX}{safety._HOST}-"


def _foreign_kept(root: Path) -> None:
    out = root / "out"
    _complete(out)  # and no staging folder of this machine is left beside it
    assert (root / ".pmo-stage-00000000-1-other").is_dir()  # another machine's: not judged
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "notes.txt").stat().st_ino == int((root / "inode").read_text())
    assert (out / "charts" / "a.svg").read_text() == "<svg/>"
    assert (out / "plan.csv").read_text() != "old plan"  # ours: replaced
    assert os.readlink(out / "link") == "notes.txt"


@case(
    "out_other_files_kept_untouched_stale_staging_removed",
    0,
    "outputs written to out",
    check=_foreign_kept,
)
def _(root):
    out = root / "out"
    (out / "charts").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "charts" / "a.svg").write_text("<svg/>")
    (out / "plan.csv").write_text("old plan")
    os.symlink("notes.txt", out / "link")
    (root / "inode").write_text(str((out / "notes.txt").stat().st_ino))
    from pmo_analytics import safety

    stale = root / f"{safety.STAGE_PREFIX}{safety._HOST}-{_dead_pid()}-abcd1234"
    stale.mkdir()  # left by a run that was killed
    (stale / "plan.csv").write_text("half")
    (root / ".pmo-stage-00000000-1-other").mkdir()
    return _out(root, "out")


def _symlink_kept(root: Path) -> None:
    assert (root / "out").is_symlink() and os.readlink(root / "out") == "runs/q3"
    _complete(root / "runs" / "q3")


@case(
    "out_through_a_symbolic_link",
    0,
    "outputs written to out",
    check=_symlink_kept,
    outputs=("out", "runs"),
)
def _(root):
    (root / "runs" / "q3").mkdir(parents=True)
    os.symlink("runs/q3", root / "out")
    return _out(root, "out")


def _dead_pid() -> int:
    """The id of a process that has ended."""
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@case(
    "out_a_new_folder_in_new_folders",
    0,
    "outputs written to a/b/c",
    check=lambda root: _complete(root / "a" / "b" / "c"),
    outputs=("a",),
)
def _(root):
    return _out(root, "a/b/c")


# =========================================================================== 5. workbooks
_no_value = "a formula with no computed value: open and save the file in Excel, or type the value"
for _sheet, _cell, _column in (
    ("projects", "L3", "value"),
    ("cashflows", "C2", "cost"),
    ("demand", "D2", "fte"),
    ("capacity", "C3", "fte"),
    ("budget", "B2", "amount"),
    ("criteria", "B2", "weight"),
    ("scores", "C2", "score"),
    ("actuals", "E2", "actual_cost"),
):
    case(
        f"book_formula_without_value_{_sheet}_{_column}",
        2,
        (f"p.xlsx[{_sheet}]", _column),
        _no_value,
        subprocess=_sheet == "projects",
    )(
        lambda root, s=_sheet, c=_cell: [
            "validate",
            workbook(root, lambda b: b[s].__setitem__(c, "=40+1")).name,
        ]
    )


@case("book_formula_without_value_in_the_header", 2, ("p.xlsx[budget]", "column 2"), _no_value)
def _(root):
    return ["validate", workbook(root, lambda b: b["budget"].__setitem__("B1", '="amount"')).name]


@case("book_formula_with_a_computed_value", 0, "a valid portfolio")
def _(root):
    path = workbook(root, lambda b: b["projects"].__setitem__("L3", "=40+1"))
    rewrite_parts(
        path, {sheet_part("projects"): sub(r"<f>40\+1</f><v\s*/>", "<f>40+1</f><v>41</v>")}
    )
    return ["validate", path.name]


@case("book_formula_with_an_empty_text_result", 0, "a valid portfolio")
def _(root):
    path = workbook(root, lambda b: b["projects"].__setitem__("C3", '=""'))
    rewrite_parts(
        path,
        {
            sheet_part("projects"): sub(
                r'<c r="C3"( [^>]*)?><f>""</f><v\s*/>', '<c r="C3" t="str"><f>""</f><v></v>'
            )
        },
    )
    return ["validate", path.name]


@case("book_shared_formula_without_value", 2, ("p.xlsx[budget]", "amount"), "a shared formula")
def _(root):
    path = workbook(root)
    rewrite_parts(
        path,
        {
            sheet_part("budget"): sub(
                r'<c r="B3"[^>]*><v>[^<]*</v></c>', '<c r="B3"><f t="shared" si="0"/><v/></c>'
            )
        },
    )
    return ["validate", path.name]


for _sheet, _range, _column in (
    ("projects", "C2:C4", "category"),
    ("cashflows", "A1:B1", "project_id"),
    ("budget", "B2:B5", "amount"),
):
    case(f"book_merged_cells_{_sheet}", 2, (f"p.xlsx[{_sheet}]", _range), "merged cells")(
        lambda root, s=_sheet, r=_range: [
            "validate",
            workbook(root, lambda b: b[s].merge_cells(r)).name,
        ]
    )


@case("book_a_csv_named_xlsx", 2, "p.xlsx", "not a zip archive")
def _(root):
    (root / "p.xlsx").write_text(BASE["projects"])
    return ["validate", "p.xlsx"]


@case("book_an_xls_named_xlsx", 2, "p.xlsx", "old Excel .xls")
def _(root):
    (root / "p.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    return ["validate", "p.xlsx"]


@case("book_an_empty_zip", 2, "p.xlsx", "cannot be read as an .xlsx workbook")
def _(root):
    with zipfile.ZipFile(root / "p.xlsx", "w"):
        pass
    return ["validate", "p.xlsx"]


@case("book_a_zip_without_a_workbook", 2, "p.xlsx", "cannot be read as an .xlsx workbook")
def _(root):
    with zipfile.ZipFile(root / "p.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    return ["validate", "p.xlsx"]


@case("book_a_truncated_workbook", 2, "p.xlsx", "cannot be read as an .xlsx workbook")
def _(root):
    path = workbook(root)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return ["validate", path.name]


@case("book_stated_dimension_too_small_reads_every_row", 0, "Portfolio of 5 projects")
def _(root):
    path = workbook(root)
    rewrite_parts(
        path, {sheet_part("projects"): sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"')}
    )
    return ["validate", path.name]


@case("book_no_stated_dimension", 0, "Portfolio of 5 projects")
def _(root):
    path = workbook(root)
    rewrite_parts(path, {sheet_part(f): sub(r"<dimension [^>]*/>", "") for f in FILES})
    return ["validate", path.name]


@case(
    "book_a_stray_cell_far_right",
    2,
    ("p.xlsx[capacity]", "BGH3"),
    "beyond the limit of 1,000 columns",
)
def _(root):
    path = workbook(root, lambda b: b["capacity"].__setitem__("BGH3", 1))
    rewrite_parts(path, {sheet_part("capacity"): sub(r"<dimension [^>]*/>", "")})
    return ["validate", path.name]


@case("book_two_sheets_for_projects", 2, "p.xlsx[projects.csv]", "a second sheet for projects")
def _(root):
    return [
        "validate",
        workbook(root, lambda b: b.create_sheet("projects.csv").append(["project_id"])).name,
    ]


@case("book_an_error_value", 2, ("p.xlsx[budget]", "amount"), "not a number")
def _(root):
    path = workbook(root)
    rewrite_parts(
        path,
        {
            sheet_part("budget"): sub(
                r'<c r="B3"[^>]*><v>[^<]*</v></c>', '<c r="B3" t="e"><v>#DIV/0!</v></c>'
            )
        },
    )
    return ["validate", path.name]


@case("book_an_xlsm_workbook", 0, "a valid portfolio")
def _(root):
    return ["validate", workbook(root, name="p.xlsm").name]


# =========================================================================== 6. earned value
@case(
    "ev_planned_value_not_the_cost_plan",
    0,
    ("actuals.csv", "planned_value"),
    "earned value takes the cost plan",
)
def _(root):
    return [
        "validate",
        portfolio(root, actuals=edited("actuals", "2026Q4,50000,", "2026Q4,51000,")).name,
    ]


@case("ev_a_skipped_status_report_loads", 0, "a valid portfolio")
def _(root):
    actuals = BASE["actuals"] + "P3,2027Q2,40000,40000,41000\n"
    return ["validate", portfolio(root, actuals=actuals).name]


# =========================================================================== 7. odd
for _name, _file, _old, _new, _says in (
    ("odd_cost_1e308", "cashflows", "P1,0,100000,", "P1,0,1e308,", "beyond the limit of 1e+15"),
    (
        "odd_value_1e300",
        "projects",
        ",false,40,0.2",
        ",false,1e300,0.2",
        "beyond the limit of 1e+15",
    ),
    (
        "odd_fte_2e16",
        "demand",
        "P1,Developer,0,2",
        "P1,Developer,0,2e16",
        "beyond the limit of 1e+15",
    ),
    ("odd_budget_minus_1e400", "budget", "2027Q1,300000", "2027Q1,-1e400", "not a number"),
    (
        "odd_duration_of_20_digits",
        "projects",
        "2027Q2,,2,false,40",
        "2027Q2,,99999999999999999999,false,40",
        "beyond the limit of 1,000 periods",
    ),
    (
        "odd_offset_of_a_trillion",
        "cashflows",
        "P1,1,80000",
        "P1,1000000000000,80000",
        "beyond the limit of 1,000 periods",
    ),
):
    case(_name, 2, f"{_file}.csv", _says)(
        lambda root, f=_file, o=_old, n=_new: [
            "validate",
            portfolio(root, **{f: edited(f, o, n)}).name,
        ]
    )


@case("odd_projects_csv_is_a_folder", 2, "projects.csv", "required file missing")
def _(root):
    folder = portfolio(root, projects=None)
    (folder / "projects.csv").mkdir()
    return ["validate", folder.name]


@case("odd_projects_csv_links_to_dev_zero", 2, "projects.csv", "required file missing")
def _(root):
    folder = portfolio(root, projects=None)
    os.symlink("/dev/zero", folder / "projects.csv")
    return ["validate", folder.name]


@case("odd_workbook_is_a_pipe", 2, "p.xlsx", "not a regular file")
def _(root):
    os.mkfifo(root / "p.xlsx")
    return ["validate", "p.xlsx"]


@case("odd_portfolio_missing", 2, "nowhere", "does not exist")
def _(root):
    return ["validate", "nowhere"]


@case("odd_named_horizon_is_a_plain_gap", 2, "capacity.csv", "gap in the horizon")
def _(root):
    return ["validate", portfolio(root, capacity=BASE["capacity"] + "Developer,2029Q4,5\n").name]


# --------------------------------------------------------------------------- writing it out
def write_corpus(out: Path) -> list[str]:
    """Build every case in ``out/<name>/``; returns the command lines, one per case."""
    lines = []
    for item in CASES:
        folder = out / item.name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        argv = item.build(folder)
        lines.append(
            f"{item.name}: (cd {folder} && pmo-analytics {' '.join(map(repr, argv))}) -> {item.exit}"
        )
    return lines


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile/corpus.py OUT_FOLDER")
    print("\n".join(write_corpus(Path(sys.argv[1]))))
    print(f"{len(CASES)} cases")
