"""The docs' template pictures can be made here: LibreOffice -> PDF -> pdftoppm -> PNG."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from addin.templates import team_template
from addin.templates.files import save_workbook

SCRIPT = Path(__file__).parents[3] / "scripts" / "render_templates.py"
pytestmark = pytest.mark.slow


def test_render_a_template_sheet_to_png(tmp_path, demo):
    spec = importlib.util.spec_from_file_location("render_templates", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    wb = team_template(demo.plan, "sales-na", facts=demo.facts, positions=demo.positions)
    source = save_workbook(wb, tmp_path / "team.xlsx")
    (image,) = module.render(source, "team", tmp_path / "work", tmp_path, ["Summary"])
    assert image == tmp_path / "team-summary.png"
    assert image.read_bytes().startswith(b"\x89PNG") and image.stat().st_size > 10_000
