"""The data contract as data: every file, its key and its columns (see ``CONTRACT.md``).

Loading, validation and writing all read this one table, so the contract is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._vocab import CLOSED_STATUSES, DEPENDENCY_KINDS, STATUSES

__all__ = [
    "CLOSED_STATUSES",
    "DEPENDENCY_KINDS",
    "DERIVED_PROJECT_COLUMNS",
    "STATUSES",
    "TABLES",
    "ColumnSpec",
    "TableSpec",
]

DIRECTIONS: tuple[str, ...] = ("benefit", "cost")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract file.

    kind is one of ``id``, ``text``, ``choice``, ``period``, ``int``, ``float``, ``bool``.
    ``required`` columns must be present and non-blank; ``default`` fills blanks of optional
    columns; ``minimum``/``maximum`` bound numbers (inclusive); ``choices`` lists valid words.
    ``added=False`` marks an extension column: typed and checked when a file has it, never
    added to a file that has not (the uncertainty ranges).
    """

    kind: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    default: object = None
    rule: str | None = None  # wording of the range rule, when the bounds alone read badly
    added: bool = True  # added (blank) when absent; False: typed when given, else left out


@dataclass(frozen=True)
class TableSpec:
    """One contract file: its name (without ``.csv``), key, columns and whether it is required."""

    name: str
    key: tuple[str, ...]
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    required: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c for c, spec in self.columns.items() if spec.required]


_AMOUNT = ColumnSpec("float", required=True, minimum=0.0)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "projects",
            key=("project_id",),
            required=True,
            columns={
                "project_id": ColumnSpec("id", required=True),
                "name": ColumnSpec("text", required=True),
                "category": ColumnSpec("text"),
                "business_unit": ColumnSpec("text"),
                "sponsor": ColumnSpec("text"),
                "status": ColumnSpec("choice", choices=STATUSES, default="proposed"),
                "earliest_start": ColumnSpec("period"),
                "latest_start": ColumnSpec("period"),
                "start": ColumnSpec("period"),
                "duration": ColumnSpec("int", minimum=1),
                "mandatory": ColumnSpec("bool", default=False),
                "value": ColumnSpec("float", minimum=0.0),
                "risk": ColumnSpec("float", minimum=0.0, maximum=1.0, default=0.0),
                # extension: a range around value for Monte Carlo robustness
                "value_low": ColumnSpec("float", minimum=0.0, added=False),
                "value_high": ColumnSpec("float", minimum=0.0, added=False),
            },
        ),
        TableSpec(
            "cashflows",
            key=("project_id", "offset"),
            required=True,
            columns={
                "project_id": ColumnSpec("id", required=True),
                "offset": ColumnSpec("int", required=True, minimum=0),
                "cost": _AMOUNT,
                "benefit": ColumnSpec("float", minimum=0.0, default=0.0),
                # extension: a range around cost for Monte Carlo robustness
                "cost_low": ColumnSpec("float", minimum=0.0, added=False),
                "cost_high": ColumnSpec("float", minimum=0.0, added=False),
            },
        ),
        TableSpec(
            "demand",
            key=("project_id", "role", "offset"),
            required=True,
            columns={
                "project_id": ColumnSpec("id", required=True),
                "role": ColumnSpec("id", required=True),
                "offset": ColumnSpec("int", required=True, minimum=0),
                "fte": ColumnSpec("float", required=True, minimum=0.0),
                # extension: a range around fte for Monte Carlo robustness
                "fte_low": ColumnSpec("float", minimum=0.0, added=False),
                "fte_high": ColumnSpec("float", minimum=0.0, added=False),
            },
        ),
        TableSpec(
            "capacity",
            key=("role", "period"),
            required=True,
            columns={
                "role": ColumnSpec("id", required=True),
                "period": ColumnSpec("period", required=True),
                "fte": ColumnSpec("float", required=True, minimum=0.0),
            },
        ),
        TableSpec(
            "budget",
            key=("period",),
            columns={
                "period": ColumnSpec("period", required=True),
                "amount": _AMOUNT,
            },
        ),
        TableSpec(
            "criteria",
            key=("criterion",),
            columns={
                "criterion": ColumnSpec("id", required=True),
                "weight": ColumnSpec("float", minimum=0.0),
                "direction": ColumnSpec("choice", choices=DIRECTIONS, default="benefit"),
            },
        ),
        TableSpec(
            "scores",
            key=("project_id", "criterion"),
            columns={
                "project_id": ColumnSpec("id", required=True),
                "criterion": ColumnSpec("id", required=True),
                "score": ColumnSpec("float", required=True, minimum=0.0),
            },
        ),
        TableSpec(
            "comparisons",
            key=("stakeholder", "a", "b"),
            columns={
                "stakeholder": ColumnSpec("text", default=""),
                "a": ColumnSpec("id", required=True),
                "b": ColumnSpec("id", required=True),
                "ratio": ColumnSpec(
                    "float",
                    required=True,
                    minimum=0.11,  # 1/9 written with two decimals is accepted
                    maximum=9.0,
                    rule="ratio must lie in [1/9, 9] (Saaty's scale; 1/3 or 0.333 are fine)",
                ),
            },
        ),
        TableSpec(
            "dependencies",
            key=("project_id", "other_id"),
            columns={
                "project_id": ColumnSpec("id", required=True),
                "other_id": ColumnSpec("id", required=True),
                "kind": ColumnSpec("choice", required=True, choices=DEPENDENCY_KINDS),
            },
        ),
        TableSpec(
            "actuals",
            key=("project_id", "period"),
            columns={
                "project_id": ColumnSpec("id", required=True),
                "period": ColumnSpec("period", required=True),
                "planned_value": _AMOUNT,
                "earned_value": _AMOUNT,
                "actual_cost": _AMOUNT,
            },
        ),
    )
}

#: Columns the library adds to ``Portfolio.projects``; never written back to files.
DERIVED_PROJECT_COLUMNS: tuple[str, ...] = ("first_start", "last_start", "strategic_value")
