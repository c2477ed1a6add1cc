"""Time-of-day helpers: intake clock times and moving instants into working hours."""

from __future__ import annotations

import numpy as np

SECOND = np.timedelta64(1, "s")
HOUR = 3600
WORK_START = 8 * HOUR
WORK_END = 18 * HOUR


def seconds(values: np.ndarray) -> np.ndarray:
    """Integer seconds as timedelta64[s]."""
    return np.asarray(values, dtype=np.int64).astype("timedelta64[s]")


def clock_of(ts: np.ndarray) -> np.ndarray:
    """Seconds since midnight of each datetime64[s]."""
    return (ts - ts.astype("datetime64[D]").astype("datetime64[s]")).astype(np.int64)


def intake_clock(n: int, rng: np.random.Generator, office_share: float) -> np.ndarray:
    """Seconds since midnight of `n` intakes: `office_share` in 08:00-18:00, the rest 07:00-23:00
    (a tenth of those at night)."""
    office = rng.integers(WORK_START, WORK_END, n)
    evening = rng.integers(7 * HOUR, 23 * HOUR, n)
    night = rng.integers(0, 24 * HOUR, n)
    r = rng.random(n)
    return np.where(
        r < office_share, office, np.where(r < office_share + (1 - office_share) * 0.9, evening, night)
    )


def snap_back(ts: np.ndarray, lower: np.ndarray, rng: np.random.Generator, share: float = 0.85) -> np.ndarray:
    """Move `share` of the instants outside 08:00-18:00 back to the last working hour before them
    (17:00-18:00 of that day or of the day before), never below `lower`.

    Moving back keeps an on-time instant on time; `lower` keeps the order of the timestamps.
    """
    clock = clock_of(ts)
    day = ts.astype("datetime64[D]").astype("datetime64[s]")
    outside = (clock < WORK_START) | (clock >= WORK_END)
    move = outside & (rng.random(ts.size) < share)
    back_day = np.where(clock < WORK_START, day - np.timedelta64(1, "D"), day)
    target = back_day + seconds(WORK_END - HOUR + rng.integers(0, HOUR, ts.size))
    return np.where(move, np.maximum(target, lower), ts)


def snap_forward(ts: np.ndarray, rng: np.random.Generator, share: float = 0.85) -> np.ndarray:
    """Move `share` of the instants outside 08:00-18:00 forward to the next 08:00-09:00.

    Moving forward keeps a late instant late and above every lower bound.
    """
    clock = clock_of(ts)
    day = ts.astype("datetime64[D]").astype("datetime64[s]")
    outside = (clock < WORK_START) | (clock >= WORK_END)
    move = outside & (rng.random(ts.size) < share)
    next_day = np.where(clock >= WORK_END, day + np.timedelta64(1, "D"), day)
    return np.where(move, next_day + seconds(WORK_START + rng.integers(0, HOUR, ts.size)), ts)
