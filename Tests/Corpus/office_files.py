#!/usr/bin/env python3
"""Generate a corpus of "office" files from the bundled sample data.

Usage: python3 office_files.py SAMPLE_DIR OUT_DIR

SAMPLE_DIR is a sample package such as Sources/tongbao/Sample/yubei-2021-07
(only cases.csv, units.csv and tongban.csv are read). Every case of CASES is
written into OUT_DIR under its exact name: a file, a folder or a zip. The cases
imitate the way district units save Excel and CSV files by hand (GBK, BOMs,
title rows, merged two-row headers, total rows, full-width digits, Windows
zips, old .xls, ...). Cases 01-31 carry exactly the sample's figures for all
units; the "m" cases are deliberate mistakes the importer must report.

Needs the standard library plus openpyxl and xlwt
(python3 -m pip install openpyxl xlwt). Case 22 also needs LibreOffice
(`soffice` on PATH) and is skipped without it. Prints nothing on success.
"""

import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime

try:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    import xlwt
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"office_files.py: {error}; install with: python3 -m pip install openpyxl xlwt")

# ---------------------------------------------------------------------------
# Sample data
# ---------------------------------------------------------------------------

FIELDS = [
    "period", "unit", "recv_immediate", "recv_promised", "done_immediate",
    "done_promised", "ytd_recv", "ytd_done", "proxy",
]
FIGURES = FIELDS[2:]
CN = {
    "period": "月份", "unit": "单位", "recv_immediate": "即办接件", "recv_promised": "承诺接件",
    "done_immediate": "即办办结", "done_promised": "承诺办结", "ytd_recv": "本年累计接件",
    "ytd_done": "本年累计办结", "proxy": "村居代办量",
}
CN_HEADER = [CN[f] for f in FIELDS]
TONGBAN_HEADER = ["月份", "单位", "通办类型", "本月", "全年"]
TIERS = ["center", "subcenter", "town"]
TIER_CN = {"center": "区行政服务中心", "subcenter": "分中心", "town": "镇街"}

TITLE = "渝北区2021年7月办件统计表"
FIXED_TIME = (2021, 8, 5, 9, 30, 0)  # zip entry time of the hand-made zips


class Sample:
    """The three sample tables: case rows (figures as int or None), units and 通办 rows."""

    def __init__(self, directory):
        self.cases = [self._case(r) for r in read_csv(os.path.join(directory, "cases.csv"))]
        self.units = read_csv(os.path.join(directory, "units.csv"))
        self.tongban = [
            dict(r, count=to_int(r["count"]), ytd=to_int(r["ytd"]))
            for r in read_csv(os.path.join(directory, "tongban.csv"))
        ]
        self.tier = {u["name"]: u["tier"] for u in self.units}
        self.code = {u["name"]: u["code"] for u in self.units}
        self.by_unit = {c["unit"]: c for c in self.cases}
        missing = [c["unit"] for c in self.cases if c["unit"] not in self.tier]
        if missing:
            raise ValueError(f"units not in units.csv: {', '.join(missing)}")

    @staticmethod
    def _case(row):
        return dict(row, **{f: to_int(row[f]) for f in FIGURES})

    def in_tier(self, tier):
        """Case rows of one tier, in the order of units.csv."""
        return [self.by_unit[u["name"]] for u in self.units
                if u["tier"] == tier and u["name"] in self.by_unit]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def to_int(text):
    text = text.strip()
    return int(text) if text else None


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def flat(c, fields=FIELDS):
    """One case row as a list of values in the order of `fields`."""
    return [c[f] for f in fields]


def flat_table(cases, fields=FIELDS, header=None):
    return [header or [CN[f] for f in fields]] + [flat(c, fields) for c in cases]


def add(*values):
    """Sum of the reported values; None when none is reported."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def sums(cases):
    """Column sums of the figures (only reported cells count)."""
    return {f: add(*(c[f] for c in cases)) for f in FIGURES}


def total_row(cases, label):
    """A 合计/小计 row: period empty, unit = label, figures = sums."""
    return dict(sums(cases), period=None, unit=label)


def cell_text(value):
    return "" if value is None else str(value)


def csv_text(rows, crlf=True):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return out.getvalue()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def write_csv(path, rows, encoding="utf-8", crlf=True):
    """CSV file; encoding "utf-8-sig" gives a BOM, "gbk" a Windows-style file."""
    write_bytes(path, csv_text(rows, crlf).encode(encoding))


def fresh_dir(path):
    os.makedirs(path)
    return path


def new_workbook():
    """An empty workbook (no sheets) with fixed document properties."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Administrator"
    wb.properties.created = datetime(2021, 8, 5, 9, 0, 0)
    return wb


def put_rows(ws, rows, start=1, col=1):
    """Write rows of values from (start, col); None leaves the cell absent."""
    for r, row in enumerate(rows, start):
        for c, value in enumerate(row, col):
            if value is not None:
                ws.cell(row=r, column=c, value=value)


def add_sheet(wb, title, rows, start=1):
    ws = wb.create_sheet(title)
    put_rows(ws, rows, start)
    return ws


def title_row(ws, text, width, row=1):
    """A title in column A merged across `width` columns."""
    ws.cell(row=row, column=1, value=text).font = Font(bold=True, size=16)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")


def workbook_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def flat_workbook(path, rows, sheet="Sheet1"):
    """The simplest shape: one sheet, rows from A1."""
    wb = new_workbook()
    add_sheet(wb, sheet, rows)
    wb.save(path)


class RawNameZipInfo(zipfile.ZipInfo):
    """A zip entry whose name is written as given bytes, without the UTF-8 flag.

    Windows' "send to compressed folder" stores names in the ANSI code page (GBK
    on Chinese Windows) and leaves bit 11 clear. zipfile only writes names that
    are ASCII as they are and sets bit 11 for any other, so the name bytes are
    supplied here directly. `filename` holds the bytes read as cp437, which is
    how zipfile (and most tools) read such an entry back.
    """

    def __init__(self, name, encoding="gbk"):
        raw = name.encode(encoding)
        super().__init__(raw.decode("cp437"), date_time=FIXED_TIME)
        self.raw_name = raw
        self.create_system = 0  # MS-DOS, as Windows writes
        self.compress_type = zipfile.ZIP_DEFLATED
        self.flag_bits &= ~0x800

    def _encodeFilenameFlags(self):
        return self.raw_name, self.flag_bits & ~0x800


def windows_zip(path, entries):
    """A zip of (name, bytes) entries with GBK names and no UTF-8 flag."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(RawNameZipInfo(name), data)


def junk_bytes(seed, size):
    """Deterministic "random" bytes for Thumbs.db and friends."""
    return random.Random(seed).randbytes(size)


def fullwidth(text):
    return text.translate({ord(d): 0xFF10 + i for i, d in enumerate("0123456789")})


# ---------------------------------------------------------------------------
# Shared shapes (used by several cases)
# ---------------------------------------------------------------------------

# Two-row header of cases 05/06/m03: parents over children, 合计 columns.
TWO_ROW_TOP = ["序号", "月份", "单位名称", "接件数量（件）", None, None, "办结数量（件）", None, None,
               "本年累计", None, "村居代办量", "备注"]
TWO_ROW_BOTTOM = [None, None, None, "即办", "承诺", "合计", "即办", "承诺", "合计", "接件", "办结", None, None]
# Merges of the two-row header as (first column, last column); single columns span rows 2-3.
TWO_ROW_SPANS = [(1, 1), (2, 2), (3, 3), (4, 6), (7, 9), (10, 11), (12, 12), (13, 13)]
NOTES = {"区税务局": "系统对接中", "社会保险中心": "含自助终端办件", "车辆管理中心": "部分数据来自市级系统",
         "悦来街道": "本月无代办"}


def two_row_data(s):
    return [[i, c["period"], c["unit"],
             c["recv_immediate"], c["recv_promised"], add(c["recv_immediate"], c["recv_promised"]),
             c["done_immediate"], c["done_promised"], add(c["done_immediate"], c["done_promised"]),
             c["ytd_recv"], c["ytd_done"], c["proxy"], NOTES.get(c["unit"])]
            for i, c in enumerate(s.cases, 1)]


def two_row_workbook(s, path, done_parent="办结数量（件）"):
    """Title row 1, two-row merged header rows 2-3, data from row 4 (sheet "7月")."""
    top = list(TWO_ROW_TOP)
    top[6] = done_parent
    wb = new_workbook()
    ws = wb.create_sheet("7月")
    title_row(ws, TITLE, len(top))
    put_rows(ws, [top, TWO_ROW_BOTTOM], start=2)
    for first, last in TWO_ROW_SPANS:
        if first == last:
            ws.merge_cells(start_row=2, start_column=first, end_row=3, end_column=last)
        else:
            ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
    put_rows(ws, two_row_data(s), start=4)
    wb.save(path)


def with_total_row(s, path, bump=0):
    """Flat header, the 52 rows, then a 合计 row (its 即办接件 off by `bump`)."""
    total = total_row(s.cases, "合计")
    total["recv_immediate"] += bump
    flat_workbook(path, flat_table(s.cases + [total]))


TOTAL_COLUMN_FIELDS = ["period", "unit", "recv_immediate", "recv_promised", "recv_total",
                       "done_immediate", "done_promised", "done_total", "ytd_recv", "ytd_done", "proxy"]


def total_column_csv(s, path, wrong_unit=None):
    """Flat header with 接件合计/办结合计 columns; `wrong_unit`'s 接件合计 is one short."""
    header = [dict(CN, recv_total="接件合计", done_total="办结合计")[f] for f in TOTAL_COLUMN_FIELDS]
    rows = [header]
    for c in s.cases:
        row = dict(c, recv_total=add(c["recv_immediate"], c["recv_promised"]),
                   done_total=add(c["done_immediate"], c["done_promised"]))
        if c["unit"] == wrong_unit:
            row["recv_total"] -= 1
        rows.append(flat(row, TOTAL_COLUMN_FIELDS))
    write_csv(path, rows)


def last_month(c, i):
    """Made-up June figures for the 参考（上月数据） sheets: different from July's."""
    row = {"period": "2021-06", "unit": c["unit"]}
    for f in ["recv_immediate", "recv_promised", "done_immediate", "done_promised", "proxy"]:
        v = c[f]
        row[f] = None if v is None else v * 9 // 10 + (i + len(f)) % 4
    row["ytd_recv"] = c["ytd_recv"] - add(c["recv_immediate"], c["recv_promised"])
    row["ytd_done"] = c["ytd_done"] - add(c["done_immediate"], c["done_promised"])
    return row


INSTRUCTIONS = [
    "填报说明",
    "1. 请在“办件月报”工作表填写本月数据，不要修改表头和工作表名称。",
    "2. “参考（上月数据）”为上月报送数据，仅供核对，请勿修改。",
    "3. 数字请填写阿拉伯数字，没有数据的请留空。",
    "4. 请于每月5日前报送区政务办。",
]


def unit_workbook(s, c, i):
    """Template-style workbook of one unit: 说明, 办件月报 (the figures), 参考（上月数据）."""
    fields = FIELDS if s.tier[c["unit"]] == "town" else FIELDS[:-1]
    wb = new_workbook()
    add_sheet(wb, "说明", [[line] for line in INSTRUCTIONS]).column_dimensions["A"].width = 60
    ws = add_sheet(wb, "办件月报", flat_table([c], fields))
    ws["A2"].number_format = "@"  # 2021-07 typed as text
    add_sheet(wb, "参考（上月数据）", flat_table([last_month(c, i)], fields))
    return workbook_bytes(wb)


def unit_workbooks(s):
    """(unit name, workbook bytes) for every unit; made once, shared by 17 and 18."""
    if not hasattr(s, "unit_workbooks"):
        s.unit_workbooks = [(c["unit"], unit_workbook(s, c, i)) for i, c in enumerate(s.cases)]
    return s.unit_workbooks


def xls_bytes(s):
    """Old BIFF8 workbook: Sheet1, merged title row, flat header, data."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, len(FIELDS) - 1, TITLE)
    for r, row in enumerate(flat_table(s.cases), 1):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(r, col, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Cases. Each takes the sample and the target path (in OUT_DIR) and writes it.
# ---------------------------------------------------------------------------

def case_01(s, path):
    # UTF-8 with BOM, Chinese header, CRLF: what Excel's "CSV UTF-8" saves.
    write_csv(path, flat_table(s.cases), "utf-8-sig")


def case_02(s, path):
    # GBK with a title line, a 填报单位/填报日期 line and an empty line above the header.
    width = len(FIELDS)
    rows = [["渝北区2021年7月行政审批服务办件统计表"] + [None] * (width - 1),
            ["填报单位：区政务办", None, None, None, None, None, "填报日期：2021年8月5日", None, None],
            []] + flat_table(s.cases)
    write_csv(path, rows, "gbk")


def case_03(s, path):
    # One sheet "Sheet1", header in row 1.
    flat_workbook(path, flat_table(s.cases))


def case_04(s, path):
    # Merged title A1:I1, "单位：件" in the last column of row 2, row 3 empty, header row 4.
    wb = new_workbook()
    ws = wb.create_sheet("Sheet1")
    title_row(ws, TITLE, len(FIELDS))
    ws.cell(row=2, column=len(FIELDS), value="单位：件")
    put_rows(ws, flat_table(s.cases), start=4)
    wb.save(path)


def case_05(s, path):
    # Sheet "7月": title, two-row merged header (接件数量/办结数量/本年累计 over their parts), 序号, 合计, 备注.
    two_row_workbook(s, path)


def case_06(s, path):
    # The shape of 05 as UTF-8 CSV: merged parents are followed by empty cells.
    width = len(TWO_ROW_TOP)
    rows = [[TITLE] + [None] * (width - 1), TWO_ROW_TOP, TWO_ROW_BOTTOM] + two_row_data(s)
    write_csv(path, rows)


def case_07(s, path):
    # Flat header, data, then a 合计 row with the correct sums (numbers, not formulas).
    with_total_row(s, path)


def case_08(s, path):
    # Rows grouped by tier, a 小计 row after each group and a 总计 row at the end.
    rows = []
    for tier in TIERS:
        group = s.in_tier(tier)
        rows += group + [total_row(group, "小计")]
    rows.append(total_row(s.cases, "总计"))
    flat_workbook(path, flat_table(rows))


def case_09(s, path):
    # Flat table, an empty row, then signature lines in column A.
    signatures = ["填报人：张三", "审核人：李四", "联系电话：023-67800000", "填报日期：2021年8月5日"]
    flat_workbook(path, flat_table(s.cases) + [[]] + [[line] for line in signatures])


def case_10(s, path):
    # Blank lines scattered between the data rows: empty, only commas, only empty quoted strings.
    width = len(FIELDS)
    blanks = ["", "," * (width - 1), ",".join(['""'] * width)]
    lines = csv_text(flat_table(s.cases)).split("\r\n")[:-1]
    out = lines[:2]
    for i, line in enumerate(lines[2:], 2):
        if i % 5 == 0:
            out.append(blanks[(i // 5) % 3])
        if i % 11 == 0:
            out.append(blanks[(i // 11 + 1) % 3])
        out.append(line)
    write_bytes(path, ("\r\n".join(out) + "\r\n").encode("utf-8"))


# Unit names as typed with odd spaces in case 11.
ODD_UNIT_NAMES = {"区税务局": "区\u3000税务局", "龙溪街道": "龙溪\u3000街道", "不动产登记中心": "不动产\u3000登记中心",
                  "区财政局": " 区财政局 ", "区交通局": "区交通局  ", "统景镇": "\u3000统景镇", "木耳镇": "木耳镇\u3000"}


def case_11(s, path):
    # Full-width digits (every other row, period included), thousands separators, padded cells.
    rows = [CN_HEADER]
    for i, c in enumerate(s.cases):
        wide = i % 2 == 0
        row = [fullwidth(c["period"]) if wide else c["period"], ODD_UNIT_NAMES.get(c["unit"], c["unit"])]
        for j, f in enumerate(FIGURES):
            v = c[f]
            if v is None:
                row.append(None)
                continue
            text = f"{v:,}"
            text = fullwidth(text) if wide else text
            pad = (i + j) % 7
            if pad == 1:
                text = f" {text} "
            elif pad == 3:
                text = f"{text}\u3000"
            elif pad == 5:
                text = f"\u3000 {text}"
            row.append(text)
        rows.append(row)
    write_csv(path, rows)


def case_12(s, path):
    # Every unreported cell holds a text mark: -, —, /, 无 (in turn).
    marks = ["-", "—", "/", "无"]
    rows = [CN_HEADER]
    n = 0
    for c in s.cases:
        row = flat(c)
        for k, v in enumerate(row):
            if v is None:
                row[k] = marks[n % len(marks)]
                n += 1
        rows.append(row)
    flat_workbook(path, rows)


def case_13(s, path):
    # The month written in six ways, in turn.
    formats = ["2021/7", "2021.7", "2021年7月", "2021年07月", "2021-07", "2021/07"]
    rows = [[formats[i % len(formats)]] + flat(c)[1:] for i, c in enumerate(s.cases)]
    write_csv(path, [CN_HEADER] + rows, crlf=False)


def case_14(s, path):
    # The month as a real Excel date shown as 2021年7月.
    wb = new_workbook()
    ws = add_sheet(wb, "Sheet1", flat_table(s.cases))
    for r in range(2, len(s.cases) + 2):
        cell = ws.cell(row=r, column=1, value=datetime(2021, 7, 1))
        cell.number_format = 'yyyy"年"m"月"'
    wb.save(path)


def case_15(s, path):
    # Units given by lower-case code (c06), some with spaces around.
    rows = []
    for i, c in enumerate(s.cases):
        code = s.code[c["unit"]].lower()
        rows.append([c["period"], f" {code} " if i % 4 == 1 else code] + flat(c)[2:])
    write_csv(path, [CN_HEADER] + rows)


def case_16(s, path):
    # 序号 first, note columns 备注/说明/填报说明 last, then three styled empty columns.
    notes = {"区税务局": ("系统对接中", None, None),
             "区公安分局": (None, "含出入境业务", None),
             "医疗保障中心": ("办结数含上月结转", "数据来源：市医保信息平台", "按月填报"),
             "龙溪街道": (None, None, "村居代办量按村（社区）汇总")}
    header = ["序号"] + CN_HEADER + ["备注", "说明", "填报说明"]
    rows = [header] + [[i] + flat(c) + list(notes.get(c["unit"], (None, None, None)))
                       for i, c in enumerate(s.cases, 1)]
    wb = new_workbook()
    ws = add_sheet(wb, "Sheet1", rows)
    thin = Side(style="thin")
    for col in range(len(header) + 1, len(header) + 4):
        ws.cell(row=1, column=col).border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(col)].width = 12
    wb.save(path)


def case_17(s, path):
    # One template-style workbook per unit, named after the unit.
    fresh_dir(path)
    for unit, data in unit_workbooks(s):
        write_bytes(os.path.join(path, unit + ".xlsx"), data)


def case_18(s, path):
    # The workbooks of 17 zipped by Windows: GBK names without the UTF-8 flag, plus junk entries.
    folder = "7月报表/"
    entries = [(folder + unit + ".xlsx", data) for unit, data in unit_workbooks(s)]
    entries += [
        (folder + "填报说明.txt", "\r\n".join(INSTRUCTIONS).encode("gbk")),
        ("Thumbs.db", junk_bytes(1, 4096)),
        ("desktop.ini", b"[.ShellClassInfo]\r\n"),
        ("__MACOSX/7月报表/._区税务局.xlsx", junk_bytes(2, 512)),
        (".DS_Store", junk_bytes(3, 6148)),
    ]
    windows_zip(path, entries)


def case_19(s, path):
    # One GBK CSV in a Windows zip, GBK entry name.
    windows_zip(path, [("办件月报.csv", csv_text(flat_table(s.cases)).encode("gbk"))])


def case_20(s, path):
    # Old Excel 97-2003 .xls (BIFF8): title row, flat header, data.
    write_bytes(path, xls_bytes(s))


def case_21(s, path):
    # WPS .et: a BIFF compound file; the same bytes as 20.
    write_bytes(path, xls_bytes(s))


def case_22(s, path):
    # 03 converted to OpenDocument by LibreOffice; skipped when soffice is not installed.
    soffice = shutil.which("soffice")
    if not soffice:
        return
    source = os.path.join(os.path.dirname(path), "03-sheet1.xlsx")
    with tempfile.TemporaryDirectory(prefix="tongbao-corpus-") as tmp:
        profile = os.path.join(tmp, "profile")
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "ods", "--outdir", tmp, source]
        try:
            result = subprocess.run(command, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise RuntimeError("soffice did not convert 03-sheet1.xlsx within 120 s")
        converted = os.path.join(tmp, "03-sheet1.ods")
        if result.returncode != 0 or not os.path.exists(converted):
            message = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise RuntimeError(f"soffice failed to convert 03-sheet1.xlsx: {message}")
        shutil.move(converted, path)


def case_23(s, path):
    # Sheet1: the cases, Sheet2: 通办 rows; each with a title row above its header.
    wb = new_workbook()
    add_sheet(wb, "Sheet1", [[TITLE]] + flat_table(s.cases))
    tongban = [[t["period"], t["unit"], t["scope"], t["count"], t["ytd"]] for t in s.tongban]
    add_sheet(wb, "Sheet2", [["渝北区2021年7月跨区域通办统计表"], TONGBAN_HEADER] + tongban)
    wb.save(path)


def case_24(s, path):
    # WPS-style header: line breaks and units inside the header cells, 单 位 with a space.
    header = ["月份", "单 位", "即办\n接件\n（件）", "承诺\n接件（件）", "即办\n办结\n（件）", "承诺\n办结（件）",
              "本年累计\n接件", "本年累计\n办结", "村居\n代办量\n（件）"]
    wb = new_workbook()
    ws = add_sheet(wb, "Sheet1", flat_table(s.cases, header=header))
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 48
    wb.save(path)


def case_25(s, path):
    # A 层级 column (second) whose value is merged vertically over each tier's rows.
    wb = new_workbook()
    ws = wb.create_sheet("Sheet1")
    put_rows(ws, [["月份", "层级"] + CN_HEADER[1:]])
    r = 2
    for tier in TIERS:
        group = s.in_tier(tier)
        for k, c in enumerate(group):
            put_rows(ws, [[c["period"], TIER_CN[tier] if k == 0 else None] + flat(c)[1:]], start=r + k)
        ws.merge_cells(start_row=r, start_column=2, end_row=r + len(group) - 1, end_column=2)
        ws.cell(row=r, column=2).alignment = Alignment(vertical="center")
        r += len(group)
    wb.save(path)


def case_26(s, path):
    # Other words for the same columns.
    header = ["统计月份", "单位名称", "受理即办件", "受理承诺件", "办结即办件", "办结承诺件", "累计受理", "累计办结", "代办量"]
    write_csv(path, flat_table(s.cases, header=header))


def case_27(s, path):
    # The English names of the package format, in odd case with spaces around.
    header = [" Period", "UNIT ", "Recv_Immediate", "RECV_PROMISED", " done_immediate", "Done_Promised ",
              "YTD_Recv", " ytd_done ", "Proxy"]
    write_csv(path, flat_table(s.cases, header=header), crlf=False)


def case_28(s, path):
    # Flat Chinese header in a shuffled (fixed) order.
    order = ["done_promised", "unit", "ytd_recv", "recv_immediate", "proxy", "period", "ytd_done",
             "recv_promised", "done_immediate"]
    flat_workbook(path, flat_table(s.cases, order))


def case_29(s, path):
    # One GBK CSV per unit: title line, header, one row.
    fresh_dir(path)
    for c in s.cases:
        rows = [[c["unit"] + "2021年7月办件统计"], CN_HEADER, flat(c)]
        write_csv(os.path.join(path, c["unit"] + "7月报表.csv"), rows, "gbk")


def case_30(s, path):
    # 接件合计 after 承诺接件 and 办结合计 after 承诺办结, correct sums.
    total_column_csv(s, path)


def case_31(s, path):
    # Template style in one workbook: 办件月报 (all units), 参考（上月数据） (other numbers), 说明.
    wb = new_workbook()
    ws = add_sheet(wb, "办件月报", flat_table(s.cases))
    for r in range(2, len(s.cases) + 2):
        ws.cell(row=r, column=1).number_format = "@"
    add_sheet(wb, "参考（上月数据）", flat_table([last_month(c, i) for i, c in enumerate(s.cases)]))
    add_sheet(wb, "说明", [[line] for line in INSTRUCTIONS])
    wb.save(path)


# --- Deliberate mistakes -----------------------------------------------------

def case_m01(s, path):
    # Like 07, but the 合计 row's 即办接件 is one more than the sum.
    with_total_row(s, path, bump=1)


def case_m02(s, path):
    # Like 30, but 区税务局's 接件合计 is one less than 即办接件 + 承诺接件.
    total_column_csv(s, path, wrong_unit="区税务局")


def case_m03(s, path):
    # Like 05, but the parent 办结数量（件） is 其他指标: 即办/承诺/合计 under it cannot be mapped.
    two_row_workbook(s, path, done_parent="其他指标")


def mistaken_csv(s, path, unit=None, figure=None, header=CN_HEADER):
    """Flat CSV where 区税务局's unit name or 即办接件 is replaced."""
    rows = [header]
    for c in s.cases:
        row = flat(c)
        if c["unit"] == "区税务局":
            row[1] = unit or row[1]
            row[2] = figure or row[2]
        rows.append(row)
    write_csv(path, rows)


def case_m04(s, path):
    # 区税务局's 即办接件 is "12abc".
    mistaken_csv(s, path, figure="12abc")


def case_m05(s, path):
    # 区税务局 written as the unknown name 区税务.
    mistaken_csv(s, path, unit="区税务")


def case_m06(s, path):
    # 即办接件 misspelt 即办接建.
    mistaken_csv(s, path, header=[h.replace("即办接件", "即办接建") for h in CN_HEADER])


def case_m07(s, path):
    # Two workbooks that both hold 区税务局 2021-07.
    fresh_dir(path)
    first = s.in_tier("center")
    second = [s.by_unit["区税务局"]] + s.in_tier("subcenter") + s.in_tier("town")
    flat_workbook(os.path.join(path, "甲.xlsx"), flat_table(first))
    flat_workbook(os.path.join(path, "乙.xlsx"), flat_table(second))


def case_m08(s, path):
    # An empty folder.
    fresh_dir(path)


def case_m09(s, path):
    # A valid zip without entries.
    zipfile.ZipFile(path, "w").close()


def case_m10(s, path):
    # The first half of 19's bytes: a damaged zip.
    with open(os.path.join(os.path.dirname(path), "19-windows-zip-csv.zip"), "rb") as f:
        data = f.read()
    write_bytes(path, data[: len(data) // 2])


def case_m11(s, path):
    # A CSV with no statistics table at all.
    write_csv(path, [["姓名", "电话", "地址"],
                     ["张三", "13800000000", "重庆市渝北区双龙大道1号"],
                     ["李四", "13900000000", "重庆市渝北区龙溪街道2号"]])


# Name in OUT_DIR -> writer. Order matters: 21/22/m10 read earlier outputs.
CASES = [
    ("01-2021年7月办件统计.csv", case_01),
    ("02-gbk-title-rows.csv", case_02),
    ("03-sheet1.xlsx", case_03),
    ("04-title-merged.xlsx", case_04),
    ("05-two-row-header.xlsx", case_05),
    ("06-two-row-header.csv", case_06),
    ("07-total-row.xlsx", case_07),
    ("08-subtotals.xlsx", case_08),
    ("09-signature-lines.xlsx", case_09),
    ("10-blank-rows.csv", case_10),
    ("11-fullwidth.csv", case_11),
    ("12-not-reported-marks.xlsx", case_12),
    ("13-month-formats.csv", case_13),
    ("14-excel-date-period.xlsx", case_14),
    ("15-unit-codes.csv", case_15),
    ("16-notes-columns.xlsx", case_16),
    ("17-per-unit-templates", case_17),
    ("18-per-unit-templates.zip", case_18),
    ("19-windows-zip-csv.zip", case_19),
    ("20-old.xls", case_20),
    ("21-et-file.et", case_21),
    ("22-ods-file.ods", case_22),
    ("23-tongban-and-cases.xlsx", case_23),
    ("24-wps-newlines.xlsx", case_24),
    ("25-tier-column.xlsx", case_25),
    ("26-synonyms.csv", case_26),
    ("27-english-spaces.csv", case_27),
    ("28-reordered.xlsx", case_28),
    ("29-per-unit-csv", case_29),
    ("30-total-column.csv", case_30),
    ("31-two-sheets-template-style.xlsx", case_31),
    ("m01-total-row-wrong.xlsx", case_m01),
    ("m02-total-column-wrong.csv", case_m02),
    ("m03-unmappable-header.xlsx", case_m03),
    ("m04-12abc.csv", case_m04),
    ("m05-unknown-unit.csv", case_m05),
    ("m06-unknown-column.csv", case_m06),
    ("m07-overlap", case_m07),
    ("m08-empty-folder", case_m08),
    ("m09-empty.zip", case_m09),
    ("m10-damaged.zip", case_m10),
    ("m11-no-table.csv", case_m11),
]


def remove(path):
    """Drop an earlier output of the same case."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: office_files.py SAMPLE_DIR OUT_DIR")
    sample_dir, out_dir = argv[1], argv[2]
    try:
        sample = Sample(sample_dir)
        os.makedirs(out_dir, exist_ok=True)
    except Exception as error:
        sys.exit(f"office_files.py: {error}")
    # A failing case does not stop the others; all failures are reported at the end.
    failures = []
    for name, write in CASES:
        path = os.path.join(out_dir, name)
        try:
            remove(path)
            write(sample, path)
        except Exception as error:
            failures.append(f"office_files.py: {name}: {error}")
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main(sys.argv)
