"""Records the county sub-platforms pushed to the city platform (数据对接), streamed in blocks.

Per county the volume is the example's (四.1 table) times the scale; a few % of required cells are
empty, some content or replies are short, a few records are pushed more than 24 h after their
last update: the 数据质量 block then has something to measure.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from pipelines.contract import CATEGORIES, COUNTY_RECORDS, VISIT_RESULTS
from pipelines.demo import reference as ref
from pipelines.demo import texts
from pipelines.demo.clock import intake_clock, seconds, snap_back
from pipelines.demo.orders import COMPLETE_DAYS_CITY
from pipelines.demo.volumes import BLOCK_ROWS, STREAM_COUNTY_RECORDS, MonthPlan, Unit, day_weights, rng_for
from pipelines.demo.workdays import WorkCalendar

NAT = np.datetime64("NaT", "s")
#: county systems use their own channel names: some are off the city's list (measured, not rejected)
COUNTY_CHANNELS = np.array(["电话", "微信", "监督员上报", "网站", "来信", "市民APP"], dtype=object)
COUNTY_CHANNEL_P = np.array([0.62, 0.12, 0.18, 0.04, 0.02, 0.02])
OFF_LIST_CATEGORY = "其他"
CATEGORY_P = np.array([0.36, 0.30, 0.29, 0.02, 0.005, 0.004, 0.001, 0.02])  # CATEGORIES + 其他
#: county systems store the full request: the sentence plus a closing phrase (15 characters or more)
CONTENT_SUFFIX = np.array(
    [
        "，希望相关部门给予答复。",
        "，请相关部门尽快核实处理。",
        "，请相关部门尽快协调解决。",
        "，望相关部门予以采纳。",
        "，特此致谢并希望予以表扬。",
        "，请相关部门依法查处。",
        "，请相关部门依法查处。",
        "，请相关部门尽快核实处理。",
    ],
    dtype=object,
)
#: records still open although their completion time has come (the rest open only past the cutoff)
STILL_OPEN = 0.01
ON_TIME = 0.97
UNSATISFIED = 0.035
PREVIOUS_MONTH_SHARE = 0.12


def counties(plan: MonthPlan) -> list[Unit]:
    return [u for u in plan.units if u.group == "县区"]


def county_volume(county: Unit, factor: float) -> int:
    return round(ref.COUNTY_RECORDS.get(county.name, 6000) * factor)


def _blank(values: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    missing = rng.random(values.size) < p
    if values.dtype.kind == "M":
        return np.where(missing, NAT, values)
    out = values.copy()
    out[missing] = None
    return out


def record_block(
    plan: MonthPlan, calendar: WorkCalendar, county: Unit, ordinal: int, part: int, n: int, first_seq: int
) -> dict[str, np.ndarray]:
    """`n` records of one county, as contract columns."""
    month = plan.month
    rng = rng_for(plan.seed, month, STREAM_COUNTY_RECORDS, ordinal, part)
    missing = ref.COUNTY_MISSING.get(county.name, 0.02)
    day_p = day_weights(month) / day_weights(month).sum()

    previous = rng.random(n) < PREVIOUS_MONTH_SHARE
    day_in_m = rng.choice(month.days, n, p=day_p)
    day_offset = np.where(previous, -rng.integers(1, 16, n), day_in_m)
    received = month.start + day_offset.astype("timedelta64[D]").astype("timedelta64[s]")
    received = received + seconds(intake_clock(n, rng, 0.8))

    category = rng.choice(CATEGORY_P.size, n, p=CATEGORY_P / CATEGORY_P.sum())
    limit = np.where(
        category < len(CATEGORIES), COMPLETE_DAYS_CITY[np.minimum(category, len(CATEGORIES) - 1)], 5
    )
    due = calendar.add_workdays(received, limit)

    lower = np.maximum(received, month.start) + np.timedelta64(600, "s")
    late = (rng.random(n) >= ON_TIME) | (due <= lower)
    on_time = lower + seconds(rng.beta(1.2, 3, n) * np.maximum((due - lower).astype(np.int64), 0))
    late_at = np.maximum(due, lower) + seconds(60 + rng.exponential(2 * 86400, n))
    completed = snap_back(
        np.where(late, late_at, on_time), np.where(late, np.maximum(due, lower), lower), rng
    )
    done = (rng.random(n) >= STILL_OPEN) & (completed < month.cutoff)
    completed = np.where(done, completed, NAT)

    touched = lower + seconds(rng.exponential(6 * 3600, n))
    updated = np.where(done, completed, np.minimum(touched, month.cutoff - np.timedelta64(3600, "s")))
    late_push = rng.random(n) < ref.COUNTY_LATE_PUSH.get(county.name, 0.01)
    delay = np.where(late_push, 86400 + 60 + rng.exponential(86400, n), rng.exponential(1200, n))
    pushed = np.minimum(updated + seconds(delay), month.cutoff - np.timedelta64(1, "s"))

    r = rng.random(n)
    visit_names = np.array(VISIT_RESULTS, dtype=object)
    visit = visit_names[np.where(rng.random(n) < UNSATISFIED, 2, np.where(r < 0.8, 0, 1))]
    visit[r > 0.93] = "未回访"
    visit[~done | (r > 0.97)] = None

    category_names = np.array([*CATEGORIES, OFF_LIST_CATEGORY], dtype=object)
    short = rng.random(n) < ref.COUNTY_SHORT_TEXT.get(county.name, 0.005)
    content = texts.contents(np.minimum(category, len(CATEGORIES) - 1), rng) + CONTENT_SUFFIX[category]
    content[short] = np.array(texts.SHORT_TEXTS, dtype=object)[
        rng.integers(0, len(texts.SHORT_TEXTS), short.sum())
    ]
    reply = np.array(texts.COUNTY_REPLIES, dtype=object)[rng.integers(0, len(texts.COUNTY_REPLIES), n)]
    short_reply = rng.random(n) < ref.COUNTY_SHORT_TEXT.get(county.name, 0.005) / 2
    reply[short_reply] = "已办结"
    reply[~done] = None

    seq = first_seq + np.arange(n) + 1
    prefix = f"{county.code}{month.compact}"
    columns = {
        "record_id": np.array([f"{prefix}{s:07d}" for s in seq.tolist()], dtype=object),
        "county_code": np.full(n, county.code, dtype=object),
        "received_at": _blank(received, missing, rng),
        "channel": _blank(
            COUNTY_CHANNELS[rng.choice(COUNTY_CHANNELS.size, n, p=COUNTY_CHANNEL_P)], missing, rng
        ),
        "category": _blank(category_names[category], missing, rng),
        "content": _blank(content, ref.COUNTY_TEXT_MISSING, rng),
        "status": np.where(done, "已办结", "办理中").astype(object),
        "reply": _blank(reply, ref.COUNTY_TEXT_MISSING, rng),
        "completed_at": _blank(completed, missing, rng),
        "due_at": _blank(due, missing, rng),
        "visit_result": visit,
        "updated_at": updated,
        "pushed_at": pushed,
    }
    assert list(columns) == COUNTY_RECORDS.column_names
    return columns


def record_blocks(plan: MonthPlan, calendar: WorkCalendar, factor: float) -> Iterator[dict[str, np.ndarray]]:
    """Every county's records, county by county, in blocks of at most BLOCK_ROWS."""
    for ordinal, county in enumerate(counties(plan)):
        total = county_volume(county, factor)
        parts = max(1, math.ceil(total / BLOCK_ROWS))
        done = 0
        for part in range(parts):
            size = total // parts + (1 if part < total % parts else 0)
            yield record_block(plan, calendar, county, ordinal, part, size, done)
            done += size
