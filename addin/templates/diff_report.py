"""The Excel diff report a CFO forwards: what changed between two versions, on five sheets.

- **Summary**: the two versions, the counts, the totals of the changed lines, and the
  bridge of operating income from A to B as a table and a native Excel chart.
- **Changed lines**: the largest changes first (up to :data:`MAX_LINES`), increases green and
  decreases red (conditional formatting, so a sort or filter keeps it right).
- **By team**: the change in operating income per department and team, by quarter.
- **Definitions**: what changed in the plan definition, field by field.
- **Who**: the versions between A and B (who, when, message, parts) and the status changes.

The bridge is a stacked column chart whose first series (the base) is invisible: Excel 2016's
own waterfall chart is a ``chartex`` part that openpyxl cannot write and LibreOffice cannot
show, while stacked columns render the same in every Excel and in LibreOffice. The base,
and the visible parts above and below zero, come from :func:`planbook.waterfall.waterfall`;
increases are green, decreases red, the two totals blue.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import DataPoint
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from addin.templates.style import MONEY, SUBTITLE_FONT, header, literal, section, title
from planbook.consolidate import to_wide
from planbook.diff import diff_rollup
from planbook.waterfall import WaterfallBar, waterfall
from server.diffreport import diff_report
from server.store.compare import VersionDiff
from server.store.contract import StoreAPI

__all__ = ["MAX_LINES", "diff_workbook", "write_diff_report"]

MAX_LINES = 50_000
"""Changed lines written to the report, largest first (the rest are counted, not listed)."""
COLORS = {"up": "2E7D32", "down": "C62828", "total": "3B5B8C"}
GREEN = PatternFill("solid", fgColor="E2F0D9")
RED = PatternFill("solid", fgColor="FBE2E0")
LINE_COLUMNS = ("scenario", "team", "account", "line", "period", "change", "old", "new", "delta")


def diff_workbook(
    store: StoreAPI, diff: VersionDiff, path: Path, *, scenario: str = "base"
) -> Path:
    """Write the report of ``diff`` (read through ``store``, as its caller may see it)."""
    report = diff_report(
        store, diff, bridge_by="department", scenario=scenario, limit=MAX_LINES, largest_first=True
    )
    by = ["scenario", "department", "team"]
    changes = diff.facts.all_changes
    rolled = diff_rollup(diff.plan, changes, by=by, period="quarter", signed=True)
    pivot = to_wide(rolled) if len(rolled) else pd.DataFrame(columns=by)
    return write_diff_report(path, report, pivot=pivot)


def write_diff_report(path: Path, report: dict[str, Any], *, pivot: pd.DataFrame) -> Path:
    """Write the workbook from a :func:`server.diffreport.diff_report` report and its
    by-team pivot (:func:`planbook.to_wide` of a quarterly diff roll-up)."""
    book = Workbook()
    _summary(book.active, report)
    _lines(book.create_sheet("Changed lines"), report)
    _pivot(book.create_sheet("By team"), pivot)
    _definitions(book.create_sheet("Definitions"), report)
    _who(book.create_sheet("Who"), report)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _version(v: dict[str, Any]) -> str:
    when = v["created_at"][:16].replace("T", " ")
    return f"version {v['number']} by {v['author']}, {when} UTC: {v['message']}"


def _table(ws: Worksheet, row: int, labels: list[str], rows: list[list[Any]]) -> int:
    """A header and rows from ``row``; amounts get the money format. The next free row."""
    header(ws, row, labels)
    for r, values in enumerate(rows, start=row + 1):
        for c, value in enumerate(values, start=1):
            cell = literal(ws.cell(row=r, column=c, value=value))
            if isinstance(value, Decimal):
                cell.number_format = MONEY
    return row + len(rows) + 2


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _summary(ws: Worksheet, report: dict[str, Any]) -> None:
    ws.title = "Summary"
    title(ws, f"Plan {report['plan']}: what changed", f"From {_version(report['from'])}")
    ws["A3"] = f"to {_version(report['to'])}"
    ws["A3"].font = SUBTITLE_FONT
    s = report["summary"]
    counts = [
        ["changed lines", s["changed"]],
        ["added lines", s["added"]],
        ["removed lines", s["removed"]],
        ["unchanged lines (compared parts)", s["unchanged"]],
        [
            "parts compared / skipped (same content)",
            f"{len(s['compared_parts'])} / {len(s['skipped_parts'])}",
        ],
    ]
    section(ws, 4, "The change in numbers")
    row = _table(ws, 5, ["what", "count"], counts)
    section(ws, row, "Totals of the changed lines, by scenario and unit")
    totals = [
        [t["scenario"], t["unit"], _amount(t["old"]), _amount(t["new"]), _amount(t["delta"])]
        for t in report["totals"]
    ]
    row = _table(ws, row + 1, ["scenario", "unit", "old", "new", "change"], totals)
    if report["bridge"]:
        _bridge(ws, row, report["bridge"])
    for column, width in zip("ABCDEF", (34, 16, 18, 16, 16, 16), strict=True):
        ws.column_dimensions[column].width = width
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1


def _bridge(ws: Worksheet, row: int, bridge: dict[str, Any]) -> None:
    steps = pd.DataFrame(
        [(s["step"], Decimal(s["amount"])) for s in bridge["steps"]], columns=["step", "amount"]
    )
    bars = waterfall(steps)
    section(
        ws,
        row,
        f"Bridge of operating income ({bridge['unit']}, scenario {bridge['scenario']}), "
        f"by {bridge['by']}",
    )
    labels = ["step", "amount", "chart: base (hidden)", "chart: above 0", "chart: below 0"]
    rows = [[b.label, b.amount, b.base, b.above, b.below] for b in bars]
    first = row + 1
    below = _table(ws, first, labels, rows)
    for r, bar in enumerate(bars, start=first + 1):
        ws.cell(row=r, column=2).font = Font(
            name="Calibri", size=10, color=COLORS[bar.kind], bold=bar.kind == "total"
        )
    ws.add_chart(_chart(ws, first, bars), f"A{below}")


def _chart(ws: Worksheet, first: int, bars: list[WaterfallBar]) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
    chart.title = "Bridge from A to B"
    chart.legend = None
    chart.height, chart.width = 9, 20
    last = first + len(bars)
    chart.add_data(
        Reference(ws, min_col=3, max_col=5, min_row=first, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    base = chart.series[0].graphicalProperties
    base.noFill = True
    base.line.noFill = True
    for series in chart.series[1:]:
        for index, bar in enumerate(bars):
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = COLORS[bar.kind]
            point.graphicalProperties.line.solidFill = COLORS[bar.kind]
            series.dPt.append(point)
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # labels under the plot, also when totals are negative
    chart.y_axis.delete = False
    return chart


def _lines(ws: Worksheet, report: dict[str, Any]) -> None:
    shown, total = len(report["lines"]), report["lines_total"]
    title(ws, "Changed lines, largest change first", f"{shown:,} of {total:,} changed lines")
    rows = [
        [
            *(line[c] for c in LINE_COLUMNS[:6]),
            *(_amount(line[c]) for c in ("old", "new", "delta")),
            None if line["pct"] is None else line["pct"] / 100,
        ]
        for line in report["lines"]
    ]
    _table(ws, 4, [*LINE_COLUMNS, "change %"], rows)
    for r in range(5, 5 + len(rows)):
        ws.cell(row=r, column=10).number_format = "0.0%"
    if rows:
        cells = f"I5:I{4 + len(rows)}"
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="greaterThan", formula=["0"], fill=GREEN, font=Font(color="2E7D32")
            ),
        )
        ws.conditional_formatting.add(
            cells,
            CellIsRule(operator="lessThan", formula=["0"], fill=RED, font=Font(color="C62828")),
        )
    ws.freeze_panes = "A5"
    ws.auto_filter.ref = f"A4:J{4 + len(rows)}"
    for column, width in zip("ABCDEFGHIJ", (12, 18, 18, 28, 10, 10, 14, 14, 14, 10), strict=True):
        ws.column_dimensions[column].width = width


def _pivot(ws: Worksheet, pivot: pd.DataFrame) -> None:
    title(
        ws,
        "The change in operating income by team and quarter",
        "costs negative: a cut shows as an increase",
    )
    labels = [str(c) for c in pivot.columns]
    rows = [
        [v if isinstance(v, Decimal) else str(v) for v in r] for r in pivot.itertuples(index=False)
    ]
    _table(ws, 4, labels, rows)
    if rows:
        cells = f"D5:{ws.cell(row=4 + len(rows), column=len(labels)).coordinate}"
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="2E7D32"))
        )
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="lessThan", formula=["0"], font=Font(color="C62828"))
        )
    ws.freeze_panes = "D5"
    for i in range(1, len(labels) + 1):
        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = 16


def _definitions(ws: Worksheet, report: dict[str, Any]) -> None:
    title(
        ws, "Plan definition changes", "assumptions, envelopes, goals, accounts, teams, scenarios"
    )
    rows = []
    for d in report["definitions"]:
        fields = d["fields"] or [{"field": "", "old": "", "new": ""}]
        rows += [[d["kind"], d["id"], d["change"], f["field"], f["old"], f["new"]] for f in fields]
    if not rows:
        rows = [["(none)", "", "the plan definition did not change", "", "", ""]]
    _table(ws, 4, ["kind", "id", "change", "field", "old", "new"], rows)
    for column, width in zip("ABCDEF", (14, 22, 10, 18, 30, 30), strict=True):
        ws.column_dimensions[column].width = width


def _who(ws: Worksheet, report: dict[str, Any]) -> None:
    title(ws, "Who changed what", "the versions after A up to B, and the status changes")
    versions = [
        [
            h["number"],
            h["created_at"][:16].replace("T", " "),
            h["author"],
            h["message"],
            ", ".join(h["changed"]),
        ]
        for h in report["history"]
    ]
    row = _table(ws, 4, ["version", "when (UTC)", "who", "message", "parts changed"], versions)
    section(ws, row, "Status changes")
    statuses = [
        [
            s["version"],
            s["at"][:16].replace("T", " "),
            s["actor"],
            s["part"],
            s["status"],
            s["comment"],
        ]
        for s in report["statuses"]
    ]
    _table(ws, row + 1, ["version", "when (UTC)", "who", "part", "status", "comment"], statuses)
    for column, width in zip("ABCDEF", (9, 17, 30, 40, 30, 50), strict=True):
        ws.column_dimensions[column].width = width
