"""The demo's seeded anomaly (docs/alerts.md "What make demo shows"): 灌云县's orders fall to a third
from 2021-01 to 2021-02, the only unit the M−1 rule flags; 2021-02 keeps the example's volumes."""

from __future__ import annotations

from pipelines.alerts.anomalies import orders_change_alerts
from pipelines.alerts.settings import AnomalyThresholds
from pipelines.demo import reference as ref
from pipelines.demo.volumes import cell_totals, read_units
from pipelines.demo.workdays import Month


def _unit_orders(month: str) -> list[dict]:
    units = read_units()
    totals = cell_totals(units, Month.parse(month), 1.0)
    n = len(units)
    orders = {u.code: int(totals[1 + u.index] + totals[1 + n + u.index]) for u in units}
    return [{"unit_code": u.code, "unit_name": u.name, "orders": orders[u.code]} for u in units]


def test_guanyun_falls_to_a_third_and_is_the_only_alert():
    january, february = _unit_orders("2021-01"), _unit_orders("2021-02")
    guanyun = {m: next(r["orders"] for r in rows if r["unit_name"] == "灌云县")
               for m, rows in (("2021-01", january), ("2021-02", february))}  # fmt: skip
    assert guanyun == {"2021-01": 3189, "2021-02": 1063}  # 1063 × 3 = 3189
    alerts = orders_change_alerts("2021-02", february, january, AnomalyThresholds())
    assert [a.subject for a in alerts] == ["2021-02 灌云县 工单数 3189 → 1063（-66.7%，对比 2021-01）"]
    # the reference month keeps the example bulletin's 总工单数 of 灌云县
    assert ref.UNIT_ORDERS["灌云县"] == 1049 and "2021-02" not in ref.SEEDED_CITY_VOLUME_FACTORS
