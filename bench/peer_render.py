"""Peer for bench/render.sh: python-docx and openpyxl write the same bulletin as Tongbao's Word and Excel output.

Input (read before the clock starts): Tongbao's Markdown of the month (headings and paragraphs) and its .xlsx
(every table with its merges). Timed: writing a .docx with every paragraph and every table (merged cells
included) and an .xlsx with every table as a sheet with its merges, REPEAT times. Prints seconds per round.
    python3 bench/peer_render.py BULLETIN.md BULLETIN.xlsx OUTDIR REPEAT
"""
import sys, time
import openpyxl, docx

md_path, xlsx_path, out, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
paragraphs = [l for l in open(md_path, encoding="utf-8").read().split("\n") if l and not l.startswith("|")]
source = openpyxl.load_workbook(xlsx_path)
tables = []
for ws in source.worksheets:
    rows = [[c if c is not None else "" for c in r] for r in ws.iter_rows(values_only=True)]
    tables.append((ws.title, rows, [str(m) for m in ws.merged_cells.ranges]))

def write_docx(path):
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p.lstrip("# "))
    for title, rows, merges in tables:
        d.add_paragraph(title)
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            cells = t.rows[i].cells
            for j, v in enumerate(r):
                cells[j].text = str(v)
        for m in merges:
            (c1, r1), (c2, r2) = [openpyxl.utils.cell.coordinate_from_string(x) for x in m.split(":")]
            a = t.cell(r1 - 1, openpyxl.utils.column_index_from_string(c1) - 1)
            b = t.cell(r2 - 1, openpyxl.utils.column_index_from_string(c2) - 1)
            if a._tc is not b._tc:
                a.merge(b)
    d.save(path)

def write_xlsx(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, merges in tables:
        ws = wb.create_sheet(title[:31])
        for r in rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
    wb.save(path)

start = time.perf_counter()
for i in range(repeat):
    write_docx(f"{out}/peer.docx")
    write_xlsx(f"{out}/peer.xlsx")
print((time.perf_counter() - start) / repeat)
