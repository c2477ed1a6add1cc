"""Year-to-date charts (rules.md "Year to date"), drawn from bulletin.json's `year_to_date`.

- `year_group_charts(bulletin)` — one chart per ranked group (the bulletin, section 一): each unit
  of the group's year-to-date ranking (a row, in ranking order) over the months of the year run so
  far (columns), the cell showing the month's total, shaded by it; a blank cell is a month the unit
  was not ranked. A grid rather than lines: a group has up to 50 units, and 50 crossing lines
  cannot be read; a row per unit can, on paper and on a phone.
- `unit_monthly_chart(bulletin, unit_code)` — one unit's monthly totals of the year (its report
  card): a bar per month run, `未排名` where it was not ranked, a dashed line at its year-to-date
  score.

Like charts.py, rendered in memory to PNG with the installed CJK font; nothing is computed here.
"""

from __future__ import annotations

import io
from typing import Any

from pipelines.bulletin.charts import BLUE, DPI, GREY, RED, Chart, _cjk_style, _figure
from pipelines.bulletin.escaping import chart_text
from pipelines.bulletin.formatting import format_points, glue

YEAR_CHART_PREFIX = "year_to_date"
UNIT_CHART_KEY = "monthly_totals"
ROW_IN = 0.3
CARD_WIDTH_IN = 6.0


def year_chart_key(index: int) -> str:
    """The key (and file stem under charts/) of the index-th group's chart (1-based)."""
    return f"{YEAR_CHART_PREFIX}_{index}"


def _png(key: str, file_name: str, title: str, figure) -> Chart:
    from matplotlib.text import Text

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    texts = tuple(t.get_text() for t in figure.findobj(Text) if t.get_text().strip())
    width, height = (int(round(v)) for v in figure.get_size_inches() * DPI)
    return Chart(key, file_name, title, buffer.getvalue(), texts, width, height)


def _month_tick(month: str) -> str:
    return f"{int(month[5:])}月"


def months_label(months: list[str]) -> str:
    """`2021年 1—2月`, `2021年 3月` (the months of the year to date)."""
    if not months:
        return ""
    year = int(months[0][:4])
    first, last = int(months[0][5:]), int(months[-1][5:])
    return f"{year}年 {first}月" if first == last else f"{year}年 {first}—{last}月"


def group_chart_title(group: str, months: list[str]) -> str:
    return glue(group, f"{months_label(months)}逐月得分（年度累计排名顺序）")


def group_chart(index: int, group: str, bulletin: dict[str, Any]) -> Chart:
    """The index-th group's units (rows, year-to-date order) × the months run (columns)."""
    year = bulletin["year_to_date"]
    months: list[str] = year["months"]
    ranking = year["rankings"].get(group, [])
    key = year_chart_key(index)
    title = group_chart_title(group, months)
    full = (bulletin.get("groups", {}).get(group, {}) or {}).get("full_marks") or 100
    with _cjk_style():
        figure = _figure((len(ranking) + 2) * ROW_IN + 1.0)
        figure.suptitle(chart_text(title), fontsize=13)
        axes = figure.add_subplot()
        if not ranking or not months:
            axes.axis("off")
            axes.text(0.5, 0.5, "本年度无参与排名的单位", ha="center", va="center", color=GREY)
            return _png(key, f"{key}.png", title, figure)
        import numpy as np

        grid = np.full((len(ranking), len(months)), np.nan)
        for row, entry in enumerate(ranking):
            for point in entry["monthly"]:
                if point["month"] in months and point["score"] is not None:
                    grid[row, months.index(point["month"])] = point["score"]
        low = float(np.nanmin(grid)) if np.isfinite(grid).any() else 0.0
        axes.imshow(
            np.ma.masked_invalid(grid),
            aspect="auto",
            cmap="Blues",
            vmin=min(low, float(full) * 0.6),
            vmax=float(full) * 1.15,
            interpolation="nearest",
        )
        for row in range(len(ranking)):
            for column in range(len(months)):
                value = grid[row, column]
                if np.isfinite(value):
                    axes.text(column, row, format_points(float(value)), ha="center", va="center", fontsize=8)
        axes.set_xticks(range(len(months)), [_month_tick(m) for m in months])
        axes.xaxis.tick_top()
        axes.set_yticks(
            range(len(ranking)),
            [
                chart_text(f"{e['rank']}. {e['unit_name']}（累计 {format_points(e['score'])}）")
                for e in ranking
            ],
            fontsize=8.5,
        )
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        return _png(key, f"{key}.png", title, figure)


def year_group_charts(bulletin: dict[str, Any]) -> list[Chart]:
    """One chart per ranked group of the year-to-date ranking, in the groups' order."""
    groups = list(bulletin["year_to_date"]["rankings"])
    return [group_chart(index, group, bulletin) for index, group in enumerate(groups, start=1)]


def unit_monthly_chart(year: dict[str, Any], entry: dict[str, Any] | None, unit_name: str) -> Chart:
    """A unit's totals over the months of the year run so far (`year`: bulletin.json's
    `year_to_date`; `entry`: the unit's entry of its year ranking, None when absent)."""
    months: list[str] = year["months"]
    title = glue(unit_name, f"{months_label(months)}逐月得分")
    scores = {p["month"]: p["score"] for p in (entry or {}).get("monthly", [])}
    with _cjk_style():
        figure = _figure(2.6)
        figure.set_size_inches(CARD_WIDTH_IN, 2.6)
        figure.suptitle(chart_text(title), fontsize=12)
        axes = figure.add_subplot()
        positions = list(range(len(months)))
        values = [scores.get(m) for m in months]
        heights = [v if v is not None else 0 for v in values]
        axes.bar(positions, heights, color=BLUE, width=0.6)
        top = max([v for v in values if v is not None], default=100)
        for x, value in zip(positions, values, strict=True):
            label, color = (format_points(value), "black") if value is not None else ("未排名", RED)
            axes.text(
                x, (value or 0) + top * 0.02, label, ha="center", va="bottom", fontsize=8.5, color=color
            )
        if entry is not None and entry.get("score") is not None:
            axes.axhline(entry["score"], color=GREY, linestyle="--", linewidth=1)
            axes.text(
                len(months) - 0.5,
                entry["score"],
                f"累计 {format_points(entry['score'])}",
                ha="right",
                va="bottom",
                fontsize=8,
                color=GREY,
            )
        axes.set_xticks(positions, [_month_tick(m) for m in months])
        axes.set_xlim(-0.6, max(len(months), 3) - 0.4)
        axes.set_ylim(0, top * 1.2)
        return _png(UNIT_CHART_KEY, f"{UNIT_CHART_KEY}.png", title, figure)
