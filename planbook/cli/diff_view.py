"""How ``planbook diff`` prints a diff report (:func:`server.diffreport.diff_report`) in
the terminal: a few rich tables, each saying what it adds up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_report"]


def print_report(console: Console, report: dict[str, Any], *, by: str) -> None:
    """Print every section of a diff report; ``by`` picks the team or department roll-up."""
    console.print(_title(report))
    console.print(_summary(report))
    for table in (
        _totals(report),
        _rollup(report, by),
        _bridge(report),
        _lines(report),
        _definitions(report),
        _history(report),
        _statuses(report),
    ):
        if table is not None:
            console.print(table)


def _title(report: dict[str, Any]) -> str:
    a, b = report["from"], report["to"]
    return (
        f"[bold]Plan {report['plan']}: version {a['number']} ({a['author']}, "
        f"{a['created_at'][:16].replace('T', ' ')}) to version {b['number']} "
        f"({b['author']}, {b['created_at'][:16].replace('T', ' ')})[/]"
    )


def _summary(report: dict[str, Any]) -> str:
    s = report["summary"]
    text = (
        f"{s['changed']:,} changed, {s['added']:,} added, {s['removed']:,} removed lines; "
        f"{s['unchanged']:,} compared lines unchanged; {len(s['skipped_parts'])} parts "
        f"({s['skipped_rows']:,} lines) unchanged, skipped by their content hash"
    )
    if s["below_threshold"]:
        text += f"; {s['below_threshold']:,} changes under the threshold hidden"
    return text


def _amount(text: str | None) -> str:
    if text is None:
        return ""
    value = Decimal(text)
    return f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"


def _signed(text: str) -> str:
    value = Decimal(text)
    color = "green" if value > 0 else "red" if value < 0 else ""
    shown = ("+" if value > 0 else "") + _amount(text)
    return f"[{color}]{shown}[/]" if color else shown


def _table(title: str, *columns: str, right: tuple[str, ...] = ()) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table


def _totals(report: dict[str, Any]) -> Table | None:
    if not report["totals"]:
        return None
    table = _table(
        "Changed lines: totals by scenario and unit",
        "scenario",
        "unit",
        "A",
        "B",
        "delta",
        right=("A", "B", "delta"),
    )
    for row in report["totals"]:
        table.add_row(
            row["scenario"],
            row["unit"],
            _amount(row["old"]),
            _amount(row["new"]),
            _signed(row["delta"]),
        )
    return table


def _rollup(report: dict[str, Any], by: str) -> Table | None:
    rows = report["rollups"][by]
    if not rows:
        return None
    table = _table(
        f"Change in operating income by {by} (costs negative)",
        "scenario",
        by,
        "delta",
        right=("delta",),
    )
    for row in rows:
        table.add_row(row["scenario"], row[by], _signed(row["delta"]))
    return table


def _bridge(report: dict[str, Any]) -> Table | None:
    bridge = report["bridge"]
    if bridge is None:
        return None
    table = _table(
        f"Bridge of operating income ({bridge['scenario']}, {bridge['unit']}) by {bridge['by']}",
        "step",
        "amount",
        right=("amount",),
    )
    for step in bridge["steps"]:
        edge = step["step"] in ("start", "end")
        label = {"start": "A", "end": "B"}.get(step["step"], step["step"])
        table.add_row(label, _amount(step["amount"]) if edge else _signed(step["amount"]))
    return table


def _lines(report: dict[str, Any]) -> Table | None:
    if not report["lines"]:
        return None
    shown, total = len(report["lines"]), report["lines_total"]
    table = _table(
        f"Changed lines, largest first ({shown:,} of {total:,}; --format csv for all)",
        "scenario",
        "team",
        "account",
        "line",
        "period",
        "change",
        "old",
        "new",
        "delta",
        "%",
        right=("old", "new", "delta", "%"),
    )
    for r in report["lines"]:
        pct = "" if r["pct"] is None else f"{r['pct']:+.1f}%"
        table.add_row(
            r["scenario"],
            r["team"],
            r["account"],
            r["line"],
            r["period"],
            r["change"],
            _amount(r["old"]),
            _amount(r["new"]),
            _signed(r["delta"]),
            pct,
        )
    return table


def _definitions(report: dict[str, Any]) -> Table | None:
    if not report["definitions"]:
        return None
    table = _table("Plan definition changes", "kind", "id", "change", "what")
    for d in report["definitions"]:
        fields = [f"{f['field']}: {f['old'] or '-'} -> {f['new'] or '-'}" for f in d["fields"]]
        what = "; ".join(fields[:4]) + (f"; +{len(fields) - 4} more" if len(fields) > 4 else "")
        table.add_row(d["kind"], d["id"], d["change"], what if d["change"] == "changed" else "")
    return table


def _history(report: dict[str, Any]) -> Table | None:
    if not report["history"]:
        return None
    table = _table("Who changed what", "version", "when (UTC)", "author", "message", "parts")
    for v in report["history"]:
        parts = ", ".join(v["changed"][:6]) + (
            f" +{len(v['changed']) - 6}" if len(v["changed"]) > 6 else ""
        )
        when = v["created_at"][:16].replace("T", " ")
        table.add_row(str(v["number"]), when, v["author"], v["message"], parts)
    return table


def _statuses(report: dict[str, Any]) -> Table | None:
    if not report["statuses"]:
        return None
    table = _table("Status changes", "version", "when (UTC)", "part", "status", "by", "comment")
    for s in report["statuses"]:
        table.add_row(
            str(s["version"]),
            s["at"][:16].replace("T", " "),
            s["part"],
            s["status"],
            s["actor"],
            s["comment"],
        )
    return table
