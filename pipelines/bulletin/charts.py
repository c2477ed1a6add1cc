"""charts/*.png: the bulletin's figures drawn with matplotlib (Agg), Chinese labels in a CJK font.

Every chart reads the dict of `build_bulletin` (the figures of bulletin.json), except the month
over month chart, which also needs the earlier months: `read_rate_history` reads the platform's
three rates of every month up to M from `marts.fct_intake` (month M itself is taken from the
dict, so the chart and the text cannot disagree).

Charts are rendered in memory (`render_charts` → PNG bytes) so that the writer can write them
atomically and inline the same bytes in bulletin.html. The font is the installed CJK font found
by fonts.py, given to matplotlib explicitly; without one, CJKFontMissingError names `make setup`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.bulletin.escaping import chart_text
from pipelines.bulletin.fonts import find_cjk_font
from pipelines.bulletin.formatting import format_points, format_rate, json_number
from pipelines.bulletin.rules import BulletinRules

#: chart key → file name under charts/
CHART_FILES = {
    "scores_by_group": "scores_by_group.png",
    "intake_by_channel": "intake_by_channel.png",
    "province_satisfaction": "province_satisfaction_by_unit.png",
    "rates_by_month": "rates_by_month.png",
}
RATE_SERIES = (
    ("on_time_completion_rate", "按时办结率"),
    ("timely_sign_rate", "及时签收率"),
    ("satisfaction_rate", "回访满意率"),
)
DPI = 110
WIDTH_IN = 8.0
BAR_IN = 0.26
BLUE, RED, GREY = "#2f5f98", "#c0392b", "#7f7f7f"
LINE_COLORS = ("#2f5f98", "#d08c2c", "#c0392b")


@dataclass(frozen=True)
class Chart:
    key: str
    file_name: str
    title: str
    png: bytes
    #: every text drawn on the chart (titles, tick labels, annotations), for the glyph checks
    texts: tuple[str, ...]
    width: int
    height: int


def read_rate_history(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    """The platform's three rates of every month ≤ `month` in marts.fct_intake, oldest first."""
    columns = ", ".join(key for key, _ in RATE_SERIES)
    rows = con.execute(
        f"select month, {columns} from marts.fct_intake where month <= ? order by month", [month]
    ).fetchall()
    return [
        {
            "month": row[0],
            **{key: json_number(value) for (key, _), value in zip(RATE_SERIES, row[1:], strict=True)},
        }
        for row in rows
    ]


def rate_series(bulletin: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The months before M from `history`, then M from the bulletin dict (one source for M)."""
    month = bulletin["month"]
    current = {"month": month, **{key: bulletin["intake"][key] for key, _ in RATE_SERIES}}
    return [h for h in history if h["month"] < month] + [current]


def _month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


@contextmanager
def _cjk_style() -> Iterator[None]:
    import matplotlib

    font = find_cjk_font()
    with matplotlib.rc_context(
        {
            "font.family": [font.family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "svg.fonttype": "none",
        }
    ):
        yield


def _figure(height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, max(height_in, 2.4)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(key: str, title: str, figure) -> Chart:
    from matplotlib.text import Text

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    texts = tuple(t.get_text() for t in figure.findobj(Text) if t.get_text().strip())
    width, height = (int(round(v)) for v in figure.get_size_inches() * DPI)
    return Chart(key, CHART_FILES[key], title, buffer.getvalue(), texts, width, height)


def _empty(axes, message: str) -> None:
    axes.axis("off")
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color=GREY, transform=axes.transAxes)


def _barh(axes, names: list[str], values: list[float], labels: list[str], colors, limit: float) -> None:
    positions = list(range(len(names)))
    axes.barh(positions, values, color=colors, height=0.68)
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, limit)
    axes.set_ylim(len(names) - 0.5, -0.5)
    axes.tick_params(axis="y", length=0)
    for y, value, label in zip(positions, values, labels, strict=True):
        axes.text(value + limit * 0.01, y, label, va="center", fontsize=8.5)


def scores_by_group(bulletin: dict[str, Any]) -> Chart:
    month = bulletin["month"]
    title = f"{_month_label(month)}各单位考评得分"
    groups = [g for g in bulletin["rankings"] if bulletin["rankings"].get(g)]
    with _cjk_style():
        sizes = [len(bulletin["rankings"][g]) + 2 for g in groups] or [4]
        figure = _figure(sum(sizes) * BAR_IN + 1.2)
        figure.suptitle(title, fontsize=14)
        if not groups:
            _empty(figure.add_subplot(), "本月无参与排名的单位")
            return _png("scores_by_group", title, figure)
        grid = figure.add_gridspec(len(groups), 1, height_ratios=sizes)
        for row, group in enumerate(groups):
            ranking = bulletin["rankings"][group]
            full = bulletin.get("groups", {}).get(group, {}).get("full_marks")
            top = max([full or 0, *(e["score"] for e in ranking)])
            axes = figure.add_subplot(grid[row])
            marks = f"（满分 {format_points(full)}分）" if full else ""
            axes.set_title(chart_text(f"{group}{marks}"), loc="left", fontsize=11)
            _barh(
                axes,
                [chart_text(f"{e['rank']}. {e['unit_name']}") for e in ranking],
                [e["score"] for e in ranking],
                [format_points(e["score"]) for e in ranking],
                BLUE,
                top * 1.1,
            )
        return _png("scores_by_group", title, figure)


def intake_by_channel(bulletin: dict[str, Any]) -> Chart:
    title = f"{_month_label(bulletin['month'])}诉求受理来源"
    channels = bulletin["by_channel"]
    with _cjk_style():
        figure = _figure((len(channels) + 2) * 0.42 + 0.8)
        figure.suptitle(title, fontsize=14)
        axes = figure.add_subplot()
        if not channels:
            _empty(axes, "本月未受理诉求")
        else:
            top = max(c["count"] for c in channels)
            _barh(
                axes,
                [chart_text(c["name"]) for c in channels],
                [c["count"] for c in channels],
                [f"{c['count']}件（{format_rate(c['share'])}）" for c in channels],
                BLUE,
                top * 1.3,
            )
            axes.set_xlabel("工单数（件）")
        return _png("intake_by_channel", title, figure)


def province_satisfaction(bulletin: dict[str, Any], rules: BulletinRules) -> Chart:
    """Each unit's province satisfaction rate, the bars under the rulebook's province target red,
    a dashed line at the target."""
    title = f"{_month_label(bulletin['month'])}省派工单回访满意率（按单位）"
    units = [
        u
        for u in bulletin["province"].get("units", [])
        if u["rated"] > 0 and u["satisfaction_rate"] is not None
    ]
    units.sort(key=lambda u: (u["satisfaction_rate"], u["unit_code"]))
    with _cjk_style():
        figure = _figure((len(units) + 2) * BAR_IN + 1.0)
        figure.suptitle(title, fontsize=14)
        axes = figure.add_subplot()
        if not units:
            _empty(axes, "本月无省派工单回访评价")
        else:
            rates = [u["satisfaction_rate"] for u in units]
            target = float(rules.province_target)
            _barh(
                axes,
                [chart_text(u["unit_name"]) for u in units],
                rates,
                [f"{format_rate(u['satisfaction_rate'])}（{u['satisfied']}/{u['rated']}）" for u in units],
                [RED if r < target else BLUE for r in rates],
                125,
            )
            axes.axvline(target, color=GREY, linestyle="--", linewidth=1, gid="province-target")
            axes.text(target, -0.9, format_rate(rules.province_target), ha="center", fontsize=8.5, color=GREY)
            axes.set_xticks([0, 20, 40, 60, 80, 100], ["0%", "20%", "40%", "60%", "80%", "100%"])
            axes.set_xlabel("回访满意率（满意件数/评价件数）")
        return _png("province_satisfaction", title, figure)


def rates_by_month(bulletin: dict[str, Any], history: list[dict[str, Any]]) -> Chart:
    title = "平台按时办结率、及时签收率、回访满意率（逐月）"
    series = rate_series(bulletin, history)
    with _cjk_style():
        figure = _figure(3.8)
        figure.suptitle(title, fontsize=14)
        axes = figure.add_subplot()
        positions = list(range(len(series)))
        values = []
        for (key, label), color in zip(RATE_SERIES, LINE_COLORS, strict=True):
            points = [(x, s[key]) for x, s in zip(positions, series, strict=True) if s[key] is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            values += ys
            axes.plot(xs, ys, marker="o", color=color, label=label, linewidth=2)
            last_x, last_y = points[-1]
            axes.annotate(
                format_rate(last_y),
                (last_x, last_y),
                textcoords="offset points",
                xytext=(6, 0),
                va="center",
                fontsize=8.5,
                color=color,
            )
        axes.set_xticks(positions, [_month_label(s["month"]) for s in series])
        axes.set_xlim(-0.5, len(series) - 0.5 + 0.4)
        low = min(values, default=90)
        axes.set_ylim(max(0, min(low - 2, 90)), 101)
        axes.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}%")
        axes.grid(axis="y", color="#dddddd", linewidth=0.8)
        if values:
            axes.legend(loc="lower left", frameon=False, ncols=3)
        return _png("rates_by_month", title, figure)


def render_charts(
    bulletin: dict[str, Any], history: list[dict[str, Any]], rules: BulletinRules
) -> list[Chart]:
    """Every chart of the bulletin, in the order the web page shows them."""
    return [
        scores_by_group(bulletin),
        rates_by_month(bulletin, history),
        intake_by_channel(bulletin),
        province_satisfaction(bulletin, rules),
    ]
