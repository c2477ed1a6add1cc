"""The `unit_report_cards` asset: every ranked unit's report card of the month, beside the bulletin.

A sibling of the `bulletin` asset (same group, same monthly partition, the same marts upstream plus
`fct_lost_point_orders`), so that the UI shows the cards apart from the bulletin: their count and a
link to `<output>/<YYYY-MM>/units/index.html`. Behind the same publication gate (the blocking
`quarantine_share` check on `marts/fct_intake`).
"""

from pathlib import Path

import dagster as dg

from pipelines.assets.bulletin import BULLETIN_GROUP, BULLETIN_INPUTS
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.resources import EngineResource, HotlineFiles

#: the marts the cards read: the bulletin's, and the times of the orders behind lost points
REPORT_CARD_INPUTS = (*BULLETIN_INPUTS, "fct_lost_point_orders")


@dg.asset(
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    group_name=BULLETIN_GROUP,
    deps=[dg.AssetKey(["marts", name]) for name in REPORT_CARD_INPUTS],
    description=(
        "单位考评明细: a report card per ranked unit, `<output>/<YYYY-MM>/units/<unit_code>.html` "
        "and `.docx`, and `units/index.html` linking them all."
    ),
    kinds={"python"},
)
def unit_report_cards(
    context: dg.AssetExecutionContext, files: HotlineFiles, engine: EngineResource
) -> dg.MaterializeResult:
    from pipelines.bulletin.report_cards import read_card_figures, write_cards

    month = context.partition_key
    # read through the engine that built the marts (under its lock), render and write without it
    with engine.marts_reader().open_month(month) as con:
        figures = read_card_figures(con, month)
    cards = write_cards(figures, files.output, Path(files.bulletin_config_path))
    context.log.info(f"{cards.count} report cards for {month} written to {cards.directory}")
    return dg.MaterializeResult(
        metadata={
            "cards": cards.count,
            "index": dg.MetadataValue.path(str(cards.index_path)),
            "folder": dg.MetadataValue.path(str(cards.directory)),
        }
    )
