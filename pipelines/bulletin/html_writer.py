"""bulletin.html: the bulletin as one self-contained web page, readable on a phone.

The text is bulletin.md's (`render_markdown`, split by blocks.py); the key figures at the top are
values of the bulletin dict; the charts are the PNGs of charts.py, inlined as `data:` URIs. The
page loads nothing: no script, no stylesheet, font or image from anywhere (local system fonts
only), so it opens from a mail attachment or a file share without a network. Tables sit in a box
that scrolls sideways on a narrow screen; the viewport is set for phones.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from pipelines.bulletin.blocks import Block, parse_blocks, split_title
from pipelines.bulletin.charts import Chart
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.formatting import format_rate

#: chart key → the section (1 to 4) at whose end it is shown
CHART_SECTIONS = {
    "scores_by_group": 1,
    "rates_by_month": 2,
    "intake_by_channel": 2,
    "province_satisfaction": 3,
}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f2; color: #1d1d1d;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 17px; line-height: 1.8; -webkit-text-size-adjust: 100%; }
main { max-width: 860px; margin: 0 auto; background: #fff; padding: 24px 28px 40px; }
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
table { border-collapse: collapse; margin: 0 auto; font-size: 14px; line-height: 1.5; white-space: nowrap; }
th, td { border: 1px solid #999; padding: 4px 8px; text-align: center; }
th { background: #eef1f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 14px; color: #555; }
footer { margin-top: 28px; font-size: 13px; color: #777; text-indent: 0; }
@media (max-width: 600px) {
  body { font-size: 16px; background: #fff; }
  main { padding: 14px 14px 28px; }
  h1 { font-size: 21px; }
  .dateline { font-size: 13px; }
}
""".strip()

_NUMBER_CHARS = set("0123456789.-%—")


def _key_figures(bulletin: dict[str, Any]) -> list[tuple[str, str]]:
    intake, province = bulletin["intake"], bulletin["province"]
    return [
        ("受理诉求", f"{intake['total']}件"),
        ("交办服务工单", f"{intake['dispatched']}件"),
        ("按时办结率", format_rate(intake["on_time_completion_rate"])),
        ("及时签收率", format_rate(intake["timely_sign_rate"])),
        ("回访满意率", format_rate(intake["satisfaction_rate"])),
        ("省派工单", f"{province['count']}件"),
    ]


def _cell(tag: str, text: str) -> str:
    numeric = tag == "td" and text and set(text) <= _NUMBER_CHARS
    css = ' class="num"' if numeric else ""
    return f"<{tag}{css}>{escape(text)}</{tag}>"


def _table(block: Block) -> str:
    head = "".join(_cell("th", h) for h in block.header)
    body = "".join("<tr>" + "".join(_cell("td", c) for c in row) + "</tr>" for row in block.rows)
    return (
        f'<div class="table-wrap"><table data-kind="{escape(block.table_kind)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _paragraph(block: Block) -> str:
    if block.lead:
        return f'<p><span class="lead">{escape(block.lead)}</span>{escape(block.body)}</p>'
    return f"<p>{escape(block.text)}</p>"


def _figure(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure id="chart-{escape(chart.key)}"><img src="data:image/png;base64,{data}" '
        f'width="{chart.width}" height="{chart.height}" alt="{escape(chart.title)}">'
        f"<figcaption>{escape(chart.title)}</figcaption></figure>"
    )


def render_html(
    bulletin: dict[str, Any], markdown: str, settings: BulletinSettings, charts: list[Chart]
) -> str:
    """The web page of the bulletin (its text is `markdown`, the output of render_markdown)."""
    blocks = parse_blocks(markdown)
    title = next((b.text for b in blocks if b.kind == "title"), "")
    by_section: dict[int, list[Chart]] = {}
    for chart in charts:
        by_section.setdefault(CHART_SECTIONS.get(chart.key, 4), []).append(chart)

    parts: list[str] = []
    section = 0

    def close_section() -> None:
        if section:
            parts.extend(_figure(c) for c in by_section.get(section, []))
            parts.append("</section>")

    for block in blocks:
        if block.kind == "issue":
            parts.append(f'<header class="masthead"><p class="issue">{escape(block.text)}</p>')
        elif block.kind == "dateline":
            center, date = block.parts
            parts.append(f'<p class="dateline"><span>{escape(center)}</span><span>{escape(date)}</span></p>')
        elif block.kind == "title":
            lines = "<br>".join(escape(line) for line in split_title(block.text))
            parts.append(f"<h1>{lines}</h1></header>")
            figures = "".join(
                f'<li><span class="label">{escape(label)}</span>'
                f'<span class="value">{escape(value)}</span></li>'
                for label, value in _key_figures(bulletin)
            )
            parts.append(f'<ul class="figures" aria-label="主要数据">{figures}</ul>')
        elif block.kind == "heading":
            close_section()
            section = block.section
            parts.append(f'<section id="section-{section}"><h2>{escape(block.text)}</h2>')
        elif block.kind == "caption":
            parts.append(f'<p class="caption">{escape(block.text)}</p>')
        elif block.kind == "table":
            parts.append(_table(block))
        elif block.kind == "note":
            parts.append(f'<p class="note">{escape(block.text)}</p>')
        else:
            parts.append(_paragraph(block))
    close_section()
    parts.append(
        f"<footer>{escape(settings.center_name)} · {escape(bulletin['month'])} · "
        f"考评标准版本 {escape(str(bulletin['rulebook_version']))}</footer>"
    )
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n"
        f'<body>\n<main class="bulletin">\n{body}\n</main>\n</body>\n</html>\n'
    )
