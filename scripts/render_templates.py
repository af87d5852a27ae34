"""Render every sheet of the demo templates to PNG for docs/ (LibreOffice -> PDF -> pdftoppm).

Run ``bash scripts/render-templates``. The team template is shown filled with the demo
company's budget for Sales North America, so the images show what a team lead sees. The
diff report's Summary (``docs/images/diff-report.png``, see docs/diff.md) is rendered from
``planbook diff first-drafts board-approved`` on a demo store loaded for it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from addin.libreoffice import convert
from addin.metadata import SHEET
from addin.templates import company_workbook, team_template
from addin.templates.files import save_workbook
from planbook.demo import Demo, build_demo
from server.demo import load_demo
from server.store.store import Store

DOCS = Path(__file__).parents[1] / "docs" / "images"
DPI = "80"


def render(
    workbook: Path, prefix: str, work: Path, out: Path = DOCS, sheets: list[str] | None = None
) -> list[Path]:
    """One PNG of the first page of every visible sheet (or of ``sheets``) into ``out``."""
    names = sheets or [n for n in openpyxl.load_workbook(workbook).sheetnames if n != SHEET]
    images = []
    for name in names:
        wb = openpyxl.load_workbook(workbook)
        for ws in wb.worksheets:
            ws.sheet_state = "visible" if ws.title == name else "hidden"
        wb.active = wb.sheetnames.index(name)
        single = save_workbook(wb, work / f"{prefix}-{name.lower()}.xlsx")
        pdf = convert(single, work / "pdf", "pdf")
        target = out / f"{prefix}-{name.lower()}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", DPI, "-f", "1", "-l", "1", "-singlefile", pdf, target],
            check=True,
        )
        images.append(target.with_suffix(".png"))
    return images


def main() -> None:
    demo = build_demo()
    DOCS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        team = team_template(demo.plan, "sales-na", facts=demo.facts, positions=demo.positions)
        images = render(save_workbook(team, work / "team.xlsx"), "team", work)
        company = company_workbook(demo.plan)
        images += render(save_workbook(company, work / "company.xlsx"), "company", work)
        images.append(render_diff_report(demo, work))
    for image in images:
        print(image.relative_to(DOCS.parent.parent), file=sys.stdout)


def render_diff_report(demo: Demo, work: Path) -> Path:
    """The Summary of the demo's diff report, first drafts to board-approved."""
    db = work / "demo.db"
    store = Store.open(f"sqlite:///{db}")
    try:
        load_demo(store, demo)
    finally:
        store.close()
    report = work / "diff-report.xlsx"
    planbook = Path(sys.executable).with_name("planbook")
    subprocess.run(
        [
            planbook,
            "diff",
            "first-drafts",
            "board-approved",
            "--format",
            "xlsx",
            "-o",
            report,
            "--db",
            str(db),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (summary,) = render(report, "diff-report", work, sheets=["Summary"])
    return summary.replace(DOCS / "diff-report.png")


if __name__ == "__main__":
    main()
