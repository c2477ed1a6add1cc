"""Turn a generated month into the exports a platform really hands over: other formats, title rows,
stray quotes, mixed encodings… Each function rewrites one file of a landing folder in place."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
import xlwt

from pipelines.ingest.encoding import detect_csv_encoding

MONTH = "2021-02"
SCALE = 0.02
TITLE = "连云港市12345热线{title}明细表（2021年2月）"
EXPORT_INFO = "导出时间：2021-03-01 08:00:00"


def read_csv(path: Path) -> tuple[str, list[str], list[list[str]]]:
    """(encoding, header, rows) of a generated CSV."""
    encoding = detect_csv_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    return encoding, rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str, **options: object) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, **options)  # type: ignore[arg-type]
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def to_biff_xls(path: Path, title: str) -> Path:
    """CSV → a real Excel 97–2003 file, a merged title row and an export-info row above the header."""
    _, header, rows = read_csv(path)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, len(header) - 1, TITLE.format(title=title))
    sheet.write(1, 0, EXPORT_INFO)
    for r, row in enumerate([header, *rows], start=2):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    target = path.with_suffix(".xls")
    book.save(str(target))
    path.unlink()
    return target


def to_html_xls(path: Path, title: str) -> Path:
    """CSV → an HTML table saved as .xls (GBK, charset gb2312), a title row, a totals row."""
    _, header, rows = read_csv(path)

    def cells(values: list[str], tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{v}</{tag}>" for v in values) + "</tr>\n"

    body = [f'<tr><td colspan="{len(header)}">{TITLE.format(title=title)}</td></tr>\n']
    body.append(cells([EXPORT_INFO] + [""] * (len(header) - 1)))
    body.append(cells(header, "th"))
    body.extend(cells(row) for row in rows)
    body.append(cells(["合计", str(len(rows))] + [""] * (len(header) - 2)))
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        f'<body><table border="1">\n{"".join(body)}</table></body></html>\n'
    )
    target = path.with_suffix(".xls")
    target.write_bytes(page.encode("gb18030"))
    path.unlink()
    return target


def to_xlsx_with_title(path: Path, title: str, full_width: bool = False) -> Path:
    """CSV → xlsx with a merged title row, the header in row 2 (full-width if asked), a totals row."""
    _, header, rows = read_csv(path)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE.format(title=title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if full_width:  # ASCII letters, digits and '_' as their full-width forms
        header = ["".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in h) for h in header]
    sheet.append(header)
    for row in rows:
        sheet.append([v if v != "" else None for v in row])
    sheet.append(["合计"])
    target = path.with_suffix(".xlsx")
    workbook.save(target)
    path.unlink()
    return target


def with_stray_quotes(path: Path, first: int, second: int, column: str) -> None:
    """Rewrite a CSV as an export without quoting whose `column` starts with `"` in data row `first`
    and holds one `"` in data row `second` (1-based): a quoting parser swallows the rows between."""
    encoding, header, rows = read_csv(path)
    position = header.index(column)
    rows[first - 1][position] = '"' + rows[first - 1][position]
    text = rows[second - 1][position]
    rows[second - 1][position] = text[:2] + '"' + text[2:]
    lines = [",".join(header)] + [",".join(row) for row in rows]
    assert not any("," in v for row in rows for v in row), "cells with commas need quoting"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def with_encoding_change(path: Path, from_row: int) -> int:
    """Re-encode the data rows from `from_row` (1-based) in the other encoding; returns that line."""
    encoding, header, rows = read_csv(path)
    other = "utf-8" if encoding == "gb18030" else "gb18030"
    head = io.StringIO()
    csv.writer(head).writerows([header, *rows[: from_row - 1]])
    tail = io.StringIO()
    csv.writer(tail).writerows(rows[from_row - 1 :])
    path.write_bytes(head.getvalue().encode(encoding) + tail.getvalue().encode(other))
    return from_row + 1


def data_lines(path: Path) -> int:
    """Non-empty physical lines after the header: the records of an export without quoting."""
    with open(path, "rb") as handle:
        return sum(1 for number, line in enumerate(handle) if number and line.strip())


def landing_env(root: Path) -> dict[str, str]:
    return {
        "HOTLINE_LANDING": str(root / "landing"),
        "HOTLINE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "HOTLINE_OUTPUT": str(root / "output"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "HOTLINE_LOG_DIR": str(root / "logs"),
    }


@contextmanager
def environment(root: Path) -> Iterator[dict[str, str]]:
    env = landing_env(root)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        yield env

