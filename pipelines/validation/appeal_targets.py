"""What an appeal may be about: the suite parameters of the appeals rules (contract.md, appeals).

An appeal of month M must name an order of the export of M dispatched (`交办`) to the appealing unit
(`order_id.dispatched_to_unit`), and an item that applies to that order (`item.applies_to_order`):

* `回访满意率`: the order is rated `不满意` and completed in M (it is in the unit's satisfaction);
* `按时办结率`: the order is due in M and was not completed by its deadline (counted late);
* `及时签收率`: the order's sign-in is counted in M and was late.

Both rules are `expect_column_pair_values_to_be_in_set` expectations whose pair lists are computed
here, for the orders the month's appeals name only (a handful, whatever the size of the export):

* `appeal_order_units`: `[order_id, unit_code]` of every accepted dispatched order named by an appeal;
* `appealable_order_items`: `[order_id, item]` for every item that applies to such an order, plus
  every item for a named order that is not an accepted dispatched order (that appeal is already
  quarantined by `order_id.dispatched_to_unit`; one reason is enough), and the pair of an appeal
  whose item is off-list (quarantined by `item.accepted_values`).

"Accepted" orders are those no rule of the orders suite quarantines, evaluated here over the
named orders' rows (every copy of a repeated id included, so uniqueness means the same as over the
month). Deadlines the export leaves empty are computed like dbt's `int_order_deadlines` (the
month's time limits, N-th working day after the dispatch date, same clock time); the dbt test
`assert_accepted_appeals_apply` checks that the two agree on every accepted appeal.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.contract import APPEAL_ITEMS, ORDERS
from pipelines.raw_tables import RAW_SCHEMA

#: suite parameters this module fills
APPEAL_PARAMETERS = ("appeal_order_units", "appealable_order_items")

_APPEALED_IDS = (
    f"select distinct order_id from {RAW_SCHEMA}.appeals where month = $month and order_id is not null"
)


def _targets_sql(accepted_orders: str) -> str:
    """(order_id, unit_code, item or null) of the named accepted dispatched orders."""
    items = ", ".join(f"'{item}'" for item in APPEAL_ITEMS)
    return f"""
with accepted as ({accepted_orders}),
dispatched as (select * from accepted where handling = '交办'),
numbered_days as (
    select calendar_date, is_workday,
        sum(case when is_workday then 1 else 0 end) over (order by calendar_date) as workday_number
    from {RAW_SCHEMA}.working_calendar
),
limits as (
    select kind, dispatch_level, category, working_days
    from {RAW_SCHEMA}.rulebook_time_limits where month = $month
),
deadlines as (
    select dispatched.*,
        coalesce(dispatched.sign_deadline,
            cast(sign_day.calendar_date as timestamp)
            + (dispatched.dispatched_at - cast(cast(dispatched.dispatched_at as date) as timestamp)))
            as effective_sign_deadline,
        coalesce(dispatched.due_at,
            cast(due_day.calendar_date as timestamp)
            + (dispatched.dispatched_at - cast(cast(dispatched.dispatched_at as date) as timestamp)))
            as effective_due_at
    from dispatched
    left join numbered_days as dispatch_day
        on dispatch_day.calendar_date = cast(dispatched.dispatched_at as date)
    left join limits as sign_limits on sign_limits.kind = 'sign'
        and sign_limits.dispatch_level = dispatched.dispatch_level
        and sign_limits.category = dispatched.category
    left join limits as due_limits on due_limits.kind = 'complete'
        and due_limits.dispatch_level = dispatched.dispatch_level
        and due_limits.category = dispatched.category
    left join numbered_days as sign_day on sign_day.is_workday
        and sign_day.workday_number = dispatch_day.workday_number + sign_limits.working_days
    left join numbered_days as due_day on due_day.is_workday
        and due_day.workday_number = dispatch_day.workday_number + due_limits.working_days
),
flags as (
    select order_id, unit_code,
        coalesce(completed_at >= $m_start and completed_at < $cutoff, false)
            and coalesce(visit_result = '不满意', false) as unsatisfied,
        coalesce(effective_due_at >= $m_start and effective_due_at < $cutoff, false)
            and not coalesce(completed_at <= effective_due_at, false) as completion_late,
        coalesce(dispatched_at >= $m_start and dispatched_at < $cutoff, false)
            and coalesce(effective_sign_deadline < $cutoff or signed_at is not null, false)
            and not coalesce(signed_at <= effective_sign_deadline, false) as sign_late
    from deadlines
)
select order_id, unit_code, null as item from flags
union all select order_id, unit_code, '回访满意率' from flags where unsatisfied
union all select order_id, unit_code, '按时办结率' from flags where completion_late
union all select order_id, unit_code, '及时签收率' from flags where sign_late
union all
select appealed.order_id, null, item.item
from ({_APPEALED_IDS}) as appealed
cross join (select unnest([{items}]) as item) as item
where appealed.order_id not in (select order_id from dispatched where order_id is not null)
union all
select order_id, null, item from {RAW_SCHEMA}.appeals
where month = $month and order_id is not null and item not in ({items})
"""


def appeal_parameters(
    con: duckdb.DuckDBPyConnection, month: str, parameters: dict[str, Any]
) -> dict[str, Any]:
    """`appeal_order_units` and `appealable_order_items` for `month` (lists of text pairs).

    `parameters` holds the month's other suite parameters (bounds, unit codes), which the orders
    rules need. Empty lists when the month has no appeals.
    """
    from pipelines.validation.quarantine import any_rule_sql, compiled_suite, flags_sql, query_parameters

    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = $schema and table_name = 'appeals'",
        {"schema": RAW_SCHEMA},
    ).fetchone()[0]
    if (
        not exists
        or not con.execute(
            f"select count(*) from {RAW_SCHEMA}.appeals where month = $month", {"month": month}
        ).fetchone()[0]
    ):
        return {"appeal_order_units": [], "appealable_order_items": []}
    suite = compiled_suite(ORDERS.name)
    flagged = flags_sql(ORDERS, suite, row_filter=f"order_id in ({_APPEALED_IDS})")
    accepted = f"select * from ({flagged}) as flagged where not {any_rule_sql(suite)}"
    params = query_parameters(suite, month, parameters)
    params.setdefault("m_start", parameters["m_start"])
    params.setdefault("cutoff", parameters["cutoff"])
    rows = con.execute(_targets_sql(accepted), params).fetchall()
    units = sorted({(order_id, unit) for order_id, unit, item in rows if item is None})
    items = sorted({(order_id, item) for order_id, _, item in rows if item is not None})
    return {
        "appeal_order_units": [list(pair) for pair in units],
        "appealable_order_items": [list(pair) for pair in items],
    }
