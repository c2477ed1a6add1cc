"""The validation domain's asset: `raw/quarantine`, the month's input rows that break a rule.

Upstream of every staging view (they leave these rows out); its checks are in `checks.py`.
See docs/validation.md.
"""

import dagster as dg

from pipelines.contract import INPUTS, ORDERS
from pipelines.ingest.assets import raw_asset_key
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.resources import WarehouseResource
from pipelines.validation.policy import PublicationDecision, max_quarantine_share, memory_limited

VALIDATION_GROUP = "validation"
QUARANTINE_KEY = dg.AssetKey(["raw", "quarantine"])
#: what the appeals rules read besides the appeals (pipelines/validation/appeal_targets.py): the
#: orders they name, the month's time limits and the working calendar (computed deadlines)
APPEAL_TARGET_DEPS = (
    raw_asset_key(ORDERS),
    dg.AssetKey(["raw", "rulebook_time_limits"]),
    dg.AssetKey(["raw", "working_calendar"]),
)


@dg.asset(
    key=QUARANTINE_KEY,
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    group_name=VALIDATION_GROUP,
    deps=[*(raw_asset_key(spec) for spec in INPUTS), *APPEAL_TARGET_DEPS[1:]],
    description=(
        "`raw.quarantine`: the month's input rows that break a rule of their expectation suite "
        "(expectations/*.json), one row per source row with the rules it broke and the row minus "
        "personal data. The staging views leave these rows out."
    ),
    kinds={"duckdb", "python"},
)
def quarantine(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from pipelines.validation.quarantine import write_quarantine

    month = context.partition_key
    with warehouse.get_connection() as con, memory_limited(con):
        counts = write_quarantine(con, month)
    total = sum(c.rows_quarantined for c in counts.values())
    orders = counts[ORDERS.name]
    decision = PublicationDecision(month, orders.rows_read, orders.rows_quarantined, max_quarantine_share())
    lines = ["| input | rows read | accepted | quarantined |", "|---|---:|---:|---:|"]
    lines += [
        f"| {c.input} | {c.rows_read} | {c.rows_accepted} | {c.rows_quarantined} |" for c in counts.values()
    ]
    context.log.info(f"{month}: {total} rows quarantined ({decision.message})")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": total,
            "rows_quarantined": total,
            "by_input": dg.MetadataValue.md("\n".join(lines)),
            "orders_quarantined_share": round(decision.share, 6),
            "max_quarantine_share": decision.max_share,
            # one number per input and month, plotted by the UI (docs/alerts.md)
            **{
                f"quarantine_share_pct_{c.input}": (
                    round(c.rows_quarantined * 100.0 / c.rows_read, 4) if c.rows_read else 0.0
                )
                for c in counts.values()
            },
        }
    )



validation_assets: list[dg.AssetsDefinition] = [quarantine]
