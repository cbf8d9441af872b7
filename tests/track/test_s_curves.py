"""S-curves of earned value for the charts."""

from __future__ import annotations

import pytest
from ev_helpers import fence_portfolio

import pmo_analytics as pa


def test_curves_cover_the_baseline_and_project_eac():
    p = fence_portfolio()
    curves = pa.earned_value_curves(p)
    pv = curves[curves["series"] == "Planned value (PV)"]
    assert pv["amount"].tolist() == [1000, 2000, 3000, 4000]
    eac = curves[curves["series"] == "Forecast cost (EAC)"]
    assert eac["period"].tolist() == ["2027-03", "2027-05"]
    assert eac["amount"].iloc[0] == 2800
    assert eac["amount"].iloc[1] == pytest.approx(4480)
    with pytest.raises(ValueError, match="no actuals up to 2027-03 for NOPE"):
        pa.earned_value_curves(p, projects=["NOPE"])
