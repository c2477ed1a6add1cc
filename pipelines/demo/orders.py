"""One block of orders (a slot of the month plan, or part of it), as numpy columns.

Every row keeps the contract's rules by construction: received_at <= dispatched_at <= signed_at
<= completed_at, all < cutoff; carried-over rows (slot 0) are 交办, dispatched before M_start and
completed at or after M_start (or still open). Failures (late sign, late completion, 不满意) are
drawn per unit from reference.behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.contract import CATEGORIES, CHANNELS, ORDERS
from pipelines.demo import reference as ref
from pipelines.demo import texts
from pipelines.demo.clock import intake_clock, seconds, snap_back, snap_forward
from pipelines.demo.volumes import STREAM_ORDERS, Block, MonthPlan, rng_for
from pipelines.demo.workdays import WorkCalendar

NAT = np.datetime64("NaT", "s")

#: rules.md "Time limits": working days to complete, by category (contract.CATEGORIES order)
COMPLETE_DAYS_CITY = np.array([3, 5, 5, 10, 3, 15, 15])
COMPLETE_DAYS_PROVINCE = np.array([2, 5, 5, 10, 2, 15, 15])
SIGN_DAYS = 1

#: shares of dispatched orders whose export leaves deadlines empty, or carries an extension
BLANK_BOTH, BLANK_DUE, BLANK_SIGN = 0.025, 0.01, 0.005
EXTENSION = 0.01
#: visits of completed dispatched orders: not recorded, 未回访; the rest are rated
VISIT_NULL, VISIT_NOT_DONE = 0.07, 0.05
SATISFIED_NOT_BASIC = 0.8
#: carried-over orders: share dispatched within the last 10 days before M (the rest 11-30 days)
CARRIED_RECENT = 0.8

_CAT = {name: i for i, name in enumerate(CATEGORIES)}
_CHAN = {name: i for i, name in enumerate(CHANNELS)}
CHANNEL_NAMES = np.array(CHANNELS, dtype=object)
CATEGORY_NAMES = np.array(CATEGORIES, dtype=object)


def _normalised(p: tuple[float, ...]) -> np.ndarray:
    arr = np.array(p, dtype=float)
    return arr / arr.sum()


CATEGORY_P = {seg: _normalised(p) for seg, p in ref.CATEGORY_GIVEN_SEGMENT.items()}
CHANNEL_P = {_CAT[c]: _normalised(p) for c, p in ref.CHANNEL_GIVEN_CATEGORY.items()}
PHONE_ALWAYS = np.array([c in ref.PHONE_CHANNELS for c in CHANNELS])
PHONE_NEVER = np.array([c in ("监督员上报", "视频监控") for c in CHANNELS])


@dataclass(frozen=True)
class OrderContext:
    """What every block needs, computed once a month."""

    plan: MonthPlan
    calendar: WorkCalendar
    unit_codes: np.ndarray
    unit_local: np.ndarray
    sign_late: np.ndarray
    complete_late: np.ndarray
    unsatisfied_city: np.ndarray
    unsatisfied_province: np.ndarray
    cell_unit: np.ndarray
    cell_province: np.ndarray
    id_width: int

    @classmethod
    def build(cls, plan: MonthPlan) -> OrderContext:
        units = plan.units
        behaviour = [ref.behaviour(u.name) for u in units]
        return cls(
            plan=plan,
            calendar=WorkCalendar.around(plan.month),
            unit_codes=np.array([u.code for u in units], dtype=object),
            unit_local=np.array([u.group in ("县区", "区及功能板块") for u in units]),
            sign_late=np.array([b.sign_late for b in behaviour]),
            complete_late=np.array([b.complete_late for b in behaviour]),
            unsatisfied_city=np.array([b.unsatisfied_city for b in behaviour]),
            unsatisfied_province=np.array([b.unsatisfied_province for b in behaviour]),
            cell_unit=plan.cell_unit(),
            cell_province=plan.cell_province(),
            id_width=max(7, len(str(plan.total))),
        )


@dataclass
class OrderRows:
    """A block of orders: the contract columns plus what the month figures need."""

    columns: dict[str, np.ndarray]
    unit: np.ndarray
    province: np.ndarray
    carried: bool
    #: deadlines as the rules compute them (filled even where the export leaves them empty)
    sign_deadline: np.ndarray
    due_at: np.ndarray

    def __len__(self) -> int:
        return int(self.unit.size)


def _categories(segment: np.ndarray, tiny: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    category = np.zeros(segment.size, dtype=np.int64)
    for seg, p in CATEGORY_P.items():
        rows = np.flatnonzero(segment == seg)
        category[rows] = rng.choice(len(CATEGORIES), rows.size, p=p)
    # orders of a unit with very few orders stay due within the month
    category[tiny & (COMPLETE_DAYS_CITY[category] > 5)] = _CAT["求助"]
    return category


def _channels(category: np.ndarray, province: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    channel = np.full(category.size, _CHAN[ref.PROVINCE_CHANNEL], dtype=np.int64)
    for cat, p in CHANNEL_P.items():
        rows = np.flatnonzero((category == cat) & ~province)
        channel[rows] = rng.choice(len(CHANNELS), rows.size, p=p)
    return channel


def _intake_times(
    block: Block, ctx: OrderContext, channel: np.ndarray, dispatched: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(received_at, dispatched_at); dispatched_at is NaT for 直接办理."""
    month = ctx.plan.month
    n = channel.size
    lag = seconds(60 + rng.exponential(25 * 60, n))
    if block.carried:
        age = np.where(rng.random(n) < CARRIED_RECENT, rng.integers(1, 11, n), rng.integers(11, 31, n))
        day = month.start - age.astype("timedelta64[D]").astype("timedelta64[s]")
        sent = day + seconds(intake_clock(n, rng, office_share=0.9))
        return sent - lag, sent
    day = month.start + np.timedelta64(block.slot - 1, "D").astype("timedelta64[s]")
    supervisor = channel == _CHAN["监督员上报"]
    clock = np.where(supervisor, intake_clock(n, rng, 0.95), intake_clock(n, rng, 0.75))
    received = day + seconds(clock)
    sent = np.minimum(received + lag, month.cutoff - np.timedelta64(1, "s"))
    return received, np.where(dispatched, sent, NAT)


def _handle(
    ctx: OrderContext,
    block: Block,
    unit: np.ndarray,
    province: np.ndarray,
    category: np.ndarray,
    tiny: np.ndarray,
    sent: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Deadlines, sign-in, completion and visit of dispatched orders (all arrays of the subset)."""
    month = ctx.plan.month
    cal = ctx.calendar
    m = unit.size
    sign_deadline = cal.add_workdays(sent, SIGN_DAYS)
    limit = np.where(province, COMPLETE_DAYS_PROVINCE[category], COMPLETE_DAYS_CITY[category])
    extended = (rng.random(m) < EXTENSION) & ~tiny
    limit = limit + extended * rng.choice(np.array([5, 10]), m)
    due = cal.add_workdays(sent, limit)

    # sign-in
    late_sign = rng.random(m) < ctx.sign_late[unit]
    window = (sign_deadline - sent).astype(np.int64)
    on_time = sent + seconds(rng.beta(1, 12, m) * window)
    late = sign_deadline + seconds(60 + rng.exponential(8 * 3600, m))
    signed = np.where(late_sign, snap_forward(late, rng), snap_back(on_time, sent, rng))
    unsigned = signed >= month.cutoff

    # completion
    lower = np.maximum(signed, month.start + np.timedelta64(60, "s")) if block.carried else signed
    late_done = (rng.random(m) < ctx.complete_late[unit]) | (due <= lower)
    span = (due - lower).astype(np.int64)
    on_time = lower + seconds(rng.beta(1.2, 3, m) * np.maximum(span, 0))
    late_from = np.maximum(due, lower)
    late = late_from + seconds(60 + rng.exponential(2 * 86400, m))
    completed = np.where(late_done, snap_forward(late, rng), snap_back(on_time, lower, rng))
    open_ = unsigned | (completed >= month.cutoff)
    completed = np.where(open_, NAT, completed)
    signed = np.where(unsigned, NAT, signed)

    # visit
    r = rng.random(m)
    unsatisfied_p = np.where(province, ctx.unsatisfied_province[unit], ctx.unsatisfied_city[unit])
    unsatisfied = rng.random(m) < unsatisfied_p
    basic = rng.random(m) >= SATISFIED_NOT_BASIC
    visit = np.where(unsatisfied, "不满意", np.where(basic, "基本满意", "满意")).astype(object)
    visit[r < VISIT_NULL + VISIT_NOT_DONE] = "未回访"
    visit[(r < VISIT_NULL) | open_] = None

    # what the export leaves empty (never an extended deadline: it could not be recomputed)
    b = np.where(extended, 1.0, rng.random(m))
    shown_sign = np.where(
        (b < BLANK_BOTH) | ((b >= BLANK_BOTH + BLANK_DUE) & (b < BLANK_BOTH + BLANK_DUE + BLANK_SIGN)),
        NAT,
        sign_deadline,
    )
    shown_due = np.where(b < BLANK_BOTH + BLANK_DUE, NAT, due)
    return {
        "sign_deadline": sign_deadline, "due_at": due, "shown_sign": shown_sign, "shown_due": shown_due,
        "signed_at": signed, "completed_at": completed, "visit_result": visit,
    }  # fmt: skip


def _order_ids(block: Block, ctx: OrderContext, received: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`GD` + month received + sequence. Carried-over orders keep their earlier month's id: one
    sequence number per bucket of that series, so they are unique too."""
    plan = ctx.plan
    width = ctx.id_width
    n = received.size
    index = block.first_seq + np.arange(n, dtype=np.int64)
    if not block.carried:
        prefix = f"GD{plan.month.compact}"
        return np.array([f"{prefix}{s:0{width}d}" for s in (index + 1).tolist()], dtype=object)
    step = max(1, plan.total // max(1, plan.carried_over))
    seq = index * step + 1 + rng.integers(0, step, n)
    months = np.datetime_as_string(received.astype("datetime64[M]")).tolist()
    return np.array(
        [f"GD{m[:4]}{m[5:7]}{s:0{width}d}" for m, s in zip(months, seq.tolist(), strict=True)], dtype=object
    )


def generate_block(block: Block, ctx: OrderContext) -> OrderRows:
    """The orders of one block, sorted by received_at, with their ids."""
    plan = ctx.plan
    rng = rng_for(plan.seed, plan.month, STREAM_ORDERS, block.slot, block.part)
    cell = np.repeat(np.arange(block.cell_counts.size), block.cell_counts)
    n = cell.size
    unit = ctx.cell_unit[cell]
    province = ctx.cell_province[cell]
    dispatched = unit >= 0
    tiny = plan.tiny[cell]
    local = ctx.unit_local[np.maximum(unit, 0)]
    segment = np.select(
        [~dispatched, province, local],
        [ref.SEGMENT_DIRECT, ref.SEGMENT_PROVINCE, ref.SEGMENT_LOCAL],
        ref.SEGMENT_DEPARTMENT,
    )
    category = _categories(segment, tiny, rng)
    channel = _channels(category, province, rng)
    received, sent = _intake_times(block, ctx, channel, dispatched, rng)

    d = np.flatnonzero(dispatched)
    h = _handle(ctx, block, unit[d], province[d], category[d], tiny[d], sent[d], rng)

    def spread(values: np.ndarray, fill: object) -> np.ndarray:
        out = np.full(n, fill, dtype=values.dtype)
        out[d] = values
        return out

    # 直接办理: closed by the hotline within minutes; a few visited
    direct_done = np.minimum(received + seconds(120 + rng.integers(0, 900, n)), plan.month.cutoff - 1)
    completed = np.where(dispatched, spread(h["completed_at"], NAT), direct_done)
    r = rng.random(n)
    direct_visit = np.where(r < 0.04, "满意", np.where(r < 0.05, "基本满意", None)).astype(object)
    visit = np.where(dispatched, spread(h["visit_result"], None), direct_visit)

    has_phone = PHONE_ALWAYS[channel] | (~PHONE_NEVER[channel] & (rng.random(n) < 0.4))
    phone = texts.phones(n, rng)
    phone[~has_phone] = None
    supervision = province & (rng.random(n) < ref.SUPERVISION_SHARE_OF_PROVINCE)

    columns: dict[str, np.ndarray] = {
        "received_at": received,
        "channel": CHANNEL_NAMES[channel],
        "category": CATEGORY_NAMES[category],
        "handling": np.where(dispatched, "交办", "直接办理").astype(object),
        "dispatch_level": np.where(dispatched, np.where(province, "省派", "市派"), None).astype(object),
        "supervision": supervision,
        "unit_code": np.where(dispatched, ctx.unit_codes[np.maximum(unit, 0)], None).astype(object),
        "dispatched_at": sent,
        "sign_deadline": spread(h["shown_sign"], NAT),
        "signed_at": spread(h["signed_at"], NAT),
        "due_at": spread(h["shown_due"], NAT),
        "completed_at": completed,
        "visit_result": visit,
        "caller_phone": phone,
        "content": texts.contents(category, rng),
    }
    order = np.lexsort((cell, received))
    columns = {name: values[order] for name, values in columns.items()}
    columns = {"order_id": _order_ids(block, ctx, columns["received_at"], rng), **columns}
    assert list(columns) == ORDERS.column_names
    return OrderRows(
        columns=columns,
        unit=unit[order],
        province=province[order],
        carried=block.carried,
        sign_deadline=spread(h["sign_deadline"], NAT)[order],
        due_at=spread(h["due_at"], NAT)[order],
    )
