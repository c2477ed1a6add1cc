"""Write the corpus of faulty exports (run once; the files are committed next to expected.yaml).

`.venv/bin/python tests/exports/corpus/build.py` rewrites every file. The binary ones are made with
xlwt (real Excel 97–2003 BIFF) and openpyxl (xlsx); the rest are bytes written as a platform would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent
UNITS_HEADER = "unit_code,unit_name,unit_group"
ORDERS_HEADER = (
    "order_id,received_at,channel,category,handling,dispatch_level,supervision,unit_code,dispatched_at,"
    "sign_deadline,signed_at,due_at,completed_at,visit_result,caller_phone,content"
)


def order_line(order_id: str, content: str, unit: str = "U01") -> str:
    return (
        f"{order_id},2021-02-01 09:00:00,电话,投诉,交办,市派,0,{unit},2021-02-01 10:00:00,,"
        f"2021-02-01 11:00:00,,2021-02-05 16:30:00,满意,13812345678,{content}"
    )


def write(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    path = HERE / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def text_files() -> None:
    # issue 8, point 2: the smallest form (4 records, a naive parser reads 2)
    write("units__stray_quote_smallest.csv", f'{UNITS_HEADER}\n1,"x,y\n2,y,z\n3,"p",q\n4,r,s\n')
    write("units__stray_quote_never_closed.csv", f'{UNITS_HEADER}\nU01,"城管局,县区\nU02,水务局,县区\n')
    write(
        "units__stray_quote_with_quoted_commas.csv",
        f'{UNITS_HEADER}\nU01,"城管,局",县区\nU02,"水务局,县区\nU03,交通局,县区\nU04,住建局",县区\n',
    )
    # an export without quoting: content starts with a quote in row 3, another holds one in row 6
    lines = [ORDERS_HEADER]
    for i in range(1, 9):
        content = {3: '"路灯不亮', 6: '噪音扰民"严重'}.get(i, "路灯不亮")
        lines.append(order_line(f"A{i}", content))
    write("orders__unquoted_export_with_stray_quotes.csv", "\n".join(lines) + "\n")
    multiline = '"第一行，有逗号,\n第二行"'
    doubled = '"他说""好的"""'
    write(
        "orders__quoted_multiline_content.csv",
        f"{ORDERS_HEADER}\n{order_line('A1', multiline)}\n{order_line('A2', doubled)}\n",
    )
    write(
        "units__title_rows.csv",
        f"某市12345热线成员单位表（2021年2月）\n导出时间：2021-03-01 08:00:00,导出人：管理员\n\n"
        f"{UNITS_HEADER}\nU01,城管局,县区\nU02,水务局,县区\n",
        encoding="gb18030",
    )
    write("units__no_header.csv", "U01,城管局,县区\nU02,水务局,县区\n")
    write("units__bom_crlf.csv", "\ufeff单位编码,单位名称,考评组\r\nU01,城管局,县区\r\nU02,水务局,县区\r\n")
    write(
        "units__gbk_then_utf8.csv",
        f"{UNITS_HEADER}\nU01,城管局,县区\nU02,水务局,县区\n".encode("gb18030")
        + "U03,交通运输局,市级部门及单位\n".encode(),
    )
    write(
        "units__utf8_then_gbk.csv",
        f"{UNITS_HEADER}\nU01,城管局,县区\nU02,水务局,县区\n".encode()
        + "U03,交通运输局,县区\n".encode("gbk"),
    )
    write("units__tab_suffix_ids.csv", f"{UNITS_HEADER}\nU01\t,城管局,县区\n\tU02,水务局\t,县区\n")
    write("units__trailing_empty_columns.csv", f"{UNITS_HEADER},,\nU01,城管局,县区,,\nU02,水务局,县区,,\n")
    write(
        "inspections__excel_date_serials.csv",
        "inspection_id,unit_code,inspected_at,item,passed,finding\n"
        "I1,U01,44228.5,答复规范,1,\nI2,U01,2021-02-02 09:00:00,首次回应,是,\n",
    )
    write("units__tab_separated_text.xls", "unit_code\tunit_name\tunit_group\nU01\t城管局\t县区\n")
    write("units__unread_extension.ods", b"PK\x03\x04 not read: an OpenDocument spreadsheet")
    write("units__empty.csv", b"")
    write(
        "units__html_without_table.xls",
        "<html><head><meta charset='utf-8'></head><body><p>导出失败</p></body></html>",
    )
    write(
        "units__html_table.xls",
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            '<table border="1"><tr><td colspan="3">成员单位表（2021年2月）</td></tr>'
            "<tr><th>单位编码</th><th>单位名称</th><th>考评组</th></tr>"
            "<tr><td>U01</td><td>城管局</td><td>县区</td></tr>"
            "<tr><td>U02</td><td> 水务局 </td><td>县区</td></tr></table></body></html>"
        ).encode("gbk"),
    )
    sci = [ORDERS_HEADER] + [order_line("2.02102E+12", "路灯不亮") for _ in range(4)]
    write("orders__excel_scientific_ids.csv", "\n".join(sci) + "\n")


def binary_files() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("成员单位")
    sheet.write_merge(0, 0, 0, 2, "成员单位表（2021年2月）")
    for col, name in enumerate(["单位编码", "单位名称", "考评组"]):
        sheet.write(1, col, name)
    for row, values in enumerate([["U01", "城管局", "县区"], ["U02", "水务局", "县区"]], start=2):
        for col, value in enumerate(values):
            sheet.write(row, col, value)
    book.save(str(HERE / "units__biff_with_merged_title.xls"))

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("inspections")
    header = ["抽检编号", "单位编码", "抽检时间", "抽检项目", "是否通过", "问题描述"]
    for col, name in enumerate(header):
        sheet.write(0, col, name)
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    sheet.write(1, 0, "I1")
    sheet.write(1, 1, "U01")
    sheet.write(1, 2, dt.datetime(2021, 2, 3, 14, 30), date)
    sheet.write(1, 3, "答复规范")
    sheet.write(1, 4, 1)
    sheet.write(2, 0, 2)  # a numeric id cell
    sheet.write(2, 1, "U01")
    sheet.write(2, 2, 44230.25)  # a date whose format was lost: an Excel serial
    sheet.write(2, 3, "首次回应")
    sheet.write(2, 4, "否")
    sheet.write(2, 5, "未联系")
    book.save(str(HERE / "inspections__biff_dates_and_serials.xls"))

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["某市12345热线成员单位表（2021年2月）"])
    ws.merge_cells("A1:C1")
    ws.append(["导出时间：2021-03-01", None, "导出人：管理员"])
    ws.append(["单位编码", "单位名称", "考评组"])
    ws.append(["U01", "城管局", "县区"])
    ws.append(["U02", "水务局", "县区"])
    ws.append(["合计", None, None])
    workbook.save(HERE / "units__title_and_totals.xlsx")

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["ＵＮＩＴ＿ＣＯＤＥ", " 单位名称 ", "*考评组"])
    ws.append(["U01", "城管局", "县区"])
    workbook.save(HERE / "units__fullwidth_and_marked_headers.xlsx")

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["单位\n编码", "单位名称", "考评组"])
    ws.append(["U01", "城管局", "县区"])
    workbook.save(HERE / "units__header_with_line_break.xlsx")

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["B5"] = "单位编码"
    ws["C5"] = "单位名称"
    ws["D5"] = "考评组"
    ws["B6"] = "U01"
    ws["C6"] = "城管局"
    ws["D6"] = "县区"
    workbook.save(HERE / "units__blank_rows_and_column_before_header.xlsx")


if __name__ == "__main__":
    text_files()
    binary_files()
