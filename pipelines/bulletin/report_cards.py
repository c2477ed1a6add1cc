"""Write every ranked unit's report card of a month: `<output>/<YYYY-MM>/units/`.

- `<unit_code>.html` — one self-contained page (the chart inline), readable on a phone;
- `<unit_code>.docx` — the same card as a Word document (the chart embedded);
- `index.html` — every card of the month by group, in ranking order, linking to both files.

The cards are built from the same figures as the bulletin (`build_bulletin`, i.e. bulletin.json)
plus the times of the orders behind lost points (`marts.fct_lost_point_orders`), composed as
Documents (report_card.py) and rendered by the bulletin's own renderers. Everything is rendered in
memory, then written atomically file by file (writer.write_atomic); cards of units no longer
ranked in a re-run are removed, so the folder always holds exactly the month's ranked units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from pipelines.bulletin.card_figures import UnitCard, evidence_order_ids, read_lost_point_orders, unit_cards
from pipelines.bulletin.config import BulletinSettings, load_settings
from pipelines.bulletin.docx_writer import render_docx
from pipelines.bulletin.figures import build_bulletin
from pipelines.bulletin.formatting import format_points
from pipelines.bulletin.html_writer import CSS, render_html
from pipelines.bulletin.report_card import card_title, compose_report_card
from pipelines.bulletin.writer import write_atomic
from pipelines.bulletin.year_charts import months_label, unit_monthly_chart

UNITS_DIR = "units"
INDEX_NAME = "index.html"
INDEX_TEMPLATE = "units_index.html.j2"


@dataclass(frozen=True)
class ReportCards:
    directory: Path
    index_path: Path
    #: unit_code → (html path, docx path), by unit_code
    files: dict[str, tuple[Path, Path]]

    @property
    def count(self) -> int:
        return len(self.files)


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("pipelines.bulletin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@cache
def _index_template() -> jinja2.Template:
    return _environment.get_template(INDEX_TEMPLATE)


def render_card(card: UnitCard, bulletin: dict[str, Any], settings: BulletinSettings) -> tuple[bytes, bytes]:
    """The card's web page and Word file."""
    year = bulletin.get("year_to_date") or {"months": [], "rankings": {}}
    document = compose_report_card(card, year, settings, with_appeals="appeals" in bulletin)
    chart = unit_monthly_chart(year, card.year_entry, card.unit_name)
    html = render_html(document, [chart], css_class="report-card").encode("utf-8")
    return html, render_docx(document, [chart])


def render_index(cards: list[UnitCard], bulletin: dict[str, Any], settings: BulletinSettings) -> str:
    """units/index.html: a table per group, in ranking order, each unit linking to its two files."""
    by_code = {card.unit_code: card for card in cards}
    groups = []
    for group, ranking in bulletin["rankings"].items():
        rows = []
        for entry in ranking:
            card = by_code.get(entry["unit_code"])
            if card is None:
                continue
            year = card.year_entry
            rows.append(
                {
                    "rank": entry["rank"],
                    "unit_code": card.unit_code,
                    "unit_name": card.unit_name,
                    "score": format_points(card.total),
                    "year_score": format_points(year["score"]) if year else "—",
                    "year_rank": str(year["rank"]) if year else "—",
                    "title": card_title(card),
                }
            )
        if rows:
            groups.append({"name": group, "heading": settings.group(group).heading, "rows": rows})
    month = bulletin["month"]
    months = (bulletin.get("year_to_date") or {}).get("months", [])
    return _index_template().render(
        css=CSS,
        title=f"{int(month[:4])}年 {int(month[5:])}月份各单位考评明细",
        center=settings.center_name,
        month=month,
        year_span=months_label(months),
        groups=groups,
        count=len(cards),
    )


@dataclass(frozen=True)
class CardFigures:
    """What the cards of a month are rendered from (read from the warehouse, nothing else)."""

    bulletin: dict[str, Any]
    cards: list[UnitCard]


def read_card_figures(con: duckdb.DuckDBPyConnection, month: str) -> CardFigures:
    """The month's figures (as bulletin.json) and a card per ranked unit."""
    bulletin = build_bulletin(con, month)
    orders = read_lost_point_orders(con, month, evidence_order_ids(bulletin))
    return CardFigures(bulletin, unit_cards(bulletin, orders))


def write_cards(figures: CardFigures, output_dir: Path, settings_path: Path) -> ReportCards:
    """Render every card and the index in memory, then write them (no warehouse needed)."""
    settings = load_settings(settings_path)
    bulletin, cards = figures.bulletin, figures.cards
    rendered = {card.unit_code: render_card(card, bulletin, settings) for card in cards}
    index = render_index(cards, bulletin, settings)

    directory = Path(output_dir) / bulletin["month"] / UNITS_DIR
    files: dict[str, tuple[Path, Path]] = {}
    for code, (html, docx) in rendered.items():
        html_path, docx_path = directory / f"{code}.html", directory / f"{code}.docx"
        write_atomic(html_path, html)
        write_atomic(docx_path, docx)
        files[code] = (html_path, docx_path)
    index_path = directory / INDEX_NAME
    write_atomic(index_path, index)
    keep = {p for pair in files.values() for p in pair} | {index_path}
    for stale in directory.iterdir():
        if stale.is_file() and stale.suffix in (".html", ".docx") and stale not in keep:
            stale.unlink()
    return ReportCards(directory=directory, index_path=index_path, files=dict(sorted(files.items())))


def write_report_cards(
    con: duckdb.DuckDBPyConnection, month: str, output_dir: Path, settings_path: Path
) -> ReportCards:
    """Build and write every ranked unit's card of `month` and the index; returns their paths."""
    return write_cards(read_card_figures(con, month), output_dir, settings_path)
