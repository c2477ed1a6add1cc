"""bulletin.html: a Document (document.py) as one self-contained web page, readable on a phone.

The page is the Jinja2 template `templates/document.html.j2` (autoescape on: every text of the
document, unit names, findings and reasons included, is HTML-escaped); the charts are the PNGs of
charts.py, inlined as `data:` URIs where the document places a `ChartRef`. The page loads nothing:
no script, no stylesheet, font or image from anywhere (local system fonts only), so it opens from
a mail attachment or a file share without a network.

Screens: the text column is at most 920 px wide; the county data-quality table fits it at 1280 px
(headers wrap, numbers never do). A ranking table printed two units a row (`Table.per_row`) is
written twice: the print layout for wide screens and one unit a row (in ranking order) for phones
under 600 px, the other hidden by CSS. Any table still wider than the screen scrolls in its box.
The same renderer serves every Document (the bulletin, a unit's report card).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from functools import cache

import jinja2

from pipelines.bulletin.charts import Chart
from pipelines.bulletin.document import Document, Heading, Masthead, Section, Title

TEMPLATE = "document.html.j2"

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f2; color: #1d1d1d;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 17px; line-height: 1.8; -webkit-text-size-adjust: 100%; }
main { max-width: 920px; margin: 0 auto; background: #fff; padding: 24px 28px 40px; }
.masthead { text-align: center; }
.masthead p { text-indent: 0; }
.issue { margin: 0; font-size: 16px; text-align: center; }
.dateline { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 16px;
  margin: 8px 0 0; padding-bottom: 8px; border-bottom: 3px solid #c00000; font-size: 15px; }
h1 { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 26px; line-height: 1.5; text-align: center; margin: 24px 0; }
h2 { font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 19px; margin: 28px 0 8px; }
p { margin: 0 0 10px; text-indent: 2em; text-align: justify; }
.lead { font-family: "KaiTi", "STKaiti", "Kaiti SC", "AR PL UKai CN", serif; font-weight: bold; }
.caption { text-indent: 0; text-align: center; font-weight: bold; margin: 16px 0 6px; }
.note { text-indent: 0; font-size: 14px; color: #444; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px;
  margin: 0 0 20px; padding: 0; list-style: none; }
.figures li { border: 1px solid #d9dee7; border-radius: 6px; padding: 8px 10px; background: #f7f9fc; }
.figures .label { display: block; font-size: 13px; color: #555; }
.figures .value { display: block; font-size: 22px; font-weight: bold; color: #2f5f98; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0 0 8px; }
table { border-collapse: collapse; margin: 0 auto; font-size: 14px; line-height: 1.5; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: center; }
th { background: #eef1f6; min-width: 3.5em; }
td { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap.narrow { display: none; }
figure { margin: 16px 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 14px; color: #555; }
footer { margin-top: 28px; font-size: 13px; color: #777; text-indent: 0; }
@media (max-width: 600px) {
  body { font-size: 16px; background: #fff; }
  main { padding: 14px 14px 28px; }
  h1 { font-size: 21px; }
  .dateline { font-size: 13px; }
  .table-wrap.wide { display: none; }
  .table-wrap.narrow { display: block; }
  table { font-size: 13px; }
  th, td { padding: 3px 4px; }
}
""".strip()

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("pipelines.bulletin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_environment.globals["kind_of"] = lambda block: type(block).__name__


@cache
def _template() -> jinja2.Template:
    return _environment.get_template(TEMPLATE)


def render_html(document: Document, charts: Iterable[Chart] = (), css_class: str = "bulletin") -> str:
    """The web page of `document`; `charts` are drawn where the document refers to them by key."""
    by_key = {chart.key: chart for chart in charts}
    sections = document.sections
    head: Section | None = sections[0] if sections and sections[0].heading is None else None
    headed = [s for s in sections if s.heading is not None]
    masthead = [b for b in head.blocks if isinstance(b, Masthead | Title)] if head else []
    opening = [b for b in head.blocks if not isinstance(b, Masthead | Title)] if head else []
    return _template().render(
        document=document,
        css=CSS,
        css_class=css_class,
        masthead=masthead,
        opening=opening,
        sections=[s for s in headed if isinstance(s.heading, Heading)],
        charts=by_key,
        chart_data={key: base64.b64encode(chart.png).decode("ascii") for key, chart in by_key.items()},
    )
