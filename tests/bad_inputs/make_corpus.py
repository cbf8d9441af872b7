"""Regenerate the bad-input corpus: ``python tests/bad_inputs/make_corpus.py``.

``base/`` is a tiny valid portfolio; every other folder is a copy of it with one thing broken
(or, for ``many_problems``, many things in several files) and a ``case.toml`` naming what
``load_portfolio`` must report: each problem's file, row (header = row 1; omitted for a whole
file), column, value and the start of its rule. Cases with ``loads = true`` must load, with the
``warnings`` listed. The folders are committed; this script documents how each was made.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent

BASE: dict[str, str] = {
    "projects.csv": """\
project_id,name,category,business_unit,sponsor,status,earliest_start,latest_start,start,duration,mandatory,value,risk
P1,CRM refresh,Grow,Sales,CMO,proposed,2027Q1,2027Q2,,2,false,40,0.2
P2,Data platform,Transform,IT,CIO,approved,2027Q1,2027Q3,,2,true,60,0.3
P3,Payroll upgrade,Run,HR,CHRO,in_flight,,,2026Q4,3,false,25,0.1
P4,Customer portal,Grow,Sales,CMO,proposed,,,,1,no,15,0.05
P5,Legacy archive,Run,IT,CIO,completed,,,2026Q1,2,false,5,0
""",
    "cashflows.csv": """\
project_id,offset,cost,benefit
P1,0,100000,0
P1,1,80000,0
P1,2,0,60000
P2,0,150000,0
P2,1,150000,0
P3,0,50000,0
P3,1,50000,0
P3,2,40000,0
P4,0,30000,0
P5,0,20000,0
P5,1,20000,0
""",
    "demand.csv": """\
project_id,role,offset,fte
P1,Developer,0,2
P1,Developer,1,1.5
P1,Analyst,0,0.5
P2,Developer,0,3
P2,Developer,1,3
P2,Analyst,1,1
P3,Developer,0,1
P3,Developer,1,1
P3,Developer,2,0.5
P4,Analyst,0,1
""",
    "capacity.csv": """\
role,period,fte
Developer,2027Q1,5
Developer,2027Q2,5
Developer,2027Q3,5
Developer,2027Q4,5
Analyst,2027Q1,2
Analyst,2027Q2,2
Analyst,2027Q3,2
Analyst,2027Q4,2
""",
    "budget.csv": """\
period,amount
2027Q1,300000
2027Q2,300000
2027Q3,300000
2027Q4,300000
""",
    "criteria.csv": """\
criterion,weight,direction
strategic_fit,0.6,benefit
delivery_risk,0.4,cost
""",
    "scores.csv": """\
project_id,criterion,score
P1,strategic_fit,7
P1,delivery_risk,3
P2,strategic_fit,9
P2,delivery_risk,6
P3,strategic_fit,5
P3,delivery_risk,2
P4,strategic_fit,4
P4,delivery_risk,1
P5,strategic_fit,2
P5,delivery_risk,1
""",
    "comparisons.csv": """\
stakeholder,a,b,ratio
CIO,strategic_fit,delivery_risk,3
CFO,strategic_fit,delivery_risk,1/2
""",
    "dependencies.csv": """\
project_id,other_id,kind
P2,P1,follows
P4,P1,requires
""",
    "actuals.csv": """\
project_id,period,planned_value,earned_value,actual_cost
P3,2026Q4,50000,45000,52000
""",
}


def replace(file: str, old: str, new: str):
    def edit(files: dict[str, str]) -> None:
        assert files[file].count(old) == 1, (file, old)
        files[file] = files[file].replace(old, new)

    return edit


def append(file: str, line: str):
    def edit(files: dict[str, str]) -> None:
        files[file] += line + "\n"

    return edit


def delete(file: str):
    def edit(files: dict[str, str]) -> None:
        del files[file]

    return edit


def drop_column(file: str, column: str):
    def edit(files: dict[str, str]) -> None:
        lines = files[file].splitlines()
        at = lines[0].split(",").index(column)
        files[file] = (
            "\n".join(
                ",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in lines
            )
            + "\n"
        )

    return edit


def add_column(file: str, column: str, value: str):
    def edit(files: dict[str, str]) -> None:
        lines = files[file].splitlines()
        files[file] = (
            "\n".join([lines[0] + "," + column, *(line + "," + value for line in lines[1:])]) + "\n"
        )

    return edit


def problem(file: str, row: int | None, column: str, rule: str, value: str | None = None) -> dict:
    out = {"file": file, "column": column, "rule": rule}
    if row is not None:
        out["row"] = row
    if value is not None:
        out["value"] = value
    return out


def latin1(file: str, old: str, new: str):
    def edit(files: dict[str, str]) -> None:
        files[file] = files[file].replace(old, new)
        files["__latin1__"] = file

    return edit


# name: (what is broken, edits, problems, warnings)
CASES: dict[str, tuple[str, list, list[dict], list[dict]]] = {
    "missing_required_file": (
        "demand.csv is absent",
        [delete("demand.csv")],
        [problem("demand.csv", None, "", "required file missing")],
        [],
    ),
    "missing_required_column": (
        "projects.csv has no name column",
        [drop_column("projects.csv", "name")],
        [problem("projects.csv", 1, "name", "required column missing")],
        [],
    ),
    "unknown_column": (
        "projects.csv has an extra owner column: a warning, the portfolio still loads",
        [add_column("projects.csv", "owner", "Ana")],
        [],
        [problem("projects.csv", 1, "owner", "unknown column")],
    ),
    "blank_required_value": (
        "a project without a name",
        [replace("projects.csv", "P4,Customer portal,", "P4,,")],
        [problem("projects.csv", 5, "name", "a value is required", "")],
        [],
    ),
    "non_numeric_number": (
        "a cost written as 80k",
        [replace("cashflows.csv", "P1,1,80000,0", "P1,1,80k,0")],
        [problem("cashflows.csv", 3, "cost", "not a number", "80k")],
        [],
    ),
    "non_integer_offset": (
        "a demand offset of 1.5",
        [replace("demand.csv", "P1,Developer,1,1.5", "P1,Developer,1.5,1.5")],
        [problem("demand.csv", 3, "offset", "must be a whole number", "1.5")],
        [],
    ),
    "bad_boolean": (
        "mandatory = maybe",
        [replace("projects.csv", ",2,true,60,", ",2,maybe,60,")],
        [problem("projects.csv", 3, "mandatory", "not a boolean", "maybe")],
        [],
    ),
    "unparsable_period": (
        "a latest_start of 2027Q5",
        [replace("projects.csv", "2027Q1,2027Q2,,2,false", "2027Q1,2027Q5,,2,false")],
        [problem("projects.csv", 2, "latest_start", "not a period label", "2027Q5")],
        [],
    ),
    "mixed_frequencies": (
        "a month in a quarterly portfolio",
        [replace("projects.csv", "2027Q1,2027Q2,,2,false", "2027-01,2027Q2,,2,false")],
        [problem("projects.csv", 2, "earliest_start", "mixed period frequencies", "2027-01")],
        [],
    ),
    "gap_in_horizon": (
        "neither budget nor capacity has 2027Q3",
        [
            replace("budget.csv", "2027Q3,300000\n", ""),
            replace("capacity.csv", "Developer,2027Q3,5\n", ""),
            replace("capacity.csv", "Analyst,2027Q3,2\n", ""),
        ],
        [problem("budget.csv, capacity.csv", None, "period", "gap in the horizon", "2027Q3")],
        [],
    ),
    "duplicate_project_id": (
        "P2 given twice",
        [
            append(
                "projects.csv", "P2,Data platform again,Transform,IT,CIO,proposed,,,,2,false,10,0.1"
            )
        ],
        [
            problem(
                "projects.csv", 7, "project_id", "duplicate project_id (first given in row 3)", "P2"
            )
        ],
        [],
    ),
    "duplicate_cashflow": (
        "two cashflow rows for P1 at offset 1",
        [append("cashflows.csv", "P1,1,5000,0")],
        [
            problem(
                "cashflows.csv",
                13,
                "project_id, offset",
                "duplicate project_id, offset (first given in row 3)",
                "P1 / 1",
            )
        ],
        [],
    ),
    "negative_cost": (
        "a negative cost",
        [replace("cashflows.csv", "P1,0,100000,0", "P1,0,-100000,0")],
        [problem("cashflows.csv", 2, "cost", "must not be negative", "-100000")],
        [],
    ),
    "negative_capacity": (
        "a negative capacity",
        [replace("capacity.csv", "Developer,2027Q2,5", "Developer,2027Q2,-1")],
        [problem("capacity.csv", 3, "fte", "must not be negative", "-1")],
        [],
    ),
    "risk_out_of_range": (
        "a risk of 1.5",
        [replace("projects.csv", "2026Q4,3,false,25,0.1", "2026Q4,3,false,25,1.5")],
        [problem("projects.csv", 4, "risk", "must lie in [0, 1]", "1.5")],
        [],
    ),
    "bad_status": (
        "status = started",
        [replace("projects.csv", "CMO,proposed,,,,1,no", "CMO,started,,,,1,no")],
        [problem("projects.csv", 5, "status", "must be one of: proposed, approved", "started")],
        [],
    ),
    "bad_direction": (
        "criterion direction = lower",
        [replace("criteria.csv", "delivery_risk,0.4,cost", "delivery_risk,0.4,lower")],
        [problem("criteria.csv", 3, "direction", "must be one of: benefit, cost", "lower")],
        [],
    ),
    "bad_dependency_kind": (
        "dependency kind = blocks",
        [replace("dependencies.csv", "P4,P1,requires", "P4,P1,blocks")],
        [
            problem(
                "dependencies.csv",
                3,
                "kind",
                "must be one of: requires, follows, excludes",
                "blocks",
            )
        ],
        [],
    ),
    "unknown_project_id": (
        "a cashflow for P9, which projects.csv does not have",
        [append("cashflows.csv", "P9,0,1000,0")],
        [
            problem(
                "cashflows.csv", 13, "project_id", "unknown project_id (not in projects.csv)", "P9"
            )
        ],
        [],
    ),
    "unknown_role": (
        "demand for a Tester, a role without capacity",
        [replace("demand.csv", "P4,Analyst,0,1", "P4,Tester,0,1")],
        [problem("demand.csv", 11, "role", "unknown role (not in capacity.csv)", "Tester")],
        [],
    ),
    "unknown_criterion": (
        "a score on a criterion criteria.csv does not list",
        [replace("scores.csv", "P1,strategic_fit,7", "P1,cost_saving,7")],
        [
            problem(
                "scores.csv",
                2,
                "criterion",
                "unknown criterion (not in criteria.csv)",
                "cost_saving",
            )
        ],
        [],
    ),
    "scores_without_criteria": (
        "scores.csv given but criteria.csv (and comparisons.csv) absent",
        [delete("criteria.csv"), delete("comparisons.csv")],
        [
            problem(
                "criteria.csv",
                None,
                "criterion",
                "criteria.csv (the list of criteria) is required when scores.csv is given",
            )
        ],
        [],
    ),
    "dependency_cycle": (
        "P1 requires P2, P2 requires P3, P3 follows P1",
        [
            replace(
                "dependencies.csv",
                "P2,P1,follows\nP4,P1,requires\n",
                "P1,P2,requires\nP2,P3,requires\nP3,P1,follows\n",
            ),
        ],
        [
            problem(
                "dependencies.csv",
                2,
                "project_id, other_id",
                "cycle among requires/follows dependencies: P1 → P2 → P3 → P1",
                "P1 → P2 → P3 → P1",
            )
        ],
        [],
    ),
    "self_dependency": (
        "P4 requires itself",
        [append("dependencies.csv", "P4,P4,requires")],
        [problem("dependencies.csv", 4, "other_id", "a project cannot depend on itself", "P4")],
        [],
    ),
    "window_outside_horizon": (
        "P1 may only start in 2026, before the horizon",
        [replace("projects.csv", "2027Q1,2027Q2,,2,false", "2026Q1,2026Q2,,2,false")],
        [
            problem(
                "projects.csv",
                2,
                "latest_start",
                "window outside the horizon 2027Q1..2027Q4",
                "2026Q2",
            )
        ],
        [],
    ),
    "earliest_after_latest": (
        "P1's earliest_start is after its latest_start",
        [replace("projects.csv", "2027Q1,2027Q2,,2,false", "2027Q3,2027Q1,,2,false")],
        [
            problem(
                "projects.csv",
                2,
                "latest_start",
                "latest_start is before earliest_start (2027Q3)",
                "2027Q1",
            )
        ],
        [],
    ),
    "in_flight_without_start": (
        "in-flight P3 has no start",
        [replace("projects.csv", "in_flight,,,2026Q4,3", "in_flight,,,,3")],
        [problem("projects.csv", 4, "start", "an in_flight project needs its start period", "")],
        [],
    ),
    "project_fits_nowhere": (
        "P1 runs 3 quarters but may only start in 2027Q3 or 2027Q4",
        [replace("projects.csv", "2027Q1,2027Q2,,2,false", "2027Q3,2027Q4,,3,false")],
        [
            problem(
                "projects.csv",
                2,
                "duration",
                "cannot finish inside the horizon 2027Q1..2027Q4 from any start of its window 2027Q3..2027Q4",
                "3",
            )
        ],
        [],
    ),
    "cost_beyond_duration": (
        "P4 lasts 1 quarter but has a cost at offset 2",
        [append("cashflows.csv", "P4,2,5000,0")],
        [
            problem(
                "cashflows.csv",
                13,
                "offset",
                "cost at an offset beyond the project's duration of 1 periods",
                "2",
            )
        ],
        [],
    ),
    "ahp_ratio_out_of_range": (
        "an AHP judgement of 12",
        [
            replace(
                "comparisons.csv",
                "CIO,strategic_fit,delivery_risk,3",
                "CIO,strategic_fit,delivery_risk,12",
            )
        ],
        [problem("comparisons.csv", 2, "ratio", "ratio must lie in [1/9, 9]", "12")],
        [],
    ),
    "judgements_do_not_link_criteria": (
        "criteria.csv gives no weights and no judgement links customer_impact to the others",
        [
            replace(
                "criteria.csv",
                "strategic_fit,0.6,benefit\ndelivery_risk,0.4,cost\n",
                "strategic_fit,,benefit\ndelivery_risk,,cost\ncustomer_impact,,benefit\n",
            ),
            replace("comparisons.csv", "CFO,strategic_fit,delivery_risk,1/2\n", ""),
        ],
        [
            problem(
                "comparisons.csv",
                None,
                "",
                "the judgements do not connect all criteria",
            ),
        ],
        [],
    ),
    "contradictory_judgements": (
        "criteria.csv gives no weights and the CIO judges one pair twice, both ways at 3",
        [
            replace(
                "criteria.csv",
                "strategic_fit,0.6,benefit\ndelivery_risk,0.4,cost\n",
                "strategic_fit,,benefit\ndelivery_risk,,cost\n",
            ),
            append("comparisons.csv", "CIO,delivery_risk,strategic_fit,3"),
        ],
        [
            problem(
                "comparisons.csv",
                None,
                "",
                "stakeholder 'CIO' judge delivery_risk vs strategic_fit more than once with contradictory values",
            )
        ],
        [],
    ),
    "not_utf8": (
        "projects.csv saved as Latin-1",
        [latin1("projects.csv", "CRM refresh", "CRM refresh Café")],
        [problem("projects.csv", 2, "", "not UTF-8 text")],
        [],
    ),
    "ragged_row": (
        "a cashflow row with one cell too many",
        [replace("cashflows.csv", "P1,2,0,60000", "P1,2,0,60000,oops")],
        [problem("cashflows.csv", 4, "", "row has 5 cells but the header has 4", "5 cells")],
        [],
    ),
    "blank_lines": (
        "blank lines inside cashflows.csv count as rows: the bad cost is on row 7",
        [
            replace(
                "cashflows.csv",
                "P1,2,0,60000\nP2,0,150000,0\n",
                "P1,2,0,60000\n\n\nP2,0,-150000,0\n",
            )
        ],
        [problem("cashflows.csv", 7, "cost", "must not be negative", "-150000")],
        [],
    ),
    "column_given_twice": (
        "projects.csv has two value columns",
        [add_column("projects.csv", "Value", "1")],
        [problem("projects.csv", 1, "value", "column given twice", "Value")],
        [],
    ),
    "many_problems": (
        "many problems in several files at once: all are reported together",
        [
            replace("projects.csv", "2027Q1,2027Q2,,2,false,40,0.2", "2027Q1,2027Q2,,2,false,40,2"),
            replace("projects.csv", "CIO,approved,", "CIO,done,"),
            replace("projects.csv", ",1,no,15,", ",1,perhaps,15,"),
            replace("cashflows.csv", "P1,1,80000,0", "P1,1,abc,0"),
            append("cashflows.csv", "P9,0,1000,0"),
            replace("demand.csv", "P1,Developer,0,2\n", "P1,Developer,0,-2\n"),
            replace("demand.csv", "P4,Analyst,0,1", "P4,Tester,0,1"),
            replace("budget.csv", "2027Q1,300000", "2027Q1,-5"),
            replace("scores.csv", "P2,delivery_risk,6", "P2,deliverability,6"),
            append("dependencies.csv", "P1,P2,requires"),
        ],
        [
            problem("projects.csv", 2, "risk", "must lie in [0, 1]", "2"),
            problem("projects.csv", 3, "status", "must be one of", "done"),
            problem("projects.csv", 5, "mandatory", "not a boolean", "perhaps"),
            problem("cashflows.csv", 3, "cost", "not a number", "abc"),
            problem("cashflows.csv", 13, "project_id", "unknown project_id", "P9"),
            problem("demand.csv", 2, "fte", "must not be negative", "-2"),
            problem("demand.csv", 11, "role", "unknown role", "Tester"),
            problem("budget.csv", 2, "amount", "must not be negative", "-5"),
            problem("scores.csv", 5, "criterion", "unknown criterion", "deliverability"),
            problem(
                "dependencies.csv",
                4,
                "project_id, other_id",
                "cycle among requires/follows dependencies: P1 → P2 → P1",
            ),
        ],
        [],
    ),
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _case_toml(description: str, loads: bool, problems: list[dict], warnings: list[dict]) -> str:
    lines = [f"description = {_toml_value(description)}", f"loads = {_toml_value(loads)}", ""]
    for key, entries in (("problems", problems), ("warnings", warnings)):
        for entry in entries:
            lines.append(f"[[{key}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
            lines.append("")
    return "\n".join(lines)


def write(folder: Path, files: dict[str, str]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    encoding_of = files.pop("__latin1__", None)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("latin-1" if name == encoding_of else "utf-8"))


def main() -> None:
    write(HERE / "base", dict(BASE))
    (HERE / "base" / "case.toml").write_text(_case_toml("the valid base portfolio", True, [], []))
    for name, (description, edits, problems, warnings) in CASES.items():
        files = dict(BASE)
        for edit in edits:
            edit(files)
        write(HERE / name, files)
        (HERE / name / "case.toml").write_text(
            _case_toml(description, not problems, problems, warnings)
        )


if __name__ == "__main__":
    main()
