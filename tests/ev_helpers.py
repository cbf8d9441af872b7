"""Shared builders of the earned-value tests: a portfolio from per-project specs, and
Mulcahy's fence example."""

from __future__ import annotations

import pandas as pd

from pmo_analytics.portfolio.container import make_portfolio

FREQ = "M"


def build(
    projects: dict[str, dict],
    *,
    horizon: tuple[str, str] = ("2027-01", "2028-12"),
    freq: str = FREQ,
):
    """A portfolio from per-project specs.

    Each spec: ``start`` (label), ``cost`` (per-offset planned cost), optional ``benefit``,
    ``status`` (default in_flight), ``value``, and ``actuals``: a list of
    (period label, planned_value, earned_value, actual_cost).
    """
    rows, cash, acts = [], [], []
    for pid, spec in projects.items():
        cost = list(spec["cost"])
        benefit = list(spec.get("benefit", [0.0] * len(cost)))
        benefit += [0.0] * (len(cost) - len(benefit))
        cost += [0.0] * (len(benefit) - len(cost))
        rows.append(
            {
                "project_id": pid,
                "name": spec.get("name", f"Project {pid}"),
                "category": spec.get("category", "Run"),
                "business_unit": "IT",
                "sponsor": "CIO",
                "status": spec.get("status", "in_flight"),
                "earliest_start": pd.NaT,
                "latest_start": pd.NaT,
                "start": pd.Period(spec["start"], freq) if spec.get("start") else pd.NaT,
                "duration": len(spec["cost"]),
                "mandatory": False,
                "value": float(spec.get("value", 10.0)),
                "risk": 0.0,
            }
        )
        cash += [
            {"project_id": pid, "offset": k, "cost": float(c), "benefit": float(b)}
            for k, (c, b) in enumerate(zip(cost, benefit, strict=True))
        ]
        acts += [
            {
                "project_id": pid,
                "period": pd.Period(label, freq),
                "planned_value": float(pv),
                "earned_value": float(ev),
                "actual_cost": float(ac),
            }
            for label, pv, ev, ac in spec.get("actuals", [])
        ]
    projects_frame = pd.DataFrame(rows).set_index("project_id")
    for column in ("earliest_start", "latest_start", "start"):
        projects_frame[column] = pd.PeriodIndex(projects_frame[column], freq=freq)
    actuals = pd.DataFrame(
        acts, columns=["project_id", "period", "planned_value", "earned_value", "actual_cost"]
    )
    actuals["period"] = pd.PeriodIndex(actuals["period"], freq=freq)
    tables = {
        "projects": projects_frame,
        "cashflows": pd.DataFrame(cash),
        "demand": pd.DataFrame(columns=["project_id", "role", "offset", "fte"]).astype(
            {"offset": "int64", "fte": "float64"}
        ),
        "actuals": actuals,
    }
    span = tuple(pd.period_range(horizon[0], horizon[1], freq=freq))
    return make_portfolio(tables, horizon=span)


def fence_portfolio():
    """Mulcahy's fence: four sides, one day and $1,000 each, built one after the other.

    Status at the end of day 3: side 1 complete, $1,000 spent; side 2 complete, $1,200 spent;
    side 3 50% done, $600 spent; side 4 not started. Days are modelled as monthly periods.
    """
    return build(
        {
            "FENCE": {
                "start": "2027-01",
                "cost": [1000, 1000, 1000, 1000],
                "actuals": [
                    ("2027-01", 1000, 1000, 1000),
                    ("2027-02", 1000, 1000, 1200),
                    ("2027-03", 1000, 500, 600),
                ],
            }
        }
    )
