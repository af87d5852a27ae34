"""Render every sheet of the demo templates to PNG for docs/ (LibreOffice -> PDF -> pdftoppm).

Run ``bash scripts/render-templates``. The team template is shown filled with the demo
company's budget for Sales North America, so the images show what a team lead sees.
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
from planbook.demo import build_demo

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
    for image in images:
        print(image.relative_to(DOCS.parent.parent), file=sys.stdout)


if __name__ == "__main__":
    main()
