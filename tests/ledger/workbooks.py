"""Ledger files built in code, the way counties publish them: merged title, unit line,
two-row merged header, section rows with counts, subtotals, a total that does not add up,
notes, blank rows, full-width digits, 约/超 values and units in cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

HEADER_TOP = ["序号", "项目名称", "项目代码", "建设内容及规模", "建设起止年限", "总投资（万元）",
              "截至上年底累计完成", "2026年计划", "", "业主单位", "属地", "责任单位", "联系领导", "备注"]
HEADER_SUB = ["", "", "", "", "", "", "", "投资（万元）", "形象进度目标", "", "", "", "", ""]

#: The four projects of the published plan (values as the file writes them).
PROJECTS = [
    ["1", "智能家电产业园一期", "2409-330282-89-01-100001", "新建厂房12万平方米", "2024-2027", "12,000", 3000, "4000",
     "主体结顶", "宁波测试电器有限公司", "匡堰镇", "自然资源和规划局", "", ""],
    ["2", "高端轴承扩产项目", "", "年产轴承2000万套", "２０２４年－２０２８年", "超6亿元", "１５０００", "约3500",
     "设备安装", "工贸集团", "匡堰", "", "", "总投资为约数"],
    ["1", "新材料研发中心", "", "研发楼3万平方米", "2026.3-2027.12", "0.5亿元", "—", 1200,
     "3月开工", "宁波测试电器有限公司", "匡堰镇", "经信局", "", ""],
    ["1", "滨海大道改造工程", "2309-330282-04-01-100004", "道路改造8公里", "2023—2026", 20000, 15000.5, 4999.5,
     "完工通车", "城发集团", "慈溪市", "住建局", "", ""],
]
#: Exact totals of the four rows, in 万元.
TOTAL = 12000 + 60000 + 5000 + 20000
PLANNED = 4000 + 3500 + 1200 + 4999.5
OPENING = 3000 + 15000 + 15000.5


def plan_rows(projects=None, *, grand_total=999999):
    p = [list(r) for r in (projects or PROJECTS)]  # copies: callers change cells of the rows they get
    width = len(HEADER_TOP)

    def blank():
        return [""] * width

    def section(text, count=None, total=None, planned=None):
        row = blank()
        row[0] = text
        if total is not None:
            row[5] = total
            row[7] = planned
        return row

    rows = [
        ["2026年慈溪市重大项目年度计划表"] + [""] * (width - 1),
        [""] * (width - 2) + ["单位：万元", ""],
        HEADER_TOP,
        HEADER_SUB,
        section("一、产业项目（3项）", total=77000, planned=8700),
        section("（一）续建项目（2项）"),
        p[0],
        p[1],
        ["", "小计", "", "", "", 72000, 18000, 7500, "", "", "", "", "", ""],
        section("（二）新开工项目（1项）"),
        p[2],
        section("二、基础设施项目（1项）"),
        section("（一）续建项目"),
        p[3],
        blank(),
        ["", "合计", "", "", "", grand_total, "", "", "", "", "", "", "", ""],
        ["注：1. 本表金额单位为万元。2. 总投资带“超”“约”者为估算数。"] + [""] * (width - 1),
    ]
    return rows


def plan_workbook(path: Path, rows=None, *, merges=True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2026年计划"
    for row in rows or plan_rows():
        ws.append(row)
    if merges:
        ws.merge_cells("A1:N1")
        for col in "ABCDEFGJKLMN":
            ws.merge_cells(f"{col}3:{col}4")
        ws.merge_cells("H3:I3")
    wb.save(path)
    return path


def simple_workbook(path: Path, rows: list[list], header=None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header or ["序号", "项目名称", "建设起止年限", "总投资（亿元）", "业主单位", "属地"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)
