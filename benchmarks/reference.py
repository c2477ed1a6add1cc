"""The reference the pipeline is measured against: one in-process DuckDB pass over a month's files.

It computes the core figures of the bulletin (rules.md): the intake (total, by handling, channel and
category), each unit's indicators (orders, timely sign, on-time completion, satisfaction 市派/省派,
first response, reply findings, late knowledge tasks, test-call deductions) and its handling points,
workload bonus and rank in its group, with the default rulebook's numbers. No Dagster, no dbt, no
validation, no documents: the least work that yields the same figures, the floor a pipeline cannot
beat. Files are read as the pipeline reads them (pyarrow for CSV in any encoding, DuckDB for parquet).

    python -m benchmarks.reference <landing> <YYYY-MM>   prints the figures' sizes as JSON
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.contract import INPUTS, InputSpec

#: working days to sign / complete by dispatch level and category (rules.md, time limits)
COMPLETE_DAYS = {
    "市派": {"咨询": 3, "表扬": 3, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
    "省派": {"咨询": 2, "表扬": 2, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
}


def _encoding(path: Path) -> str:
    head = path.open("rb").read(1 << 16)
    try:
        head.decode("utf-8")
        return "utf8"
    except UnicodeDecodeError as exc:
        return "utf8" if exc.start > len(head) - 4 else "gb18030"


def _read(con: duckdb.DuckDBPyConnection, spec: InputSpec, folder: Path) -> None:
    """Register `<input>` as a relation of English-named columns (empty when the file is absent)."""
    renames = {c.chinese: c.name for c in spec.columns if c.chinese}
    path = next(
        (
            folder / f"{spec.name}.{ext}"
            for ext in ("parquet", "csv")
            if (folder / f"{spec.name}.{ext}").exists()
        ),
        None,
    )
    if path is None and spec.reference:
        path = folder.parent / f"{spec.name}.csv"
    if path is None or not path.exists():
        con.execute(
            f"create or replace table {spec.name} as select "
            + ", ".join(f"cast(null as varchar) as {c.name}" for c in spec.columns)
            + " where false"
        )
        return
    if path.suffix == ".parquet":
        relation = con.read_parquet(str(path))
        columns = ", ".join(f'"{c}" as {renames.get(c, c)}' for c in relation.columns)
        con.execute(f"create or replace view {spec.name} as select {columns} from read_parquet('{path}')")
        return
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=_encoding(path), block_size=4 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in [*renames, *renames.values()]}, strings_can_be_null=True
        ),
    )
    table = table.rename_columns(
        [renames.get(n.lstrip("\ufeff"), n.lstrip("\ufeff")) for n in table.column_names]
    )
    con.register(f"{spec.name}_arrow", table)
    con.execute(f"create or replace table {spec.name} as select * from {spec.name}_arrow")
    con.unregister(f"{spec.name}_arrow")


def _calendar(con: duckdb.DuckDBPyConnection, month: str) -> None:
    import chinese_calendar

    first = date(int(month[:4]), int(month[5:7]), 1) - timedelta(days=400)
    days = [first + timedelta(days=i) for i in range(800)]
    workdays = [d for d in days if chinese_calendar.is_workday(d)]
    con.execute("create or replace table workdays (day date, n bigint)")
    con.executemany("insert into workdays values (?, ?)", [(d, i) for i, d in enumerate(workdays)])
    limits = [(level, category, days) for level, by in COMPLETE_DAYS.items() for category, days in by.items()]
    con.execute("create or replace table limits (dispatch_level varchar, category varchar, days bigint)")
    con.executemany("insert into limits values (?, ?, ?)", limits)


FIGURES_SQL = """
create or replace table orders_typed as
select order_id, channel, category, handling, dispatch_level, unit_code,
       try_cast(received_at as timestamp) as received_at,
       try_cast(dispatched_at as timestamp) as dispatched_at,
       try_cast(sign_deadline as timestamp) as sign_deadline,
       try_cast(signed_at as timestamp) as signed_at,
       try_cast(due_at as timestamp) as due_at,
       try_cast(completed_at as timestamp) as completed_at,
       visit_result
from orders;

create or replace table intake as
select count(*) as total,
       count(*) filter (where handling = '直接办理') as direct,
       count(*) filter (where handling = '交办') as dispatched,
       count(*) filter (where received_at < $start) as carried_over
from orders_typed;

create or replace table intake_by_channel as
select channel, count(*) as n, round(count(*) * 100.0 / (select total from intake), 2) as share
from orders_typed group by channel;

create or replace table intake_by_category as
select category, count(*) as n, round(count(*) * 100.0 / (select total from intake), 2) as share
from orders_typed group by category;

-- deadlines the export leaves empty: the N-th working day after the dispatch date, same clock time
create or replace table flags as
with dispatched as (
    select o.*, l.days,
           (select max(n) from workdays w where w.day <= cast(o.dispatched_at as date)) as day_n
    from orders_typed o
    left join limits l on l.dispatch_level = o.dispatch_level and l.category = o.category
    where o.handling = '交办'
),
deadlines as (
    select d.*,
           coalesce(d.sign_deadline, cast(s.day as timestamp) + (d.dispatched_at - cast(cast(d.dispatched_at as date) as timestamp))) as sign_by,
           coalesce(d.due_at, cast(c.day as timestamp) + (d.dispatched_at - cast(cast(d.dispatched_at as date) as timestamp))) as due_by
    from dispatched d
    left join workdays s on s.n = d.day_n + 1
    left join workdays c on c.n = d.day_n + d.days
)
select unit_code, dispatch_level, order_id,
       dispatched_at >= $start and (sign_by < $cutoff or signed_at is not null) as sign_counted,
       dispatched_at >= $start and signed_at is not null and signed_at <= sign_by as sign_on_time,
       due_by >= $start and due_by < $cutoff as due_in_month,
       due_by >= $start and due_by < $cutoff and completed_at is not null and completed_at <= due_by as on_time,
       completed_at >= $start and visit_result in ('满意', '基本满意') as satisfied,
       completed_at >= $start and visit_result in ('满意', '基本满意', '不满意') as rated,
       completed_at >= $start as completed_in_month
from deadlines;

create or replace table unit_indicators as
select u.unit_code, u.unit_group,
       count(f.order_id) as orders,
       count(*) filter (where f.sign_counted) as sign_total,
       count(*) filter (where f.sign_on_time) as sign_on_time,
       count(*) filter (where f.due_in_month) as due_total,
       count(*) filter (where f.on_time) as on_time_total,
       count(*) filter (where f.rated and f.dispatch_level = '市派') as city_rated,
       count(*) filter (where f.satisfied and f.dispatch_level = '市派') as city_satisfied,
       count(*) filter (where f.rated and f.dispatch_level = '省派') as province_rated,
       count(*) filter (where f.satisfied and f.dispatch_level = '省派') as province_satisfied,
       count(*) filter (where f.completed_in_month) as completed_in_month
from units u left join flags f on f.unit_code = u.unit_code
group by u.unit_code, u.unit_group;

create or replace table unit_scores as
with items as (
    select i.*,
        coalesce((select count(*) filter (where passed not in ('1', 'true', '是'))
                  from inspections s where s.unit_code = i.unit_code and s.item = '答复规范'), 0) as reply_findings,
        coalesce((select count(*) from inspections s where s.unit_code = i.unit_code and s.item = '首次回应'), 0)
            as fr_total,
        coalesce((select count(*) filter (where passed in ('1', 'true', '是'))
                  from inspections s where s.unit_code = i.unit_code and s.item = '首次回应'), 0) as fr_passed,
        coalesce((select count(*) from knowledge_tasks k where k.unit_code = i.unit_code
                  and (k.submitted_at is null or try_cast(k.submitted_at as timestamp) > try_cast(k.due_at as timestamp))), 0)
            as knowledge_late,
        coalesce((select sum(try_cast(deduction as decimal(18, 4))) from test_calls t where t.unit_code = i.unit_code), 0)
            as call_deduction
    from unit_indicators i
),
points as (
    select *,
        case when sign_total = 0 then 10 else greatest(0, 10 - 0.5 * greatest(100 - sign_on_time * 100.0 / sign_total, 0)) end
            + case when due_total = 0 then 20 else greatest(0, 20 - greatest(95 - on_time_total * 100.0 / due_total, 0)) end
            + greatest(0, 25
                - case when city_rated = 0 then 0 else 0.5 * greatest(95 - city_satisfied * 100.0 / city_rated, 0) end
                - case when province_rated = 0 then 0 else 0.5 * greatest(98 - province_satisfied * 100.0 / province_rated, 0) end)
            + greatest(0, 10 - reply_findings)
            + case when fr_total = 0 then 10 else greatest(0, 10 - 0.5 * greatest(100 - fr_passed * 100.0 / fr_total, 0)) end
            + greatest(0, 12 - 2 * knowledge_late)
            + greatest(0, 12 - call_deduction)
            + least(1, 0.001 * greatest(completed_in_month - 100, 0)) as score
    from items
    where unit_group <> '不参与考评' and orders > 0 and due_total > 0
)
select *, rank() over (partition by unit_group order by round(score, 2) desc) as rank
from points;
"""


def compute(landing: Path, month: str, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Compute the month's core figures in one DuckDB (in memory unless `con` is given, which then
    keeps the tables `intake`, `unit_indicators`, `unit_scores`); returns the size of each figure."""
    year, mon = int(month[:4]), int(month[5:7])
    start = f"{month}-01 00:00:00"
    cutoff = f"{year + mon // 12:04d}-{mon % 12 + 1:02d}-01 00:00:00"
    own = con is None
    con = duckdb.connect() if con is None else con
    folder = landing / month
    for spec in INPUTS:
        if spec.name in {"units", "orders", "inspections", "test_calls", "knowledge_tasks"}:
            _read(con, spec, folder)
    _calendar(con, month)
    parameters = {"start": start, "cutoff": cutoff}
    for statement in [s for s in FIGURES_SQL.split(";\n") if s.strip()]:
        names = [name for name in parameters if f"${name}" in statement]
        con.execute(statement, {name: parameters[name] for name in names} if names else None)
    sizes = {
        "orders": con.execute("select total from intake").fetchone()[0],
        "units_ranked": con.execute("select count(*) from unit_scores").fetchone()[0],
        "channels": con.execute("select count(*) from intake_by_channel").fetchone()[0],
    }
    if own:
        con.close()
    return sizes


if __name__ == "__main__":
    print(json.dumps(compute(Path(sys.argv[1]), sys.argv[2])))
